package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/** Persistent sessions: state kept while away, redelivery on reconnect (4.4.0-1), clean session discards. */
class SessionTest extends BrokerTestBase {

    private TestClient reconnect(String clientId) throws Exception {
        TestClient c = open(clientId + "-again");
        assertTrue(connAck(c, Connect.of(clientId, false, 0)).sessionPresent(), "session present");
        return c;
    }

    @Test
    void unacknowledgedPublishesAreResentWithDupAndTheSameIdsInOrder() throws Exception {
        TestClient sub = connect("sub", false);
        subscribe(sub, "t/#", 2);
        TestClient pub = connect("pub", true);
        publish(pub, "t/1", "one", 1, false, 1);
        publish(pub, "t/2", "two", 2, false, 2);
        publish(pub, "t/1", "three", 1, false, 3);
        List<Publish> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) first.add(sub.await(Publish.class, T));
        sub.close();
        TestClient again = reconnect("sub");
        for (Publish original : first) {
            Publish resent = again.await(Publish.class, T);
            assertEquals(original.withDup(true), resent, "resent with DUP=1, same id, same order");
        }
        assertEquals(3, exercised("MQTT-4.4.0-1"));
    }

    @Test
    void pubrelIsResentForFlowsPastPubrec() throws Exception {
        TestClient sub = connect("sub", false);
        subscribe(sub, "t", 2);
        publish(connect("pub", true), "t", "exactly once", 2, false, 9);
        Publish p = sub.await(Publish.class, T);
        sub.send(new PubRec(p.packetId()));
        assertEquals(new PubRel(p.packetId()), sub.receive(T));
        sub.close();
        TestClient again = reconnect("sub");
        assertEquals(new PubRel(p.packetId()), again.receive(T), "PUBREL again, not the PUBLISH");
        again.send(new PubComp(p.packetId()));
        assertEquals(List.of(), barrier(again));
    }

    @Test
    void subscriptionsAndQos1And2MessagesAreKeptWhileAway() throws Exception {
        TestClient sub = connect("away", false);
        subscribe(sub, "news", 2);
        sub.send(new Disconnect());
        assertClosed(sub, "DISCONNECT");
        TestClient pub = connect("pub", true);
        for (int i = 1; i <= 5; i++) publish(pub, "news", "item " + i, 1 + i % 2, false, i);
        TestClient again = reconnect("away");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Publish p = again.await(Publish.class, T);
            got.add(text(p) + " qos " + p.qos());
        }
        assertEquals(List.of("item 1 qos 2", "item 2 qos 1", "item 3 qos 2", "item 4 qos 1", "item 5 qos 2"), got,
                "in publish order");
        assertTrue(exercised("MQTT-3.1.2-5") >= 5);
    }

    @Test
    void qos0MessagesAreQueuedWhileAwayWhenDropQos0IsOff() throws Exception {
        broker.close();
        broker = Broker.start(BrokerConfig.ephemeral().withDropQos0(false));
        TestClient sub = connect("away", false);
        subscribe(sub, "news", 0);
        sub.send(new Disconnect());
        assertClosed(sub, "DISCONNECT");
        publish(connect("pub", true), "news", "kept", 0, false, 0);
        TestClient again = reconnect("away");
        assertEquals("kept", text(receive(again)));
    }

    @Test
    void cleanSessionDiscardsSubscriptionsAndMessages() throws Exception {
        TestClient sub = connect("forget", false);
        subscribe(sub, "news", 1);
        sub.send(new Disconnect());
        assertClosed(sub, "DISCONNECT");
        TestClient pub = connect("pub", true);
        publish(pub, "news", "while away", 1, false, 1);
        TestClient clean = connect("forget", true);
        publish(pub, "news", "after clean start", 1, false, 2);
        assertEquals(List.of(), barrier(clean), "neither the queued message nor the old subscription survive");
    }

    @Test
    void acknowledgedFlowsAreNotResent() throws Exception {
        TestClient sub = connect("acks", false);
        subscribe(sub, "t", 1);
        TestClient pub = connect("pub", true);
        publish(pub, "t", "acked", 1, false, 1);
        receive(sub);
        barrier(sub);
        sub.close();
        assertEquals(List.of(), barrier(reconnect("acks")));
    }

    @Test
    void packetIdsInUseAreNeverReused() throws Exception {
        TestClient sub = connect("ids", true);
        subscribe(sub, "t", 1);
        TestClient pub = connect("pub", true);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) publish(pub, "t", "m" + i, 1, false, i + 1);
        for (int i = 0; i < 20; i++) ids.add(sub.await(Publish.class, T).packetId());
        assertEquals(20, ids.stream().distinct().count(), "all unacknowledged ids differ: " + ids);
        List<Packet> none = barrier(sub);
        assertEquals(List.of(), none);
    }
}
