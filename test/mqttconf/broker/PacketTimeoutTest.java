package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.*;

/** A packet must be whole within the packet timeout of its first byte, even with keep alive 0. */
class PacketTimeoutTest extends BrokerTestBase {
    private static final Duration PACKET_TIMEOUT = Duration.ofMillis(300);
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @Override
    BrokerConfig config() {
        return BrokerConfig.ephemeral().withPacketTimeout(PACKET_TIMEOUT);
    }

    @Override
    BrokerLog log() {
        return BrokerLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    @Test
    void halfAPacketAfterConnectWithKeepAlive0IsClosedAtThePacketTimeout() throws Exception {
        TestClient c = connect("half", true);
        long start = System.nanoTime();
        c.sendRaw(new byte[] {0x30});
        assertClosed(c, "one byte of a PUBLISH and nothing more");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250, "closed after " + ms + " ms, packet timeout 300 ms");
        barrier(connect("after", true));
        String log = logged.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.split("half did not finish a packet within 300 ms of its first byte; closing", -1).length - 1,
                log);
        assertEquals(List.of(), breaches(), "a limit of the server, not a breach of the client");
    }

    @Test
    void aLargePacketArrivingSlowlyButWithinTheTimeoutIsNotCut() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "large", 0);
        TestClient pub = connect("slow", true);
        byte[] packet = Encoder.encode(new Publish("large", new byte[64 * 1024], 0, false, false, 0));
        int pieces = 5;
        int step = packet.length / pieces + 1;
        for (int from = 0; from < packet.length; from += step) {
            pub.sendRaw(Arrays.copyOfRange(packet, from, Math.min(packet.length, from + step)));
            if (from + step < packet.length) assertFalse(pub.awaitClosed(Duration.ofMillis(30)), "cut mid-packet");
        }
        assertEquals(64 * 1024, receive(sub).payload().length);
        barrier(pub);
    }

    @Test
    void theClockStartsAgainWithEachPacket() throws Exception {
        TestClient c = connect("stream", true);
        byte[] ping = Encoder.encode(new PingReq());
        int pauses = 0;
        c.sendRaw(new byte[] {ping[0]});
        // Always half a packet pending, for longer than the timeout overall, but each one finished in time.
        while (pauses * 60L < 2 * PACKET_TIMEOUT.toMillis()) {
            assertFalse(c.awaitClosed(Duration.ofMillis(60)), "closed after " + pauses + " pauses");
            pauses++;
            c.sendRaw(new byte[] {ping[1], ping[0]});
        }
        c.sendRaw(new byte[] {ping[1]});
        barrier(c);
    }
}
