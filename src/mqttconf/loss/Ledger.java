package mqttconf.loss;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What was published and what each subscriber received, per stream (one publisher at one QoS, sequence numbers
 * 0, 1, 2, ...), and the verdict: lost (completed at the publisher, never received), duplicated (received
 * again) and out of order (received for the first time after a higher number of the same stream). A QoS 1
 * duplicate may go backwards; that is not out of order. Thread-safe.
 */
final class Ledger {
    /** Totals for one QoS level over every subscriber and stream. */
    record Totals(int qos, long sent, long completed, long unfinished, long received, long lost, long duplicated,
                  long outOfOrder) {
        /** QoS 1 must lose nothing; QoS 2 must lose and duplicate nothing; no level may reorder or stall. */
        boolean perfect() {
            return lost == 0 && unfinished == 0 && outOfOrder == 0 && (qos < 2 || duplicated == 0);
        }
    }

    private static final class Published {
        final int qos;
        final BitSet sent = new BitSet();
        final BitSet completed = new BitSet();

        Published(int qos) {
            this.qos = qos;
        }
    }

    private static final class Seen {
        final BitSet seen = new BitSet();
        int highest = -1;
        long received;
        long duplicated;
        long outOfOrder;
    }

    private final Map<String, Published> streams = new TreeMap<>();
    private final Map<String, Map<String, Seen>> bySubscriber = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();
    private long foreign;

    synchronized void declare(String stream, int qos) {
        streams.putIfAbsent(stream, new Published(qos));
    }

    synchronized void subscriber(String name) {
        bySubscriber.putIfAbsent(name, new HashMap<>());
    }

    /** The publisher handed message {@code seq} to the server (at least once). */
    synchronized void sent(String stream, int seq) {
        streams.get(stream).sent.set(seq);
    }

    /** The publisher's flow for {@code seq} finished: PUBACK (QoS 1) or PUBCOMP (QoS 2). */
    synchronized void completed(String stream, int seq) {
        streams.get(stream).completed.set(seq);
    }

    /** What one arrival was. */
    enum Arrival { FIRST, DUPLICATE, OUT_OF_ORDER, FOREIGN }

    /** {@code subscriber} received message {@code seq} of {@code stream}. */
    synchronized Arrival received(String subscriber, String stream, int seq) {
        if (!streams.containsKey(stream) || seq < 0) {
            foreign++;
            return Arrival.FOREIGN;
        }
        Arrival arrival = Arrival.FIRST;
        Seen s = bySubscriber.computeIfAbsent(subscriber, k -> new HashMap<>()).computeIfAbsent(stream, k -> new Seen());
        s.received++;
        if (s.seen.get(seq)) {
            s.duplicated++;
            arrival = Arrival.DUPLICATE;
        } else {
            if (seq < s.highest) {
                s.outOfOrder++;
                arrival = Arrival.OUT_OF_ORDER;
            }
            s.seen.set(seq);
        }
        s.highest = Math.max(s.highest, seq);
        return arrival;
    }

    /** The highest sequence number {@code subscriber} has received of {@code stream}, or -1. */
    synchronized int highest(String subscriber, String stream) {
        Seen s = bySubscriber.getOrDefault(subscriber, Map.of()).get(stream);
        return s == null ? -1 : s.highest;
    }

    /** Keeps the first few anomalies, described, as evidence for the report. */
    synchronized void example(String text) {
        if (examples.size() < 20) {
            examples.add(text);
        }
    }

    synchronized List<String> examples() {
        return List.copyOf(examples);
    }

    /** Messages received that belong to no stream of this run (wrong topic or unreadable payload). */
    synchronized long foreign() {
        return foreign;
    }

    /** True when every subscriber has received every completed message. */
    synchronized boolean allDelivered() {
        for (Map<String, Seen> subs : bySubscriber.values()) {
            for (Map.Entry<String, Published> e : streams.entrySet()) {
                Seen s = subs.get(e.getKey());
                BitSet missing = (BitSet) e.getValue().completed.clone();
                if (s != null) {
                    missing.andNot(s.seen);
                }
                if (!missing.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Totals for {@code qos}: sent and completed count messages once; received, lost and so on per subscriber. */
    synchronized Totals totals(int qos) {
        long sent = 0, completed = 0, unfinished = 0, received = 0, lost = 0, duplicated = 0, outOfOrder = 0;
        for (Map.Entry<String, Published> e : streams.entrySet()) {
            Published p = e.getValue();
            if (p.qos != qos) {
                continue;
            }
            sent += p.sent.cardinality();
            completed += p.completed.cardinality();
            BitSet open = (BitSet) p.sent.clone();
            open.andNot(p.completed);
            unfinished += open.cardinality();
            for (Map<String, Seen> subs : bySubscriber.values()) {
                Seen s = subs.getOrDefault(e.getKey(), new Seen());
                BitSet missing = (BitSet) p.completed.clone();
                missing.andNot(s.seen);
                lost += missing.cardinality();
                received += s.received;
                duplicated += s.duplicated;
                outOfOrder += s.outOfOrder;
            }
        }
        return new Totals(qos, sent, completed, unfinished, received, lost, duplicated, outOfOrder);
    }

    /** Lost sequence numbers of one stream at one subscriber, for the report (at most {@code limit}). */
    synchronized List<Integer> lost(String subscriber, String stream, int limit) {
        Seen s = bySubscriber.getOrDefault(subscriber, Map.of()).getOrDefault(stream, new Seen());
        BitSet missing = (BitSet) streams.get(stream).completed.clone();
        missing.andNot(s.seen);
        return missing.stream().limit(limit).boxed().toList();
    }

    synchronized List<String> streams() {
        return List.copyOf(streams.keySet());
    }

    synchronized List<String> subscribers() {
        return List.copyOf(bySubscriber.keySet());
    }
}
