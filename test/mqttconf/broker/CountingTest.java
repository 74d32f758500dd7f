package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Packet.*;
import mqttconf.spec.AppliesTo;
import mqttconf.spec.Statements;

/**
 * Counting at the deciding branch: each statement the broker counts is not counted when its condition is absent,
 * and counted when it is present. Server statements count as exercised, client obligations as checked, apart.
 */
class CountingTest extends BrokerTestBase {
    @FunctionalInterface
    interface Scenario {
        void run(CountingTest t) throws Exception;
    }

    /** One row: the statement, a run without its condition and one with it. */
    record Case(String id, String condition, Scenario absent, Scenario present) {
        @Override
        public String toString() {
            return id + " (" + condition + ")";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("MQTT-3.3.1-3", "incoming DUP 1", t -> t.forward(1, 1, false, false), t -> t.forward(1, 1, true, false)),
                new Case("MQTT-3.3.1-9", "incoming RETAIN 1", t -> t.forward(1, 1, false, false), t -> t.forward(1, 1, false, true)),
                new Case("MQTT-3.8.4-6", "granted QoS below the message's", t -> t.forward(1, 1, false, false), t -> t.forward(0, 1, false, false)),
                new Case("MQTT-2.3.1-1", "a QoS 1 delivery", t -> t.forward(0, 1, false, false), t -> t.forward(1, 1, false, false)),
                new Case("MQTT-3.6.1-1", "a QoS 2 delivery", t -> t.forward(1, 2, false, false), t -> t.forward(2, 2, false, false)),
                new Case("MQTT-3.9.3-1", "several filters", t -> t.subscribeAll("a"), t -> t.subscribeAll("a", "b")),
                new Case("MQTT-3.8.4-4", "several filters", t -> t.subscribeAll("a"), t -> t.subscribeAll("a", "b")),
                new Case("MQTT-3.10.4-1", "filters held to compare with", t -> t.unsubscribe(false), t -> t.unsubscribe(true)),
                new Case("MQTT-3.3.1-10", "a retained message to remove", t -> t.retained(false, 1, ""), t -> t.retained(true, 1, "")),
                new Case("MQTT-3.3.1-7", "a retained message a QoS 0 one replaces", t -> t.retained(false, 0, "x"), t -> t.retained(true, 0, "x")),
                new Case("MQTT-3.1.3-2", "stored state for the client id", t -> t.reconnect(false), t -> t.reconnect(true)),
                new Case("MQTT-3.1.2-7", "retained messages when a session ends", t -> t.sessionEnds(false), t -> t.sessionEnds(true)),
                new Case("MQTT-4.6.0-6", "a message waiting behind another", t -> t.queued(1), t -> t.queued(2)),
                new Case("MQTT-3.1.4-5", "data after a refused CONNECT", t -> t.afterConnect(4), t -> t.afterConnect(3)),
                new Case("MQTT-3.1.3-5", "an accepted 1-23 character [0-9a-zA-Z] id", t -> t.connectOnly("with-dash", true), t -> t.connectOnly("simple1", true)),
                new Case("MQTT-4.1.0-2", "a clean session's connection ends", t -> t.disconnectSession(false), t -> t.disconnectSession(true)),
                new Case("MQTT-3.1.4-1", "a malformed CONNECT", t -> t.malformedFirst("30 02 00 05"), t -> t.malformedFirst("10 02 00 00")),
                new Case("MQTT-4.3.2-2", "a QoS 1 PUBLISH", t -> t.publishOnly(0), t -> t.publishOnly(1)),
                new Case("MQTT-3.3.4-1", "a PUBLISH that needs an answer", t -> t.publishOnly(0), t -> t.publishOnly(2)),
                new Case("MQTT-3.1.2-8", "a will and no DISCONNECT", t -> t.will(false), t -> t.will(true)),
                new Case("MQTT-4.6.0-2", "two PUBACKs owed at once", t -> t.answers(1), t -> t.answers(2)),
                new Case("MQTT-2.3.1-2", "a packet id in use", t -> t.twoQos2(false), t -> t.twoQos2(true)),
                new Case("MQTT-3.1.3-7", "a zero-length client id", t -> t.connectOnly("named", true), t -> t.connectOnly("", true)),
                new Case("MQTT-3.1.2-9", "will flag 1", t -> t.connectOnly("wf0", true), t -> t.willConnect("wf1")),
                new Case("MQTT-3.1.2-11", "will flag 0", t -> t.willConnect("wf1"), t -> t.connectOnly("wf0", true)),
                new Case("MQTT-4.7.1-2", "a '#' in a filter", t -> t.subscribeAll("a/b"), t -> t.subscribeAll("a/#")),
                new Case("MQTT-3.1.2-23", "a connection longer than its keep alive", t -> t.keepAlive(0), t -> t.keepAlive(1300)),
                new Case("MQTT-3.8.4-3", "an identical filter", t -> t.subscribeTwice("a/b", "a/c"), t -> t.subscribeTwice("a/b", "a/b")),
                new Case("MQTT-3.3.5-1", "overlapping subscriptions", t -> t.subscribeTwice("o/a", "o/b"), t -> t.subscribeTwice("o/a", "o/+")),
                new Case("MQTT-3.10.4-5", "no subscription deleted", t -> t.unsubscribeOwn(true), t -> t.unsubscribeOwn(false)),
                new Case("MQTT-3.10.4-2", "a subscription deleted", t -> t.unsubscribeOwn(false), t -> t.unsubscribeOwn(true)),
                new Case("MQTT-3.1.3-6", "a zero-length client id", t -> t.connectOnly("named", true), t -> t.connectOnly("", true)),
                new Case("MQTT-3.1.4-2", "the client id already connected", t -> t.takeover(false), t -> t.takeover(true)),
                new Case("MQTT-3.2.2-2", "a stored session resumed", t -> t.resume(false), t -> t.resume(true)),
                new Case("MQTT-3.1.2-5", "a QoS 1 message for an absent persistent session", t -> t.queued(0), t -> t.queued(1)),
                new Case("MQTT-4.4.0-1", "an unacknowledged delivery at reconnect", t -> t.redelivered(false), t -> t.redelivered(true)),
                new Case("MQTT-3.3.1-1", "a PUBLISH re-delivered", t -> t.redelivered(false), t -> t.redelivered(true)),
                new Case("MQTT-3.14.4-3", "a will at DISCONNECT", t -> t.disconnectSession(true), t -> t.will(false)),
                new Case("MQTT-3.3.1-6", "a retained message for a new subscription", t -> t.forward(1, 1, false, false), t -> t.retainedThenSubscribe()),
                new Case("MQTT-4.7.2-1", "a wildcard filter and a $ topic", t -> t.dollar("a/b"), t -> t.dollar("$x/b")),
                new Case("MQTT-3.12.4-1", "a PINGREQ", t -> t.subscribeAll("a"), t -> t.connectOnly("pinger", true)),
                new Case("MQTT-4.3.1-1", "a QoS 0 delivery", t -> t.forward(1, 1, false, false), t -> t.forward(0, 0, false, false)),
                new Case("MQTT-4.8.0-1", "a protocol violation", t -> t.publishOnly(1), t -> t.afterConnectTwice()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void countedOnlyWithItsConditionPresent(Case c) throws Exception {
        boolean client = Statements.get(c.id()).appliesTo() == AppliesTo.CLIENT || clientSide(c.id());
        c.absent().run(this);
        assertEquals(0, count(c.id(), client), c.id() + " counted without " + c.condition());
        stopBroker();
        startBroker();
        c.present().run(this);
        long deadline = System.nanoTime() + T.toNanos();
        while (count(c.id(), client) == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(count(c.id(), client) > 0, c.id() + " not counted with " + c.condition());
    }

    /** The "both" statements these rows look at from the client's side. */
    private static boolean clientSide(String id) {
        return List.of("MQTT-4.7.1-2").contains(id);
    }

    private long count(String id, boolean client) {
        return client ? broker.coverage().checkedCount(Statements.get(id)) : exercised(id);
    }

    void forward(int grantedQos, int qos, boolean dup, boolean retain) throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "f/t", grantedQos);
        TestClient pub = connect("pub", true);
        pub.send(Publish.of("f/t", "m", qos, 7).withDup(dup).withRetain(retain));
        if (qos == 1) assertNotNull(pub.await(PubAck.class, T));
        if (qos == 2) {
            assertNotNull(pub.await(PubRec.class, T));
            pub.send(new PubRel(7));
            assertNotNull(pub.await(PubComp.class, T));
        }
        receive(sub);
    }

    void subscribeAll(String... filters) throws Exception {
        TestClient c = connect("s", true);
        c.send(new Subscribe(1, Stream.of(filters).map(f -> new Subscription(f, 1)).toList()));
        assertNotNull(c.await(SubAck.class, T));
    }

    void unsubscribe(boolean subscribed) throws Exception {
        TestClient c = connect("u", true);
        if (subscribed) subscribe(c, "x/y", 0);
        c.send(new Unsubscribe(2, List.of("x/z")));
        assertNotNull(c.await(UnsubAck.class, T));
    }

    void retained(boolean stored, int qos, String payload) throws Exception {
        TestClient c = connect("r", true);
        if (stored) publish(c, "r/t", "old", 1, true, 1);
        publish(c, "r/t", payload, qos, true, 2);
        barrier(c);
    }

    void reconnect(boolean persistent) throws Exception {
        disconnect(connect("again", !persistent));
        disconnect(connect(Connect.of("again" + (persistent ? "" : "-new"), true, 0)));
    }

    void sessionEnds(boolean retainedStored) throws Exception {
        TestClient c = connect("ends", true);
        if (retainedStored) publish(c, "kept", "x", 0, true, 0);
        barrier(c);
        disconnect(c);
    }

    void queued(int messages) throws Exception {
        TestClient sub = connect("q", false);
        subscribe(sub, "q/t", 1);
        disconnect(sub);
        TestClient pub = connect("qp", true);
        for (int i = 0; i < messages; i++) publish(pub, "q/t", "m" + i, 1, false, 1 + i);
        TestClient back = open("q-back");
        assertTrue(connAck(back, Connect.of("q", false, 0)).sessionPresent());
        for (int i = 0; i < messages; i++) receive(back);
        disconnect(back);
    }

    void afterConnect(int level) throws Exception {
        TestClient c = open("level" + level);
        Connect connect = new Connect("MQTT", level, true, 0, "after", null, null, null);
        c.sendTogether(List.of(connect, new PingReq()));
        assertNotNull(c.await(ConnAck.class, T));
        if (level == 4) assertNotNull(c.await(PingResp.class, T));
        else assertClosed(c, "refused");
    }

    void connectOnly(String clientId, boolean clean) throws Exception {
        TestClient c = open("id");
        connAck(c, Connect.of(clientId, clean, 0));
        barrier(c);
    }

    void disconnectSession(boolean clean) throws Exception {
        disconnect(connect("d", clean));
    }

    void malformedFirst(String bytes) throws Exception {
        TestClient c = open("malformed");
        c.sendRaw(ByteNotation.parse(bytes));
        assertClosed(c, "malformed first packet");
    }

    void publishOnly(int qos) throws Exception {
        TestClient c = connect("p", true);
        publish(c, "p/t", "m", qos, false, 1);
        barrier(c);
    }

    void will(boolean abrupt) throws Exception {
        TestClient watcher = connect("watcher", true);
        subscribe(watcher, "will/t", 0);
        TestClient c = connect(new Connect("MQTT", 4, true, 0, "willer", new Will("will/t", new byte[] {1}, 0, false),
                null, null));
        if (!abrupt) {
            disconnect(c);
            barrier(watcher);
            return;
        }
        c.close();
        assertNotNull(watcher.await(Publish.class, T), "will published");
    }

    void willConnect(String clientId) throws Exception {
        TestClient c = open(clientId);
        connAck(c, new Connect("MQTT", 4, true, 0, clientId, new Will("w/t", new byte[] {1}, 0, false), null, null));
        barrier(c);
    }

    void answers(int outstanding) throws Exception {
        TestClient sub = connect("ans", true);
        subscribe(sub, "a/t", 1);
        TestClient pub = connect("ans-pub", true);
        for (int i = 0; i < outstanding; i++) publish(pub, "a/t", "m" + i, 1, false, 1 + i);
        List<Publish> got = new ArrayList<>();
        for (int i = 0; i < outstanding; i++) got.add(sub.await(Publish.class, T));
        for (Publish p : got) sub.send(new PubAck(p.packetId()));
        barrier(sub);
    }

    void twoQos2(boolean overlapping) throws Exception {
        TestClient c = connect("two", true);
        if (!overlapping) {
            publish(c, "t/2", "a", 2, false, 1);
            publish(c, "t/2", "b", 2, false, 2);
            return;
        }
        c.send(Publish.of("t/2", "a", 2, 1));
        assertEquals(new PubRec(1), c.receive(T));
        c.send(Publish.of("t/2", "b", 2, 2));
        assertEquals(new PubRec(2), c.receive(T));
        for (int id = 1; id <= 2; id++) {
            c.send(new PubRel(id));
            assertEquals(new PubComp(id), c.receive(T));
        }
    }

    void subscribeTwice(String first, String second) throws Exception {
        TestClient c = connect("twice", true);
        subscribe(c, 1, first, 1);
        subscribe(c, 2, second, 2);
        TestClient pub = connect("twice-pub", true);
        publish(pub, "o/a", "m", 1, false, 1);
        barrier(c);
    }

    void unsubscribeOwn(boolean subscribed) throws Exception {
        TestClient c = connect("own", true);
        subscribe(c, 1, subscribed ? "u/t" : "u/other", 0);
        c.send(new Unsubscribe(2, List.of("u/t")));
        assertNotNull(c.await(UnsubAck.class, T));
    }

    void resume(boolean stored) throws Exception {
        disconnect(connect("resumed", !stored));
        TestClient back = open("resumed-back");
        assertEquals(stored, connAck(back, Connect.of("resumed", false, 0)).sessionPresent());
    }

    void takeover(boolean twice) throws Exception {
        connect("taken", true);
        if (twice) connect("taken", true);
    }

    void redelivered(boolean unacknowledged) throws Exception {
        TestClient sub = connect("re", false);
        subscribe(sub, "re/t", 1);
        TestClient pub = connect("re-pub", true);
        publish(pub, "re/t", "m", 1, false, 1);
        Publish p = sub.await(Publish.class, T);
        if (!unacknowledged) sub.send(new PubAck(p.packetId()));
        barrier(sub);
        sub.close();
        TestClient back = open("re-back");
        assertTrue(connAck(back, Connect.of("re", false, 0)).sessionPresent());
        if (unacknowledged) assertTrue(receive(back).dup());
        barrier(back);
    }

    void retainedThenSubscribe() throws Exception {
        TestClient pub = connect("rp", true);
        publish(pub, "rs/t", "kept", 1, true, 1);
        TestClient sub = connect("rs", true);
        subscribe(sub, "rs/t", 1);
        assertTrue(receive(sub).retain());
    }

    void dollar(String topic) throws Exception {
        TestClient sub = connect("dollar", true);
        subscribe(sub, "+/b", 0);
        TestClient pub = connect("dollar-pub", true);
        publish(pub, topic, "m", 0, false, 0);
        barrier(pub);
        barrier(sub);
    }

    void afterConnectTwice() throws Exception {
        TestClient c = connect("violator", true);
        c.send(Connect.of("violator", true, 0));
        assertClosed(c, "second CONNECT");
    }

    void keepAlive(long stayMillis) throws Exception {
        TestClient c = connect(Connect.of("ka", true, 1));
        long until = System.nanoTime() + stayMillis * 1_000_000L;
        while (System.nanoTime() < until) {
            barrier(c);
            Thread.sleep(Math.min(300, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        disconnect(c);
    }
}
