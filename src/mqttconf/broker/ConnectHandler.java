package mqttconf.broker;

import java.util.regex.Pattern;

import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** CONNECT: protocol checks, client id rules, session takeover, clean session, CONNACK. */
final class ConnectHandler {
    private static final Statement WRONG_PROTOCOL_NAME = Statements.get("MQTT-3.1.2-1");
    private static final Statement NO_APPLICABLE_RETURN_CODE = Statements.get("MQTT-3.2.2-6");
    private static final Statement UNSUPPORTED_LEVEL = Statements.get("MQTT-3.1.2-2");
    private static final Statement RESUME_OR_CREATE_SESSION = Statements.get("MQTT-3.1.2-4");
    private static final Statement WILL_STORED = Statements.get("MQTT-3.1.2-8");
    private static final Statement ALLOW_SIMPLE_CLIENT_IDS = Statements.get("MQTT-3.1.3-5");
    private static final Statement ASSIGN_CLIENT_ID = Statements.get("MQTT-3.1.3-6");
    private static final Statement EMPTY_ID_NEEDS_CLEAN_SESSION = Statements.get("MQTT-3.1.3-8");
    private static final Statement CLIENT_ID_REJECTED = Statements.get("MQTT-3.1.3-9");
    private static final Statement TAKEOVER = Statements.get("MQTT-3.1.4-2");
    private static final Statement CLEAN_SESSION_PROCESSING = Statements.get("MQTT-3.1.4-3");
    private static final Statement CONNACK_ACCEPTED = Statements.get("MQTT-3.1.4-4");
    private static final Statement REJECTED_IGNORES_REST = Statements.get("MQTT-3.1.4-5");
    private static final Statement CONNACK_FIRST = Statements.get("MQTT-3.2.0-1");
    private static final Statement CLEAN_SESSION_NOT_PRESENT = Statements.get("MQTT-3.2.2-1");
    private static final Statement STORED_SESSION_PRESENT = Statements.get("MQTT-3.2.2-2");
    private static final Statement NO_STORED_SESSION_NOT_PRESENT = Statements.get("MQTT-3.2.2-3");
    private static final Statement REFUSED_NOT_PRESENT = Statements.get("MQTT-3.2.2-4");
    private static final Statement REFUSED_CLOSES = Statements.get("MQTT-3.2.2-5");
    private static final Statement SESSION_LASTS_WITH_CONNECTION = Statements.get("MQTT-4.1.0-2");
    private static final Pattern SIMPLE_CLIENT_ID = Pattern.compile("[0-9a-zA-Z]{1,23}");

    private final BrokerConfig config;
    private final Coverage coverage;
    private final BrokerLog log;
    private final EventLoop loop;
    private final SessionStore sessions;
    private final Delivery delivery;
    private final ClientObligations obligations;

    ConnectHandler(BrokerConfig config, Coverage coverage, BrokerLog log, EventLoop loop, SessionStore sessions,
                   Delivery delivery, ClientObligations obligations) {
        this.obligations = obligations;
        this.config = config;
        this.coverage = coverage;
        this.log = log;
        this.loop = loop;
        this.sessions = sessions;
        this.delivery = delivery;
    }

    void connect(Connection c, Connect p) {
        // MQTT 3.1 is accepted as mosquitto accepts it: Paho C and Java retry with 3.1 after any failed 3.1.1
        // attempt, and a refusal there must carry the same return code as the first.
        boolean v31 = p.isVersion31();
        if (!Connect.PROTOCOL_NAME.equals(p.protocolName()) && !Connect.V31_PROTOCOL_NAME.equals(p.protocolName())) {
            coverage.exercised(WRONG_PROTOCOL_NAME);
            coverage.exercised(NO_APPLICABLE_RETURN_CODE);
            log.info("connection " + c.id + ": protocol name '" + p.protocolName() + "' is not MQTT; closing without CONNACK");
            loop.close(c, "protocol name " + p.protocolName());
            return;
        }
        if (!p.isVersion311() && !v31) {
            coverage.exercised(UNSUPPORTED_LEVEL);
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
                coverage.exercised(EMPTY_ID_NEEDS_CLEAN_SESSION);
                obligations.emptyClientIdWithoutCleanSession(c, p);
                refuse(c, ConnAck.IDENTIFIER_REJECTED, "zero-length client id with clean session 0");
                return;
            }
            if (!config.zeroLengthClientIds()) {
                coverage.exercised(CLIENT_ID_REJECTED);
                refuse(c, ConnAck.IDENTIFIER_REJECTED, "zero-length client ids are switched off");
                return;
            }
            clientId = sessions.uniqueClientId();
            coverage.exercised(ASSIGN_CLIENT_ID);
        } else if (SIMPLE_CLIENT_ID.matcher(clientId).matches()) {
            coverage.exercised(ALLOW_SIMPLE_CLIENT_IDS);
        }
        // Before any session is touched: a refused client must not take over or clean a session.
        Access.Refusal refusal = config.access().check(p);
        if (refusal != null) {
            refuse(c, refusal.returnCode(), refusal.reason());
            return;
        }
        Session existing = sessions.get(clientId);
        if (existing != null && existing.connection != null) {
            coverage.exercised(TAKEOVER);
            log.info(clientId + " connected again; closing its previous connection " + existing.connection.id);
            loop.close(existing.connection, "taken over by connection " + c.id);
            existing = sessions.get(clientId);
        }
        coverage.exercised(CLEAN_SESSION_PROCESSING);
        boolean sessionPresent;
        Session session;
        if (p.cleanSession()) {
            if (existing != null) sessions.discard(existing);
            session = sessions.create(clientId, true);
            sessionPresent = false;
            coverage.exercised(CLEAN_SESSION_NOT_PRESENT);
        } else {
            coverage.exercised(RESUME_OR_CREATE_SESSION);
            if (existing != null && !existing.cleanSession) {
                session = existing;
                // MQTT 3.1 has no session present flag: that CONNACK byte is reserved, 0.
                sessionPresent = !v31;
                if (!v31) coverage.exercised(STORED_SESSION_PRESENT);
            } else {
                if (existing != null) sessions.discard(existing);
                session = sessions.create(clientId, false);
                sessionPresent = false;
                coverage.exercised(NO_STORED_SESSION_NOT_PRESENT);
            }
        }
        c.clientId = clientId;
        obligations.connected(c, p);
        c.willFlag = p.will() != null;
        c.will = p.will();
        if (c.will != null) coverage.exercised(WILL_STORED);
        c.keepAliveSeconds = p.keepAlive();
        if (p.keepAlive() > 0) loop.deadline(c, System.nanoTime() + p.keepAlive() * 1_500_000_000L);
        else c.deadline = 0;
        coverage.exercised(CONNACK_FIRST);
        coverage.exercised(CONNACK_ACCEPTED);
        c.send(new ConnAck(sessionPresent, ConnAck.ACCEPTED));
        c.state = Connection.State.CONNECTED;
        c.session = session;
        session.connection = c;
        coverage.exercised(SESSION_LASTS_WITH_CONNECTION);
        boolean resumed = session == existing;
        log.info(clientId + " connected from " + c.remote + (v31 ? " with MQTT 3.1" : "")
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
    private static void owePubrel(Session s, Connection c) {
        long now = System.nanoTime();
        s.pubrelExpected.clear();
        s.pubrelExpected.addAll(s.awaitingPubrel.keySet());
        s.awaitingPubrel.replaceAll((id, in) -> new Session.Incoming(in.publish(), in.held(), now, in.pubrecSeq(), c.id));
    }

    /** CONNACK with a refusal code, then close; nothing more from this client is processed. */
    private void refuse(Connection c, int returnCode, String reason) {
        coverage.exercised(CONNACK_FIRST);
        coverage.exercised(REFUSED_NOT_PRESENT);
        coverage.exercised(REFUSED_CLOSES);
        coverage.exercised(REJECTED_IGNORES_REST);
        log.info("connection " + c.id + " refused with CONNACK " + returnCode + ": " + reason);
        c.send(new ConnAck(false, returnCode));
        loop.closeAfterOutput(c);
    }
}
