package mqttconf.broker;

import java.time.Instant;
import java.util.List;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.broker.observe.ClientRecords;
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
 * {@link FlowObligations}. Runs on the event loop thread.
 */
final class ClientObligations {
    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final ClientRecords records;

    ClientObligations(BrokerConfig config, Coverage coverage, BrokerLog log, ClientRecords records) {
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.records = records;
    }

    /**
     * The obligation with this id was checked on this client's traffic, against a packet (or a silence) that could
     * have broken it, met or not.
     */
    void checked(Client c, String id) {
        Statement s = Statements.get(id);
        coverage.checked(s);
        if (c.record != null) c.record.checked(s);
    }

    /**
     * Records a breach. {@code packet} is the offending packet (null when it could not be decoded or the breach is
     * something missing); the bytes are taken from the connection while it handles a packet.
     */
    void breach(Client c, Statement broken, Packet packet, String evidence, String reason, boolean closing) {
        if (broken != null) {
            coverage.checked(broken);
            if (c.record != null) c.record.checked(broken);
        }
        record(c, broken, packet, evidence, reason, closing);
    }

    void breach(Client c, String id, Packet packet, String evidence, String reason, boolean closing) {
        breach(c, Statements.get(id), packet, evidence, reason, closing);
    }

    /** Records a breach of an obligation already counted as checked. */
    private void record(Client c, Statement broken, Packet packet, String evidence, String reason, boolean closing) {
        if (broken != null) coverage.violated(broken);
        ClientRecord r = c.record != null ? c.record
                : records.of("connection " + c.id + " from " + c.remote + " (before CONNECT)");
        String hex = packet != null || evidence == null ? c.link.packetHex() : "";
        String shown = packet != null ? packet.toString() : evidence == null ? "(undecodable)" : evidence;
        r.breach(new Breach(r.clientId(), c.id, broken, Instant.now(), shown, hex, reason, closing));
        log.info("breach by " + c.name() + ": " + reason + (broken == null ? "" : " [" + broken + "]")
                + (closing ? "; closing" : ""));
    }

    /**
     * A client MUST that the server may tolerate: recorded, and the connection kept open unless --strict.
     * Returns false when the connection was closed for it.
     */
    boolean tolerated(Client c, String id, Packet packet, String evidence, String reason) {
        Statement broken = Statements.get(id);
        record(c, broken, packet, evidence, reason, config.strict());
        if (!config.strict()) return true;
        c.link.close("breach of " + broken + " (--strict): " + reason);
        return false;
    }

    /**
     * An accepted CONNECT: the client id gets its record, and the CONNECT rules this CONNECT could have broken
     * count as checked (the decoder closed on those it did break).
     */
    void connected(Client c, Connect p) {
        c.record = records.of(c.clientId);
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
    private void topicName(Client c, String topic) {
        checked(c, "MQTT-4.7.1-1");
        checked(c, "MQTT-4.7.3-1");
        checked(c, "MQTT-4.7.3-2");
    }

    /** Topic filters the decoder accepted: the wildcard rules count where a wildcard was used. */
    private void topicFilters(Client c, List<String> filters) {
        checked(c, "MQTT-1.5.3-1");
        checked(c, "MQTT-1.5.3-2");
        checked(c, "MQTT-4.7.3-1");
        checked(c, "MQTT-4.7.3-2");
        if (filters.stream().anyMatch(f -> f.indexOf('#') >= 0)) checked(c, "MQTT-4.7.1-2");
        if (filters.stream().anyMatch(f -> f.indexOf('+') >= 0)) checked(c, "MQTT-4.7.1-3");
    }

    /** A zero-length client id with clean session 0; the server refuses it (0x02). */
    void emptyClientIdWithoutCleanSession(Client c, Connect p) {
        breach(c, "MQTT-3.1.3-7", p, null, "zero-length client id with clean session 0", true);
    }

    /** The rules a decoded packet could have broken and met; false if the connection was closed for a breach. */
    boolean decoded(Client c, Packet p) {
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
                    return true;
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
        return true;
    }

    /** The first packet was not CONNECT. */
    void firstPacketNotConnect(Client c, Packet p) {
        breach(c, "MQTT-3.1.0-1", p, null, "first packet is " + p.type() + ", not CONNECT", true);
    }

    /** Bytes after DISCONNECT on the same connection [MQTT-3.14.4-2]; the connection is over, so it closes. */
    void afterDisconnect(Client c, Packet p) {
        breach(c, "MQTT-3.14.4-2", p, null, p.type() + " sent after DISCONNECT on the same connection", true);
    }

    void malformedAfterDisconnect(Client c, String why) {
        breach(c, "MQTT-3.14.4-2", null, null, "bytes sent after DISCONNECT on the same connection: " + why, true);
    }

    /** The client closed its socket after DISCONNECT, as it must. */
    void closedAfterDisconnect(Client c) {
        checked(c, "MQTT-3.14.4-1");
        checked(c, "MQTT-3.14.4-2");
    }

    /**
     * The close wait after DISCONNECT passed with the socket still open [MQTT-3.14.4-1]. The statement sets no
     * deadline: a client that closes late has kept it, so only one still open after a long wait is recorded.
     */
    void notClosedAfterDisconnect(Client c) {
        breach(c, "MQTT-3.14.4-1", null, "(socket still open)", "socket still open "
                + config.closeWait().toMillis() + " ms after DISCONNECT (--close-wait); the client must close it", true);
    }

    /** How much longer than its keep alive a client may stay silent before it counts as a breach. */
    static long keepAliveToleranceNanos(int keepAliveSeconds) {
        return Math.max(500_000_000L, keepAliveSeconds * 100_000_000L);
    }

    /**
     * Records a silence longer than keep alive plus tolerance [MQTT-3.1.2-23], once per silence; false if the
     * connection was closed for it.
     */
    boolean checkSilence(Client c, long now) {
        if (c.keepAliveSeconds == 0 || c.silenceRecorded() || c.state != Client.State.CONNECTED) return true;
        long silent = now - c.link.lastReceived();
        if (silent <= c.keepAliveSeconds * 1_000_000_000L + keepAliveToleranceNanos(c.keepAliveSeconds)) return true;
        c.recordSilence();
        checked(c, "MQTT-3.1.2-23");
        return tolerated(c, "MQTT-3.1.2-23", null, "(no packet)", "no packet for " + silent / 1_000_000 + " ms with keep alive "
                + c.keepAliveSeconds + " s (tolerance " + keepAliveToleranceNanos(c.keepAliveSeconds) / 1_000_000
                + " ms); the client must send PINGREQ when it has nothing else to send");
    }

    /**
     * Counts keep alive as checked for a connection that ends without having been silent too long, if it lasted
     * longer than its keep alive: a shorter one could not have broken it.
     */
    void keepAliveKept(Client c) {
        if (c.keepAliveSeconds == 0 || c.silenceRecorded() || c.record == null) return;
        if (System.nanoTime() - c.connectedAt > c.keepAliveSeconds * 1_000_000_000L) checked(c, "MQTT-3.1.2-23");
    }
}
