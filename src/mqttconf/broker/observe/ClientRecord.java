package mqttconf.broker.observe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import mqttconf.spec.Statement;

/**
 * What one client id did under observation: how often each client obligation was checked on its traffic, and
 * the breaches. Written by the event loop thread only, read by reports from any thread.
 */
public final class ClientRecord {
    /** Breaches kept per client; more are counted but not stored, so a flood cannot exhaust memory. */
    static final int MAX_KEPT = 200;

    private final String clientId;
    /**
     * Counts by statement, only for those seen: a record per client id ever seen must stay small (ten thousand
     * idle clients hold ten thousand records), so one {@link Counts} table each rather than a map of boxed
     * counters. {@code checked} is counted about ten times a PUBLISH, so it takes no lock: the loop thread is its
     * only writer, and a new table replaces a full one only once filled.
     */
    private volatile long[] checked = Counts.NONE;
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

    /** The obligation was checked on this client's traffic. Loop thread only. */
    public void checked(Statement s) {
        long[] t = checked;
        if (!Counts.increment(t, s)) checked = Counts.add(t, s);
    }

    public synchronized void breach(Breach b) {
        if (b.statement() != null) {
            if (!Counts.increment(breached, b.statement())) breached = Counts.add(breached, b.statement());
        } else {
            unnumbered++;
        }
        if (breaches == null) breaches = new ArrayList<>();
        if (breaches.size() < MAX_KEPT) breaches.add(b);
    }

    /** A CONNECT with this client id was accepted. */
    public synchronized void connected() {
        connections++;
    }

    /** How often the broker checked this obligation on this client's traffic. */
    public long checkedCount(Statement s) {
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
     * Counts by statement in one open-addressed table: each used slot holds a statement's index in its high bits
     * and its count in the low {@value #COUNT_BITS}, an unused slot is 0 since a count is at least 1. A statement
     * is looked for from slot {@code index mod length} on, so a count is found in a probe or two and stays in its
     * slot: a reader on another thread never sees it move. A full table is replaced by a copy twice as long (the
     * lengths are powers of two; a table fills to the last slot, so the dozen or so counts of an idle client's
     * CONNECT fit in sixteen). Slots are written with release and read with acquire semantics, so a reader sees
     * each count as of some moment.
     */
    private static final class Counts {
        static final long[] NONE = {};
        private static final int COUNT_BITS = 44;
        /** A count stops here rather than overflow into the index: 1.7e13, 200 days at a million a second. */
        private static final long MAX_COUNT = (1L << COUNT_BITS) - 1;
        private static final int FIRST_LENGTH = 4;
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

        /** Counts {@code s} once in {@code table}; false if it has no slot there yet. */
        static boolean increment(long[] table, Statement s) {
            int i = find(table, s);
            if (i < 0) return false;
            long slot = table[i];
            if ((slot & MAX_COUNT) < MAX_COUNT) SLOT.setRelease(table, i, slot + 1);
            return true;
        }

        /** A table holding what {@code table} holds and a count of 1 for {@code s}, which it lacks. */
        static long[] add(long[] table, Statement s) {
            long[] t = table;
            if (isFull(t)) {
                t = new long[Math.max(FIRST_LENGTH, table.length * 2)];
                for (long slot : table) put(t, slot);
            }
            put(t, (long) s.index() << COUNT_BITS | 1);
            return t;
        }

        static long get(long[] table, Statement s) {
            int i = find(table, s);
            return i < 0 ? 0 : (long) SLOT.getAcquire(table, i) & MAX_COUNT;
        }

        static long total(long[] table) {
            long n = 0;
            for (long slot : table) n += slot & MAX_COUNT;
            return n;
        }

        private static boolean isFull(long[] table) {
            for (long slot : table) if (slot == 0) return false;
            return true;
        }

        /** Puts {@code slot} in the first free slot from its statement's own; {@code table} has one free. */
        private static void put(long[] table, long slot) {
            int mask = table.length - 1;
            int i = (int) (slot >>> COUNT_BITS) & mask;
            while (table[i] != 0) i = (i + 1) & mask;
            SLOT.setRelease(table, i, slot);
        }

        private static int find(long[] table, Statement s) {
            int mask = table.length - 1;
            long index = s.index();
            for (int n = 0, i = s.index() & mask; n < table.length; n++, i = (i + 1) & mask) {
                long slot = (long) SLOT.getAcquire(table, i);
                if (slot == 0) return -1;
                if (slot >>> COUNT_BITS == index) return i;
            }
            return -1;
        }
    }
}
