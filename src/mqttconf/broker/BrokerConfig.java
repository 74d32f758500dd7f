package mqttconf.broker;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Everything a broker needs to start. The four optional behaviours and their defaults are those of Paho's
 * test broker.
 *
 * @param port               TCP port; 0 picks a free one
 * @param bind               address to listen on
 * @param publishOnPubrel    deliver an incoming QoS 2 message on PUBREL (true) or on PUBLISH (false)
 * @param overlappingSingle  one copy per client when several of its subscriptions match (true), else one per subscription
 * @param dropQos0           drop QoS 0 messages for disconnected persistent sessions (true) or queue them
 * @param zeroLengthClientIds accept a zero-length client id with clean session 1 and assign one
 * @param maxPacketSize      largest packet accepted from a client, fixed header included
 * @param maxOutputBytes     bytes a client may leave unread before it is disconnected as too slow
 * @param connectTimeout     time a new connection has to send its CONNECT
 * @param verbose            log every packet in and out
 * @param strict             close the connection on every client breach, also those a server may tolerate
 * @param ackTimeout         time a client has to acknowledge a PUBLISH or PUBREL, or to answer PUBREC with PUBREL,
 *                           before it is recorded as a breach
 * @param disconnectGrace    the age an unacknowledged delivery must have at DISCONNECT to count as a breach (the
 *                           time to close the socket after DISCONNECT is {@code closeWait})
 * @param maxConnections     open connections beyond which new ones are closed at once
 * @param maxQueuedMessages  messages an offline persistent session may hold; beyond it messages are dropped, QoS 0 first
 * @param access             who may connect: anonymous clients, and the password file for user names
 * @param packetTimeout      time a packet has to arrive whole once its first byte came, whatever the keep alive
 * @param backlog            connections the operating system queues for each listener before the broker accepts
 *                           them; a burst beyond it is dropped or retried by the client's TCP stack
 * @param closeWait          time the broker waits for a client to close its connection after DISCONNECT; past it
 *                           the broker closes it and records a breach of [MQTT-3.14.4-1] (closing late is none)
 */
public record BrokerConfig(int port, String bind, boolean publishOnPubrel, boolean overlappingSingle,
                           boolean dropQos0, boolean zeroLengthClientIds, int maxPacketSize, int maxOutputBytes,
                           Duration connectTimeout, boolean verbose, boolean strict, Duration ackTimeout,
                           Duration disconnectGrace, int maxConnections, int maxQueuedMessages, Access access,
                           Duration packetTimeout, int backlog, Duration closeWait) {
    public static final int DEFAULT_PORT = 1883;
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** Any packet the standard allows (a remaining length up to 268,435,455), as mosquitto accepts by default. */
    public static final int DEFAULT_MAX_PACKET_SIZE = mqttconf.codec.Decoder.MAX_PACKET_SIZE;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 1000;
    public static final int DEFAULT_BACKLOG = 4096;

    public BrokerConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
        if (bind == null || bind.isBlank()) throw new IllegalArgumentException("empty bind address");
        if (maxPacketSize < 2) throw new IllegalArgumentException("maximum packet size " + maxPacketSize + " below 2");
        if (maxOutputBytes < 1) throw new IllegalArgumentException("maximum output " + maxOutputBytes + " below 1");
        if (ackTimeout.isNegative() || ackTimeout.isZero()) throw new IllegalArgumentException("ack timeout must be positive");
        if (disconnectGrace.isNegative() || disconnectGrace.isZero())
            throw new IllegalArgumentException("disconnect grace must be positive");
        if (connectTimeout.isNegative() || connectTimeout.isZero())
            throw new IllegalArgumentException("connect timeout must be positive");
        if (maxConnections < 1) throw new IllegalArgumentException("maximum connections " + maxConnections + " below 1");
        if (maxQueuedMessages < 1)
            throw new IllegalArgumentException("maximum queued messages " + maxQueuedMessages + " below 1");
        if (access == null) throw new IllegalArgumentException("no access rule");
        if (packetTimeout.isNegative() || packetTimeout.isZero())
            throw new IllegalArgumentException("packet timeout must be positive");
        if (backlog < 1) throw new IllegalArgumentException("backlog " + backlog + " below 1");
        if (closeWait.isNegative() || closeWait.isZero()) throw new IllegalArgumentException("close wait must be positive");
    }

    /** Paho's defaults on port 1883, loopback only. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(DEFAULT_PORT, DEFAULT_BIND, true, true, true, true, DEFAULT_MAX_PACKET_SIZE,
                DEFAULT_MAX_PACKET_SIZE + 1024 * 1024, Duration.ofSeconds(10), false, false, Duration.ofSeconds(10),
                Duration.ofSeconds(2), DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_QUEUED_MESSAGES, Access.ANYONE,
                Duration.ofSeconds(60), DEFAULT_BACKLOG, Duration.ofSeconds(60));
    }

    /** Defaults on a free loopback port, as tests and in-process suites want. */
    public static BrokerConfig ephemeral() {
        return defaults().withPort(0);
    }

    public BrokerConfig withPort(int p) {
        return with(c -> c.port = p);
    }

    public BrokerConfig withBind(String b) {
        return with(c -> c.bind = b);
    }

    public BrokerConfig withPublishOnPubrel(boolean v) {
        return with(c -> c.publishOnPubrel = v);
    }

    public BrokerConfig withOverlappingSingle(boolean v) {
        return with(c -> c.overlappingSingle = v);
    }

    public BrokerConfig withDropQos0(boolean v) {
        return with(c -> c.dropQos0 = v);
    }

    public BrokerConfig withZeroLengthClientIds(boolean v) {
        return with(c -> c.zeroLengthClientIds = v);
    }

    public BrokerConfig withMaxPacketSize(int n) {
        return with(c -> {
            c.maxPacketSize = n;
            c.maxOutputBytes = Math.max(maxOutputBytes, n + 1024 * 1024);
        });
    }

    public BrokerConfig withMaxOutputBytes(int n) {
        return with(c -> c.maxOutputBytes = n);
    }

    public BrokerConfig withConnectTimeout(Duration d) {
        return with(c -> c.connectTimeout = d);
    }

    public BrokerConfig withVerbose(boolean v) {
        return with(c -> c.verbose = v);
    }

    public BrokerConfig withStrict(boolean v) {
        return with(c -> c.strict = v);
    }

    public BrokerConfig withAckTimeout(Duration d) {
        return with(c -> c.ackTimeout = d);
    }

    public BrokerConfig withDisconnectGrace(Duration d) {
        return with(c -> c.disconnectGrace = d);
    }

    public BrokerConfig withMaxConnections(int n) {
        return with(c -> c.maxConnections = n);
    }

    public BrokerConfig withMaxQueuedMessages(int n) {
        return with(c -> c.maxQueuedMessages = n);
    }

    public BrokerConfig withAccess(Access a) {
        return with(c -> c.access = a);
    }

    public BrokerConfig withPacketTimeout(Duration d) {
        return with(c -> c.packetTimeout = d);
    }

    public BrokerConfig withBacklog(int n) {
        return with(c -> c.backlog = n);
    }

    public BrokerConfig withCloseWait(Duration d) {
        return with(c -> c.closeWait = d);
    }

    /** This configuration with what {@code change} sets, checked again by the canonical constructor. */
    private BrokerConfig with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return c.build();
    }

    /** A mutable copy for the {@code with} methods, so each of them names only the field it changes. */
    private static final class Copy {
        int port;
        String bind;
        boolean publishOnPubrel;
        boolean overlappingSingle;
        boolean dropQos0;
        boolean zeroLengthClientIds;
        int maxPacketSize;
        int maxOutputBytes;
        Duration connectTimeout;
        boolean verbose;
        boolean strict;
        Duration ackTimeout;
        Duration disconnectGrace;
        int maxConnections;
        int maxQueuedMessages;
        Access access;
        Duration packetTimeout;
        int backlog;
        Duration closeWait;

        Copy(BrokerConfig from) {
            port = from.port;
            bind = from.bind;
            publishOnPubrel = from.publishOnPubrel;
            overlappingSingle = from.overlappingSingle;
            dropQos0 = from.dropQos0;
            zeroLengthClientIds = from.zeroLengthClientIds;
            maxPacketSize = from.maxPacketSize;
            maxOutputBytes = from.maxOutputBytes;
            connectTimeout = from.connectTimeout;
            verbose = from.verbose;
            strict = from.strict;
            ackTimeout = from.ackTimeout;
            disconnectGrace = from.disconnectGrace;
            maxConnections = from.maxConnections;
            maxQueuedMessages = from.maxQueuedMessages;
            access = from.access;
            packetTimeout = from.packetTimeout;
            backlog = from.backlog;
            closeWait = from.closeWait;
        }

        BrokerConfig build() {
            return new BrokerConfig(port, bind, publishOnPubrel, overlappingSingle, dropQos0, zeroLengthClientIds, maxPacketSize, maxOutputBytes, connectTimeout, verbose, strict, ackTimeout, disconnectGrace, maxConnections, maxQueuedMessages, access, packetTimeout, backlog, closeWait);
        }
    }
}
