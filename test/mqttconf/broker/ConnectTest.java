package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Packet;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.*;

/** CONNECT handling: protocol checks, client ids, takeover, session present, first and second CONNECT. */
class ConnectTest extends BrokerTestBase {

    @Test
    void unsupportedProtocolLevelGetsConnAck1ThenClose() throws Exception {
        TestClient c = open("level3");
        ConnAck ack = connAck(c, new Connect("MQTT", 3, true, 0, "level3", null, null, null));
        assertEquals(new ConnAck(false, ConnAck.UNACCEPTABLE_PROTOCOL_VERSION), ack);
        assertClosed(c, "after CONNACK 0x01");
        TestClient mqisdp4 = open("mqisdp-level4");
        assertEquals(new ConnAck(false, ConnAck.UNACCEPTABLE_PROTOCOL_VERSION),
                connAck(mqisdp4, new Connect("MQIsdp", 4, true, 0, "mqisdp4", null, null, null)), "as mosquitto answers");
        assertEquals(2, exercised("MQTT-3.1.2-2"));
    }

    @Test
    void protocolNameOtherThanMqttClosesWithoutConnAck() throws Exception {
        TestClient c = open("lowercase");
        c.send(new Connect("mqtt", 4, true, 0, "old", null, null, null));
        assertClosed(c, "protocol name mqtt");
        assertNull(c.receive(Duration.ZERO), "no CONNACK");
        assertEquals(1, exercised("MQTT-3.1.2-1"));
    }

    /** MQTT 3.1 is accepted as mosquitto accepts it; its CONNACK has no session present flag. */
    @Test
    void mqttV31ConnectIsAcceptedAndItsSessionKeptWithoutSessionPresent() throws Exception {
        TestClient c = open("v31");
        assertEquals(new ConnAck(false, ConnAck.ACCEPTED), connAck(c, new Connect("MQIsdp", 3, false, 0, "v31", null, null, null)));
        assertEquals(1, subscribe(c, "v31/t", 1));
        List<Packet> meanwhile = publish(c, "v31/t", "hello", 1, false, 5);
        Publish got = meanwhile.isEmpty() ? receive(c) : (Publish) meanwhile.get(0);
        if (!meanwhile.isEmpty()) c.send(new PubAck(got.packetId()));
        assertEquals("hello", text(got));
        disconnect(c);
        TestClient again = open("v31-again");
        assertEquals(new ConnAck(false, ConnAck.ACCEPTED), connAck(again, new Connect("MQIsdp", 3, false, 0, "v31", null, null, null)),
                "session present stays 0 in a 3.1 CONNACK (reserved byte)");
        TestClient other = connect("v31-publisher", true);
        publish(other, "v31/t", "kept", 0, false, 0);
        assertEquals("kept", text(receive(again)), "the subscription was kept with the session");
        assertEquals(List.of(), breaches());
    }

    @Test
    void mqttV31ConnectWithoutClientIdGetsConnAck2() throws Exception {
        TestClient c = open("v31-empty");
        assertEquals(new ConnAck(false, ConnAck.IDENTIFIER_REJECTED), connAck(c, new Connect("MQIsdp", 3, true, 0, "", null, null, null)));
        assertClosed(c, "after CONNACK 0x02");
    }

    @Test
    void malformedConnectClosesWithoutConnAck() throws Exception {
        TestClient c = open("reserved-flag");
        // Connect flags 0x03: clean session plus the reserved bit.
        c.sendRaw(ByteNotation.parse("10 r* u'MQTT' 04 03 s0 u'x'"));
        assertClosed(c, "reserved CONNECT flag");
        assertNull(c.receive(Duration.ZERO), "no CONNACK");
        assertEquals(1, violated("MQTT-3.1.2-3"));
        assertEquals(1, exercised("MQTT-3.1.4-1"));
    }

    @Test
    void firstPacketOtherThanConnectCloses() throws Exception {
        TestClient c = open("no-connect");
        c.send(new PingReq());
        assertClosed(c, "PINGREQ before CONNECT");
        assertNull(c.receive(Duration.ZERO), "nothing sent back");
        assertEquals(1, violated("MQTT-3.1.0-1"));
    }

    @Test
    void secondConnectCloses() throws Exception {
        TestClient c = connect("twice", true);
        c.send(Connect.of("twice", true, 0));
        assertClosed(c, "second CONNECT");
        assertNull(c.receive(Duration.ZERO), "no second CONNACK");
        assertEquals(1, exercised("MQTT-3.1.0-2"));
    }

    @Test
    void packetsOnlyAServerSendsCloseTheConnection() throws Exception {
        List<Packet> forbidden = List.of(new ConnAck(false, 0), new SubAck(1, List.of(0)), new UnsubAck(1),
                new PingResp());
        for (Packet p : forbidden) {
            TestClient c = connect("sends-" + p.type(), true);
            c.send(p);
            assertClosed(c, "client sent " + p.type());
        }
    }

    @Test
    void zeroLengthClientIdGetsAUniqueAssignedId() throws Exception {
        TestClient a = connect("", true);
        TestClient b = connect("", true);
        // Both stay connected: they got different ids, so neither took the other over.
        assertEquals(List.of(), barrier(a));
        assertEquals(List.of(), barrier(b));
        assertEquals(2, exercised("MQTT-3.1.3-6"));
    }

    @Test
    void zeroLengthClientIdIsRejectedWhenSwitchedOff() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withZeroLengthClientIds(false));
        TestClient c = open("anonymous");
        assertEquals(new ConnAck(false, ConnAck.IDENTIFIER_REJECTED), connAck(c, Connect.of("", true, 0)));
        assertClosed(c, "after CONNACK 0x02");
    }

    @Test
    void dataAfterARejectedConnectIsNotProcessed() throws Exception {
        TestClient c = open("rejected");
        // One write: the broker closes after its CONNACK, which could beat a second write.
        byte[] connect = Encoder.encode(Connect.of("", false, 0));
        byte[] subscribe = Encoder.encode(new Subscribe(1, List.of(new Subscription("a", 0))));
        byte[] both = Arrays.copyOf(connect, connect.length + subscribe.length);
        System.arraycopy(subscribe, 0, both, connect.length, subscribe.length);
        c.sendRaw(both);
        assertEquals(new ConnAck(false, ConnAck.IDENTIFIER_REJECTED), c.receive(T));
        assertClosed(c, "after CONNACK 0x02");
        assertNull(c.receive(Duration.ZERO), "no SUBACK after a refused CONNECT");
    }

    @Test
    void sessionPresentReflectsStoredState() throws Exception {
        TestClient first = open("p1");
        assertFalse(connAck(first, Connect.of("persist", false, 0)).sessionPresent(), "no stored session yet");
        first.send(new Disconnect());
        assertClosed(first, "DISCONNECT");
        TestClient second = open("p2");
        assertTrue(connAck(second, Connect.of("persist", false, 0)).sessionPresent(), "stored session");
        second.send(new Disconnect());
        assertClosed(second, "DISCONNECT");
        TestClient clean = open("p3");
        assertFalse(connAck(clean, Connect.of("persist", true, 0)).sessionPresent(), "clean session discards it");
        clean.send(new Disconnect());
        assertClosed(clean, "DISCONNECT");
        TestClient after = open("p4");
        assertFalse(connAck(after, Connect.of("persist", false, 0)).sessionPresent(), "discarded by clean session");
    }

    @Test
    void takeoverClosesTheOldConnectionPublishesItsWillAndHandsOverTheSession() throws Exception {
        TestClient watcher = connect("watcher", true);
        subscribe(watcher, "will/#", 1);
        Will will = new Will("will/taken", "old connection lost".getBytes(StandardCharsets.UTF_8), 1, false);
        TestClient old = connect(Connect.of("same", false, 0).withWill(will));
        subscribe(old, "data", 1);
        TestClient fresh = open("same-new");
        assertTrue(connAck(fresh, Connect.of("same", false, 0)).sessionPresent(), "the session is handed over");
        assertClosed(old, "taken over");
        assertEquals("old connection lost", text(receive(watcher)));
        publish(watcher, "data", "to the new connection", 1, false, 7);
        assertEquals("to the new connection", text(receive(fresh)));
        assertEquals(1, exercised("MQTT-3.1.4-2"));
    }

    @Test
    void usernameAndPasswordAreAccepted() throws Exception {
        TestClient c = connect(Connect.of("user", true, 0).withCredentials("alice", "secret".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(), barrier(c));
    }

    @Test
    void connectionWithoutConnectIsClosedAfterTheConnectTimeout() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withConnectTimeout(Duration.ofMillis(300)));
        TestClient c = open("idle");
        assertClosed(c, "no CONNECT within 300 ms");
    }

    @Test
    void assignedIdsDifferFromEachOther() throws Exception {
        TestClient a = connect("", true);
        subscribe(a, "who", 0);
        TestClient b = connect("", true);
        publish(b, "who", "b is someone else", 0, false, 0);
        barrier(b);
        assertNotEquals(List.of(), barrier(a), "a is still connected and got b's message");
    }
}
