package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import mqttconf.broker.observe.Breach;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.*;
import mqttconf.codec.Packet;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statements;

/**
 * A fresh in-process broker on a free port for each test, and clients that are closed after it. Waits are
 * bounded by {@link #T}; "nothing arrived" is proven with {@link #barrier}, a PINGREQ round trip: the broker
 * handles a connection's packets in order, so anything it sent before PINGRESP has arrived by then.
 */
abstract class BrokerTestBase {
    static final Duration T = Duration.ofSeconds(3);

    Broker broker;
    private final List<TestClient> clients = new ArrayList<>();

    /** The configuration of the broker each test gets. */
    BrokerConfig config() {
        return BrokerConfig.ephemeral();
    }

    /** Where the broker of each test logs; silent unless a test wants to read the lines. */
    BrokerLog log() {
        return BrokerLog.silent();
    }

    @BeforeEach
    void startBroker() throws IOException {
        broker = Broker.start(config(), log(), new Coverage());
    }

    @AfterEach
    void stopBroker() {
        clients.forEach(TestClient::close);
        broker.close();
    }

    /** A TCP connection without CONNECT. */
    TestClient open(String name) throws IOException {
        TestClient c = TestClient.open("127.0.0.1", broker.port(), T, name);
        clients.add(c);
        return c;
    }

    /** Connects, expects CONNACK 0 and returns the client. */
    TestClient connect(String clientId, boolean cleanSession) throws Exception {
        return connect(Connect.of(clientId, cleanSession, 0));
    }

    TestClient connect(Connect connect) throws Exception {
        TestClient c = open(connect.clientId().isEmpty() ? "anonymous" : connect.clientId());
        ConnAck ack = connAck(c, connect);
        assertEquals(0, ack.returnCode(), "CONNACK return code for " + connect);
        return c;
    }

    /** Sends CONNECT and returns the CONNACK, failing if none came. */
    static ConnAck connAck(TestClient c, Connect connect) throws Exception {
        c.send(connect);
        Packet p = c.receive(T);
        if (!(p instanceof ConnAck ack)) throw new AssertionError("expected CONNACK, got " + p);
        return ack;
    }

    /** Subscribes to one filter and returns the granted return code. */
    static int subscribe(TestClient c, String filter, int qos) throws Exception {
        return subscribe(c, 1, filter, qos);
    }

    static int subscribe(TestClient c, int packetId, String filter, int qos) throws Exception {
        c.send(Subscribe.of(packetId, filter, qos));
        SubAck ack = c.await(SubAck.class, T);
        assertNotNull(ack, "SUBACK for " + filter);
        assertEquals(packetId, ack.packetId(), "SUBACK packet id");
        return ack.returnCodes().get(0);
    }

    /** A PINGREQ round trip; returns the packets that arrived before the PINGRESP. */
    static List<Packet> barrier(TestClient c) throws Exception {
        c.send(new PingReq());
        List<Packet> before = new ArrayList<>();
        if (c.await(PingResp.class, x -> true, T, before) == null) fail("no PINGRESP; before it came " + before);
        return before;
    }

    /**
     * Publishes and completes the QoS flow as a well-behaved client does; returns the packets that arrived
     * meanwhile (e.g. the message itself when the client subscribed to it).
     */
    static List<Packet> publish(TestClient c, String topic, String payload, int qos, boolean retain, int packetId)
            throws Exception {
        c.send(Publish.of(topic, payload, qos, qos == 0 ? 0 : packetId).withRetain(retain));
        List<Packet> meanwhile = new ArrayList<>();
        if (qos == 1) assertNotNull(c.await(PubAck.class, a -> a.packetId() == packetId, T, meanwhile), "PUBACK");
        if (qos == 2) {
            assertNotNull(c.await(PubRec.class, a -> a.packetId() == packetId, T, meanwhile), "PUBREC");
            c.send(new PubRel(packetId));
            assertNotNull(c.await(PubComp.class, a -> a.packetId() == packetId, T, meanwhile), "PUBCOMP");
        }
        return meanwhile;
    }

    /** Waits for the next PUBLISH and acknowledges it as a well-behaved client does. */
    static Publish receive(TestClient c) throws Exception {
        Publish p = c.await(Publish.class, T);
        assertNotNull(p, "expected a PUBLISH");
        if (p.qos() == 1) c.send(new PubAck(p.packetId()));
        if (p.qos() == 2) {
            c.send(new PubRec(p.packetId()));
            assertEquals(new PubRel(p.packetId()), c.receive(T));
            c.send(new PubComp(p.packetId()));
        }
        return p;
    }

    static String text(Publish p) {
        return new String(p.payload(), StandardCharsets.UTF_8);
    }

    /** Asserts the peer closed the connection within the bound. */
    static void assertClosed(TestClient c, String why) throws InterruptedException {
        assertTrue(c.awaitClosed(T), "connection should be closed: " + why);
    }

    /** Every breach recorded so far, of every client. */
    List<Breach> breaches() {
        return broker.clients().breaches();
    }

    /** The statement ids of {@link #breaches()}, in order. */
    List<String> breachIds() {
        return breaches().stream().map(Breach::statementId).toList();
    }

    /** Waits (bounded by {@link #T}) for a breach of {@code id} and returns it; fails showing what was recorded. */
    Breach awaitBreach(String id) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() < deadline) {
            for (Breach b : breaches()) if (b.statementId().equals(id)) return b;
            Thread.sleep(10);
        }
        throw new AssertionError("no breach of " + id + " within " + T + "; recorded: " + breaches());
    }

    /**
     * DISCONNECT as a well-behaved client does it: send it, wait for the broker's half-close (it has handled the
     * DISCONNECT by then), close the socket.
     */
    static void disconnect(TestClient c) throws Exception {
        c.send(new Disconnect());
        assertTrue(c.awaitClosed(T), "broker closes its side after DISCONNECT");
        c.close();
    }

    long exercised(String id) {
        return broker.coverage().exercisedCount(Statements.get(id));
    }

    long violated(String id) {
        return broker.coverage().violatedCount(Statements.get(id));
    }
}
