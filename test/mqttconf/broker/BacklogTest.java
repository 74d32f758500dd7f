package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Subscribe;

/**
 * A burst of connections while the broker is busy waits in the listen queue instead of being dropped: 500
 * back-to-back connects all complete their TCP handshake while the loop is held, and each gets its CONNACK once it
 * goes on. With a backlog of 50 (the JDK's default) the kernel drops the SYNs beyond it and clients retry after a
 * second or more.
 */
class BacklogTest {
    private static final int CONNECTS = 500;

    @Test
    void fiveHundredBackToBackConnectsWaitInTheListenQueue() throws Exception {
        // procfs reports a size of 0, so read it by lines.
        Path somaxconn = Path.of("/proc/sys/net/core/somaxconn");
        assumeTrue(!Files.exists(somaxconn) || Integer.parseInt(Files.readAllLines(somaxconn).get(0).strip()) >= CONNECTS,
                "the system caps every listen queue below " + CONNECTS);
        assertEquals(4096, BrokerConfig.defaults().backlog());
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<SocketChannel> channels = new ArrayList<>();
        try (Broker b = Broker.start(BrokerConfig.ephemeral()); Selector selector = Selector.open()) {
            // The report hook runs on the broker's thread: holding it holds every accept.
            b.onReportRequest(() -> {
                held.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "";
            });
            TestClient holder = TestClient.open("127.0.0.1", b.port(), BrokerTestBase.T, "holder");
            holder.send(Connect.of("holder", true, 0));
            assertNotNull(holder.await(ConnAck.class, BrokerTestBase.T));
            holder.send(Subscribe.of(1, "$SYS/mqttconf/report", 0));
            assertTrue(held.await(3, TimeUnit.SECONDS), "the broker thread is held");
            try {
                for (int i = 0; i < CONNECTS; i++) {
                    SocketChannel ch = SocketChannel.open();
                    channels.add(ch);
                    ch.configureBlocking(false);
                    ch.connect(new InetSocketAddress("127.0.0.1", b.port()));
                    ch.register(selector, SelectionKey.OP_CONNECT, i);
                }
                int connected = awaitConnected(selector, 5_000);
                assertEquals(CONNECTS, connected, "handshakes completed while the broker accepted nothing");
            } finally {
                release.countDown();
            }
            for (int i = 0; i < CONNECTS; i++) {
                ByteBuffer connect = ByteBuffer.allocate(64);
                Encoder.encode(Connect.of("burst" + i, true, 0), connect);
                connect.flip();
                channels.get(i).configureBlocking(true);
                while (connect.hasRemaining()) channels.get(i).write(connect);
            }
            for (int i = 0; i < CONNECTS; i++) {
                ByteBuffer ack = ByteBuffer.allocate(4);
                channels.get(i).socket().setSoTimeout(3000);
                try (var in = channels.get(i).socket().getInputStream()) {
                    assertEquals(4, in.readNBytes(ack.array(), 0, 4), "CONNACK for connection " + i);
                }
                assertEquals(0x20, ack.get(0) & 0xff, "CONNACK for connection " + i);
            }
            holder.close();
        } finally {
            for (SocketChannel ch : channels) ch.close();
        }
    }

    /** Counts finished connects until all are done or {@code ms} pass. */
    private static int awaitConnected(Selector selector, long ms) throws IOException {
        int done = 0;
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (done < CONNECTS && System.nanoTime() < deadline) {
            selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            for (SelectionKey k : selector.selectedKeys()) {
                if (((SocketChannel) k.channel()).finishConnect()) {
                    k.cancel();
                    done++;
                }
            }
            selector.selectedKeys().clear();
        }
        return done;
    }
}
