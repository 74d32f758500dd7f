package mqttconf.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.Publish;

/**
 * What a run leaves on the server and must take away: retained messages on its own topics and sessions kept
 * for its own client ids. Nothing else is ever touched (other retained messages are not this run's business).
 */
final class Cleanup {
    private final Set<String> retainedTopics = new LinkedHashSet<>();
    private final Set<String> sessions = new LinkedHashSet<>();
    private final Set<String> cleared = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    private volatile boolean stopped;

    synchronized void retainedTopic(String topic) {
        retainedTopics.add(topic);
    }

    synchronized void persistentSession(String clientId) {
        sessions.add(clientId);
    }

    /** From now on the run opens no connection: what it left is being cleaned up. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    /** What was cleaned and what is left, in one line. */
    synchronized String summary() {
        List<String> leftTopics = retainedTopics.stream().filter(t -> !cleared.contains(t)).toList();
        List<String> leftSessions = sessions.stream().filter(id -> !removed.contains(id)).toList();
        String done = "cleared " + cleared.size() + " of " + retainedTopics.size() + " retained topics and removed "
                + removed.size() + " of " + sessions.size() + " sessions this run created";
        if (leftTopics.isEmpty() && leftSessions.isEmpty()) return done;
        return done + "; left on the server: " + (leftTopics.isEmpty() ? "" : "retained " + leftTopics)
                + (leftTopics.isEmpty() || leftSessions.isEmpty() ? "" : ", ")
                + (leftSessions.isEmpty() ? "" : "sessions of client ids " + leftSessions);
    }

    /**
     * Clears every retained topic with an empty retained message [MQTT-3.3.1-10] and ends every session by
     * connecting with cleanSession 1 [MQTT-3.1.2-6]. Returns the problems, if any, in plain words.
     */
    List<String> run(RunConfig config) {
        try {
            return clean(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("cleanup interrupted");
        }
    }

    private List<String> clean(RunConfig config) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        List<String> topics;
        List<String> ids;
        synchronized (this) {
            topics = List.copyOf(retainedTopics);
            ids = List.copyOf(sessions);
        }
        if (!topics.isEmpty()) {
            String id = config.clientIdPrefix() + "cln";
            try (TestClient c = connected(config, id)) {
                for (String t : topics) c.send(new Publish(t, new byte[0], 0, true, false, 0));
                c.send(new Packet.PingReq());
                if (c.await(PingResp.class, config.timeout()) == null) {
                    problems.add("no PINGRESP after clearing retained messages");
                } else {
                    synchronized (this) {
                        cleared.addAll(topics);
                    }
                }
                c.send(new Disconnect());
            } catch (IOException | IllegalStateException e) {
                problems.add("could not clear " + topics.size() + " retained topics: " + e.getMessage());
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            try (TestClient c = connected(config, ids.get(i))) {
                c.send(new Disconnect());
                synchronized (this) {
                    removed.add(ids.get(i));
                }
                c.awaitClosed(Duration.ofMillis(Math.min(1000, config.timeout().toMillis())));
            } catch (IOException | IllegalStateException e) {
                problems.add("could not remove the session of " + ids.get(i) + ": " + e.getMessage());
                // A server that does not answer one CONNECT answers none: waiting a timeout per session only delays the report.
                if (!(e instanceof Refused) && i + 1 < ids.size()) {
                    problems.add("did not try to remove " + (ids.size() - i - 1) + " more sessions");
                    break;
                }
            }
        }
        return problems;
    }

    private static TestClient connected(RunConfig config, String clientId) throws IOException {
        TestClient c = config.dialer().open(config.host(), config.port(), config.timeout(), "cleanup");
        Connect connect = Connect.of(clientId, true, 60);
        if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
        c.send(connect);
        ConnAck ack;
        try {
            ack = c.await(ConnAck.class, config.timeout());
        } catch (InterruptedException e) {
            c.close();
            throw new IllegalStateException("interrupted", e);
        }
        if (ack == null) {
            c.close();
            throw new IllegalStateException("no CONNACK");
        }
        if (ack.returnCode() != 0) {
            c.close();
            throw new Refused("refused with " + ack);
        }
        return c;
    }

    /** The server answered the cleanup's CONNECT with a refusal: it is alive, the next session may still be removed. */
    private static final class Refused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
