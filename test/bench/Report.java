package bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rows of the bench table: one value per round and broker, shown as medians with the ratio ours/mosquitto. */
final class Report {
    static final String OURS = "mqttconf";
    static final String MOSQUITTO = "mosquitto";

    /**
     * A measured quantity; {@code higherIsBetter} says which way is good. The target is the ratio
     * ours/mosquitto of {@code ratioLimit} (when {@code limit} is negative), or {@code limit} for our value alone
     * when the issue sets one; NaN for no target.
     */
    record Row(String group, String name, String unit, boolean higherIsBetter, double limit, double ratioLimit,
               Map<String, List<Double>> values) {
        double median(String broker) {
            List<Double> v = new ArrayList<>(values.getOrDefault(broker, List.of()));
            if (v.isEmpty()) return Double.NaN;
            v.sort(null);
            int n = v.size();
            return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /** A value compared with mosquitto: the target is a ratio of at least (or at most) 1.0. */
    void add(String group, String name, String unit, boolean higherIsBetter, String broker, double value) {
        add(group, name, unit, higherIsBetter, 1.0, false, broker, value);
    }

    /** A value compared with mosquitto: the target is a ratio of at least (or at most) {@code ratioLimit}. */
    void addRatio(String group, String name, String unit, boolean higherIsBetter, double ratioLimit, String broker,
                  double value) {
        add(group, name, unit, higherIsBetter, ratioLimit, false, broker, value);
    }

    /** A value with an absolute target for ours, or none when {@code limit} is NaN. */
    void add(String group, String name, String unit, boolean higherIsBetter, double limit, String broker,
             double value) {
        add(group, name, unit, higherIsBetter, limit, true, broker, value);
    }

    private void add(String group, String name, String unit, boolean higherIsBetter, double limit, boolean absolute,
                     String broker, double value) {
        rows.computeIfAbsent(group + "\u0000" + name, k -> new Row(group, name, unit, higherIsBetter,
                absolute ? limit : -1, absolute ? Double.NaN : limit, new LinkedHashMap<>()))
                .values().computeIfAbsent(broker, k -> new ArrayList<>()).add(value);
    }

    void note(String text) {
        notes.add(text);
    }

    double median(String group, String name, String broker) {
        Row r = rows.get(group + "\u0000" + name);
        return r == null ? Double.NaN : r.median(broker);
    }

    String markdown(String header) {
        StringBuilder b = new StringBuilder(header).append("\n\n");
        b.append("| group | scenario | unit | mqttconf | mosquitto | ours/mosquitto | target | met |\n");
        b.append("|---|---|---|---:|---:|---:|---|:---:|\n");
        for (Row r : rows.values()) {
            double ours = r.median(OURS), mosq = r.median(MOSQUITTO);
            double ratio = ours / mosq;
            boolean byRatio = r.limit() < 0;
            double value = byRatio ? ratio : ours, limit = byRatio ? r.ratioLimit() : r.limit();
            String target = Double.isNaN(limit) || Double.isNaN(value) || Double.isInfinite(value) ? ""
                    : (r.higherIsBetter() ? ">= " : "<= ")
                    + (byRatio ? String.format(Locale.ROOT, "%.1fx", limit) : format(limit) + " " + r.unit());
            String met = target.isEmpty() ? ""
                    : (r.higherIsBetter() ? value >= limit : value <= limit) ? "yes" : "**no**";
            b.append("| ").append(r.group()).append(" | ").append(r.name()).append(" | ").append(r.unit())
                    .append(" | ").append(format(ours)).append(" | ").append(format(mosq)).append(" | ")
                    .append(Double.isNaN(ratio) || Double.isInfinite(ratio) ? "" : String.format(Locale.ROOT, "%.2fx", ratio))
                    .append(" | ").append(target).append(" | ").append(met).append(" |\n");
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            for (String n : notes) b.append("- ").append(n).append('\n');
        }
        return b.toString();
    }

    static String format(double v) {
        if (Double.isNaN(v)) return "-";
        if (Math.abs(v) >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
