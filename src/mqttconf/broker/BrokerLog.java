package mqttconf.broker;

import java.io.PrintStream;
import java.util.TimeZone;

import mqttconf.broker.net.NetLog;

/** Log lines in the style of Paho's test broker: {@code INFO 20261125 061659 message}. Thread-safe. */
public final class BrokerLog implements NetLog {
    private final PrintStream out;

    private BrokerLog(PrintStream out) {
        this.out = out;
    }

    /** Lines go to {@code out}. */
    public static BrokerLog to(PrintStream out) {
        return new BrokerLog(out);
    }

    /** Drops every line (in-process brokers in tests). */
    public static BrokerLog silent() {
        return new BrokerLog(null);
    }

    @Override
    public void info(String message) {
        line("INFO", message);
    }

    @Override
    public void error(String message) {
        line("ERROR", message);
    }

    private void line(String level, String message) {
        if (out == null) return;
        String text = level + " " + timestamp(System.currentTimeMillis(), TimeZone.getDefault()) + " " + message;
        synchronized (out) {
            out.println(text);
        }
    }

    /**
     * {@code millis} as {@code yyyyMMdd HHmmss} in {@code zone}. Computed here rather than with java.time's
     * formatter, whose classes (formatter, chronology, zone rules: about 200) were a tenth of all a broker start
     * loads, for one log prefix.
     */
    static String timestamp(long millis, TimeZone zone) {
        long local = millis + zone.getOffset(millis);
        long days = Math.floorDiv(local, 86_400_000L);
        int seconds = (int) (Math.floorMod(local, 86_400_000L) / 1000);
        // Days since 1970-01-01 to a proleptic Gregorian date, in 400-year eras starting on March 1st.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthFromMarch + 2) / 5 + 1);
        int month = (int) (monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder b = new StringBuilder(15).append(year);
        two(b, month);
        two(b, day);
        b.append(' ');
        two(b, seconds / 3600);
        two(b, seconds / 60 % 60);
        two(b, seconds % 60);
        return b.toString();
    }

    private static void two(StringBuilder b, int n) {
        if (n < 10) b.append('0');
        b.append(n);
    }
}
