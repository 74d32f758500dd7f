package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.*;

/** A client that stops reading is disconnected once its pending output passes the bound; others carry on. */
class SlowClientTest extends BrokerTestBase {
    @Override
    BrokerConfig config() {
        return BrokerConfig.ephemeral().withMaxOutputBytes(256 * 1024);
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAndItsWillPublished() throws Exception {
        TestClient watcher = connect("watcher", true);
        subscribe(watcher, "slow/will", 0);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", broker.port()), (int) T.toMillis());
            Will will = new Will("slow/will", "too slow".getBytes(StandardCharsets.UTF_8), 0, false);
            stalled.getOutputStream().write(Encoder.encode(Connect.of("stalled", true, 0).withWill(will)));
            stalled.getOutputStream().write(Encoder.encode(Subscribe.of(1, "flood", 0)));
            TestClient pub = connect("pub", true);
            // The first PUBLISH is sent only once the stalled client's SUBSCRIBE was handled.
            subscribe(pub, "flood", 0);
            byte[] big = new byte[64 * 1024];
            Publish p = new Publish("flood", big, 0, false, false, 0);
            Publish got = null;
            for (int i = 0; i < 400 && got == null; i++) {
                pub.send(p);
                if (i % 20 == 19) {
                    pub.drain(Duration.ZERO);
                    got = watcher.await(Publish.class, x -> true, Duration.ofMillis(50), null);
                }
            }
            if (got == null) got = watcher.await(Publish.class, T);
            assertNotNull(got, "the stalled client was disconnected and its will published");
            assertEquals("too slow", text(got));
        }
    }
}
