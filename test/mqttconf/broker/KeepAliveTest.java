package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet.*;

/** Keep alive: 1.5 x the interval of silence closes [MQTT-3.1.2-24]; any packet resets it; PINGRESP. */
class KeepAliveTest extends BrokerTestBase {

    @Test
    void silenceOfOneAndAHalfKeepAlivesCloses() throws Exception {
        TestClient c = connect(Connect.of("quiet", true, 1));
        long start = System.nanoTime();
        assertTrue(c.awaitClosed(Duration.ofSeconds(4)), "closed by the broker");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1400 && ms < 3000, "closed after " + ms + " ms; expected about 1500");
    }

    @Test
    void anyPacketResetsTheKeepAliveTimer() throws Exception {
        TestClient c = connect(Connect.of("chatty", true, 1));
        long start = System.nanoTime();
        // Packets every 0.5 s for 2 s keep it open past 1.5 s; awaitClosed paces them and proves it.
        for (int i = 0; i < 4; i++) {
            assertFalse(c.awaitClosed(Duration.ofMillis(500)), "still open after " + (i + 1) * 500 + " ms");
            if (i % 2 == 0) c.send(new PingReq());
            else c.send(Publish.of("keepalive/traffic", "x", 0, 0));
        }
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 2000);
        assertTrue(c.awaitClosed(Duration.ofSeconds(3)), "closed once the traffic stops");
    }

    @Test
    void pingreqGetsPingresp() throws Exception {
        TestClient c = connect("ping", true);
        c.send(new PingReq());
        assertEquals(new PingResp(), c.receive(T));
    }

    @Test
    void keepAliveZeroNeverExpires() throws Exception {
        TestClient c = connect(Connect.of("forever", true, 0));
        assertFalse(c.awaitClosed(Duration.ofMillis(300)));
    }
}
