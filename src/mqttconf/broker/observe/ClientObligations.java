package mqttconf.broker.observe;

import java.time.Instant;
import java.util.List;

import mqttconf.broker.net.NetLog;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * Records what a client must do and did not, against its client id: every breach with its statement, evidence
 * and time, and how often each obligation was checked. Rules whose breach makes a packet undecodable are enforced
 * by the decoder; here they are counted as checked per packet type. The rules that need flow state live in
 * {@link FlowObligations}; each connection is followed by an {@link ObservedClient}. Runs on the event loop thread.
 *
 * <p>A check that finds a breach the server may tolerate returns why to close under --strict, else null.
 */
public final class ClientObligations {
    private final boolean strict;
    private final Coverage coverage;
    private final NetLog log;
    private final ClientRecords records;
    private final FlowObligations flows = new FlowObligations(this);

    /** {@code strict}: close on every breach, also those a server may tolerate (--strict). */
    public ClientObligations(boolean strict, Coverage coverage, NetLog log, ClientRecords records) {
        this.strict = strict;
        this.coverage = coverage;
        this.log = log;
        this.records = records;
    }

    /** What follows the connection {@code c} from its acceptance. */
    public ClientEvents watch(ClientView c) {
        return new ObservedClient(c, this, flows);
    }

    /**
     * The obligation with this id was checked on this client's traffic, against a packet (or a silence) that could
     * have broken it, met or not.
     */
    void checked(ObservedClient c, String id) {
        Statement s = Statements.get(id);
        coverage.checked(s);
        if (c.record != null) c.record.checked(s);
    }

    /**
     * Records a breach. {@code packet} is the offending packet (null when it could not be decoded or the breach is
     * something missing); the bytes are taken from the connection while it handles a packet.
     */
    void breach(ObservedClient c, Statement broken, Packet packet, String evidence, String reason, boolean closing) {
        if (broken != null) {
            coverage.checked(broken);
            if (c.record != null) c.record.checked(broken);
        }
        record(c, broken, packet, evidence, reason, closing);
    }

    /** Records a breach of an obligation already counted as checked. */
    private void record(ObservedClient c, Statement broken, Packet packet, String evidence, String reason,
                        boolean closing) {
        if (broken != null) coverage.violated(broken);
        ClientView v = c.view;
        ClientRecord r = c.record != null ? c.record
                : records.of("connection " + v.id() + " from " + v.remote() + " (before CONNECT)");
        String hex = packet != null || evidence == null ? v.packetHex() : "";
        String shown = packet != null ? packet.toString() : evidence == null ? "(undecodable)" : evidence;
        r.breach(new Breach(r.clientId(), v.id(), broken, Instant.now(), shown, hex, reason, closing));
        log.info("breach by " + v.name() + ": " + reason + (broken == null ? "" : " [" + broken + "]")
                + (closing ? "; closing" : ""));
    }

    /**
     * A client MUST that the server may tolerate: recorded, and the connection kept open unless --strict.
     * Returns why to close the connection, or null.
     */
    String tolerated(ObservedClient c, String id, Packet packet, String evidence, String reason) {
        Statement broken = Statements.get(id);
        record(c, broken, packet, evidence, reason, strict);
        return strict ? "breach of " + broken + " (--strict): " + reason : null;
    }

    /**
     * An accepted CONNECT: the client id gets its record, and the CONNECT rules this CONNECT could have broken
     * count as checked (the decoder closed on those it did break).
     */
    void connected(ObservedClient c, Connect p) {
        c.record = records.of(c.view.clientId());
        c.record.connected();
        checked(c, "MQTT-3.1.0-1");
        checked(c, "MQTT-2.2.2-1");
        checked(c, "MQTT-1.5.3-1");
        checked(c, "MQTT-1.5.3-2");
        checked(c, "MQTT-3.1.3-3");
        checked(c, "MQTT-3.1.3-4");
        if (p.clientId().isEmpty()) checked(c, "MQTT-3.1.3-7");
        if (p.will() != null) {
            checked(c, "MQTT-3.1.2-9");
            checked(c, "MQTT-3.1.2-14");
            checked(c, "MQTT-3.1.3-10");
            topicName(c, p.will().topic());
        } else {
            checked(c, "MQTT-3.1.2-11");
            checked(c, "MQTT-3.1.2-13");
            checked(c, "MQTT-3.1.2-15");
        }
        if (p.username() != null) {
            checked(c, "MQTT-3.1.2-19");
            checked(c, "MQTT-3.1.3-11");
        } else {
            checked(c, "MQTT-3.1.2-18");
            checked(c, "MQTT-3.1.2-22");
        }
        checked(c, p.password() != null ? "MQTT-3.1.2-21" : "MQTT-3.1.2-20");
    }

    /** A topic name the decoder accepted; a topic length field cannot exceed 65535 bytes [MQTT-4.7.3-3]. */
    private void topicName(ObservedClient c, String topic) {
        checked(c, "MQTT-4.7.1-1");
        checked(c, "MQTT-4.7.3-1");
        checked(c, "MQTT-4.7.3-2");
    }

    /** Topic filters the decoder accepted: the wildcard rules count where a wildcard was used. */
    private void topicFilters(ObservedClient c, List<String> filters) {
        checked(c, "MQTT-1.5.3-1");
        checked(c, "MQTT-1.5.3-2");
        checked(c, "MQTT-4.7.3-1");
        checked(c, "MQTT-4.7.3-2");
        if (filters.stream().anyMatch(f -> f.indexOf('#') >= 0)) checked(c, "MQTT-4.7.1-2");
        if (filters.stream().anyMatch(f -> f.indexOf('+') >= 0)) checked(c, "MQTT-4.7.1-3");
    }

    /** The rules a decoded packet could have broken and met; why to close for a breach, or null. */
    String decoded(ObservedClient c, Packet p) {
        switch (p) {
            case Publish m -> {
                checked(c, "MQTT-3.3.1-4");
                checked(c, "MQTT-3.3.2-1");
                checked(c, "MQTT-3.3.2-2");
                checked(c, "MQTT-1.5.3-1");
                checked(c, "MQTT-1.5.3-2");
                topicName(c, m.topic());
                if (m.qos() > 0) {
                    checked(c, "MQTT-2.3.1-1");
                    return null;
                }
                checked(c, "MQTT-3.3.1-2");
                checked(c, "MQTT-4.3.1-1");
                if (m.dup()) return tolerated(c, "MQTT-3.3.1-2", m, null, "QoS 0 PUBLISH with DUP=1");
            }
            case Packet.Subscribe x -> {
                checked(c, "MQTT-2.2.2-1");
                checked(c, "MQTT-3.8.1-1");
                checked(c, "MQTT-2.3.1-1");
                checked(c, "MQTT-3.8.3-1");
                checked(c, "MQTT-3.8.3-3");
                topicFilters(c, x.subscriptions().stream().map(Packet.Subscription::filter).toList());
            }
            case Packet.Unsubscribe x -> {
                checked(c, "MQTT-2.2.2-1");
                checked(c, "MQTT-3.10.1-1");
                checked(c, "MQTT-2.3.1-1");
                checked(c, "MQTT-3.10.3-1");
                checked(c, "MQTT-3.10.3-2");
                topicFilters(c, x.filters());
            }
            case Packet.PubRel x -> {
                checked(c, "MQTT-3.6.1-1");
                checked(c, "MQTT-2.2.2-1");
            }
            default -> checked(c, "MQTT-2.2.2-1");
        }
        return null;
    }

    /** The client closed its socket after DISCONNECT, as it must. */
    void closedAfterDisconnect(ObservedClient c) {
        checked(c, "MQTT-3.14.4-1");
        checked(c, "MQTT-3.14.4-2");
    }

    /** How much longer than its keep alive a client may stay silent before it counts as a breach. */
    static long keepAliveToleranceNanos(int keepAliveSeconds) {
        return Math.max(500_000_000L, keepAliveSeconds * 100_000_000L);
    }

    /**
     * Records a silence longer than keep alive plus tolerance [MQTT-3.1.2-23], once per silence; why to close for
     * it, or null.
     */
    String checkSilence(ObservedClient c, long now) {
        ClientView v = c.view;
        int keepAlive = v.keepAliveSeconds();
        if (keepAlive == 0 || c.silenceRecorded() || !v.connected()) return null;
        long silent = now - v.lastReceived();
        if (silent <= keepAlive * 1_000_000_000L + keepAliveToleranceNanos(keepAlive)) return null;
        c.recordSilence();
        checked(c, "MQTT-3.1.2-23");
        return tolerated(c, "MQTT-3.1.2-23", null, "(no packet)", "no packet for " + silent / 1_000_000 + " ms with keep alive "
                + keepAlive + " s (tolerance " + keepAliveToleranceNanos(keepAlive) / 1_000_000
                + " ms); the client must send PINGREQ when it has nothing else to send");
    }

    /**
     * Counts keep alive as checked for a connection that ends without having been silent too long, if it lasted
     * longer than its keep alive: a shorter one could not have broken it.
     */
    void keepAliveKept(ObservedClient c) {
        int keepAlive = c.view.keepAliveSeconds();
        if (keepAlive == 0 || c.silenceRecorded() || c.record == null) return;
        if (System.nanoTime() - c.connectedAt > keepAlive * 1_000_000_000L) checked(c, "MQTT-3.1.2-23");
    }
}
