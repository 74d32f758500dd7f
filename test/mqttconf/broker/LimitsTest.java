package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.*;

/** Resource limits: connections, the CONNECT deadline (slowloris), packet size, offline queues. */
class LimitsTest extends BrokerTestBase {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @Override
    BrokerConfig config() {
        return BrokerConfig.ephemeral().withMaxConnections(3).withConnectTimeout(Duration.ofMillis(500))
                .withMaxPacketSize(1000).withMaxQueuedMessages(5).withDropQos0(false);
    }

    @Override
    BrokerLog log() {
        return BrokerLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    private String logText() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    /** Polls the broker's stats until {@code wanted} holds (bounded by {@link #T}); returns the last ones. */
    BrokerStats awaitStats(Predicate<BrokerStats> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        BrokerStats s = broker.stats(T);
        while (!wanted.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = broker.stats(T);
        }
        return s;
    }

    @Test
    void connectionsBeyondTheMaximumAreClosedAtOnceAndLoggedOncePerBurst() throws Exception {
        List<TestClient> admitted = new ArrayList<>();
        for (int i = 0; i < 3; i++) admitted.add(connect("c" + i, true));
        for (int i = 0; i < 3; i++) {
            TestClient extra = open("extra" + i);
            assertClosed(extra, "fourth connection while three are open");
            assertNull(extra.receive(Duration.ZERO), "nothing sent to a refused connection");
        }
        assertEquals(3, broker.stats(T).refusedConnections());
        disconnect(admitted.get(0));
        awaitStats(s -> s.openConnections() == 2);
        barrier(connect("again", true));
        String log = logText();
        assertEquals(1, log.split("maximum of 3 connections open", -1).length - 1, log);
        assertTrue(log.contains("accepting connections again after refusing 3 at the maximum of 3"), log);
    }

    @Test
    void slowlorisCannotHoldAConnectionPastTheConnectDeadline() throws Exception {
        TestClient slow = open("slowloris");
        byte[] connect = Encoder.encode(Connect.of("slowloris", true, 0));
        long start = System.nanoTime();
        boolean closed = false;
        for (int i = 0; i < connect.length - 1 && !closed; i++) {
            slow.sendRaw(new byte[] {connect[i]});
            closed = slow.awaitClosed(Duration.ofMillis(100));
        }
        if (!closed) closed = slow.awaitClosed(T);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closed, "closed at the CONNECT deadline although a byte arrived every 100 ms");
        assertTrue(ms >= 400 && ms < 2000, "closed after " + ms + " ms, deadline 500 ms");
        assertEquals(0, awaitStats(s -> s.openConnections() == 0).openConnections());
    }

    @Test
    void aPacketAnnouncedLargerThanTheMaximumClosesBeforeItsBodyArrives() throws Exception {
        TestClient c = connect("big", true);
        c.sendRaw(ByteNotation.parse("30 r1000"));
        assertClosed(c, "PUBLISH of 1003 bytes, maximum 1000");
        TestClient ok = connect("fits", true);
        publish(ok, "t", "x".repeat(900), 1, false, 1);
        assertTrue(logText().contains("big: PUBLISH of 1003 bytes exceeds the maximum packet size of 1000 (this broker's "
                + "--max-packet-size); closing"), logText());
        assertEquals(List.of(), breaches(), "a legal packet over our limit is no breach by the client");
        assertFalse(logText().contains("breach"), logText());
    }

    @Test
    void aFullOfflineQueueDropsQos0FirstThenNewMessagesAndSaysSo() throws Exception {
        TestClient sub = connect("away", false);
        subscribe(sub, "q/#", 1);
        disconnect(sub);
        TestClient pub = connect("pub", true);
        for (String m : List.of("a", "b", "c")) publish(pub, "q/0", m, 0, false, 0);
        for (int i = 1; i <= 5; i++) publish(pub, "q/1", "m" + i, 1, false, i);
        publish(pub, "q/0", "d", 0, false, 0);
        publish(pub, "q/1", "m6", 1, false, 6);
        barrier(pub);
        BrokerStats stats = broker.stats(T);
        assertEquals(5, stats.queuedMessages());
        assertEquals(5, stats.droppedMessages(), "a, b, c made room; d and m6 found no QoS 0 to replace");
        TestClient back = open("away-again");
        assertTrue(connAck(back, Connect.of("away", false, 0)).sessionPresent());
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) got.add(text(receive(back)));
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), got);
        assertTrue(barrier(back).isEmpty(), "nothing more");
        String log = logText();
        assertEquals(1, log.split("is offline with 5 messages queued", -1).length - 1, log);
        assertTrue(log.contains("away is back; dropped while it was offline: 4 QoS 0 and 1 QoS 1/2 messages"), log);
    }

    @Test
    void aSlowConsumerIsDisconnectedButItsPersistentSessionKept() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withMaxOutputBytes(64 * 1024));
        TestClient watcher = connect("watcher", true);
        subscribe(watcher, "slow/will", 0);
        try (java.net.Socket stalled = new java.net.Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()), (int) T.toMillis());
            Will will = new Will("slow/will", "gone".getBytes(StandardCharsets.UTF_8), 0, false);
            stalled.getOutputStream().write(Encoder.encode(Connect.of("stalled", false, 0).withWill(will)));
            stalled.getOutputStream().write(Encoder.encode(Subscribe.of(1, "flood", 1)));
            TestClient pub = connect("pub", true);
            subscribe(pub, "flood", 0);
            Publish big = new Publish("flood", new byte[16 * 1024], 1, false, false, 0);
            Publish gone = null;
            for (int i = 1; i <= 400 && gone == null; i++) {
                publish(pub, "flood", "", 0, false, 0);
                pub.send(big.withQos(1, i));
                if (i % 10 == 0) gone = watcher.await(Publish.class, x -> true, Duration.ofMillis(20), null);
            }
            if (gone == null) gone = watcher.await(Publish.class, T);
            assertNotNull(gone, "the stalled client was disconnected (its will came)");
        }
        assertEquals(1, broker.stats(T).sessions() - 2, "watcher, pub and the stalled client's persistent session");
        TestClient back = open("stalled-again");
        assertTrue(connAck(back, Connect.of("stalled", false, 0)).sessionPresent(), "session kept");
        assertFalse(back.isClosed());
    }
}
