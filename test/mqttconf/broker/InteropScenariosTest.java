package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/** The eleven scenarios of the Paho interoperability day sheet (client_test.py), against Paho's defaults. */
class InteropScenariosTest extends BrokerTestBase {
    static final String[] TOPICS = {"TopicA", "TopicA/B", "Topic/C", "TopicA/C", "/TopicA"};

    @Test
    void connectDisconnectAndConnectAgain() throws Exception {
        TestClient c = connect("myclientid", true);
        c.send(new Disconnect());
        assertClosed(c, "after DISCONNECT");
        TestClient again = connect("myclientid", true);
        assertEquals(List.of(), barrier(again));
    }

    @Test
    void qos0And1And2SentAndReceived() throws Exception {
        TestClient c = connect("myclientid", true);
        assertEquals(2, subscribe(c, TOPICS[0], 2));
        TestClient pub = connect("publisher", true);
        for (int qos = 0; qos <= 2; qos++) {
            publish(pub, TOPICS[0], "qos " + qos, qos, false, 10 + qos);
            Publish got = receive(c);
            assertEquals(TOPICS[0], got.topic());
            assertEquals("qos " + qos, text(got));
            assertEquals(qos, got.qos());
            assertFalse(got.retain() || got.dup(), "fresh delivery has RETAIN 0 and DUP 0: " + got);
        }
    }

    @Test
    void offlineMessagesAreQueuedForAPersistentSession() throws Exception {
        TestClient sub = connect("myclientid", false);
        subscribe(sub, "+/+", 2);
        sub.send(new Disconnect());
        assertClosed(sub, "after DISCONNECT");
        TestClient pub = connect("myclientid2", true);
        for (int qos = 0; qos <= 2; qos++) publish(pub, TOPICS[qos + 1], "qos " + qos, qos, false, 1 + qos);
        TestClient back = open("myclientid");
        assertTrue(connAck(back, Connect.of("myclientid", false, 0)).sessionPresent());
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 2; i++) got.add(text(receive(back)));
        assertEquals(List.of("qos 1", "qos 2"), got, "QoS 0 is dropped while away (drop QoS 0 is on)");
        assertEquals(List.of(), barrier(back));
    }

    @Test
    void retainedMessagesAreSentAtEachQos() throws Exception {
        TestClient c = connect("myclientid", true);
        for (int qos = 0; qos <= 2; qos++) publish(c, TOPICS[qos + 1], "qos " + qos, qos, true, 1 + qos);
        subscribe(c, 5, "+/+", 2);
        List<Publish> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) got.add(receive(c));
        for (int qos = 0; qos <= 2; qos++) {
            Publish p = got.get(qos);
            assertEquals(TOPICS[qos + 1], p.topic());
            assertEquals(qos, p.qos());
            assertTrue(p.retain(), "delivery caused by a new subscription has RETAIN 1: " + p);
        }
    }

    @Test
    void retainedMessagesAreClearedByAnEmptyRetainedMessage() throws Exception {
        TestClient c = connect("myclientid", true);
        for (int qos = 0; qos <= 2; qos++) publish(c, TOPICS[qos + 1], "qos " + qos, qos, true, 1 + qos);
        for (int qos = 0; qos <= 2; qos++) publish(c, TOPICS[qos + 1], "", qos, true, 4 + qos);
        subscribe(c, 7, "+/+", 2);
        assertEquals(List.of(), barrier(c), "no retained messages left");
    }

    @Test
    void willIsPublishedWhenTheSocketDrops() throws Exception {
        Will will = new Will(TOPICS[2], "client not disconnected".getBytes(StandardCharsets.UTF_8), 2, false);
        TestClient dying = connect(Connect.of("myclientid", true, 2).withWill(will));
        TestClient watcher = connect("myclientid2", true);
        subscribe(watcher, TOPICS[2], 2);
        dying.close();
        Publish got = receive(watcher);
        assertEquals(TOPICS[2], got.topic());
        assertEquals("client not disconnected", text(got));
        assertEquals(2, got.qos());
    }

    @Test
    void overlappingSubscriptionsGiveOneCopyAtTheHighestQos() throws Exception {
        TestClient c = connect("myclientid", true);
        subscribe(c, 1, "TopicA/#", 2);
        subscribe(c, 2, "TopicA/+", 1);
        publish(connect("publisher", true), TOPICS[3], "overlapping topic filters", 2, false, 3);
        Publish got = receive(c);
        assertEquals(2, got.qos());
        assertEquals(List.of(), barrier(c), "exactly one copy");
    }

    @Test
    void keepAliveExpiryClosesAndPublishesTheWill() throws Exception {
        Will will = new Will(TOPICS[4], "keepalive expiry".getBytes(StandardCharsets.UTF_8), 1, false);
        TestClient watcher = connect("watcher", true);
        subscribe(watcher, TOPICS[4], 2);
        long start = System.nanoTime();
        TestClient silent = connect(Connect.of("silent", true, 1).withWill(will));
        assertTrue(silent.awaitClosed(java.time.Duration.ofSeconds(4)), "closed by the broker");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 1400 && ms < 3000, "closed after " + ms + " ms; expected 1.5 x 1 s");
        assertEquals("keepalive expiry", text(receive(watcher)));
        assertEquals(1, exercised("MQTT-3.1.2-24"));
    }

    @Test
    void zeroLengthClientIdIsAcceptedOnlyWithCleanSession() throws Exception {
        TestClient persistent = open("zero-persistent");
        ConnAck refused = connAck(persistent, Connect.of("", false, 0));
        assertEquals(new ConnAck(false, ConnAck.IDENTIFIER_REJECTED), refused);
        assertClosed(persistent, "after CONNACK 0x02");
        TestClient clean = connect("", true);
        assertEquals(List.of(), barrier(clean));
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() throws Exception {
        TestClient c = connect("myclientid", true);
        subscribe(c, "#", 2);
        publish(c, "$" + TOPICS[1], "", 1, false, 2);
        assertEquals(List.of(), barrier(c));
    }

    @Test
    void subscribeFailureIsReportedWith0x80() throws Exception {
        TestClient c = connect("myclientid", true);
        c.send(new Subscribe(3, List.of(new Subscription("test/nosubscribe", 0), new Subscription(TOPICS[0], 1))));
        Packet ack = c.receive(T);
        assertEquals(new SubAck(3, List.of(SubAck.FAILURE, 1)), ack);
    }
}
