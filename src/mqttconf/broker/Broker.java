package mqttconf.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import mqttconf.broker.net.EventLoop;
import mqttconf.broker.net.Listener;
import mqttconf.broker.net.NetLimits;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ClientObligations;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.broker.observe.ClientRecords;
import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.spec.Coverage;
import mqttconf.tls.TlsContexts;

/**
 * An MQTT 3.1.1 broker running in this process:
 * <pre>{@code
 * try (Broker b = Broker.start(BrokerConfig.ephemeral())) {
 *     int port = b.port();
 *     ...
 *     new CoverageReport(b.coverage()).text();
 * }
 * }</pre>
 * One thread owns all its state and sockets; the methods here may be called from any thread.
 */
public final class Broker implements AutoCloseable {
    private final BrokerConfig config;
    private final Coverage coverage;
    private final ClientRecords clients;
    private final EventLoop<Client> loop;
    private volatile Supplier<String> reportHook;
    private final Thread thread;
    private final int port;
    /** Computes the stats; loop thread only. */
    private Supplier<BrokerStats> stats;

    private static final int NO_PORT = -1;

    private Broker(BrokerConfig config, Coverage coverage, ClientRecords clients, EventLoop<Client> loop, int port,
                   int firstPort) {
        this.config = config;
        this.coverage = coverage;
        this.clients = clients;
        this.reportHook = this::summary;
        this.loop = loop;
        this.port = port;
        this.thread = Thread.ofPlatform().name("mqttconf-broker-" + firstPort).daemon(true).unstarted(loop);
    }

    /** Starts a silent broker with its own coverage counters. */
    public static Broker start(BrokerConfig config) throws IOException {
        return start(config, BrokerLog.silent(), new Coverage());
    }

    /**
     * Binds, logs the startup lines and starts serving. Throws the bind failure (e.g. port in use) before any
     * thread starts.
     */
    public static Broker start(BrokerConfig config, BrokerLog log, Coverage coverage) throws IOException {
        return start(config, List.of(), log, coverage);
    }

    /**
     * Also listens on {@code more} (TLS, WebSocket) besides the MQTT port of {@code config}. A certificate file
     * that cannot be used is a {@link mqttconf.tls.PemException}.
     */
    public static Broker start(BrokerConfig config, List<ListenerConfig> more, BrokerLog log, Coverage coverage)
            throws IOException {
        List<ListenerConfig> wanted = new ArrayList<>();
        wanted.add(ListenerConfig.tcp(config.port(), config.bind()));
        wanted.addAll(more);
        return startOn(wanted, config, log, coverage);
    }

    /**
     * Listens on exactly {@code wanted} (at least one), as mosquitto does with the listeners of its config file;
     * the port of {@code config} is not used. Without a plain MQTT listener {@link #port()} throws.
     */
    public static Broker startOn(List<ListenerConfig> wanted, BrokerConfig config, BrokerLog log, Coverage coverage)
            throws IOException {
        if (wanted.isEmpty()) throw new IllegalArgumentException("no listener");
        List<Listener> listeners = new ArrayList<>();
        EventLoop<Client> loop;
        try {
            for (ListenerConfig l : wanted) listeners.add(Listener.open(endpoint(l), config.backlog(), coverage));
            loop = new EventLoop<>(listeners, new NetLimits(config.maxPacketSize(), config.maxOutputBytes(),
                    config.connectTimeout(), config.packetTimeout(), config.maxConnections(), config.verbose()), log);
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Listener::close);
            throw e;
        }
        TopicTree topics = new TopicTree(coverage);
        RetainedStore retained = new RetainedStore(coverage);
        SessionStore sessions = new SessionStore(topics, retained, coverage);
        ClientRecords clients = new ClientRecords();
        Listener plain = listeners.stream().filter(l -> l.scheme().equals("tcp")).findFirst().orElse(null);
        Broker b = new Broker(config, coverage, clients, loop, plain == null ? NO_PORT : plain.port(),
                listeners.get(0).port());
        BrokerEvents events = new ExerciseTopics(() -> b.reportHook.get(),
                new ClientObligations(config.strict(), coverage, log, clients));
        Delivery delivery = new Delivery(config, coverage, topics, retained, loop, events, log);
        b.stats = () -> new BrokerStats(loop.openConnections(), sessions.size(), sessions.queuedMessages(),
                loop.refused(), delivery.queueLimit.dropped());
        loop.handler(new ProtocolHandler(config, coverage, log, loop, sessions, topics, delivery, events));
        log.info("MQTT 3.1.1 mqttconf Test Broker");
        log.info("Optional behaviour, publish on pubrel: " + word(config.publishOnPubrel()));
        log.info("Optional behaviour, single publish on overlapping topics: " + word(config.overlappingSingle()));
        log.info("Optional behaviour, drop QoS 0 publications to disconnected clients: " + word(config.dropQos0()));
        log.info("Optional behaviour, support zero length clientids: " + word(config.zeroLengthClientIds()));
        List<String> binds = wanted.stream().map(ListenerConfig::bind).distinct().toList();
        if (binds.equals(List.of(BrokerConfig.DEFAULT_BIND))) {
            log.info("Listening on 127.0.0.1 only; use --bind 0.0.0.0 to listen on all interfaces");
        } else {
            log.info("Listening on " + String.join(", ", binds));
        }
        log.info(guards(config));
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            ListenerConfig lc = wanted.get(i);
            // Scripts read the plain port from this exact line.
            if (l == plain) {
                log.info("Starting the MQTT server on port " + l.port());
            } else {
                log.info("Starting the " + lc.describe() + " server on " + lc.bind() + " port " + l.port()
                        + lc.clientCertificates());
            }
        }
        b.thread.start();
        return b;
    }

    /**
     * What the net side needs to listen where {@code l} says; reads the certificate files (a
     * {@link mqttconf.tls.PemException} says what is wrong with them).
     */
    private static Listener.Endpoint endpoint(ListenerConfig l) throws IOException {
        ListenerConfig.Tls t = l.tls();
        SSLContext ssl = t == null ? null : TlsContexts.server(t.certfile(), t.keyfile(), t.cafile());
        Listener.ClientCertificates asked = t == null || t.cafile() == null ? Listener.ClientCertificates.NONE
                : t.requireCertificate() ? Listener.ClientCertificates.REQUIRED : Listener.ClientCertificates.OPTIONAL;
        return new Listener.Endpoint(l.scheme(), l.port(), l.bind(), l.websockets(), ssl, asked);
    }

    /** The startup line saying who gets in and the limits. */
    private static String guards(BrokerConfig c) {
        Access a = c.access();
        String who = (a.allowAnonymous() ? "anonymous clients allowed" : "anonymous clients refused")
                + (a.passwords() == null ? ", no password file" : ", password file with " + a.passwords().users().size() + " users");
        return "Access: " + who + "; limits: " + limit(c.maxConnections()) + " connections, CONNECT within "
                + c.connectTimeout().toMillis() + " ms, each packet whole within " + c.packetTimeout().toMillis()
                + " ms of its first byte, close within " + c.closeWait().toMillis() + " ms after DISCONNECT, packets up to "
                + c.maxPacketSize() + " bytes, "
                + c.maxOutputBytes() + " bytes unread output, " + limit(c.maxQueuedMessages()) + " queued messages per offline session, "
                + c.backlog() + " connections waiting to be accepted per listener";
    }

    private static String limit(int n) {
        return n == Integer.MAX_VALUE ? "unlimited" : String.valueOf(n);
    }

    private static String word(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * The port of its first plain MQTT listener (the chosen one when the configuration said 0). Throws
     * {@link IllegalStateException} when it has none (a config file with only TLS or WebSocket listeners): handing
     * out a TLS or WebSocket port to a caller that will speak plain MQTT would fail later and less clearly.
     */
    public int port() {
        if (port == NO_PORT) {
            throw new IllegalStateException("no plain MQTT listener; use port(\"tls\"), port(\"ws\") or port(\"wss\")");
        }
        return port;
    }

    /** The port of the first listener speaking {@code scheme} (tcp, tls, ws, wss); -1 when there is none. */
    public int port(String scheme) {
        for (Listener l : loop.listeners()) {
            if (l.scheme().equals(scheme)) return l.port();
        }
        return -1;
    }

    public BrokerConfig config() {
        return config;
    }

    /** The live counters: statements exercised and violated so far. */
    public Coverage coverage() {
        return coverage;
    }

    /** What each client id did: obligations checked and breaches, live. */
    public ClientRecords clients() {
        return clients;
    }

    /**
     * What a subscription to {@code $SYS/mqttconf/report} receives; called on the broker thread, so it must not
     * block. The default is a one-line summary.
     */
    public void onReportRequest(Supplier<String> hook) {
        this.reportHook = hook;
    }

    private String summary() {
        List<ClientRecord> all = clients.all();
        long breaches = all.stream().mapToLong(ClientRecord::breachCount).sum();
        return "clients " + all.size() + ", breaches " + breaches + "\n";
    }

    /**
     * What the broker holds now, read on its own thread; waits at most {@code timeout}. Throws
     * {@link IllegalStateException} when the loop does not answer in time (stopped or stuck).
     */
    public BrokerStats stats(Duration timeout) throws InterruptedException {
        CompletableFuture<BrokerStats> answer = new CompletableFuture<>();
        loop.execute(() -> answer.complete(stats.get()));
        try {
            return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker loop did not answer within " + timeout + ": " + e);
        }
    }

    /** Whether the loop thread is still running. */
    public boolean running() {
        return thread.isAlive();
    }

    /** Waits until the broker has stopped (after {@link #close} or a fatal selector error). */
    public void awaitStop() throws InterruptedException {
        thread.join();
    }

    /** Stops accepting, closes every connection and waits (bounded) for the loop thread to end. */
    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
