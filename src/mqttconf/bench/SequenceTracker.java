package mqttconf.bench;

import java.util.BitSet;

/**
 * What one subscriber received, by publisher and sequence number: distinct messages, duplicates and messages
 * that arrived after a later one from the same publisher (MQTT keeps one publisher's order on a topic
 * [MQTT-4.6.0-6]). Used by one thread.
 */
public final class SequenceTracker {
    private final BitSet[] seen;
    private final int[] highest;
    private long received;
    private long distinct;
    private long duplicates;
    private long outOfOrder;
    private long foreign;

    public SequenceTracker(int publishers) {
        seen = new BitSet[publishers];
        highest = new int[publishers];
        java.util.Arrays.fill(highest, -1);
    }

    /** Counts one message; returns false for a message that is not from this run. */
    public boolean record(int publisher, int sequence) {
        if (publisher < 0 || publisher >= seen.length || sequence < 0) {
            foreign++;
            return false;
        }
        received++;
        BitSet s = seen[publisher];
        if (s == null) s = seen[publisher] = new BitSet();
        if (s.get(sequence)) {
            duplicates++;
            return true;
        }
        s.set(sequence);
        distinct++;
        if (sequence < highest[publisher]) outOfOrder++;
        else highest[publisher] = sequence;
        return true;
    }

    /** Messages that should have arrived but did not, given how many each publisher sent to this subscriber. */
    public long lost(long expected) {
        return Math.max(0, expected - distinct);
    }

    public long received() {
        return received;
    }

    public long distinct() {
        return distinct;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    /** Messages on our topics whose payload does not carry a publisher of this run. */
    public long foreign() {
        return foreign;
    }
}
