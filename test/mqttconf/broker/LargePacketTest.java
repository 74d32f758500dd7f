package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.Publish;

/** The default packet size limit is the standard's: a legal large PUBLISH passes as it does through mosquitto. */
class LargePacketTest extends BrokerTestBase {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void a20MiBPublishIsDeliveredWithTheDefaultLimit() throws Exception {
        TestClient sub = connect("large-sub", true);
        subscribe(sub, "large/t", 1);
        TestClient pub = connect("large-pub", true);
        byte[] payload = new byte[20 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31 + (i >>> 12));
        pub.send(new Publish("large/t", payload, 1, false, false, 7));
        assertNotNull(pub.await(PubAck.class, a -> a.packetId() == 7, LONG, new java.util.ArrayList<>()), "PUBACK");
        Publish got = sub.await(Publish.class, LONG);
        assertNotNull(got, "the 20 MiB PUBLISH delivered");
        assertEquals(payload.length, got.payload().length);
        assertArrayEquals(payload, got.payload(), "payload intact");
        sub.send(new PubAck(got.packetId()));
        barrier(sub);
        assertEquals(List.of(), breaches());
    }
}
