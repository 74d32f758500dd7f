package mqttconf.suite;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.UnaryOperator;

import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.TopicRules;
import mqttconf.spec.Statements;

/**
 * What a running test sees: its names (client ids and topics that belong to this run and this test alone), the
 * peers it opened, its notes and its transcript. Peers are closed by the runner when the test ends.
 */
public final class Context {
    private static final String ROLES = "abcdefghijklmnopqrstuvwxyz";

    private final RunConfig config;
    private final TestCase test;
    private final String key;
    private final String topicBase;
    private final Cleanup cleanup;
    private final Transcript transcript;
    private final List<Peer> peers = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<Deviation> deviations = new ArrayList<>();
    private final Waits waits;
    /** The run's watchdog (null outside a run): while the server answers some client ids only, ids are checked first. */
    private final Watchdog dog;
    private final Map<String, String> ids = new HashMap<>();
    /** Why a PASS of this test rests on the server saying nothing (a late close, no reply): null when it does not. */
    private String restsOnSilence;
    /** Every filter each client id of this test subscribed to, unsubscribed or discarded ones included. */
    private final Map<String, Set<String>> filters = new HashMap<>();
    /** The size of the largest packet a connection of this test sent, and whether the server then closed it. */
    private int largestSent;
    private final Set<Capability> uses = EnumSet.noneOf(Capability.class);

    /**
     * How the runner lets a test wait long for something the standard sets no deadline for (a close, a re-send)
     * without holding one of the run's slots meanwhile.
     */
    interface Waits {
        Waits NONE = new Waits() {
            @Override
            public void idle() {
            }

            @Override
            public void busy() {
            }
        };

        /** The test stops using the server actively: its slot may go to another test. */
        void idle();

        /** The test is active again (blocks until a slot is free). */
        void busy();
    }

    /** Something to wait for that may take up to {@link RunConfig#lateWait()}. */
    @FunctionalInterface
    public interface LongWait<T> {
        T await() throws TestFailure;
    }

    Context(RunConfig config, TestCase test, int index, Cleanup cleanup) {
        this(config, test, index, cleanup, Waits.NONE);
    }

    Context(RunConfig config, TestCase test, int index, Cleanup cleanup, Waits waits) {
        this(config, test, index, cleanup, waits, null, 0);
    }

    /**
     * @param traffic where the run collects every test's packets (for the watchdog), or null
     * @param attempt 0 for a test's first run, 1 for its re-run alone (which uses topics of its own)
     */
    Context(RunConfig config, TestCase test, int index, Cleanup cleanup, Waits waits, Traffic traffic, int attempt) {
        this(config, test, index, cleanup, waits, traffic, attempt, null);
    }

    Context(RunConfig config, TestCase test, int index, Cleanup cleanup, Waits waits, Traffic traffic, int attempt,
            Watchdog dog) {
        this.dog = dog;
        this.waits = waits;
        this.config = config;
        this.test = test;
        this.key = Integer.toString(index, 36);
        this.cleanup = cleanup;
        this.transcript = new Transcript(config.trace(), test.name(), traffic);
        this.topicBase = config.topicPrefix() + (attempt == 0 ? "" : "again" + attempt + "/") + test.name().replace('.', '/');
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
        return topicBase + "/" + suffix;
    }

    /**
     * The client id of a role in this test: same role, same id (so a session can be resumed). While the server
     * answers some client ids only (it lost the worker some ids hash to), the id is one it was just seen to answer:
     * what the test then finds is the server's doing, not the lost worker's.
     */
    public synchronized String clientId(String role) {
        return clientId(role, UnaryOperator.identity());
    }

    /**
     * The client id of {@code role} in the {@code form} a row needs (23 characters, say), checked like {@link
     * #clientId(String)}: the server hashes the id it is sent, not the one it was derived from.
     */
    synchronized String clientId(String role, UnaryOperator<String> form) {
        String known = ids.get(role + " " + form.apply(""));
        if (known != null) return known;
        int i = roles.indexOf(role);
        if (i < 0) {
            roles.add(role);
            i = roles.size() - 1;
        }
        String base = config.clientIdPrefix() + key + ROLES.charAt(i % ROLES.length());
        String id = form.apply(base);
        if (dog != null && dog.partlyServing()) {
            List<String> candidates = new ArrayList<>(List.of(id));
            for (int v = 1; v < ID_CANDIDATES && base.length() < MAX_ID; v++) {
                candidates.add(form.apply(base + Character.forDigit(v, 36)));
            }
            String live = dog.liveId(candidates);
            if (live != null) id = live;
        }
        ids.put(role + " " + form.apply(""), id);
        return id;
    }

    /** Client ids tried at once for a role while the server is partly serving; 23 characters at most [MQTT-3.1.3-5]. */
    private static final int ID_CANDIDATES = 6;
    private static final int MAX_ID = 23;

    /**
     * This test's outcome says nothing about a server that was not serving every client ({@code why}): a PASS
     * resting on a close that came late without any reply, say. While the server was not serving, the test is
     * NOT_SERVING (see {@link Runner}).
     */
    synchronized void restsOnSilence(String why) {
        restsOnSilence = why;
    }

    synchronized String restsOnSilence() {
        return restsOnSilence;
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
        if (!c.cleanSession()) {
            cleanup.persistentSession(c.clientId());
            uses(Capability.SESSIONS);
        }
        if (c.will() != null) uses(Capability.WILLS);
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

    /** How long to wait for what the standard sets no deadline for: a close, a re-send after reconnecting. */
    public Duration lateWait() {
        return config.lateWait();
    }

    /**
     * Runs a wait that may last up to {@link #lateWait()} while the test holds none of the run's slots, so a
     * server that closes or re-sends late does not stretch the run.
     */
    public <T> T waitLong(LongWait<T> wait) throws TestFailure {
        waits.idle();
        try {
            return wait.await();
        } finally {
            waits.busy();
        }
    }

    /**
     * Checks {@code condition}, a MUST of statement {@code statementId}; a failed check is recorded and the test
     * goes on (it ends as FAIL with every deviation it saw). Use where later steps still mean something.
     */
    public synchronized boolean check(String statementId, boolean condition, String expected, Object observed) {
        Statements.get(statementId);
        if (!condition) deviations.add(new Deviation(statementId, expected, String.valueOf(observed)));
        return condition;
    }

    /** Ends the test as FAIL unless {@code condition}, a MUST of statement {@code statementId}, holds. */
    public void require(String statementId, boolean condition, String expected, Object observed) throws TestFailure {
        Statements.get(statementId);
        if (!condition) throw recorded(new TestFailure(statementId, expected, String.valueOf(observed)));
    }

    /**
     * Ends the test as FAIL unless {@code condition} holds; the statements are the ids in brackets in {@code expected},
     * which must name at least one (checked whether or not the condition holds).
     */
    public void require(boolean condition, String expected, Object observed) throws TestFailure {
        Peer.requireIds(expected);
        if (!condition) throw recorded(new TestFailure(expected, String.valueOf(observed)));
    }

    /** Records a failed check built by the caller (one with a {@link Deviation#context}); the test goes on. */
    synchronized void deviation(Deviation d) {
        Statements.get(d.statementId());
        deviations.add(d);
    }

    /** Records {@code f} as a deviation of this test's own checks and returns it, to throw. */
    synchronized TestFailure recorded(TestFailure f) {
        deviations.addAll(f.deviations());
        return f;
    }

    synchronized void subscribed(String clientId, String filter) {
        filters.computeIfAbsent(clientId, k -> new HashSet<>()).add(filter);
    }

    /** True if a filter {@code clientId} ever subscribed to in this test matches {@code topic} (any '$' rule aside). */
    synchronized boolean everSubscribed(String clientId, String topic) {
        String plain = topic.startsWith("$") ? "_" + topic.substring(1) : topic;
        for (String f : filters.getOrDefault(clientId, Set.of())) {
            String filter = f.startsWith("$") ? "_" + f.substring(1) : f;
            if (TopicRules.matches(filter, plain)) return true;
        }
        return false;
    }

    /** A connection of this test sent a packet of {@code size} bytes. */
    synchronized void sent(int size) {
        largestSent = Math.max(largestSent, size);
    }

    /** The test relies on {@code c} (see {@link Capability}). */
    synchronized void uses(Capability c) {
        uses.add(c);
    }

    synchronized Set<Capability> uses() {
        return EnumSet.copyOf(uses.isEmpty() ? EnumSet.noneOf(Capability.class) : uses);
    }

    /** The largest packet this test sent. */
    synchronized int largestSent() {
        return largestSent;
    }

    synchronized List<Deviation> deviations() {
        return List.copyOf(deviations);
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
