package mqttconf.explore;

import java.util.List;

import mqttconf.cli.UsageException;

/**
 * One action of an explored trace, by a client slot ({@code a} to {@code e}). Topics and filters are relative to the
 * sequence's own topic base, so a trace means the same on every server and in every run. A step prints as one
 * readable line and parses back from it: that line is the replay file format.
 */
public sealed interface Step {
    /** Topics clients publish to; {@link #WILL_TOPIC} is the wills' own, so a will never races a client's retained message. */
    List<String> TOPICS = List.of("a", "b", "a/x", "b/x");
    String WILL_TOPIC = "w";
    /** Filters that overlap each other and the topics on purpose. */
    List<String> FILTERS = List.of("a", "b", "a/x", "+", "#", "+/x", "a/+", "a/#", "w");

    int client();

    /** CONNECT with cleanSession and an optional will (QoS, retain) on {@link #WILL_TOPIC}; a second one for a connected slot is a takeover. */
    record Connect(int client, boolean clean, int willQos, boolean willRetain) implements Step {
        public boolean hasWill() {
            return willQos >= 0;
        }
    }

    /** DISCONNECT, then the server's close. */
    record Disconnect(int client) implements Step { }

    /** The client ends the TCP connection without DISCONNECT (a crash): the will is published. */
    record Drop(int client) implements Step { }

    record Subscribe(int client, List<String> filters, int qos) implements Step {
        public Subscribe {
            filters = List.copyOf(filters);
        }
    }

    record Unsubscribe(int client, String filter) implements Step { }

    /** PUBLISH with its whole QoS flow; {@code empty} sends a zero-byte payload (with retain: clears the topic). */
    record Publish(int client, String topic, int qos, boolean retain, boolean empty) implements Step { }

    /** From now on the client does not acknowledge deliveries: QoS 1 and 2 flows stay half done. */
    record Hold(int client) implements Step { }

    /** The client acknowledges what it held, in order, and acknowledges again from then on. */
    record Release(int client) implements Step { }

    static String slot(int client) {
        return String.valueOf((char) ('a' + client));
    }

    /** The step as one line of a replay file. */
    static String format(Step s) {
        String c = slot(s.client());
        return switch (s) {
            case Connect x -> c + " connect clean=" + (x.clean() ? 1 : 0)
                    + (x.hasWill() ? " will=" + x.willQos() + (x.willRetain() ? "r" : "") : "");
            case Disconnect x -> c + " disconnect";
            case Drop x -> c + " drop";
            case Subscribe x -> c + " subscribe " + String.join(",", x.filters()) + " qos=" + x.qos();
            case Unsubscribe x -> c + " unsubscribe " + x.filter();
            case Publish x -> c + " publish " + x.topic() + " qos=" + x.qos() + (x.retain() ? " retain" : "")
                    + (x.empty() ? " empty" : "");
            case Hold x -> c + " hold";
            case Release x -> c + " release";
        };
    }

    /** Parses a line written by {@link #format}; a bad line is a {@link UsageException} naming it. */
    static Step parse(String line) {
        String[] w = line.trim().split("\\s+");
        if (w.length < 2 || w[0].length() != 1 || w[0].charAt(0) < 'a' || w[0].charAt(0) > 'e') throw bad(line);
        int c = w[0].charAt(0) - 'a';
        try {
            return switch (w[1]) {
                case "connect" -> {
                    boolean clean = value(w, 2, "clean=").equals("1");
                    if (w.length < 4) yield new Connect(c, clean, -1, false);
                    String will = value(w, 3, "will=");
                    yield new Connect(c, clean, Integer.parseInt(will.substring(0, 1)), will.endsWith("r"));
                }
                case "disconnect" -> new Disconnect(c);
                case "drop" -> new Drop(c);
                case "subscribe" -> new Subscribe(c, List.of(w[2].split(",")), Integer.parseInt(value(w, 3, "qos=")));
                case "unsubscribe" -> new Unsubscribe(c, w[2]);
                case "publish" -> {
                    List<String> rest = List.of(w).subList(4, w.length);
                    yield new Publish(c, w[2], Integer.parseInt(value(w, 3, "qos=")), rest.contains("retain"), rest.contains("empty"));
                }
                case "hold" -> new Hold(c);
                case "release" -> new Release(c);
                default -> throw bad(line);
            };
        } catch (RuntimeException e) {
            if (e instanceof UsageException u) throw u;
            throw bad(line);
        }
    }

    private static String value(String[] w, int i, String key) {
        if (i >= w.length || !w[i].startsWith(key)) throw new IllegalArgumentException(key);
        return w[i].substring(key.length());
    }

    private static UsageException bad(String line) {
        return new UsageException("not a step: '" + line.trim() + "'");
    }
}
