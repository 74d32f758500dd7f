package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.observe.Breach;
import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.*;

/**
 * Hand-written misbehaving clients: each breach is recorded against the client id with its statement, evidence
 * and reason; the connection is closed where the standard says so and kept open where a server may tolerate it.
 */
class ClientBreachTest extends BrokerTestBase {
    @Override
    BrokerConfig config() {
        return BrokerConfig.ephemeral().withAckTimeout(Duration.ofMillis(500)).withDisconnectGrace(Duration.ofMillis(300))
                .withCloseWait(Duration.ofMillis(300));
    }

    private void assertOnly(String id) {
        assertEquals(List.of(id), breachIds(), "breaches recorded: " + breaches());
    }

    @Test
    void qos0PublishWithDupIsRecordedAndTolerated() throws Exception {
        TestClient c = connect("dup0", true);
        c.sendRaw(ByteNotation.parse("38 r* u'a/b' 'x'"));
        barrier(c);
        assertOnly("MQTT-3.3.1-2");
        Breach b = breaches().get(0);
        assertEquals("dup0", b.clientId());
        assertEquals("38 06 00 03 61 2f 62 78", b.hex());
        assertTrue(b.packet().contains("dup"), b.packet());
        assertFalse(b.closed());
    }

    @Test
    void strictClosesOnATolerableBreach() throws Exception {
        broker.close();
        broker = Broker.start(config().withStrict(true));
        TestClient c = connect("dup0", true);
        c.sendRaw(ByteNotation.parse("38 r* u'a/b' 'x'"));
        assertClosed(c, "--strict");
        assertTrue(awaitBreach("MQTT-3.3.1-2").closed());
    }

    @Test
    void passwordWithoutUserNameClosesAndIsRecorded() throws Exception {
        TestClient c = open("nouser");
        c.sendRaw(ByteNotation.parse("10 r* u'MQTT' 04 42 00 00 u'nouser' u'secret'"));
        assertClosed(c, "password flag without user name flag");
        Breach b = awaitBreach("MQTT-3.1.2-22");
        assertTrue(b.closed());
        assertTrue(b.hex().startsWith("10 "), b.hex());
        assertTrue(b.clientId().contains("before CONNECT"), b.clientId());
    }

    @Test
    void willQosWithoutWillFlagIsRecorded() throws Exception {
        TestClient c = open("willqos");
        c.sendRaw(ByteNotation.parse("10 r* u'MQTT' 04 0a 00 00 u'willqos'"));
        assertClosed(c, "will QoS 1 without will flag");
        awaitBreach("MQTT-3.1.2-13");
    }

    @Test
    void zeroLengthClientIdWithPersistentSessionIsRecorded() throws Exception {
        TestClient c = open("empty");
        assertEquals(ConnAck.IDENTIFIER_REJECTED, connAck(c, Connect.of("", false, 0)).returnCode());
        awaitBreach("MQTT-3.1.3-7");
    }

    @Test
    void longClientIdWithOtherCharactersIsNoBreach() throws Exception {
        TestClient c = connect("a client id/with:more than 23 characters é", true);
        disconnect(c);
        assertEquals(List.of(), breaches());
    }

    @Test
    void firstPacketOtherThanConnectIsRecorded() throws Exception {
        TestClient c = open("eager");
        c.send(Subscribe.of(1, "t", 0));
        assertClosed(c, "SUBSCRIBE before CONNECT");
        assertTrue(awaitBreach("MQTT-3.1.0-1").packet().startsWith("Subscribe"));
    }

    @Test
    void wildcardInPublishTopicIsRecordedWithItsBytes() throws Exception {
        TestClient c = connect("wild", true);
        c.sendRaw(ByteNotation.parse("30 r* u'a/+' 'x'"));
        assertClosed(c, "wildcard in a topic name");
        assertEquals("30 06 00 03 61 2f 2b 78", awaitBreach("MQTT-3.3.2-2").hex());
    }

    @Test
    void newPublishReusingAnIdAwaitingPubrelIsRecorded() throws Exception {
        TestClient c = connect("reuse", true);
        c.send(Publish.of("t", "first", 2, 7));
        assertEquals(new PubRec(7), c.receive(T));
        c.send(Publish.of("t", "second", 2, 7));
        barrier(c);
        assertOnly("MQTT-2.3.1-2");
    }

    @Test
    void qos2PublishRepeatedWithoutDupIsRecorded() throws Exception {
        TestClient c = connect("nodup", true);
        c.send(Publish.of("t", "same", 2, 3));
        assertEquals(new PubRec(3), c.receive(T));
        c.send(Publish.of("t", "same", 2, 3));
        barrier(c);
        assertOnly("MQTT-3.3.1-1");
    }

    @Test
    void subscribeWithAnIdInUseIsRecorded() throws Exception {
        TestClient c = connect("subreuse", true);
        c.send(Publish.of("t", "x", 2, 5));
        assertEquals(new PubRec(5), c.receive(T));
        c.send(Subscribe.of(5, "t", 0));
        barrier(c);
        assertOnly("MQTT-2.3.1-2");
    }

    /** Subscribes {@code sub} to t at {@code qos} and has another client publish two messages there. */
    private List<Publish> twoDeliveries(TestClient sub, int qos) throws Exception {
        subscribe(sub, "t", qos);
        TestClient pub = connect("pub", true);
        publish(pub, "t", "one", qos, false, 1);
        publish(pub, "t", "two", qos, false, 2);
        return List.of(sub.await(Publish.class, T), sub.await(Publish.class, T));
    }

    @Test
    void pubAcksOutOfOrderAreRecorded() throws Exception {
        TestClient sub = connect("acks", true);
        List<Publish> got = twoDeliveries(sub, 1);
        sub.send(new PubAck(got.get(1).packetId()));
        sub.send(new PubAck(got.get(0).packetId()));
        barrier(sub);
        assertOnly("MQTT-4.6.0-2");
    }

    @Test
    void pubRecsOutOfOrderAreRecorded() throws Exception {
        TestClient sub = connect("recs", true);
        List<Publish> got = twoDeliveries(sub, 2);
        sub.send(new PubRec(got.get(1).packetId()));
        sub.send(new PubRec(got.get(0).packetId()));
        barrier(sub);
        assertOnly("MQTT-4.6.0-3");
    }

    @Test
    void pubRelsOutOfOrderAreRecorded() throws Exception {
        TestClient c = connect("rels", true);
        c.send(Publish.of("t", "one", 2, 1));
        c.send(Publish.of("t", "two", 2, 2));
        assertEquals(List.of(new PubRec(1), new PubRec(2)), List.of(c.receive(T), c.receive(T)));
        c.send(new PubRel(2));
        c.send(new PubRel(1));
        barrier(c);
        assertOnly("MQTT-4.6.0-4");
    }

    @Test
    void pubAckForAQos2PublishIsRecorded() throws Exception {
        TestClient sub = connect("wrongack", true);
        Publish p = twoDeliveries(sub, 2).get(0);
        sub.send(new PubAck(p.packetId()));
        barrier(sub);
        assertEquals("MQTT-3.3.4-1", breachIds().get(0));
    }

    @Test
    void pubAckForAnIdNeverUsedInACleanSessionIsRecorded() throws Exception {
        TestClient c = connect("stale", true);
        c.send(new PubAck(4242));
        barrier(c);
        assertOnly("MQTT-2.3.1-6");
    }

    @Test
    void unacknowledgedPublishIsRecordedAfterTheAckTimeout() throws Exception {
        TestClient sub = connect("silent-sub", true);
        subscribe(sub, "t", 1);
        publish(connect("pub", true), "t", "ack me", 1, false, 1);
        assertNotNull(sub.await(Publish.class, T));
        assertTrue(awaitBreach("MQTT-4.5.0-2").reason().contains("no PUBACK"));
        assertEquals("silent-sub", breaches().get(0).clientId());
    }

    @Test
    void unacknowledgedPublishIsRecordedAtDisconnect() throws Exception {
        broker.close();
        broker = Broker.start(config().withAckTimeout(Duration.ofSeconds(60)));
        TestClient sub = connect("quitter", true);
        subscribe(sub, "t", 2);
        publish(connect("pub", true), "t", "ack me", 2, false, 1);
        assertNotNull(sub.await(Publish.class, T));
        assertFalse(sub.awaitClosed(Duration.ofMillis(400)), "older than the grace of 300 ms");
        disconnect(sub);
        assertTrue(awaitBreach("MQTT-4.5.0-2").reason().contains("no PUBREC"));
    }

    @Test
    void missingPubrelAndPubcompAreRecorded() throws Exception {
        TestClient c = connect("halfway", true);
        c.send(Publish.of("t", "x", 2, 1));
        assertEquals(new PubRec(1), c.receive(T));
        awaitBreach("MQTT-4.3.3-1");
        TestClient sub = connect("halfway-sub", true);
        Publish p = twoDeliveries(sub, 2).get(0);
        sub.send(new PubRec(p.packetId()));
        assertNotNull(sub.await(PubRel.class, T));
        awaitBreach("MQTT-4.3.3-2");
    }

    @Test
    void silenceBeyondKeepAliveIsRecordedWhenTheBrokerCloses() throws Exception {
        TestClient c = connect(Connect.of("sleepy", true, 1));
        assertTrue(c.awaitClosed(Duration.ofSeconds(4)), "closed at 1.5 x keep alive");
        assertTrue(awaitBreach("MQTT-3.1.2-23").reason().contains("keep alive 1 s"));
    }

    @Test
    void packetAfterDisconnectIsRecorded() throws Exception {
        TestClient c = connect("chatter", true);
        // One write: TestClient closes its socket when the broker half-closes, which could beat a second write.
        c.sendRaw(ByteNotation.parse("e0 00 | c0 00"));
        assertClosed(c, "DISCONNECT");
        assertEquals("PINGREQ", awaitBreach("MQTT-3.14.4-2").packet().substring(0, 7).toUpperCase());
    }

    @Test
    void socketKeptOpenAfterDisconnectIsRecorded() throws Exception {
        // A bare socket: TestClient closes by itself when the broker half-closes, as a good client does.
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.getOutputStream().write(Encoder.encode(Connect.of("lingerer", true, 0)));
            s.getOutputStream().write(Encoder.encode(new Disconnect()));
            s.setSoTimeout((int) T.toMillis());
            InputStream in = s.getInputStream();
            assertEquals(4, in.readNBytes(4).length, "CONNACK");
            assertEquals(-1, in.read(), "broker half-closes after DISCONNECT");
            String reason = awaitBreach("MQTT-3.14.4-1").reason();
            assertTrue(reason.contains("300 ms after DISCONNECT (--close-wait)"), reason);
        }
    }

    @Test
    void pubrelNotResentAfterResumingTheSessionIsRecorded() throws Exception {
        TestClient c = connect("forgetful", false);
        c.send(Publish.of("t", "x", 2, 9));
        assertEquals(new PubRec(9), c.receive(T));
        c.close();
        TestClient again = open("forgetful-again");
        assertTrue(connAck(again, Connect.of("forgetful", false, 0)).sessionPresent());
        disconnect(again);
        assertTrue(awaitBreach("MQTT-4.4.0-1").reason().contains("PUBREL"));
    }
}
