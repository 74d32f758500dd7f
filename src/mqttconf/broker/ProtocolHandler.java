package mqttconf.broker;

import java.util.List;
import java.util.function.Supplier;

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

    private static final long SWEEP_NANOS = 250_000_000L;

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final EventLoop loop;
    private final SessionStore sessions;
    private final Delivery delivery;
    private final ConnectHandler connects;
    private final SubscribeHandler subscribes;
    private final ClientObligations obligations;
    private final FlowObligations flows;

    ProtocolHandler(BrokerConfig config, Coverage coverage, BrokerLog log, EventLoop loop, SessionStore sessions,
                    TopicTree topics, Delivery delivery, ClientRecords records, Supplier<String> report) {
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.loop = loop;
        this.sessions = sessions;
        this.delivery = delivery;
        this.obligations = new ClientObligations(config, coverage, log, loop, records);
        this.flows = new FlowObligations(obligations);
        this.connects = new ConnectHandler(config, coverage, log, loop, sessions, delivery, obligations);
        this.subscribes = new SubscribeHandler(coverage, topics, delivery, report);
        loop.schedule(SWEEP_NANOS, this::sweep);
    }

    void accepted(Connection c) {
        coverage.exercised(TCP_TRANSPORT);
        if (config.verbose()) log.info("connection " + c.id + " from " + c.remote);
    }

    void received(Connection c, Packet p) {
        if (c.state == Connection.State.AFTER_DISCONNECT) {
            obligations.afterDisconnect(c, p);
            loop.close(c, "packet after DISCONNECT");
            return;
        }
        if (c.state == Connection.State.AWAITING_CONNECT) {
            if (p instanceof Connect connect) connects.connect(c, connect);
            else violation(c, FIRST_PACKET_CONNECT, p, "first packet is " + p.type() + ", not CONNECT");
            return;
        }
        if (!obligations.decoded(c, p)) return;
        Session s = c.session;
        switch (p) {
            case Connect x -> {
                coverage.exercised(SECOND_CONNECT);
                violation(c, SECOND_CONNECT, p, "second CONNECT on one connection");
            }
            case Publish m -> {
                if (m.qos() == 0 || flows.publish(c, s, m)) publish(c, s, m);
            }
            case PubAck a -> {
                if (flows.publishAck(c, s, a, a.packetId(), 1) && !delivery.pubAck(s, a.packetId())) unexpected(c, p);
            }
            case PubRec r -> {
                if (flows.publishAck(c, s, r, r.packetId(), 2)) pubRec(c, s, r);
            }
            case PubRel r -> {
                if (flows.pubRel(c, s, r, r.packetId())) pubRel(c, s, r);
            }
            case PubComp x -> {
                if (flows.pubComp(c, s, x, x.packetId()) && !delivery.pubComp(s, x.packetId())) unexpected(c, p);
            }
            case Subscribe x -> {
                if (flows.newPacketId(c, s, x, x.packetId())) subscribes.subscribe(c, s, x);
            }
            case Unsubscribe x -> {
                if (flows.newPacketId(c, s, x, x.packetId())) subscribes.unsubscribe(c, s, x);
            }
            case PingReq x -> {
                coverage.exercised(PINGRESP);
                c.send(new PingResp());
            }
            case Disconnect x -> disconnect(c, s);
            case ConnAck x -> violation(c, null, p, "a server never receives CONNACK");
            case SubAck x -> violation(c, null, p, "a server never receives SUBACK");
            case UnsubAck x -> violation(c, null, p, "a server never receives UNSUBACK");
            case PingResp x -> violation(c, null, p, "a server never receives PINGRESP");
        }
    }

    private void publish(Connection c, Session s, Publish m) {
        coverage.exercised(PUBLISH_RESPONSE);
        if (m.qos() > 0 && !s.cleanSession && Exercises.under(m.topic(), Exercises.DROP_BEFORE_ACK)
                && s.resendExpected.isEmpty() && !m.dup() && !s.awaitingPubrel.containsKey(m.packetId())
                && !FlowObligations.sameMessage(m, s.lastDropped)) {
            s.resendExpected.put(m.packetId(), m);
            s.lastDropped = m;
            loop.close(c, "exercise: PUBLISH to " + m.topic() + " dropped unacknowledged");
            return;
        }
        boolean slow = Exercises.under(m.topic(), Exercises.SLOW_ACK);
        switch (m.qos()) {
            case 0 -> delivery.publish(m);
            case 1 -> {
                coverage.exercised(QOS1_RECEIVER);
                coverage.exercised(ACK_SAME_PACKET_ID);
                // The answer is queued before the deliveries, so it is written first in this turn.
                if (slow) holdAck(c, m.packetId(), m, new PubAck(m.packetId()));
                else c.send(new PubAck(m.packetId()));
                delivery.publish(m);
            }
            default -> {
                coverage.exercised(QOS2_RECEIVER);
                Session.Incoming in = s.awaitingPubrel.get(m.packetId());
                if (in == null) {
                    // A PUBLISH repeating an id that awaits PUBREL is the same message: acknowledge, never deliver twice.
                    in = new Session.Incoming(m, config.publishOnPubrel(), 0, 0, c.id);
                    s.awaitingPubrel.put(m.packetId(), in);
                    if (!config.publishOnPubrel()) delivery.publish(m);
                }
                coverage.exercised(ACK_SAME_PACKET_ID);
                if (slow) {
                    loop.schedule(Exercises.SLOW_ACK_NANOS, () -> sendPubRec(c, s, m.packetId()));
                } else {
                    sendPubRec(c, s, m.packetId());
                    if (!s.cleanSession && Exercises.under(m.topic(), Exercises.INTERRUPT_QOS2) && !m.dup()) {
                        loop.closeAfterOutput(c);
                    }
                }
            }
        }
    }

    /** Sends PUBREC and notes when and where, for the PUBREL checks; nothing if the flow or connection ended. */
    private void sendPubRec(Connection c, Session s, int packetId) {
        Session.Incoming in = s.awaitingPubrel.get(packetId);
        if (in == null || c.state != Connection.State.CONNECTED) return;
        if (in.pubrecAt() == 0 || in.connectionId() != c.id) {
            s.awaitingPubrel.put(packetId, new Session.Incoming(in.publish(), in.held(), System.nanoTime(),
                    ++s.pubrecSeq, c.id));
        }
        c.send(new PubRec(packetId));
    }

    /** Sends {@code ack} after the exercise delay; the id stays in use by the client until then. */
    private void holdAck(Connection c, int packetId, Publish m, Packet ack) {
        c.idsHeld.put(packetId, m);
        loop.schedule(Exercises.SLOW_ACK_NANOS, () -> {
            c.idsHeld.remove(packetId);
            if (c.state == Connection.State.CONNECTED) c.send(ack);
        });
    }

    private void pubRec(Connection c, Session s, PubRec r) {
        Session.Outgoing o = s.inflight.get(r.packetId());
        boolean cut = o != null && !o.released() && o.publish().qos() == 2 && !s.cleanSession
                && Exercises.under(o.publish().topic(), Exercises.INTERRUPT_QOS2);
        if (!delivery.pubRec(s, r.packetId(), !cut)) unexpected(c, r);
        else if (cut) loop.close(c, "exercise: QoS 2 delivery cut between PUBREC and PUBREL");
    }

    private void pubRel(Connection c, Session s, PubRel r) {
        coverage.exercised(QOS2_RECEIVER);
        Session.Incoming in = s.awaitingPubrel.remove(r.packetId());
        if (in != null && Exercises.under(in.publish().topic(), Exercises.SLOW_ACK)) {
            holdAck(c, r.packetId(), null, new PubComp(r.packetId()));
        } else {
            c.send(new PubComp(r.packetId()));
        }
        // After PUBCOMP is queued: the answer goes out before the deliveries of this turn.
        if (in != null && in.held()) delivery.publish(in.publish());
    }

    /**
     * DISCONNECT: the will goes, what the client still owes is checked, the session is detached; the socket stays
     * open up to {@link BrokerConfig#closeWait} to see whether the client closes it, however late [MQTT-3.14.4-1],
     * and sends nothing more [MQTT-3.14.4-2].
     */
    private void disconnect(Connection c, Session s) {
        if (c.will != null) {
            coverage.exercised(DISCONNECT_DISCARDS_WILL);
            coverage.exercised(WILL_REMOVED);
            c.will = null;
        }
        long now = System.nanoTime();
        if (!flows.notResent(c, s)) return;
        if (!flows.overdue(c, s, now - config.disconnectGrace().toNanos(), now, "before DISCONNECT")) return;
        obligations.keepAliveKept(c);
        detach(c, "DISCONNECT");
        loop.shutdownOutputAfterDisconnect(c);
        loop.deadline(c, now + config.closeWait().toNanos());
    }

    /** Every {@link #SWEEP_NANOS}: keep alive silences and acknowledgements overdue by the ack timeout. */
    private void sweep() {
        long now = System.nanoTime();
        long sentBefore = now - config.ackTimeout().toNanos();
        for (Connection c : List.copyOf(loop.connections())) {
            if (c.state != Connection.State.CONNECTED || c.session == null) continue;
            if (obligations.checkSilence(c, now)) flows.overdue(c, c.session, sentBefore, now, "ago");
        }
        loop.schedule(SWEEP_NANOS, this::sweep);
    }

    /** An acknowledgement for a flow the server does not have: tolerated (the client may be resending). */
    private void unexpected(Connection c, Packet p) {
        log.info(c.name() + " sent " + p + " for no flow in progress; ignored");
    }

    /** A malformed packet: the statement it breaks is counted as violated and the connection closed. */
    void malformed(Connection c, MalformedPacketException e) {
        if (c.state == Connection.State.AFTER_DISCONNECT) {
            obligations.malformedAfterDisconnect(c, e.getMessage());
            loop.close(c, "bytes after DISCONNECT");
            return;
        }
        if (e.isOverLimit()) {
            // Legal but larger than --max-packet-size: this broker's limit, not the client's breach.
            log.info(c.name() + ": " + e.getMessage() + " (this broker's --max-packet-size); closing");
            loop.close(c, "packet over this broker's size limit");
            return;
        }
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
        obligations.breach(c, broken, p, null, reason, true);
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
            case AWAITING_CONNECT -> loop.close(c, "no CONNECT within " + config.connectTimeout().toMillis() + " ms");
            case AFTER_DISCONNECT -> {
                obligations.notClosedAfterDisconnect(c);
                loop.close(c, "not closed by the client after DISCONNECT");
            }
            case CONNECTED -> {
                coverage.exercised(KEEP_ALIVE_EXPIRED);
                if (!obligations.checkSilence(c, System.nanoTime())) return;
                log.info(c.name() + " sent nothing for 1.5 x keep alive " + c.keepAliveSeconds + " s; closing");
                loop.close(c, "keep alive expired");
            }
            default -> loop.close(c, "closing timed out");
        }
    }

    /** A packet begun and not finished in time: a limit of this server's resources, no rule the client broke. */
    void packetTimedOut(Connection c) {
        long ms = config.packetTimeout().toMillis();
        log.info(c.name() + " did not finish a packet within " + ms + " ms of its first byte; closing");
        loop.close(c, "packet not finished within " + ms + " ms");
    }

    void tooSlow(Connection c) {
        log.info(c.name() + " does not read: " + c.pendingOutput() + " bytes pending; closing");
        loop.close(c, "too slow");
    }

    void outputDrained(Connection c) {
        if (c.session != null && !c.session.queue.isEmpty()) delivery.pump(c.session);
    }

    /** The client closed its socket after DISCONNECT, as it must [MQTT-3.14.4-1]. */
    void closedByClientAfterDisconnect(Connection c) {
        obligations.closedAfterDisconnect(c);
    }

    /** The network connection ended for any reason: publish the will unless DISCONNECT removed it. */
    void closed(Connection c, String reason) {
        if (c.state != Connection.State.CLOSED) throw new IllegalStateException("closed() before the loop closed " + c);
        detach(c, reason);
    }

    /** Ends the connection's part in its session: clean sessions go, the will is published unless removed. */
    private void detach(Connection c, String reason) {
        Session s = c.session;
        boolean attached = s != null && s.connection == c;
        if (config.verbose() || attached) log.info("connection " + c.id + " (" + c.name() + ") ended: " + reason);
        if (!attached) return;
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
