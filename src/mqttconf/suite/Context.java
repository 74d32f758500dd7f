package mqttconf.suite;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.UnaryOperator;

import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;

/**
 * What a running test sees: its names (client ids and topics that belong to this run and this test alone), the
 * peers it opened, its notes and its transcript. Peers are closed by the runner when the test ends.
 */
public final class Context {
    private static final String ROLES = "abcdefghijklmnopqrstuvwxyz";

    private final RunConfig config;
    private final TestCase test;
    private final String key;
    private final Cleanup cleanup;
    private final Transcript transcript;
    private final List<Peer> peers = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Context(RunConfig config, TestCase test, int index, Cleanup cleanup) {
        this.config = config;
        this.test = test;
        this.key = Integer.toString(index, 36);
        this.cleanup = cleanup;
        this.transcript = new Transcript(config.trace(), test.name());
    }

    public RunConfig config() {
        return config;
    }

    /** How long any single step may wait for the server. */
    public Duration timeout() {
        return config.timeout();
    }

    /** A topic of this test: the run's topic prefix, the test name as levels, then {@code suffix}. */
    public String topic(String suffix) {
        return config.topicPrefix() + test.name().replace('.', '/') + "/" + suffix;
    }

    /** The client id of a role in this test: same role, same id (so a session can be resumed). */
    public synchronized String clientId(String role) {
        int i = roles.indexOf(role);
        if (i < 0) {
            roles.add(role);
            i = roles.size() - 1;
        }
        return config.clientIdPrefix() + key + ROLES.charAt(i % ROLES.length());
    }

    /** A 3.1.1 CONNECT for {@code clientId} with the run's credentials and a keep alive the test never reaches. */
    public Connect connectPacket(String clientId, boolean cleanSession) {
        Connect c = Connect.of(clientId, cleanSession, 60);
        return config.username() == null ? c : c.withCredentials(config.username(), config.password());
    }

    /** Opens a TCP connection for {@code role}; nothing is sent yet. */
    public Peer open(String role) throws TestFailure {
        Peer p = Peer.open(this, role, clientId(role));
        synchronized (this) {
            peers.add(p);
        }
        // Checked after adding: a stop either sees this peer in closeAll or is seen here.
        if (cleanup.stopped()) {
            p.close();
            throw new CancellationException("the run was stopped");
        }
        return p;
    }

    /** A connected clean-session client for {@code role}. */
    public Peer connect(String role) throws TestFailure {
        return connect(role, true, c -> c);
    }

    /**
     * A connected client for {@code role} whose CONNECT is {@code adjust}ed from the default one; a session that
     * is kept (cleanSession 0) is removed again when the run ends. A refusal is a FAIL: the server must accept
     * a valid CONNECT [MQTT-3.1.4-4].
     */
    public Peer connect(String role, boolean cleanSession, UnaryOperator<Connect> adjust) throws TestFailure {
        Peer p = open(role);
        Connect c = adjust.apply(connectPacket(p.clientId(), cleanSession));
        if (!c.cleanSession()) cleanup.persistentSession(c.clientId());
        ConnAck ack = p.connect(c);
        if (ack.returnCode() != ConnAck.ACCEPTED) {
            throw new TestFailure("CONNACK return code 0 (accepted) for a valid CONNECT [MQTT-3.1.4-4]",
                    ack + (ack.returnCode() == ConnAck.NOT_AUTHORIZED || ack.returnCode()
                            == ConnAck.BAD_USERNAME_OR_PASSWORD ? " (check --username/--password)" : ""));
        }
        if (cleanSession && ack.sessionPresent()) {
            throw new TestFailure("CONNACK with session present 0 for cleanSession 1 [MQTT-3.2.2-1]", ack.toString());
        }
        return p;
    }

    /** {@code c} with another keep alive. */
    public static Connect withKeepAlive(Connect c, int keepAlive) {
        return new Connect(c.protocolName(), c.protocolLevel(), c.cleanSession(), keepAlive, c.clientId(), c.will(),
                c.username(), c.password());
    }

    /** Remembers a topic this run set a retained message on, so the run clears it at the end. */
    public void retained(String topic) {
        cleanup.retainedTopic(topic);
    }

    /** Records an optional behaviour of the server: the text of an OBSERVED verdict. */
    public synchronized void observe(String behaviour) {
        notes.add(behaviour);
    }

    /** Ends the test as FAIL unless {@code condition} holds. */
    public void require(boolean condition, String expected, Object observed) throws TestFailure {
        if (!condition) throw new TestFailure(expected, String.valueOf(observed));
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    Transcript transcript() {
        return transcript;
    }

    /** Drops every connection the test opened (without DISCONNECT). */
    void closeAll() {
        List<Peer> all;
        synchronized (this) {
            all = List.copyOf(peers);
        }
        for (Peer p : all) p.close();
    }
}
