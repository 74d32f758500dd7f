package mqttconf.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mqttconf.broker.net.Timers;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * Application messages from the moment the broker owns them until each subscriber has acknowledged them:
 * retained storage, fan-out to matching sessions, queueing for absent clients, packet ids, sending within the
 * output bound, and the outgoing side of the QoS 1 and 2 flows.
 */
final class Delivery {

    private final BrokerConfig config;
    private final Coverage coverage;
    private final TopicTree topics;
    private final RetainedStore retained;
    private final Timers timers;
    private final BrokerEvents events;
    final QueueLimit queueLimit;

    Delivery(BrokerConfig config, Coverage coverage, TopicTree topics, RetainedStore retained, Timers timers,
             BrokerEvents events, BrokerLog log) {
        this.events = events;
        this.queueLimit = new QueueLimit(config.maxQueuedMessages(), log);
        this.config = config;
        this.coverage = coverage;
        this.topics = topics;
        this.retained = retained;
        this.timers = timers;
    }

    /** A message the broker has taken ownership of (from a client's PUBLISH or a will). */
    void publish(Publish message) {
        if (message.retain()) retained.store(message);
        else coverage.exercised("MQTT-3.3.1-12");
        List<TopicTree.Match> matches = topics.match(message.topic());
        if (matches.isEmpty()) return;
        coverage.exercised("MQTT-4.5.0-1");
        if (config.overlappingSingle()) {
            Map<Session, Integer> maxQos = new LinkedHashMap<>();
            for (TopicTree.Match m : matches) {
                Integer before = maxQos.put(m.session(), m.qos());
                if (before != null) {
                    coverage.exercised("MQTT-3.3.5-1");
                    maxQos.put(m.session(), Math.max(before, m.qos()));
                }
            }
            maxQos.forEach((s, granted) -> forward(s, message, granted));
        } else {
            for (TopicTree.Match m : matches) forward(m.session(), message, m.qos());
        }
    }

    private void forward(Session s, Publish message, int granted) {
        coverage.exercised("MQTT-3.3.2-3");
        if (message.qos() != granted) coverage.exercised("MQTT-3.8.4-6");
        if (message.dup()) coverage.exercised("MQTT-3.3.1-3");
        if (message.retain()) coverage.exercised("MQTT-3.3.1-9");
        int qos = Math.min(message.qos(), granted);
        enqueue(s, new Publish(message.topic(), message.payload(), qos, false, false, 0));
    }

    /** Sends the retained messages matching a new subscription, with RETAIN set. */
    void retainedFor(Session s, String filter, int granted) {
        for (Publish r : retained.matching(filter)) {
            coverage.exercised("MQTT-3.3.1-6");
            coverage.exercised("MQTT-3.3.1-8");
            sendRetained(s, r, granted);
        }
    }

    /** Sends {@code r} as a retained message to a new subscription granted {@code granted}. */
    void sendRetained(Session s, Publish r, int granted) {
        enqueue(s, new Publish(r.topic(), r.payload(), Math.min(r.qos(), granted), true, false, 0));
    }

    /** Sends {@code m} to this session only (the report on the admin topic). */
    void sendTo(Session s, Publish m) {
        enqueue(s, m);
    }

    private void enqueue(Session s, Publish message) {
        if (s.connection == null) {
            if (message.qos() == 0 && config.dropQos0()) return;
            if (!queueLimit.admit(s, message)) return;
            if (message.qos() > 0) coverage.exercised("MQTT-3.1.2-5");
        }
        s.enqueue(message);
        pump(s);
        Client c = s.connection;
        if (c != null && s.queuedBytes() > config.maxOutputBytes()) {
            timers.execute(() -> c.link.close("too slow: " + s.queuedBytes() + " bytes of messages wait while it does not read"));
        }
    }

    /**
     * Sends queued messages in order while the client's output stays under half the bound and packet ids are
     * free. Called whenever messages arrive, a flow completes or output drains.
     */
    void pump(Session s) {
        Client c = s.connection;
        if (c == null || c.state != Client.State.CONNECTED) return;
        while (s.queueSize() > 0 && c.pendingOutput() < config.maxOutputBytes() / 2) {
            Publish m = s.peekQueued();
            if (m.qos() > 0) {
                int id = s.allocatePacketId();
                if (id == 0) return;
                m = m.withQos(m.qos(), id);
                s.putInflight(id, new Session.Outgoing(m, false, System.nanoTime(), c.id));
                if (s.cleanSession) s.idSent(id);
                coverage.exercised("MQTT-2.3.1-4");
                coverage.exercised("MQTT-2.3.1-1");
                coverage.exercised(m.qos() == 1 ? "MQTT-4.3.2-1" : "MQTT-4.3.3-1");
            } else {
                coverage.exercised("MQTT-4.3.1-1");
                coverage.exercised("MQTT-3.3.1-2");
                coverage.exercised("MQTT-2.3.1-5");
            }
            s.dequeue();
            // Order is decided where a message is sent while another waits behind it.
            if (s.queueSize() > 0) {
                coverage.exercised("MQTT-4.6.0-5");
                coverage.exercised("MQTT-4.6.0-6");
            }
            c.send(m);
            if (m.qos() > 0 && !s.cleanSession && events.cutAfterDelivery(m)) {
                c.closeAfterOutput();
                return;
            }
        }
    }

    /** On reconnect to a stored session: unacknowledged PUBLISH again with DUP set, PUBREL for released flows. */
    void resend(Session s) {
        queueLimit.resumed(s);
        Client c = s.connection;
        long now = System.nanoTime();
        s.inflightMap().replaceAll((id, o) -> new Session.Outgoing(o.publish(), o.released(), now, c.id));
        for (Session.Outgoing o : s.inflightMap().values()) {
            coverage.exercised("MQTT-4.4.0-1");
            if (o.released()) {
                sendPubRel(c, o.publish().packetId());
            } else {
                coverage.exercised("MQTT-3.3.1-1");
                c.send(o.publish().withDup(true));
            }
        }
    }

    /** PUBACK: the QoS 1 flow ends. False if no QoS 1 flow had this id. */
    boolean pubAck(Session s, int packetId) {
        Session.Outgoing o = s.inflightMap().get(packetId);
        if (o == null || o.publish().qos() != 1) return false;
        s.inflightMap().remove(packetId);
        pump(s);
        return true;
    }

    /**
     * PUBREC: the QoS 2 flow is released and PUBREL (re)sent, unless {@code sendPubrel} is false (the flow is cut
     * here; PUBREL goes out when the client resumes the session). False if no QoS 2 flow had this id.
     */
    boolean pubRec(Session s, int packetId, boolean sendPubrel) {
        Session.Outgoing o = s.inflightMap().get(packetId);
        if (o == null || o.publish().qos() != 2) return false;
        Client c = s.connection;
        if (!o.released()) s.putInflight(packetId, new Session.Outgoing(o.publish(), true, System.nanoTime(), c.id));
        if (sendPubrel) sendPubRel(c, packetId);
        return true;
    }

    /** PUBREL goes out with its reserved flags 0010, as the encoder writes it. */
    private void sendPubRel(Client c, int packetId) {
        coverage.exercised("MQTT-3.6.1-1");
        coverage.exercised("MQTT-2.2.2-1");
        c.send(new PubRel(packetId));
    }

    /** PUBCOMP: the QoS 2 flow ends. False if no released QoS 2 flow had this id. */
    boolean pubComp(Session s, int packetId) {
        Session.Outgoing o = s.inflightMap().get(packetId);
        if (o == null || !o.released()) return false;
        s.inflightMap().remove(packetId);
        pump(s);
        return true;
    }
}
