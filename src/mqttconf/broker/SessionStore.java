package mqttconf.broker;

import java.util.HashMap;
import java.util.Map;

import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** Sessions by client id, connected or not, and their subscriptions in the {@link TopicTree}. */
final class SessionStore {

    private final Map<String, Session> byClientId = new HashMap<>();
    private final TopicTree topics;
    private final RetainedStore retained;
    private final Coverage coverage;
    private long assigned;

    SessionStore(TopicTree topics, RetainedStore retained, Coverage coverage) {
        this.topics = topics;
        this.retained = retained;
        this.coverage = coverage;
    }

    /** The session of {@code clientId}, or null. */
    Session get(String clientId) {
        Session s = byClientId.get(clientId);
        if (s != null) coverage.exercised("MQTT-3.1.3-2");
        return s;
    }

    Session create(String clientId, boolean cleanSession) {
        Session s = new Session(clientId, cleanSession);
        byClientId.put(clientId, s);
        return s;
    }

    /** Ends a session: its subscriptions, flows and queued messages go; retained messages stay. */
    void discard(Session s) {
        if (byClientId.get(s.clientId) == s) byClientId.remove(s.clientId);
        for (String filter : s.subscriptions().keySet()) topics.remove(filter, s);
        s.subscriptions().clear();
        s.inflightMap().clear();
        s.clearQueue();
        s.awaitingPubrelMap().clear();
        s.resendExpectedMap().clear();
        coverage.exercised("MQTT-3.1.2-6");
        if (retained.size() > 0) coverage.exercised("MQTT-3.1.2-7");
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
        for (Session s : byClientId.values()) n += s.queueSize();
        return n;
    }
}
