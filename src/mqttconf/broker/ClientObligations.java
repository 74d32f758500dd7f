package mqttconf.broker;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
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
    private static final Statement UTF8_WELL_FORMED = Statements.get("MQTT-1.5.3-1");
    private static final Statement UTF8_NO_NULL = Statements.get("MQTT-1.5.3-2");
    private static final Statement RESERVED_FLAGS = Statements.get("MQTT-2.2.2-1");
    private static final Statement NON_ZERO_PACKET_ID = Statements.get("MQTT-2.3.1-1");
    private static final Statement FIRST_PACKET_CONNECT = Statements.get("MQTT-3.1.0-1");
    private static final Statement EMPTY_ID_NEEDS_CLEAN_SESSION = Statements.get("MQTT-3.1.3-7");
    private static final Statement WILL_TOPIC_UTF8 = Statements.get("MQTT-3.1.3-10");
    private static final Statement USER_NAME_UTF8 = Statements.get("MQTT-3.1.3-11");
    private static final Statement DUP_ZERO_FOR_QOS0 = Statements.get("MQTT-3.3.1-2");
    private static final Statement QOS0_SENDER = Statements.get("MQTT-4.3.1-1");
    private static final Statement KEEP_ALIVE = Statements.get("MQTT-3.1.2-23");
    private static final Statement CLOSE_AFTER_DISCONNECT = Statements.get("MQTT-3.14.4-1");
    private static final Statement NOTHING_AFTER_DISCONNECT = Statements.get("MQTT-3.14.4-2");
    private static final List<Statement> CONNECT_RULES = list("MQTT-3.1.2-9", "MQTT-3.1.2-11", "MQTT-3.1.2-13",
            "MQTT-3.1.2-14", "MQTT-3.1.2-15", "MQTT-3.1.2-18", "MQTT-3.1.2-19", "MQTT-3.1.2-20", "MQTT-3.1.2-21",
            "MQTT-3.1.2-22", "MQTT-3.1.3-3", "MQTT-3.1.3-4", "MQTT-3.1.3-7", "MQTT-3.1.0-1", "MQTT-1.5.3-1",
            "MQTT-1.5.3-2", "MQTT-2.2.2-1");
    private static final List<Statement> TOPIC_NAME_RULES = list("MQTT-3.3.2-1", "MQTT-3.3.2-2", "MQTT-4.7.1-1",
            "MQTT-4.7.3-1", "MQTT-4.7.3-2", "MQTT-4.7.3-3");
    private static final List<Statement> PUBLISH_RULES = list("MQTT-3.3.1-4", "MQTT-3.3.2-1", "MQTT-3.3.2-2",
            "MQTT-4.7.1-1", "MQTT-4.7.3-1", "MQTT-4.7.3-2", "MQTT-4.7.3-3", "MQTT-1.5.3-1", "MQTT-1.5.3-2");
    private static final List<Statement> FILTER_RULES = list("MQTT-2.2.2-1", "MQTT-2.3.1-1", "MQTT-4.7.1-2",
            "MQTT-4.7.1-3", "MQTT-4.7.3-1", "MQTT-4.7.3-2", "MQTT-4.7.3-3", "MQTT-1.5.3-1", "MQTT-1.5.3-2");
    private static final List<Statement> SUBSCRIBE_RULES = list("MQTT-3.8.1-1", "MQTT-3.8.3-1", "MQTT-3.8.3-3");
    private static final List<Statement> UNSUBSCRIBE_RULES = list("MQTT-3.10.1-1", "MQTT-3.10.3-1", "MQTT-3.10.3-2");
    private static final Statement PUBREL_FLAGS = Statements.get("MQTT-3.6.1-1");

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final EventLoop loop;
    private final ClientRecords records;

    ClientObligations(BrokerConfig config, Coverage coverage, BrokerLog log, EventLoop loop, ClientRecords records) {
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.loop = loop;
        this.records = records;
    }

    private static List<Statement> list(String... ids) {
        return Arrays.stream(ids).map(Statements::get).toList();
    }

    /** The obligation was checked on this client's traffic (met or not). */
    void checked(Connection c, Statement s) {
        coverage.exercised(s);
        if (c.record != null) c.record.checked(s);
    }

    private void checked(Connection c, List<Statement> rules) {
        for (Statement s : rules) checked(c, s);
    }

    /**
     * Records a breach. {@code packet} is the offending packet (null when it could not be decoded or the breach is
     * something missing); the bytes are taken from the connection while it handles a packet.
     */
    void breach(Connection c, Statement broken, Packet packet, String evidence, String reason, boolean closing) {
        if (broken != null && c.record != null) c.record.checked(broken);
        record(c, broken, packet, evidence, reason, closing);
    }

    /** Records a breach of an obligation already counted as checked. */
    private void record(Connection c, Statement broken, Packet packet, String evidence, String reason, boolean closing) {
        if (broken != null) coverage.violated(broken);
        ClientRecord r = c.record != null ? c.record
                : records.of("connection " + c.id + " from " + c.remote + " (before CONNECT)");
        String hex = packet != null || evidence == null ? c.currentPacketHex() : "";
        String shown = packet != null ? packet.toString() : evidence == null ? "(undecodable)" : evidence;
        r.breach(new Breach(r.clientId(), c.id, broken, Instant.now(), shown, hex, reason, closing));
        log.info("breach by " + c.name() + ": " + reason + (broken == null ? "" : " [" + broken + "]")
                + (closing ? "; closing" : ""));
    }

    /**
     * A client MUST that the server may tolerate: recorded, and the connection kept open unless --strict.
     * Returns false when the connection was closed for it.
     */
    boolean tolerated(Connection c, Statement broken, Packet packet, String evidence, String reason) {
        record(c, broken, packet, evidence, reason, config.strict());
        if (!config.strict()) return true;
        loop.close(c, "breach of " + broken + " (--strict): " + reason);
        return false;
    }

    /** An accepted CONNECT: the client id gets its record and the CONNECT rules count as checked. */
    void connected(Connection c, Connect p) {
        c.record = records.of(c.clientId);
        c.record.connected();
        checked(c, CONNECT_RULES);
        if (p.will() != null) {
            checked(c, WILL_TOPIC_UTF8);
            checked(c, TOPIC_NAME_RULES);
        }
        if (p.username() != null) checked(c, USER_NAME_UTF8);
    }

    /** A zero-length client id with clean session 0; the server refuses it (0x02). */
    void emptyClientIdWithoutCleanSession(Connection c, Connect p) {
        breach(c, EMPTY_ID_NEEDS_CLEAN_SESSION, p, null, "zero-length client id with clean session 0", true);
    }

    /** The rules a decoded packet met; false if the connection was closed for a breach. */
    boolean decoded(Connection c, Packet p) {
        switch (p) {
            case Publish m -> {
                checked(c, PUBLISH_RULES);
                if (m.qos() > 0) {
                    checked(c, NON_ZERO_PACKET_ID);
                    return true;
                }
                checked(c, DUP_ZERO_FOR_QOS0);
                checked(c, QOS0_SENDER);
                if (m.dup()) return tolerated(c, DUP_ZERO_FOR_QOS0, m, null, "QoS 0 PUBLISH with DUP=1");
            }
            case Packet.Subscribe x -> {
                checked(c, FILTER_RULES);
                checked(c, SUBSCRIBE_RULES);
            }
            case Packet.Unsubscribe x -> {
                checked(c, FILTER_RULES);
                checked(c, UNSUBSCRIBE_RULES);
            }
            case Packet.PubRel x -> {
                checked(c, PUBREL_FLAGS);
                checked(c, RESERVED_FLAGS);
            }
            default -> checked(c, RESERVED_FLAGS);
        }
        return true;
    }

    /** The first packet was not CONNECT. */
    void firstPacketNotConnect(Connection c, Packet p) {
        breach(c, FIRST_PACKET_CONNECT, p, null, "first packet is " + p.type() + ", not CONNECT", true);
    }

    /** Bytes after DISCONNECT on the same connection [MQTT-3.14.4-2]; the connection is over, so it closes. */
    void afterDisconnect(Connection c, Packet p) {
        breach(c, NOTHING_AFTER_DISCONNECT, p, null, p.type() + " sent after DISCONNECT on the same connection", true);
    }

    void malformedAfterDisconnect(Connection c, String why) {
        breach(c, NOTHING_AFTER_DISCONNECT, null, null, "bytes sent after DISCONNECT on the same connection: " + why, true);
    }

    /** The client closed its socket after DISCONNECT, as it must. */
    void closedAfterDisconnect(Connection c) {
        checked(c, CLOSE_AFTER_DISCONNECT);
        checked(c, NOTHING_AFTER_DISCONNECT);
    }

    /**
     * The close wait after DISCONNECT passed with the socket still open [MQTT-3.14.4-1]. The statement sets no
     * deadline: a client that closes late has kept it, so only one still open after a long wait is recorded.
     */
    void notClosedAfterDisconnect(Connection c) {
        breach(c, CLOSE_AFTER_DISCONNECT, null, "(socket still open)", "socket still open "
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
    boolean checkSilence(Connection c, long now) {
        if (c.keepAliveSeconds == 0 || c.silenceRecorded || c.state != Connection.State.CONNECTED) return true;
        long silent = now - c.lastReceived;
        if (silent <= c.keepAliveSeconds * 1_000_000_000L + keepAliveToleranceNanos(c.keepAliveSeconds)) return true;
        c.silenceRecorded = true;
        return tolerated(c, KEEP_ALIVE, null, "(no packet)", "no packet for " + silent / 1_000_000 + " ms with keep alive "
                + c.keepAliveSeconds + " s (tolerance " + keepAliveToleranceNanos(c.keepAliveSeconds) / 1_000_000
                + " ms); the client must send PINGREQ when it has nothing else to send");
    }

    /** Counts keep alive as checked for a connection that ends without having been silent too long. */
    void keepAliveKept(Connection c) {
        if (c.keepAliveSeconds > 0 && !c.silenceRecorded && c.record != null) checked(c, KEEP_ALIVE);
    }
}
