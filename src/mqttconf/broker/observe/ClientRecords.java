package mqttconf.broker.observe;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link ClientRecord} of every client id the broker has seen, in order of first appearance, up to a limit:
 * a long-running broker with client id churn (assigned ids, fuzzers) must not grow without bound. Past the limit
 * the oldest record without breaches goes first, since it has the least to tell. Thread-safe.
 */
public final class ClientRecords {
    /** Records kept; about 1.4 KB each. */
    public static final int DEFAULT_LIMIT = 10_000;
    /** How many of the oldest records are searched for one without breaches before the oldest goes anyway. */
    private static final int EVICTION_SCAN = 64;

    private final Map<String, ClientRecord> byClientId = new LinkedHashMap<>();
    private final int limit;
    private long dropped;

    public ClientRecords() {
        this(DEFAULT_LIMIT);
    }

    public ClientRecords(int limit) {
        if (limit < 1) throw new IllegalArgumentException("client record limit must be at least 1");
        this.limit = limit;
    }

    /** The record of {@code clientId}, created on first use. */
    public synchronized ClientRecord of(String clientId) {
        ClientRecord r = byClientId.get(clientId);
        if (r != null) return r;
        if (byClientId.size() >= limit) evictOne();
        r = new ClientRecord(clientId);
        byClientId.put(clientId, r);
        return r;
    }

    private void evictOne() {
        Iterator<ClientRecord> it = byClientId.values().iterator();
        for (int i = 0; i < EVICTION_SCAN && it.hasNext(); i++) {
            if (it.next().breachCount() == 0) {
                it.remove();
                dropped++;
                return;
            }
        }
        it = byClientId.values().iterator();
        it.next();
        it.remove();
        dropped++;
    }

    public synchronized List<ClientRecord> all() {
        return new ArrayList<>(byClientId.values());
    }

    /** How many records were dropped to stay within the limit (reports say so). */
    public synchronized long dropped() {
        return dropped;
    }

    /** Every breach of every client, in order of client, then time. */
    public List<Breach> breaches() {
        List<Breach> out = new ArrayList<>();
        for (ClientRecord r : all()) out.addAll(r.breaches());
        return out;
    }
}
