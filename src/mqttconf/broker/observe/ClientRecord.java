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
     * idle clients hold ten thousand records), so two arrays each rather than a map of boxed counters.
     */
    private final Counts checked = new Counts();
    private final Counts breached = new Counts();
    private final List<Breach> breaches = new ArrayList<>();
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
        checked.increment(s);
    }

    public synchronized void breach(Breach b) {
        if (b.statement() != null) breached.increment(b.statement());
        else unnumbered++;
        if (breaches.size() < MAX_KEPT) breaches.add(b);
    }

    /** A CONNECT with this client id was accepted. */
    public synchronized void connected() {
        connections++;
    }

    /** How often the broker checked this obligation on this client's traffic. */
    public synchronized long checkedCount(Statement s) {
        return checked.get(s);
    }

    /** How often the client broke it. */
    public synchronized long breachedCount(Statement s) {
        return breached.get(s);
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
        return List.copyOf(breaches);
    }

    /** Total breaches, kept or not. */
    public synchronized long breachCount() {
        return unnumbered + breached.total();
    }

    /** Counts by statement index, for the statements seen so far; guarded by the record's lock. */
    private static final class Counts {
        private static final int GROWTH = 4;
        private static final int[] NO_STATEMENTS = {};
        private static final long[] NO_COUNTS = {};
        private int[] statements = NO_STATEMENTS;
        private long[] counts = NO_COUNTS;
        private int size;

        void increment(Statement s) {
            int i = find(s);
            if (i < 0) {
                if (size == statements.length) {
                    statements = Arrays.copyOf(statements, size + GROWTH);
                    counts = Arrays.copyOf(counts, size + GROWTH);
                }
                i = size++;
                statements[i] = s.index();
            }
            counts[i]++;
            // The most counted first, where find meets them soonest: every PUBLISH counts about ten statements,
            // and a linear search past those its CONNECT counted once was a quarter of the broker's time under load.
            if (i > 0 && counts[i] > counts[i - 1]) {
                int statement = statements[i];
                long count = counts[i];
                statements[i] = statements[i - 1];
                counts[i] = counts[i - 1];
                statements[i - 1] = statement;
                counts[i - 1] = count;
            }
        }

        long get(Statement s) {
            int i = find(s);
            return i < 0 ? 0 : counts[i];
        }

        long total() {
            long n = 0;
            for (int i = 0; i < size; i++) n += counts[i];
            return n;
        }

        private int find(Statement s) {
            int index = s.index();
            for (int i = 0; i < size; i++) if (statements[i] == index) return i;
            return -1;
        }
    }
}
