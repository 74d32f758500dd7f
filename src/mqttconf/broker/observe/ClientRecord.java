package mqttconf.broker.observe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import mqttconf.spec.Statement;

/**
 * What one client id did under observation: how often each client obligation was checked on its traffic, and
 * the breaches. Written by the event loop, read by reports from any thread.
 */
public final class ClientRecord {
    /** Breaches kept per client; more are counted but not stored, so a flood cannot exhaust memory. */
    static final int MAX_KEPT = 200;

    private final String clientId;
    /**
     * Counts by statement, only for those seen: a record per client id ever seen must stay small (ten thousand
     * idle clients hold ten thousand records), so one array each of {@link Counts packed} entries rather than a
     * map of boxed counters.
     */
    private long[] checked = Counts.NONE;
    private long[] breached = Counts.NONE;
    /** Null before the first breach. */
    private List<Breach> breaches;
    private long unnumbered;
    private long connections;

    ClientRecord(String clientId) {
        this.clientId = clientId;
    }

    public String clientId() {
        return clientId;
    }

    /** The obligation was checked on this client's traffic. */
    public synchronized void checked(Statement s) {
        checked = Counts.increment(checked, s);
    }

    public synchronized void breach(Breach b) {
        if (b.statement() != null) breached = Counts.increment(breached, b.statement());
        else unnumbered++;
        if (breaches == null) breaches = new ArrayList<>();
        if (breaches.size() < MAX_KEPT) breaches.add(b);
    }

    /** A CONNECT with this client id was accepted. */
    public synchronized void connected() {
        connections++;
    }

    /** How often the broker checked this obligation on this client's traffic. */
    public synchronized long checkedCount(Statement s) {
        return Counts.get(checked, s);
    }

    /** How often the client broke it. */
    public synchronized long breachedCount(Statement s) {
        return Counts.get(breached, s);
    }

    /** Breaches of rules without a statement number (e.g. a packet type only a server sends). */
    public synchronized long unnumberedCount() {
        return unnumbered;
    }

    /** Accepted CONNECTs with this client id. */
    public synchronized long connections() {
        return connections;
    }

    /** The breaches in the order seen (the first {@value #MAX_KEPT}). */
    public synchronized List<Breach> breaches() {
        return breaches != null ? List.copyOf(breaches) : List.of();
    }

    /** Total breaches, kept or not. */
    public synchronized long breachCount() {
        return unnumbered + Counts.total(breached);
    }

    /**
     * Counts by statement in one array: each used entry is a statement's index in its high bits and its count in
     * the low {@value #COUNT_BITS}, unused entries (at the end) are 0 since a count is at least 1. Half the memory
     * of an index array beside a count array, and no object around them. The caller holds the record's lock.
     */
    private static final class Counts {
        static final long[] NONE = {};
        private static final int COUNT_BITS = 44;
        /** A count stops here rather than overflow into the index: 1.7e13, 200 days at a million a second. */
        private static final long MAX_COUNT = (1L << COUNT_BITS) - 1;
        private static final int GROWTH = 2;

        /** {@code counts} with the count of {@code s} one higher: the same array, or a longer copy. */
        static long[] increment(long[] counts, Statement s) {
            int i = find(counts, s);
            if (i >= 0) {
                if ((counts[i] & MAX_COUNT) < MAX_COUNT) counts[i]++;
                // The most counted first, where find meets them soonest: every PUBLISH counts about ten statements,
                // and a linear search past those its CONNECT counted once was a quarter of the broker's time under
                // load.
                if (i > 0 && (counts[i] & MAX_COUNT) > (counts[i - 1] & MAX_COUNT)) {
                    long c = counts[i];
                    counts[i] = counts[i - 1];
                    counts[i - 1] = c;
                }
                return counts;
            }
            int size = size(counts);
            if (size == counts.length) counts = Arrays.copyOf(counts, size + GROWTH);
            counts[size] = (long) s.index() << COUNT_BITS | 1;
            return counts;
        }

        static long get(long[] counts, Statement s) {
            int i = find(counts, s);
            return i < 0 ? 0 : counts[i] & MAX_COUNT;
        }

        static long total(long[] counts) {
            long n = 0;
            for (long c : counts) n += c & MAX_COUNT;
            return n;
        }

        private static int size(long[] counts) {
            int n = 0;
            while (n < counts.length && counts[n] != 0) n++;
            return n;
        }

        private static int find(long[] counts, Statement s) {
            long index = s.index();
            for (int i = 0; i < counts.length && counts[i] != 0; i++) if (counts[i] >>> COUNT_BITS == index) return i;
            return -1;
        }
    }
}
