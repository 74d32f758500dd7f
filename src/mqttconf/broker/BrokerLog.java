package mqttconf.broker;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import mqttconf.broker.net.NetLog;

/** Log lines in the style of Paho's test broker: {@code INFO 20261125 061659 message}. Thread-safe. */
public final class BrokerLog implements NetLog {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd HHmmss");

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
        String text = level + " " + LocalDateTime.now().format(TIME) + " " + message;
        synchronized (out) {
            out.println(text);
        }
    }
}
