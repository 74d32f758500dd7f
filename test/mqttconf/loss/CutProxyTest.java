package mqttconf.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.Publish;

@Timeout(10)
class CutProxyTest {
    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (true) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                        } catch (IOException ignored) {
                            // cut
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    private CutProxy proxy(long seed, int meanMillis) throws IOException {
        return new CutProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), seed,
                meanMillis);
    }

    private static Socket connect(CutProxy p) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), p.port());
        s.setSoTimeout(3000);
        return s;
    }

    @Test
    void withoutCuttingEveryByteIsForwardedBothWays() throws Exception {
        byte[] data = new byte[200_000];
        new Random(1).nextBytes(data);
        try (CutProxy p = proxy(1, 10); Socket s = connect(p)) {
            Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the read below fails the test
                }
            });
            assertArrayEquals(data, s.getInputStream().readAllBytes());
            assertEquals(0, p.cuts());
        }
    }

    @Test
    void cuttingEndsConnectionsAndWhatArrivedIsAPrefixOfWhatWasSent() throws Exception {
        byte[] packet = Encoder.encode(Publish.of("a/b", "0123456789".repeat(5), 1, 1));
        try (CutProxy p = proxy(42, 5)) {
            p.cutting(true);
            for (int round = 0; round < 3; round++) {
                try (Socket s = connect(p)) {
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream sent = new ByteArrayOutputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            for (int i = 0; i < 100_000; i++) {
                                out.write(packet);
                                synchronized (sent) {
                                    sent.write(packet);
                                }
                            }
                        } catch (IOException cut) {
                            // expected
                        }
                    });
                    try {
                        in.transferTo(got);
                    } catch (IOException cut) {
                        // a reset is a cut too
                    }
                    writer.join(3000);
                    byte[] g = got.toByteArray();
                    byte[] all;
                    synchronized (sent) {
                        all = sent.toByteArray();
                    }
                    assertTrue(g.length <= all.length + packet.length);
                    byte[] expected = new byte[g.length];
                    for (int i = 0; i < g.length; i++) {
                        expected[i] = packet[i % packet.length];
                    }
                    assertArrayEquals(expected, g, "bytes arrive unchanged up to the cut");
                }
            }
            assertTrue(p.cuts() >= 3, "cuts: " + p.cuts());
        }
    }

    @Test
    void frameTrackerFollowsPacketBoundariesAcrossChunks() {
        byte[] one = Encoder.encode(Publish.of("t", "x".repeat(200), 1, 5));
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        FrameTracker t = new FrameTracker();
        t.feed(two, 0, 1);
        assertFalse(t.atBoundary());
        t.feed(two, 1, one.length);
        assertFalse(t.atBoundary());
        t.feed(two, one.length + 1, one.length - 1);
        assertTrue(t.atBoundary());
        t.feed(new byte[] {(byte) 0xe0, 0}, 0, 2);
        assertTrue(t.atBoundary(), "DISCONNECT has no body");
        t.feed(Arrays.copyOf(one, 3), 0, 3);
        assertFalse(t.atBoundary());
    }
}
