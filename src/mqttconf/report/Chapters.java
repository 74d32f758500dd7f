package mqttconf.report;

import java.util.HashMap;
import java.util.Map;

import mqttconf.suite.TestCase;

/**
 * The chapters of the standard a test sits in: number ({@code 3.1}), title ({@code CONNECT}) and one word for
 * CI readers, which split a JUnit classname at its last dot ({@code mqttconf.CONNECT}, not {@code mqttconf.3.1}).
 */
public final class Chapters {
    private record Chapter(String title, String word) { }

    private static final Map<String, Chapter> ALL = new HashMap<>();

    static {
        String[] rows = {
            "1.5", "Data representation", "DataRepresentation",
            "2.2", "Fixed header", "FixedHeader",
            "2.3", "Variable header", "PacketIdentifier",
            "3.1", "CONNECT", "CONNECT", "3.2", "CONNACK", "CONNACK", "3.3", "PUBLISH", "PUBLISH",
            "3.4", "PUBACK", "PUBACK", "3.5", "PUBREC", "PUBREC", "3.6", "PUBREL", "PUBREL", "3.7", "PUBCOMP", "PUBCOMP",
            "3.8", "SUBSCRIBE", "SUBSCRIBE", "3.9", "SUBACK", "SUBACK", "3.10", "UNSUBSCRIBE", "UNSUBSCRIBE",
            "3.11", "UNSUBACK", "UNSUBACK", "3.12", "PINGREQ", "PINGREQ", "3.13", "PINGRESP", "PINGRESP",
            "3.14", "DISCONNECT", "DISCONNECT",
            "4.1", "Storing state", "StoringState",
            "4.3", "Quality of Service levels and protocol flows", "QoSFlows",
            "4.4", "Message delivery retry", "DeliveryRetry",
            "4.5", "Message receipt", "MessageReceipt",
            "4.6", "Message ordering", "MessageOrdering",
            "4.7", "Topic names and topic filters", "TopicNames",
            "4.8", "Handling errors", "HandlingErrors",
            "6.0", "Using WebSocket as a network transport", "WebSocket",
            "7.0", "Conformance", "Conformance", "7.1", "Conformance targets", "Conformance"};
        for (int i = 0; i < rows.length; i += 3) ALL.put(rows[i], new Chapter(rows[i + 1], rows[i + 2]));
    }

    private Chapters() {
    }

    /** The chapter of a test, e.g. {@code 3.1} for section 3.1.2. */
    public static String of(TestCase t) {
        String[] parts = t.section().split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    /** {@code 3.1 CONNECT}; the number alone for a chapter without a known title. */
    public static String heading(String chapter) {
        Chapter c = ALL.get(chapter);
        return c == null ? chapter : chapter + " " + c.title();
    }

    /** One word naming the chapter, letters only: {@code CONNECT}, {@code QoSFlows}. */
    public static String word(String chapter) {
        Chapter c = ALL.get(chapter);
        return c == null ? "Section" + chapter.replace('.', '_') : c.word();
    }

    /** Orders section numbers numerically: 3.2 before 3.10. */
    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
