package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/** QoS flows in both directions, QoS downgrade, overlaps, UNSUBSCRIBE, ordering and Paho's test topics. */
class DeliveryTest extends BrokerTestBase {

    @Test
    void qos2IsDeliveredOnPubrelByDefault() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "t", 2);
        TestClient pub = connect("pub", true);
        pub.send(Publish.of("t", "held", 2, 5));
        assertEquals(new PubRec(5), pub.receive(T));
        assertEquals(List.of(), barrier(sub), "not before PUBREL");
        pub.send(new PubRel(5));
        assertEquals(new PubComp(5), pub.receive(T));
        assertEquals("held", text(receive(sub)));
    }

    @Test
    void qos2IsDeliveredOnPublishWhenPublishOnPubrelIsOff() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withPublishOnPubrel(false));
        TestClient sub = connect("sub", true);
        subscribe(sub, "t", 2);
        TestClient pub = connect("pub", true);
        pub.send(Publish.of("t", "early", 2, 5));
        assertEquals(new PubRec(5), pub.receive(T));
        assertEquals("early", text(receive(sub)), "delivered before PUBREL");
    }

    @Test
    void duplicateQos2PublishAwaitingPubrelIsNotDeliveredTwice() throws Exception {
        for (boolean onPubrel : new boolean[] {true, false}) {
            broker.close();
            broker = Broker.start(BrokerConfig.ephemeral().withPublishOnPubrel(onPubrel));
            TestClient sub = connect("sub", true);
            subscribe(sub, "t", 2);
            TestClient pub = connect("pub", true);
            pub.send(Publish.of("t", "once", 2, 7));
            assertEquals(new PubRec(7), pub.receive(T));
            pub.send(Publish.of("t", "once", 2, 7).withDup(true));
            assertEquals(new PubRec(7), pub.receive(T), "PUBREC again for the duplicate");
            pub.send(new PubRel(7));
            assertEquals(new PubComp(7), pub.receive(T));
            receive(sub);
            assertEquals(List.of(), barrier(sub), "exactly one copy with publish-on-pubrel " + onPubrel);
        }
    }

    @Test
    void deliveredQosIsTheMinimumOfPublishedAndGranted() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "t", 1);
        TestClient pub = connect("pub", true);
        publish(pub, "t", "two", 2, false, 1);
        assertEquals(1, receive(sub).qos());
        publish(pub, "t", "zero", 0, false, 0);
        assertEquals(0, receive(sub).qos());
    }

    @Test
    void overlappingSubscriptionsGiveOneCopyPerSubscriptionWhenSingleIsOff() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withOverlappingSingle(false));
        TestClient c = connect("c", true);
        subscribe(c, 1, "a/#", 2);
        subscribe(c, 2, "a/+", 1);
        publish(connect("pub", true), "a/b", "twice", 2, false, 3);
        List<Integer> qos = new ArrayList<>();
        for (int i = 0; i < 2; i++) qos.add(c.await(Publish.class, T).qos());
        qos.sort(null);
        assertEquals(List.of(1, 2), qos);
        assertEquals(List.of(), barrier(c), "exactly two copies");
    }

    @Test
    void dupAndRetainOfTheIncomingPublishAreNotPropagated() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "t", 1);
        TestClient pub = connect("pub", true);
        pub.send(Publish.of("t", "dup", 1, 4).withDup(true).withRetain(true));
        Publish got = receive(sub);
        assertFalse(got.dup() || got.retain(), "DUP and RETAIN are the server's own: " + got);
    }

    @Test
    void unsubscribeMatchesFiltersExactlyAndIsAlwaysAcknowledged() throws Exception {
        TestClient c = connect("c", true);
        subscribe(c, "a/+", 1);
        c.send(new Unsubscribe(4, List.of("a/b", "nothing/here")));
        assertEquals(new UnsubAck(4), c.receive(T), "UNSUBACK even when nothing matched");
        TestClient pub = connect("pub", true);
        publish(pub, "a/b", "still subscribed to a/+", 0, false, 0);
        assertEquals("still subscribed to a/+", text(receive(c)));
        c.send(new Unsubscribe(5, List.of("a/+")));
        assertEquals(new UnsubAck(5), c.receive(T));
        publish(pub, "a/b", "gone", 0, false, 0);
        barrier(pub);
        assertEquals(List.of(), barrier(c));
    }

    @Test
    void unsubscribeCompletesDeliveriesAlreadyStarted() throws Exception {
        TestClient c = connect("c", true);
        subscribe(c, "t", 2);
        publish(connect("pub", true), "t", "in flight", 2, false, 1);
        Publish p = c.await(Publish.class, T);
        c.send(new Unsubscribe(9, List.of("t")));
        assertEquals(new UnsubAck(9), c.receive(T));
        c.send(new PubRec(p.packetId()));
        assertEquals(new PubRel(p.packetId()), c.receive(T), "the QoS 2 flow goes on");
        c.send(new PubComp(p.packetId()));
        assertEquals(List.of(), barrier(c));
    }

    @Test
    void subackCodesFollowTheOrderOfTheFiltersWithPahoTestTopics() throws Exception {
        TestClient c = connect("c", true);
        c.send(new Subscribe(11, List.of(new Subscription("test/QoS 1 only", 2), new Subscription("x", 2),
                new Subscription("test/nosubscribe", 1), new Subscription("test/QoS 0 only", 2),
                new Subscription("y", 0))));
        assertEquals(new SubAck(11, List.of(1, 2, 0x80, 0, 0)), c.receive(T));
    }

    @Test
    void messagesOnOneTopicArriveInPublishOrder() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "ordered", 2);
        TestClient pub = connect("pub", true);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            publish(pub, "ordered", "m" + i, i % 3, false, i + 1);
            sent.add("m" + i);
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 30; i++) got.add(text(sub.await(Publish.class, T)));
        assertEquals(sent, got);
    }

    @Test
    void wildcardsMatchAsSection47Says() throws Exception {
        TestClient c = connect("c", true);
        subscribe(c, 1, "sport/tennis/+", 0);
        subscribe(c, 2, "sport/#", 0);
        subscribe(c, 3, "+/+", 0);
        subscribe(c, 4, "/+", 0);
        TestClient pub = connect("pub", true);
        for (String topic : List.of("sport", "sport/tennis/player1", "/finance", "other/level/deep")) {
            publish(pub, topic, topic, 0, false, 0);
        }
        barrier(pub);
        List<String> got = new ArrayList<>();
        for (Packet p : barrier(c)) got.add(((Publish) p).topic());
        assertEquals(List.of("sport", "sport/tennis/player1", "/finance"), got);
    }

    @Test
    void aMalformedPacketClosesOnlyItsOwnConnection() throws Exception {
        TestClient good = connect("good", true);
        subscribe(good, "t", 1);
        TestClient bad = connect("bad", true);
        bad.sendRaw(new byte[] {0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01}); // PUBLISH with QoS 3
        assertClosed(bad, "QoS 3");
        assertEquals(1, violated("MQTT-3.3.1-4"));
        publish(connect("pub", true), "t", "still running", 1, false, 1);
        assertEquals("still running", text(receive(good)));
        assertTrue(exercised("MQTT-4.8.0-1") >= 1);
    }
}
