package mqttconf.broker;

import java.util.HashMap;
import java.util.Map;

import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** Sessions by client id, connected or not, and their subscriptions in the {@link TopicTree}. */
final class SessionStore {
    private static final Statement DISCARD_CLEAN_SESSION = Statements.get("MQTT-3.1.2-6");
    private static final Statement RETAINED_OUTLIVE_SESSION = Statements.get("MQTT-3.1.2-7");
    private static final Statement CLIENT_ID_IDENTIFIES_SESSION = Statements.get("MQTT-3.1.3-2");

    private final Map<String, Session> byClientId = new HashMap<>();
    private final TopicTree topics;
    private final Coverage coverage;
    private long assigned;

    SessionStore(TopicTree topics, Coverage coverage) {
        this.topics = topics;
        this.coverage = coverage;
    }

    /** The session of {@code clientId}, or null. */
    Session get(String clientId) {
        coverage.exercised(CLIENT_ID_IDENTIFIES_SESSION);
        return byClientId.get(clientId);
    }

    Session create(String clientId, boolean cleanSession) {
        Session s = new Session(clientId, cleanSession);
        byClientId.put(clientId, s);
        return s;
    }

    /** Ends a session: its subscriptions, flows and queued messages go; retained messages stay. */
    void discard(Session s) {
        if (byClientId.get(s.clientId) == s) byClientId.remove(s.clientId);
        for (String filter : s.subscriptions.keySet()) topics.remove(filter, s);
        s.subscriptions.clear();
        s.inflight.clear();
        s.queue.clear();
        s.awaitingPubrel.clear();
        s.pubrelExpected.clear();
        s.resendExpected.clear();
        coverage.exercised(DISCARD_CLEAN_SESSION);
        coverage.exercised(RETAINED_OUTLIVE_SESSION);
    }

    /** A client id no session uses, for a client that sent a zero-length one. */
    String uniqueClientId() {
        String id;
        do {
            id = "mqttconf-" + (++assigned);
        } while (byClientId.containsKey(id));
        return id;
    }

    int size() {
        return byClientId.size();
    }

    /** Messages waiting in the queues of all sessions. */
    long queuedMessages() {
        long n = 0;
        for (Session s : byClientId.values()) n += s.queue.size();
        return n;
    }
}
