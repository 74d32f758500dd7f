package mqttconf.broker;

import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * What the server does with each packet a client sends, and when a connection ends or expires. Runs on the
 * event loop thread; every rule it acts on is counted with its statement at the line that does the work.
 */
final class ProtocolHandler {
    private static final Statement TCP_TRANSPORT = Statements.get("MQTT-7.1.1-1");
    private static final Statement FIRST_PACKET_CONNECT = Statements.get("MQTT-3.1.0-1");
    private static final Statement SECOND_CONNECT = Statements.get("MQTT-3.1.0-2");
    private static final Statement KEEP_ALIVE_EXPIRED = Statements.get("MQTT-3.1.2-24");
    private static final Statement WILL_STORED = Statements.get("MQTT-3.1.2-8");
    private static final Statement WILL_REMOVED = Statements.get("MQTT-3.1.2-10");
    private static final Statement NO_WILL_NOT_PUBLISHED = Statements.get("MQTT-3.1.2-12");
    private static final Statement WILL_NOT_RETAINED = Statements.get("MQTT-3.1.2-16");
    private static final Statement WILL_RETAINED = Statements.get("MQTT-3.1.2-17");
    private static final Statement DISCONNECT_DISCARDS_WILL = Statements.get("MQTT-3.14.4-3");
    private static final Statement SESSION_KEPT = Statements.get("MQTT-4.1.0-1");
    private static final Statement PUBLISH_RESPONSE = Statements.get("MQTT-3.3.4-1");
    private static final Statement ACK_SAME_PACKET_ID = Statements.get("MQTT-2.3.1-6");
    private static final Statement QOS1_RECEIVER = Statements.get("MQTT-4.3.2-2");
    private static final Statement QOS2_RECEIVER = Statements.get("MQTT-4.3.3-2");
    private static final Statement PINGRESP = Statements.get("MQTT-3.12.4-1");
    private static final Statement PROTOCOL_VIOLATION_CLOSES = Statements.get("MQTT-4.8.0-1");
    private static final Statement TRANSIENT_ERROR_CLOSES = Statements.get("MQTT-4.8.0-2");
    private static final Statement MALFORMED_CONNECT = Statements.get("MQTT-3.1.4-1");

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final EventLoop loop;
    private final SessionStore sessions;
    private final Delivery delivery;
    private final ConnectHandler connects;
    private final SubscribeHandler subscribes;

    ProtocolHandler(BrokerConfig config, Coverage coverage, BrokerLog log, EventLoop loop, SessionStore sessions,
                    TopicTree topics, Delivery delivery) {
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.loop = loop;
        this.sessions = sessions;
        this.delivery = delivery;
        this.connects = new ConnectHandler(config, coverage, log, loop, sessions, delivery);
        this.subscribes = new SubscribeHandler(coverage, topics, delivery);
    }

    void accepted(Connection c) {
        coverage.exercised(TCP_TRANSPORT);
        if (config.verbose()) log.info("connection " + c.id + " from " + c.remote);
    }

    void received(Connection c, Packet p) {
        if (c.state == Connection.State.AWAITING_CONNECT) {
            if (p instanceof Connect connect) connects.connect(c, connect);
            else violation(c, FIRST_PACKET_CONNECT, p, "first packet is " + p.type() + ", not CONNECT");
            return;
        }
        Session s = c.session;
        switch (p) {
            case Connect x -> {
                coverage.exercised(SECOND_CONNECT);
                violation(c, null, p, "second CONNECT on one connection [" + SECOND_CONNECT + "]");
            }
            case Publish m -> publish(c, s, m);
            case PubAck a -> {
                if (!delivery.pubAck(s, a.packetId())) unexpected(c, p);
            }
            case PubRec r -> {
                if (!delivery.pubRec(s, r.packetId())) unexpected(c, p);
            }
            case PubRel r -> pubRel(c, s, r);
            case PubComp x -> {
                if (!delivery.pubComp(s, x.packetId())) unexpected(c, p);
            }
            case Subscribe x -> subscribes.subscribe(c, s, x);
            case Unsubscribe x -> subscribes.unsubscribe(c, s, x);
            case PingReq x -> {
                coverage.exercised(PINGRESP);
                c.send(new PingResp());
            }
            case Disconnect x -> {
                if (c.will != null) {
                    coverage.exercised(DISCONNECT_DISCARDS_WILL);
                    coverage.exercised(WILL_REMOVED);
                    c.will = null;
                }
                loop.close(c, "DISCONNECT");
            }
            case ConnAck x -> violation(c, null, p, "a server never receives CONNACK");
            case SubAck x -> violation(c, null, p, "a server never receives SUBACK");
            case UnsubAck x -> violation(c, null, p, "a server never receives UNSUBACK");
            case PingResp x -> violation(c, null, p, "a server never receives PINGRESP");
        }
    }

    private void publish(Connection c, Session s, Publish m) {
        coverage.exercised(PUBLISH_RESPONSE);
        switch (m.qos()) {
            case 0 -> delivery.publish(m);
            case 1 -> {
                delivery.publish(m);
                coverage.exercised(QOS1_RECEIVER);
                coverage.exercised(ACK_SAME_PACKET_ID);
                c.send(new PubAck(m.packetId()));
            }
            default -> {
                coverage.exercised(QOS2_RECEIVER);
                if (!s.awaitingPubrel.containsKey(m.packetId())) {
                    // A PUBLISH repeating an id that awaits PUBREL is the same message: acknowledge, never deliver twice.
                    s.awaitingPubrel.put(m.packetId(), config.publishOnPubrel() ? m : null);
                    if (!config.publishOnPubrel()) delivery.publish(m);
                }
                coverage.exercised(ACK_SAME_PACKET_ID);
                c.send(new PubRec(m.packetId()));
            }
        }
    }

    private void pubRel(Connection c, Session s, PubRel r) {
        coverage.exercised(QOS2_RECEIVER);
        Publish held = s.awaitingPubrel.remove(r.packetId());
        if (held != null) delivery.publish(held);
        c.send(new PubComp(r.packetId()));
    }

    /** An acknowledgement for a flow the server does not have: tolerated (the client may be resending). */
    private void unexpected(Connection c, Packet p) {
        log.info(c.name() + " sent " + p + " for no flow in progress; ignored");
    }

    /** A malformed packet: the statement it breaks is counted as violated and the connection closed. */
    void malformed(Connection c, MalformedPacketException e) {
        Statement broken = e.statementId() == null ? null : Statements.get(e.statementId());
        if (broken != null) coverage.exercised(broken);
        if (c.state == Connection.State.AWAITING_CONNECT) coverage.exercised(MALFORMED_CONNECT);
        violation(c, broken, null, "malformed packet: " + e.getMessage());
    }

    /**
     * The client broke a rule the server must close the connection for. This is where a breach is recorded:
     * statement (null if the rule has no number), client, offending packet (null if it could not be decoded).
     */
    void violation(Connection c, Statement broken, Packet p, String reason) {
        if (broken != null) coverage.violated(broken);
        coverage.exercised(PROTOCOL_VIOLATION_CLOSES);
        log.info("protocol violation by " + c.name() + ": " + reason + (p == null ? "" : " in " + p) + "; closing");
        loop.close(c, "protocol violation: " + reason);
    }

    void internalError(Connection c, Packet p, RuntimeException e) {
        coverage.exercised(TRANSIENT_ERROR_CLOSES);
        log.error("internal error handling " + p + " from " + c.name() + ": " + e + "; closing that connection");
        loop.close(c, "internal error: " + e);
    }

    void expired(Connection c) {
        switch (c.state) {
            case AWAITING_CONNECT -> loop.close(c, "no CONNECT within " + config.connectTimeout().toSeconds() + " s");
            case CONNECTED -> {
                coverage.exercised(KEEP_ALIVE_EXPIRED);
                log.info(c.name() + " sent nothing for 1.5 x keep alive " + c.keepAliveSeconds + " s; closing");
                loop.close(c, "keep alive expired");
            }
            default -> loop.close(c, "closing timed out");
        }
    }

    void tooSlow(Connection c) {
        log.info(c.name() + " does not read: " + c.pendingOutput() + " bytes pending; closing");
        loop.close(c, "too slow");
    }

    void outputDrained(Connection c) {
        if (c.session != null && !c.session.queue.isEmpty()) delivery.pump(c.session);
    }

    /** The network connection ended for any reason: publish the will unless DISCONNECT removed it. */
    void closed(Connection c, String reason) {
        if (config.verbose() || c.session != null) log.info("connection " + c.id + " (" + c.name() + ") closed: " + reason);
        Session s = c.session;
        if (s == null || s.connection != c) return;
        s.connection = null;
        if (s.cleanSession) sessions.discard(s);
        else coverage.exercised(SESSION_KEPT);
        Will w = c.will;
        c.will = null;
        if (w == null) {
            if (!c.willFlag) coverage.exercised(NO_WILL_NOT_PUBLISHED);
            return;
        }
        coverage.exercised(WILL_STORED);
        coverage.exercised(WILL_REMOVED);
        coverage.exercised(w.retain() ? WILL_RETAINED : WILL_NOT_RETAINED);
        delivery.publish(new Publish(w.topic(), w.payload(), w.qos(), w.retain(), false, 0));
    }
}
