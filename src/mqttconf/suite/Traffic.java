package mqttconf.suite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The run's recent traffic, every test's connections together, time-stamped: what the watchdog looks at to
 * name the test and the bytes sent just before the server stopped answering.
 */
final class Traffic {
    /** Enough for several seconds of a busy run: the trigger is looked for seconds after it was sent. */
    private static final int KEPT = 40000;

    /** One packet sent ({@code sent}) or received by connection {@code connection} of {@code test}. */
    record Line(long nanos, String test, String connection, boolean sent, String packet) {
    }

    /**
     * The test and the packet most likely to have stopped the server, and the next few requests of other tests
     * left unanswered from then on (the trigger may be among them: a request queued behind it looks the same).
     */
    record Trigger(String test, String packet, List<String> alsoUnanswered, long nanos) {
    }

    private final Deque<Line> lines = new ArrayDeque<>();
    /** The shape of the last request each connection sent, and the shapes of requests the server ever answered. */
    private final java.util.Map<String, String> lastRequest = new java.util.HashMap<>();
    private final java.util.Set<String> answeredShapes = new java.util.HashSet<>();

    /** A transcript line of {@code test}: {@code name -> packet} or {@code name <- packet}. */
    void record(String test, String line) {
        int out = line.indexOf(" -> ");
        int in = line.indexOf(" <- ");
        int at = out >= 0 && (in < 0 || out < in) ? out : in;
        if (at < 0) return;
        Line l = new Line(System.nanoTime(), test, line.substring(0, at), at == out, line.substring(at + 4));
        synchronized (this) {
            String key = l.test() + " " + l.connection();
            if (l.sent() && expectsReply(l.packet())) {
                lastRequest.put(key, shape(l.packet()));
            } else if (!l.sent()) {
                String asked = lastRequest.remove(key);
                if (asked != null) answeredShapes.add(asked);
            }
            lines.addLast(l);
            if (lines.size() > KEPT) lines.removeFirst();
        }
    }

    private static String shorten(String packet) {
        return packet.length() <= 120 ? packet : packet.substring(0, 120) + "...";
    }

    /**
     * False for what no server answers (QoS 0 PUBLISH, PUBACK, PUBCOMP, DISCONNECT), and for a valid CONNECT: one
     * left unanswered is what a stopped server does to every new connection, not what stops it.
     */
    private static boolean expectsReply(String packet) {
        return !(packet.startsWith("PUBLISH") && packet.contains("qos=0") || packet.startsWith("PubAck")
                || packet.startsWith("PubComp") || packet.startsWith("Disconnect") || packet.startsWith("CONNECT["));
    }

    /**
     * What kind of request a packet is: its type with QoS and DUP for a PUBLISH, the type alone for the others,
     * every byte for raw bytes (each malformed row is a kind of its own).
     */
    static String shape(String packet) {
        if (packet.startsWith("raw ")) return packet;
        int bracket = packet.indexOf('[');
        String type = bracket < 0 ? packet : packet.substring(0, bracket);
        if (!type.equals("PUBLISH")) return type;
        int q = packet.indexOf("qos=");
        return type + " " + packet.substring(q, q + 5) + (packet.contains(", dup,") ? " dup" : "");
    }

    /**
     * Among the packets sent between {@code from} and {@code to} that call for an answer, the first after which
     * its connection received nothing more: the server stopped answering it. A request of a kind the server has answered
     * before in this run (a SUBSCRIBE, a PUBREC) is more likely a victim than the cause, so the first request of a
     * kind never answered comes first; tests in {@code not} are left out (an earlier event's trigger). Else the last
     * packet sent before {@code to}; null if none.
     */
    synchronized Trigger trigger(long from, long to, java.util.Collection<String> not) {
        List<Line> all = new ArrayList<>(lines);
        Line last = null;
        Line first = null;
        List<String> others = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Line l = all.get(i);
            if (!l.sent() || l.nanos() > to || not.contains(l.test())) continue;
            last = l;
            if (l.nanos() < from || !expectsReply(l.packet())) continue;
            boolean answered = false;
            for (int k = i + 1; k < all.size() && !answered; k++) {
                Line r = all.get(k);
                answered = !r.sent() && r.test().equals(l.test()) && r.connection().equals(l.connection());
            }
            if (answered) continue;
            if (first == null || answeredShapes.contains(shape(first.packet())) && !answeredShapes.contains(shape(l.packet()))) {
                if (first != null && others.size() < 3) others.add(0, first.test() + ": " + first.connection() + " -> " + shorten(first.packet()));
                first = l;
            } else if (others.size() < 3 && !l.test().equals(first.test())) {
                String o = l.test() + ": " + l.connection() + " -> " + shorten(l.packet());
                if (others.stream().noneMatch(x -> x.startsWith(l.test() + ":"))) others.add(o);
            }
        }
        if (first != null) {
            String t = first.test();
            return new Trigger(t, first.connection() + " -> " + first.packet(),
                    others.stream().filter(o -> !o.startsWith(t + ":")).toList(), first.nanos());
        }
        return last == null ? null : new Trigger(last.test(), last.connection() + " -> " + last.packet(), List.of(), last.nanos());
    }
}
