package mqttconf.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link ClientRecord} of every client id the broker has seen, in order of first appearance. Thread-safe. */
public final class ClientRecords {
    private final Map<String, ClientRecord> byClientId = new LinkedHashMap<>();

    /** The record of {@code clientId}, created on first use. */
    public synchronized ClientRecord of(String clientId) {
        return byClientId.computeIfAbsent(clientId, ClientRecord::new);
    }

    public synchronized List<ClientRecord> all() {
        return new ArrayList<>(byClientId.values());
    }

    /** Every breach of every client, in order of client, then time. */
    public List<Breach> breaches() {
        List<Breach> out = new ArrayList<>();
        for (ClientRecord r : all()) out.addAll(r.breaches());
        return out;
    }
}
