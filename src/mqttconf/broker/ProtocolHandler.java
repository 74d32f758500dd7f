package mqttconf.broker;

import java.util.ArrayList;
import java.util.List;

import mqttconf.broker.net.Link;
import mqttconf.broker.net.LinkHandler;
import mqttconf.broker.net.Timers;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.BrokerEvents.Answer;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;
import mqttconf.spec.AppliesTo;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * What the server does with each packet a client sends, and when a connection ends or expires. Runs on the
 * event loop thread; every rule it acts on is counted with its statement at the line that does the work. What the
 * client owes is the observers' business: each connection's {@link mqttconf.broker.observe.ClientEvents} hears of
 * a packet before the core acts on it and may ask for the connection to be closed.
 */
final class ProtocolHandler implements LinkHandler<Client> {

    private static final long SWEEP_NANOS = 250_000_000L;

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final Timers timers;
    private final BrokerEvents events;
    /**
     * Every connection not yet closed, for the sweep, oldest first: a list through {@link Client#openNext} and
     * {@link Client#openPrevious}, two references per connection where a set entry costs five times that.
     */
    private Client openFirst, openLast;
    private final SessionStore sessions;
    private final Delivery delivery;
    private final ConnectHandler connects;
    private final SubscribeHandler subscribes;

    ProtocolHandler(BrokerConfig config, Coverage coverage, BrokerLog log, Timers timers, SessionStore sessions,
                    TopicTree topics, Delivery delivery, BrokerEvents events) {
        this.events = events;
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.timers = timers;
        this.sessions = sessions;
        this.delivery = delivery;
        this.connects = new ConnectHandler(config, coverage, log, sessions, delivery);
        this.subscribes = new SubscribeHandler(coverage, topics, delivery, events);
        timers.schedule(SWEEP_NANOS, this::sweep);
    }

    @Override
    public Client accepted(Link link) {
        Client c = new Client(link, config.verbose() ? log : null, events);
        c.openPrevious = openLast;
        if (openLast != null) openLast.openNext = c;
        else openFirst = c;
        openLast = c;
        coverage.exercised("MQTT-7.1.1-1");
        if (config.verbose()) log.info("connection " + c.id + " from " + c.remote());
        return c;
    }

    @Override
    public void received(Client c, Packet p) {
        if (config.verbose()) log.info("<- " + c.name() + " " + p);
        // Any packet restarts the keep alive clock [MQTT-3.1.2-24].
        if (c.state == Client.State.CONNECTED && c.keepAliveSeconds > 0) {
            c.link.deadline(System.nanoTime() + c.keepAliveSeconds * 1_500_000_000L);
        }
        if (c.state == Client.State.AFTER_DISCONNECT) {
            c.events.breach(Statements.get("MQTT-3.14.4-2"), p, null,
                    p.type() + " sent after DISCONNECT on the same connection");
            c.link.close("packet after DISCONNECT");
            return;
        }
        if (c.state == Client.State.AWAITING_CONNECT) {
            if (p instanceof Connect connect) connects.connect(c, connect);
            else violation(c, "MQTT-3.1.0-1", p, "first packet is " + p.type() + ", not CONNECT");
            return;
        }
        Session s = c.session;
        String close = c.events.received(p);
        // The resend of a PUBLISH dropped unanswered (exercise topic): the next one may be dropped again.
        if (p instanceof Publish m && !s.resendExpectedMap().isEmpty()) s.resendExpectedMap().values().removeIf(m::sameMessage);
        if (closeIfAsked(c, close)) return;
        switch (p) {
            case Connect x -> {
                coverage.exercised("MQTT-3.1.0-2");
                violation(c, "MQTT-3.1.0-2", p, "second CONNECT on one connection");
            }
            case Publish m -> publish(c, s, m);
            case PubAck a -> {
                if (!delivery.pubAck(s, a.packetId())) unexpected(c, p);
            }
            case PubRec r -> pubRec(c, s, r);
            case PubRel r -> pubRel(c, s, r);
            case PubComp x -> {
                if (!delivery.pubComp(s, x.packetId())) unexpected(c, p);
            }
            case Subscribe x -> subscribes.subscribe(c, s, x);
            case Unsubscribe x -> subscribes.unsubscribe(c, s, x);
            case PingReq x -> {
                coverage.exercised("MQTT-3.12.4-1");
                c.send(new PingResp());
            }
            case Disconnect x -> disconnect(c, s);
            case ConnAck x -> notForServer(c, p);
            case SubAck x -> notForServer(c, p);
            case UnsubAck x -> notForServer(c, p);
            case PingResp x -> notForServer(c, p);
        }
    }

    private void publish(Client c, Session s, Publish m) {
        Answer answer = m.qos() == 0 ? Answer.NOW : events.publishArrived(m, !s.cleanSession);
        // Dropped once per message: never a resend, a repeat of the last one dropped, or an id awaiting PUBREL.
        if (answer == Answer.DROP_CONNECTION && !s.cleanSession && s.resendExpectedMap().isEmpty() && !m.dup()
                && !s.awaitingPubrelMap().containsKey(m.packetId()) && !m.sameMessage(s.lastDropped)) {
            s.putResendExpected(m.packetId(), m);
            s.lastDropped = m;
            c.link.close("exercise: PUBLISH to " + m.topic() + " dropped unacknowledged");
            return;
        }
        boolean slow = answer == Answer.LATE;
        switch (m.qos()) {
            case 0 -> delivery.publish(m);
            case 1 -> {
                // Deliveries are queued before the answer, so they are written first in this turn: under a stream
                // the subscribers answer while the publisher's next messages come, and the broker takes both in one
                // turn (answering first brought the publisher's next window in a turn of its own, a third more CPU
                // per message at 20 in flight), at the cost of one write's time to a lone request's answer.
                delivery.publish(m);
                if (slow) holdAck(c, m.packetId(), m, new PubAck(m.packetId()));
                else sendPubAck(c, m.packetId());
            }
            default -> {
                Session.Incoming in = s.awaitingPubrelMap().get(m.packetId());
                if (in == null) {
                    // A PUBLISH repeating an id that awaits PUBREL is the same message: acknowledge, never deliver twice.
                    in = new Session.Incoming(m, config.publishOnPubrel(), 0, 0, c.id);
                    s.putAwaitingPubrel(m.packetId(), in);
                    if (!config.publishOnPubrel()) delivery.publish(m);
                }
                if (slow) {
                    timers.schedule(events.lateNanos(), () -> sendPubRec(c, s, m.packetId()));
                } else {
                    sendPubRec(c, s, m.packetId());
                    if (answer == Answer.CUT_AFTER_ANSWER) c.closeAfterOutput();
                }
            }
        }
    }

    /** Sends PUBREC and notes when and where, for the PUBREL checks; nothing if the flow or connection ended. */
    private void sendPubRec(Client c, Session s, int packetId) {
        Session.Incoming in = s.awaitingPubrelMap().get(packetId);
        if (in == null || c.state != Client.State.CONNECTED) return;
        if (in.pubrecAt() == 0 || in.connectionId() != c.id) {
            s.putAwaitingPubrel(packetId, new Session.Incoming(in.publish(), in.held(), System.nanoTime(),
                    ++s.pubrecSeq, c.id));
        }
        coverage.exercised("MQTT-3.3.4-1");
        coverage.exercised("MQTT-4.3.3-2");
        coverage.exercised("MQTT-2.3.1-6");
        c.send(new PubRec(packetId));
    }

    /** PUBACK for a client's QoS 1 PUBLISH. */
    private void sendPubAck(Client c, int packetId) {
        coverage.exercised("MQTT-3.3.4-1");
        coverage.exercised("MQTT-4.3.2-2");
        coverage.exercised("MQTT-2.3.1-6");
        c.send(new PubAck(packetId));
    }

    /** PUBCOMP for a client's PUBREL. */
    private void sendPubComp(Client c, int packetId) {
        coverage.exercised("MQTT-4.3.3-2");
        coverage.exercised("MQTT-2.3.1-6");
        c.send(new PubComp(packetId));
    }

    /** Sends {@code ack} after the exercise delay; the id stays in use by the client until then. */
    private void holdAck(Client c, int packetId, Publish m, Packet ack) {
        c.holdId(packetId, m);
        timers.schedule(events.lateNanos(), () -> {
            c.releaseId(packetId);
            if (c.state != Client.State.CONNECTED) return;
            if (ack instanceof PubAck) sendPubAck(c, packetId);
            else sendPubComp(c, packetId);
        });
    }

    private void pubRec(Client c, Session s, PubRec r) {
        Session.Outgoing o = s.inflightMap().get(r.packetId());
        boolean cut = o != null && !o.released() && o.publish().qos() == 2 && !s.cleanSession
                && events.cutBeforePubrel(o.publish());
        if (!delivery.pubRec(s, r.packetId(), !cut)) unexpected(c, r);
        else if (cut) c.link.close("exercise: QoS 2 delivery cut between PUBREC and PUBREL");
    }

    private void pubRel(Client c, Session s, PubRel r) {
        Session.Incoming in = s.awaitingPubrelMap().remove(r.packetId());
        boolean late = in != null && events.pubrelArrived(in.publish()) == Answer.LATE;
        // Before PUBCOMP is queued: the deliveries go out first in this turn, as for PUBACK.
        if (in != null && in.held()) delivery.publish(in.publish());
        if (late) holdAck(c, r.packetId(), null, new PubComp(r.packetId()));
        else sendPubComp(c, r.packetId());
    }

    /**
     * DISCONNECT: the will goes, what the client still owes is checked, the session is detached; the socket stays
     * open up to {@link BrokerConfig#closeWait} to see whether the client closes it, however late [MQTT-3.14.4-1],
     * and sends nothing more [MQTT-3.14.4-2].
     */
    private void disconnect(Client c, Session s) {
        if (c.will != null) {
            coverage.exercised("MQTT-3.14.4-3");
            coverage.exercised("MQTT-3.1.2-10");
            c.will = null;
        }
        long now = System.nanoTime();
        if (closeIfAsked(c, c.events.resendsOwed())) return;
        // Owed or not, the client had its chance to resend what was dropped.
        s.resendExpectedMap().clear();
        long sentBefore = now - config.disconnectGrace().toNanos();
        if (closeIfAsked(c, c.events.answersOwed(sentBefore, now, "before DISCONNECT"))) return;
        c.events.keepAliveKept();
        detach(c, "DISCONNECT");
        c.state = Client.State.AFTER_DISCONNECT;
        c.link.halfCloseAfterOutput();
        c.link.deadline(now + config.closeWait().toNanos());
    }

    /** Every {@link #SWEEP_NANOS}: keep alive silences and acknowledgements overdue by the ack timeout. */
    private void sweep() {
        long now = System.nanoTime();
        long sentBefore = now - config.ackTimeout().toNanos();
        List<Client> snapshot = new ArrayList<>();
        for (Client c = openFirst; c != null; c = c.openNext) snapshot.add(c);
        for (Client c : snapshot) {
            if (c.state != Client.State.CONNECTED || c.session == null) continue;
            String close = c.events.keepAlive(now);
            closeIfAsked(c, close != null ? close : c.events.answersOwed(sentBefore, now, "ago"));
        }
        timers.schedule(SWEEP_NANOS, this::sweep);
    }

    /** Closes the connection if an observer asked to ({@code reason} not null), and says whether it did. */
    private static boolean closeIfAsked(Client c, String reason) {
        if (reason == null) return false;
        c.link.close(reason);
        return true;
    }

    /** An acknowledgement for a flow the server does not have: tolerated (the client may be resending). */
    private void unexpected(Client c, Packet p) {
        log.info(c.name() + " sent " + p + " for no flow in progress; ignored");
    }

    /** A malformed packet: the statement it breaks is counted as violated and the connection closed. */
    @Override
    public void malformed(Client c, MalformedPacketException e) {
        if (c.state == Client.State.AFTER_DISCONNECT) {
            c.events.breach(Statements.get("MQTT-3.14.4-2"), null, null,
                    "bytes sent after DISCONNECT on the same connection: " + e.getMessage());
            c.link.close("bytes after DISCONNECT");
            return;
        }
        if (e.isOverLimit()) {
            // Legal but larger than --max-packet-size: this broker's limit, not the client's breach.
            log.info(c.name() + ": " + e.getMessage() + " (this broker's --max-packet-size); closing");
            c.link.close("packet over this broker's size limit");
            return;
        }
        // The server closes: its own statement (a receiver's duty) is exercised, a client-only one is the client's
        // breach alone. The decoder names the id where it decides: the sender's rule the bytes break.
        Statement broken = e.statementId() == null ? null : Statements.get(e.statementId());
        if (broken != null && broken.id().equals("MQTT-2.2.2-1")) coverage.exercised("MQTT-2.2.2-2");
        else if (broken != null && broken.appliesTo() != AppliesTo.CLIENT) coverage.exercised(broken);
        if (c.state == Client.State.AWAITING_CONNECT && c.link.firstByte() == 0x10) coverage.exercised("MQTT-3.1.4-1");
        violation(c, broken, null, "malformed packet: " + e.getMessage());
    }

    /** A packet type only a server sends: a violation no statement numbers. */
    private void notForServer(Client c, Packet p) {
        violation(c, (Statement) null, p, "a server never receives " + p.type());
    }

    void violation(Client c, String id, Packet p, String reason) {
        violation(c, Statements.get(id), p, reason);
    }

    /**
     * The client broke a rule the server must close the connection for. This is where a breach is recorded:
     * statement (null if the rule has no number), client, offending packet (null if it could not be decoded).
     */
    void violation(Client c, Statement broken, Packet p, String reason) {
        c.events.breach(broken, p, null, reason);
        coverage.exercised("MQTT-4.8.0-1");
        log.info("protocol violation by " + c.name() + ": " + reason + (p == null ? "" : " in " + p) + "; closing");
        c.link.close("protocol violation: " + reason);
    }

    @Override
    public void internalError(Client c, Packet p, RuntimeException e) {
        coverage.exercised("MQTT-4.8.0-2");
        log.error("internal error handling " + p + " from " + c.name() + ": " + e + "; closing that connection");
        c.link.close("internal error: " + e);
    }

    @Override
    public void expired(Client c) {
        // The net side closing on its own (a WebSocket close, a TLS close_notify) set this deadline, not the core.
        if (c.link.closing()) {
            c.link.close("closing timed out");
            return;
        }
        switch (c.state) {
            case AWAITING_CONNECT -> c.link.close("no CONNECT within " + config.connectTimeout().toMillis() + " ms");
            case AFTER_DISCONNECT -> {
                // No deadline in the standard: a client that closes late has kept it, so only a long wait is recorded.
                c.events.breach(Statements.get("MQTT-3.14.4-1"), null, "(socket still open)", "socket still open "
                        + config.closeWait().toMillis() + " ms after DISCONNECT (--close-wait); the client must close it");
                c.link.close("not closed by the client after DISCONNECT");
            }
            case CONNECTED -> {
                if (closeIfAsked(c, c.events.keepAlive(System.nanoTime()))) return;
                coverage.exercised("MQTT-3.1.2-24");
                log.info(c.name() + " sent nothing for 1.5 x keep alive " + c.keepAliveSeconds + " s; closing");
                c.link.close("keep alive expired");
            }
            default -> c.link.close("closing timed out");
        }
    }

    /** Input after a refused CONNECT is dropped unread. */
    @Override
    public void discarded(Client c) {
        if (c.refused) coverage.exercised("MQTT-3.1.4-5");
    }

    /** A packet begun and not finished in time: a limit of this server's resources, no rule the client broke. */
    @Override
    public void packetTimedOut(Client c) {
        long ms = config.packetTimeout().toMillis();
        log.info(c.name() + " did not finish a packet within " + ms + " ms of its first byte; closing");
        c.link.close("packet not finished within " + ms + " ms");
    }

    @Override
    public void tooSlow(Client c) {
        log.info(c.name() + " does not read: " + c.pendingOutput() + " bytes pending; closing");
        c.link.close("too slow");
    }

    @Override
    public void outputDrained(Client c) {
        if (c.session != null && c.session.queueSize() > 0) delivery.pump(c.session);
    }

    /** The client closed its socket after DISCONNECT, as it must [MQTT-3.14.4-1]. */
    @Override
    public void closedByClientAfterDisconnect(Client c) {
        c.events.closedAfterDisconnect();
    }

    /** The network connection ended for any reason: publish the will unless DISCONNECT removed it. */
    @Override
    public void closed(Client c, String reason) {
        c.state = Client.State.CLOSED;
        if (c.openPrevious != null) c.openPrevious.openNext = c.openNext;
        else if (openFirst == c) openFirst = c.openNext;
        if (c.openNext != null) c.openNext.openPrevious = c.openPrevious;
        else if (openLast == c) openLast = c.openPrevious;
        c.openPrevious = c.openNext = null;
        detach(c, reason);
    }

    /** Ends the connection's part in its session: clean sessions go, the will is published unless removed. */
    private void detach(Client c, String reason) {
        Session s = c.session;
        boolean attached = s != null && s.connection == c;
        if (config.verbose() || attached) log.info("connection " + c.id + " (" + c.name() + ") ended: " + reason);
        if (!attached) return;
        s.connection = null;
        if (s.cleanSession) {
            // The session lasted as long as its network connection, and ends with it.
            coverage.exercised("MQTT-4.1.0-2");
            sessions.discard(s);
        } else {
            coverage.exercised("MQTT-4.1.0-1");
        }
        Will w = c.will;
        c.will = null;
        if (w == null) {
            if (!c.willFlag) coverage.exercised("MQTT-3.1.2-12");
            return;
        }
        coverage.exercised("MQTT-3.1.2-8");
        coverage.exercised("MQTT-3.1.2-10");
        coverage.exercised(w.retain() ? "MQTT-3.1.2-17" : "MQTT-3.1.2-16");
        delivery.publish(new Publish(w.topic(), w.payload(), w.qos(), w.retain(), false, 0));
    }
}
