package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.net.Socket;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.spec.Statements;

/**
 * [MQTT-3.14.4-1] sets no deadline: a client that closes its connection late after DISCONNECT (Paho Java's
 * disconnectForcibly closes after its own timeout) has kept it. Only one still open after --close-wait is recorded.
 */
class LateCloseTest extends BrokerTestBase {
    @Test
    void aClientClosing5SecondsAfterDisconnectRecordsNothing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout((int) T.toMillis());
            s.getOutputStream().write(Encoder.encode(Connect.of("late-closer", true, 0)));
            s.getOutputStream().write(Encoder.encode(new Disconnect()));
            InputStream in = s.getInputStream();
            assertEquals(4, in.readNBytes(4).length, "CONNACK");
            assertEquals(-1, in.read(), "broker half-closes after DISCONNECT");
            // The lateness is what is tested: the old deadline was 2 s after DISCONNECT.
            Thread.sleep(5000);
        }
        long deadline = System.nanoTime() + T.toNanos();
        while (checked("MQTT-3.14.4-1") == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, checked("MQTT-3.14.4-1"), "the close is seen and counted as the obligation kept");
        assertEquals(0, violated("MQTT-3.14.4-1"));
        assertEquals(List.of(), breaches());
    }

    /** A client's obligation is checked, not exercised: the broker counts it when it sees it kept or broken. */
    private long checked(String id) {
        return broker.coverage().checkedCount(Statements.get(id));
    }
}
