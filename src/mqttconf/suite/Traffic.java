package mqttconf.suite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
     * The test and the packet most likely to have stopped the server, when the outage may have begun ({@code
     * nanos}: that packet, an earlier suspect or an earlier request left unanswered, whichever was sent first), the next few requests
     * of other tests left unanswered from then on, and the tests that sent a request of a new kind left unanswered
     * (the trigger among them): those are not run again, they might stop the server again.
     */
    record Trigger(String test, String packet, List<String> alsoUnanswered, long nanos, List<String> suspects) {
    }

    private final Deque<Line> lines = new ArrayDeque<>();
    /** The shape of the last request each connection sent, and the shapes of requests the server ever answered. */
    private final Map<String, String> lastRequest = new HashMap<>();
    /** When a request of each kind was first answered (nano time). */
    private final Map<String, Long> answeredShapes = new HashMap<>();
    private long lastConnAck = Long.MIN_VALUE;

    /** When a test last received a CONNACK (nano time): the server was serving new connections until then. */
    synchronized long lastConnAck() {
        return lastConnAck;
    }

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
                if (asked != null) answeredShapes.putIfAbsent(asked, l.nanos());
                if (l.packet().startsWith("ConnAck[")) lastConnAck = l.nanos();
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
     * the first byte of raw bytes (a malformed row's packet type and flags).
     */
    static String shape(String packet) {
        if (packet.startsWith("raw ")) return packet.length() <= 6 ? packet : packet.substring(0, 6);
        int bracket = packet.indexOf('[');
        String type = bracket < 0 ? packet : packet.substring(0, bracket);
        if (!type.equals("PUBLISH")) return type;
        int q = packet.indexOf("qos=");
        return type + " " + packet.substring(q, q + 5) + (packet.contains(", dup,") ? " dup" : "");
    }

    /** Requests reaching a server by different connections may be taken in another order than sent, by this much. */
    private static final long REORDER = 5_000_000;

    /**
     * The request most likely to have stopped the server, among those sent between {@code from} and {@code to} that
     * call for an answer and after which their connection received nothing more. A request of a kind the server has
     * answered before in this run (a SUBSCRIBE, a PUBREC) is a victim rather than the cause; of the others (the
     * suspects), the first sent after the server last answered a connection it then stopped answering: one sent
     * before was followed by the server still serving. A request sent after {@code settled} may yet be answered:
     * it is no evidence. Tests in {@code not} are left out (an earlier event's trigger). Else the last packet sent
     * before {@code to}; null if none.
     */
    synchronized Trigger trigger(long from, long to, Collection<String> not, long settled) {
        to = Math.min(to, settled);
        List<Line> all = new ArrayList<>(lines);
        int n = all.size();
        boolean[] answered = new boolean[n];
        Set<String> heard = new HashSet<>();
        for (int i = n - 1; i >= 0; i--) {
            Line l = all.get(i);
            if (!l.sent()) heard.add(key(l));
            else answered[i] = heard.contains(key(l));
        }
        // A connection left unanswered on a request of a kind answered before: the outage reached it then.
        Map<String, Long> lostAt = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Line l = all.get(i);
            if (l.sent() && !answered[i] && l.nanos() >= from && l.nanos() <= to && expectsReply(l.packet())
                    && answeredBefore(l)) {
                lostAt.putIfAbsent(key(l), l.nanos());
            }
        }
        long lastServed = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            Line l = all.get(i);
            Long lost = lostAt.get(key(l));
            if (l.sent() && answered[i] && lost != null && l.nanos() >= from && l.nanos() < lost && expectsReply(l.packet())) {
                lastServed = Math.max(lastServed, l.nanos());
            }
        }
        Line last = null;
        Line chosen = null;
        Line firstSuspect = null;
        Line firstVictim = null;
        List<String> suspects = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Line l = all.get(i);
            if (!l.sent() || l.nanos() > to || not.contains(l.test())) continue;
            last = l;
            if (l.nanos() < from || !expectsReply(l.packet()) || answered[i]) continue;
            if (answeredBefore(l)) {
                if (firstVictim == null) firstVictim = l;
                if (others.size() < 3 && others.stream().noneMatch(x -> x.startsWith(l.test() + ":"))) {
                    others.add(l.test() + ": " + l.connection() + " -> " + shorten(l.packet()));
                }
                continue;
            }
            if (!suspects.contains(l.test())) suspects.add(l.test());
            if (firstSuspect == null) firstSuspect = l;
            if (chosen == null && l.nanos() + REORDER >= lastServed) chosen = l;
        }
        // No suspect after the server last served: the first request of any kind sent after that (a second worker
        // lost to a packet of a kind that first went well, say).
        Line afterServed = null;
        for (int i = 0; i < n && chosen == null && afterServed == null; i++) {
            Line l = all.get(i);
            if (l.sent() && !answered[i] && !not.contains(l.test()) && l.nanos() >= from && l.nanos() <= to
                    && l.nanos() + REORDER >= lastServed && lastServed != Long.MIN_VALUE && expectsReply(l.packet())) {
                afterServed = l;
            }
        }
        Line t = chosen != null ? chosen : afterServed != null ? afterServed : firstSuspect != null ? firstSuspect
                : firstVictim != null ? firstVictim : last;
        if (t == null) return null;
        String test = t.test();
        List<String> unanswered = new ArrayList<>();
        for (String s : suspects) if (!s.equals(test) && unanswered.size() < 3) unanswered.add(s + " (a request of a new kind)");
        for (String o : others) if (!o.startsWith(test + ":") && unanswered.size() < 4) unanswered.add(o);
        long start = firstSuspect != null ? Math.min(firstSuspect.nanos(), t.nanos()) : t.nanos();
        // The outage began no later than the first request of the window left unanswered, of whatever kind: a valid
        // CONNECT too (no trigger, but the first sign of client ids lost). A test that ended after it met the outage,
        // whichever packet is named.
        for (int i = 0; i < n; i++) {
            Line l = all.get(i);
            if (l.sent() && !answered[i] && l.nanos() >= from && l.nanos() <= to && !not.contains(l.test())
                    && (expectsReply(l.packet()) || l.packet().startsWith("CONNECT["))) {
                start = Math.min(start, l.nanos());
                break;
            }
        }
        return new Trigger(test, t.connection() + " -> " + t.packet(), unanswered, start, suspects);
    }

    /** True if a request of the kind {@code l} sent was answered before it was sent. */
    private boolean answeredBefore(Line l) {
        Long first = answeredShapes.get(shape(l.packet()));
        return first != null && first < l.nanos();
    }

    private static String key(Line l) {
        return l.test() + " " + l.connection();
    }
}
