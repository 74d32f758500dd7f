package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.observe.ClientRecord;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.*;
import mqttconf.spec.Statements;

/** No false positives: clients that follow every rule, including the racy parts, leave no breach behind. */
class WellBehavedClientTest extends BrokerTestBase {
    @Override
    BrokerConfig config() {
        return BrokerConfig.ephemeral().withAckTimeout(Duration.ofMillis(800)).withDisconnectGrace(Duration.ofMillis(300))
                .withCloseWait(Duration.ofMillis(300));
    }

    private TestClient resume(String clientId) throws Exception {
        TestClient c = open(clientId + "-again");
        assertTrue(connAck(c, Connect.of(clientId, false, 0)).sessionPresent(), "session present");
        return c;
    }

    @Test
    void fullSessionAtEveryQosInBothDirectionsRecordsNoBreach() throws Exception {
        TestClient a = connect(Connect.of("alice", true, 60));
        TestClient b = connect(Connect.of("bob", true, 60));
        subscribe(a, 1, "to/alice/#", 2);
        subscribe(b, 1, "to/bob", 2);
        for (int qos = 0; qos <= 2; qos++) {
            publish(b, "to/alice/" + qos, "from bob " + qos, qos, false, 10 + qos);
            assertEquals("from bob " + qos, text(receive(a)));
            publish(a, "to/bob", "from alice " + qos, qos, false, 20 + qos);
            assertEquals("from alice " + qos, text(receive(b)));
        }
        // Two flows of each kind at once, so that answer order and packet ids in use could have been broken.
        for (int qos = 1; qos <= 2; qos++) {
            publish(b, "to/alice/two", "first", qos, false, 40);
            publish(b, "to/alice/two", "second", qos, false, 41);
            Publish first = a.await(Publish.class, T);
            Publish second = a.await(Publish.class, T);
            a.send(qos == 1 ? new PubAck(first.packetId()) : new PubRec(first.packetId()));
            a.send(qos == 1 ? new PubAck(second.packetId()) : new PubRec(second.packetId()));
            if (qos == 2) {
                assertEquals(new PubRel(first.packetId()), a.receive(T));
                assertEquals(new PubRel(second.packetId()), a.receive(T));
                a.send(new PubComp(first.packetId()));
                a.send(new PubComp(second.packetId()));
            }
        }
        a.send(Publish.of("to/bob", "one", 2, 50));
        a.send(Publish.of("to/bob", "two", 2, 51));
        assertEquals(new PubRec(50), a.receive(T));
        assertEquals(new PubRec(51), a.receive(T));
        a.send(new PubRel(50));
        a.send(new PubRel(51));
        assertEquals(new PubComp(50), a.receive(T));
        assertEquals(new PubComp(51), a.receive(T));
        Publish one = b.await(Publish.class, T);
        Publish two = b.await(Publish.class, T);
        assertEquals(List.of("one", "two"), List.of(text(one), text(two)));
        b.send(new PubRec(one.packetId()));
        assertEquals(new PubRel(one.packetId()), b.receive(T));
        b.send(new PubComp(one.packetId()));
        b.send(new PubRec(two.packetId()));
        assertEquals(new PubRel(two.packetId()), b.receive(T));
        b.send(new PubComp(two.packetId()));
        publish(b, "to/alice/kept", "retained", 1, true, 30);
        receive(a);
        a.send(new Unsubscribe(2, List.of("to/alice/#")));
        assertEquals(new UnsubAck(2), a.receive(T));
        subscribe(a, 3, "to/alice/kept", 1);
        assertTrue(receive(a).retain());
        barrier(a);
        disconnect(a);
        disconnect(b);
        assertEquals(List.of(), breaches());
        ClientRecord alice = broker.clients().of("alice");
        for (String id : List.of("MQTT-4.5.0-2", "MQTT-4.6.0-2", "MQTT-4.6.0-3", "MQTT-4.6.0-4", "MQTT-2.3.1-2",
                "MQTT-3.14.4-1", "MQTT-3.3.1-2", "MQTT-3.1.2-22")) {
            assertTrue(alice.checkedCount(Statements.get(id)) > 0, id + " checked on alice");
        }
    }

    @Test
    void persistentSessionsResumedWithCorrectResendsRecordNoBreach() throws Exception {
        TestClient sub = connect("sub", false);
        subscribe(sub, "t", 2);
        TestClient pub = connect("pub", true);
        publish(pub, "t", "one", 1, false, 1);
        publish(pub, "t", "two", 2, false, 2);
        Publish one = sub.await(Publish.class, T);
        Publish two = sub.await(Publish.class, T);
        sub.send(new PubAck(one.packetId()));
        sub.send(new PubRec(two.packetId()));
        assertEquals(new PubRel(two.packetId()), sub.receive(T));
        sub.close();

        TestClient sender = connect("sender", false);
        sender.send(Publish.of("t", "three", 2, 5));
        assertEquals(new PubRec(5), sender.receive(T));
        sender.close();

        TestClient subAgain = resume("sub");
        assertEquals(new PubRel(two.packetId()), subAgain.receive(T), "PUBREL resent");
        subAgain.send(new PubComp(two.packetId()));
        TestClient senderAgain = resume("sender");
        senderAgain.send(new PubRel(5));
        assertEquals(new PubComp(5), senderAgain.receive(T));
        assertEquals("three", text(receive(subAgain)));
        disconnect(subAgain);
        disconnect(senderAgain);
        assertEquals(List.of(), breaches());
    }

    @Test
    void anAcknowledgementAlreadyOnItsWayWhileTheBrokerResendsIsNoBreach() throws Exception {
        TestClient sub = connect("racer", false);
        subscribe(sub, "t", 1);
        publish(connect("pub", true), "t", "x", 1, false, 1);
        Publish p = sub.await(Publish.class, T);
        sub.close();
        TestClient again = open("racer-again");
        again.send(Connect.of("racer", false, 0));
        again.send(new PubAck(p.packetId()));
        assertTrue(again.await(ConnAck.class, T).sessionPresent());
        Publish dup = again.await(Publish.class, T);
        assertEquals(p.withDup(true), dup);
        again.send(new PubAck(dup.packetId()));
        barrier(again);
        disconnect(again);
        assertEquals(List.of(), breaches());
    }

    @Test
    void pingsWithinKeepAliveRecordNoBreach() throws Exception {
        TestClient c = connect(Connect.of("pinger", true, 1));
        for (int i = 0; i < 3; i++) {
            // awaitClosed paces the pings at 0.8 s, inside the keep alive of 1 s, and proves the connection stays.
            assertTrue(!c.awaitClosed(Duration.ofMillis(800)));
            c.send(new PingReq());
        }
        disconnect(c);
        assertEquals(List.of(), breaches());
        assertTrue(broker.clients().of("pinger").checkedCount(Statements.get("MQTT-3.1.2-23")) > 0);
    }
}
