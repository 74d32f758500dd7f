package mqttconf.broker;

import java.util.regex.Pattern;

import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** CONNECT: protocol checks, client id rules, session takeover, clean session, CONNACK. */
final class ConnectHandler {
    private static final Pattern SIMPLE_CLIENT_ID = Pattern.compile("[0-9a-zA-Z]{1,23}");

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final SessionStore sessions;
    private final Delivery delivery;

    ConnectHandler(BrokerConfig config, Coverage coverage, BrokerLog log, SessionStore sessions, Delivery delivery) {
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.sessions = sessions;
        this.delivery = delivery;
    }

    void connect(Client c, Connect p) {
        // MQTT 3.1 is accepted as mosquitto accepts it: Paho C and Java retry with 3.1 after any failed 3.1.1
        // attempt, and a refusal there must carry the same return code as the first.
        boolean v31 = p.isVersion31();
        if (!Connect.PROTOCOL_NAME.equals(p.protocolName()) && !Connect.V31_PROTOCOL_NAME.equals(p.protocolName())) {
            coverage.exercised("MQTT-3.1.2-1");
            coverage.exercised("MQTT-3.2.2-6");
            log.info("connection " + c.id + ": protocol name '" + p.protocolName() + "' is not MQTT; closing without CONNACK");
            c.link.close("protocol name " + p.protocolName());
            return;
        }
        if (!p.isVersion311() && !v31) {
            coverage.exercised("MQTT-3.1.2-2");
            refuse(c, ConnAck.UNACCEPTABLE_PROTOCOL_VERSION, "protocol level " + p.protocolLevel() + " not supported");
            return;
        }
        String clientId = p.clientId();
        if (clientId.isEmpty() && v31) {
            // MQTT 3.1 requires a client id of 1 to 23 characters; mosquitto refuses an empty one with 0x02.
            refuse(c, ConnAck.IDENTIFIER_REJECTED, "zero-length client id in an MQTT 3.1 CONNECT");
            return;
        }
        if (clientId.isEmpty()) {
            if (!p.cleanSession()) {
                coverage.exercised("MQTT-3.1.3-8");
                c.events.breach(Statements.get("MQTT-3.1.3-7"), p, null, "zero-length client id with clean session 0");
                refuse(c, ConnAck.IDENTIFIER_REJECTED, "zero-length client id with clean session 0");
                return;
            }
            if (!config.zeroLengthClientIds()) {
                coverage.exercised("MQTT-3.1.3-9");
                refuse(c, ConnAck.IDENTIFIER_REJECTED, "zero-length client ids are switched off");
                return;
            }
            clientId = sessions.uniqueClientId();
            coverage.exercised("MQTT-3.1.3-6");
        }
        // Before any session is touched: a refused client must not take over or clean a session.
        Access.Refusal refusal = config.access().check(p);
        if (refusal != null) {
            refuse(c, refusal.returnCode(), refusal.reason());
            return;
        }
        Session existing = sessions.get(clientId);
        // Past every refusal: an id of 1 to 23 of [0-9a-zA-Z] is allowed.
        if (SIMPLE_CLIENT_ID.matcher(p.clientId()).matches()) coverage.exercised("MQTT-3.1.3-5");
        if (existing != null && existing.connection != null) {
            coverage.exercised("MQTT-3.1.4-2");
            log.info(clientId + " connected again; closing its previous connection " + existing.connection.id);
            existing.connection.link.close("taken over by connection " + c.id);
            existing = sessions.get(clientId);
        }
        coverage.exercised("MQTT-3.1.4-3");
        boolean sessionPresent;
        Session session;
        if (p.cleanSession()) {
            if (existing != null) sessions.discard(existing);
            session = sessions.create(clientId, true);
            sessionPresent = false;
            coverage.exercised("MQTT-3.2.2-1");
        } else {
            coverage.exercised("MQTT-3.1.2-4");
            if (existing != null && !existing.cleanSession) {
                session = existing;
                // MQTT 3.1 has no session present flag: that CONNACK byte is reserved, 0.
                sessionPresent = !v31;
                if (!v31) coverage.exercised("MQTT-3.2.2-2");
            } else {
                if (existing != null) sessions.discard(existing);
                session = sessions.create(clientId, false);
                sessionPresent = false;
                coverage.exercised("MQTT-3.2.2-3");
            }
        }
        c.clientId = clientId;
        c.willFlag = p.will() != null;
        c.will = p.will();
        c.keepAliveSeconds = p.keepAlive();
        // Closed after 1.5 x keep alive without a packet [MQTT-3.1.2-24].
        if (p.keepAlive() > 0) c.link.deadline(System.nanoTime() + p.keepAlive() * 1_500_000_000L);
        else c.link.deadline(0);
        coverage.exercised("MQTT-3.2.0-1");
        coverage.exercised("MQTT-3.1.4-4");
        c.send(new ConnAck(sessionPresent, ConnAck.ACCEPTED));
        c.state = Client.State.CONNECTED;
        c.session = session;
        session.connection = c;
        boolean resumed = session == existing;
        c.events.connected(p, resumed);
        log.info(clientId + " connected from " + c.remote() + (v31 ? " with MQTT 3.1" : "")
                + (p.cleanSession() ? ", clean session" : ", persistent session") + (resumed ? " (resumed)" : ""));
        if (resumed) {
            owePubrel(session, c);
            delivery.resend(session);
        }
        delivery.pump(session);
    }

    /**
     * A resumed session's incoming QoS 2 flows past PUBREC: the client owes their PUBREL on this connection
     * [MQTT-4.4.0-1], counted from now.
     */
    private static void owePubrel(Session s, Client c) {
        long now = System.nanoTime();
        s.awaitingPubrelMap().replaceAll((id, in) -> new Session.Incoming(in.publish(), in.held(), now, in.pubrecSeq(), c.id));
    }

    /** CONNACK with a refusal code, then close; nothing more from this client is processed. */
    private void refuse(Client c, int returnCode, String reason) {
        coverage.exercised("MQTT-3.2.0-1");
        coverage.exercised("MQTT-3.2.2-4");
        coverage.exercised("MQTT-3.2.2-5");
        log.info("connection " + c.id + " refused with CONNACK " + returnCode + ": " + reason);
        c.refused = true;
        c.send(new ConnAck(false, returnCode));
        c.closeAfterOutput();
    }
}
