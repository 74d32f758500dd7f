package mqttconf.broker.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import mqttconf.spec.Statement;

/**
 * What one client id did under observation: how often each client obligation was checked on its traffic, and
 * the breaches. Written by the event loop, read by reports from any thread.
 */
public final class ClientRecord {
    /** Breaches kept per client; more are counted but not stored, so a flood cannot exhaust memory. */
    static final int MAX_KEPT = 200;

    private final String clientId;
    /** Counts by statement, only for those seen: a record per client id ever seen must stay small. */
    private final Map<Statement, AtomicLong> checked = new ConcurrentHashMap<>();
    private final Map<Statement, AtomicLong> breached = new ConcurrentHashMap<>();
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
    public void checked(Statement s) {
        checked.computeIfAbsent(s, x -> new AtomicLong()).incrementAndGet();
    }

    public synchronized void breach(Breach b) {
        if (b.statement() != null) breached.computeIfAbsent(b.statement(), x -> new AtomicLong()).incrementAndGet();
        else unnumbered++;
        if (breaches.size() < MAX_KEPT) breaches.add(b);
    }

    /** A CONNECT with this client id was accepted. */
    public synchronized void connected() {
        connections++;
    }

    /** How often the broker checked this obligation on this client's traffic. */
    public long checkedCount(Statement s) {
        AtomicLong n = checked.get(s);
        return n == null ? 0 : n.get();
    }

    /** How often the client broke it. */
    public long breachedCount(Statement s) {
        AtomicLong n = breached.get(s);
        return n == null ? 0 : n.get();
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
        long n = unnumbered;
        for (AtomicLong b : breached.values()) n += b.get();
        return n;
    }
}
