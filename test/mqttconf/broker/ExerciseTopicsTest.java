package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.*;

/** The mqttconf/exercise/ topics drive a client through resends and delays; a client that copes leaves no breach. */
class ExerciseTopicsTest extends BrokerTestBase {
    private TestClient resume(String clientId) throws Exception {
        TestClient c = open(clientId + "-again");
        assertTrue(connAck(c, Connect.of(clientId, false, 0)).sessionPresent(), "session present");
        return c;
    }

    @Test
    void redeliverDropsTheSubscriberAfterThePublishAndResendsItWithDup() throws Exception {
        TestClient sub = connect("sub", false);
        subscribe(sub, ExerciseTopics.REDELIVER + "#", 1);
        publish(connect("pub", true), ExerciseTopics.REDELIVER + "a", "again", 1, false, 1);
        Publish first = sub.await(Publish.class, T);
        assertClosed(sub, "forced disconnect after the PUBLISH");
        sub.close();
        TestClient again = resume("sub");
        Publish dup = again.await(Publish.class, T);
        assertEquals(first.withDup(true), dup);
        again.send(new PubAck(dup.packetId()));
        disconnect(again);
        assertEquals(List.of(), breaches());
    }

    @Test
    void dropBeforeAckExpectsTheSameIdWithDupOnReconnect() throws Exception {
        TestClient c = connect("resender", false);
        c.send(Publish.of(ExerciseTopics.DROP_BEFORE_ACK + "x", "m", 1, 6));
        assertClosed(c, "dropped unacknowledged");
        c.close();
        TestClient again = resume("resender");
        again.send(Publish.of(ExerciseTopics.DROP_BEFORE_ACK + "x", "m", 1, 6).withDup(true));
        assertEquals(new PubAck(6), again.receive(T));
        disconnect(again);
        assertEquals(List.of(), breaches());
    }

    @Test
    void dropBeforeAckRecordsAResendUnderAnotherIdOrWithoutDup() throws Exception {
        TestClient c = connect("sloppy", false);
        c.send(Publish.of(ExerciseTopics.DROP_BEFORE_ACK + "x", "m", 2, 6));
        assertClosed(c, "dropped unacknowledged");
        c.close();
        TestClient again = resume("sloppy");
        again.send(Publish.of(ExerciseTopics.DROP_BEFORE_ACK + "x", "m", 2, 7));
        assertEquals(new PubRec(7), again.receive(T));
        assertEquals(List.of("MQTT-2.3.1-3"), breachIds());
    }

    @Test
    void interruptQos2CutsBothDirectionsAndExpectsPubrelAndPubcompAfterReconnect() throws Exception {
        TestClient sub = connect("sub2", false);
        subscribe(sub, ExerciseTopics.INTERRUPT_QOS2 + "#", 2);
        TestClient pub = connect("pub2", false);
        pub.send(Publish.of(ExerciseTopics.INTERRUPT_QOS2 + "a", "cut", 2, 3));
        assertEquals(new PubRec(3), pub.receive(T));
        // A PUBREL sent now would be discarded by the broker, which is already closing: the flow is cut.
        assertClosed(pub, "cut after PUBREC");
        pub.close();
        TestClient pubAgain = resume("pub2");
        pubAgain.send(new PubRel(3));
        assertEquals(new PubComp(3), pubAgain.receive(T));

        Publish p = sub.await(Publish.class, T);
        sub.send(new PubRec(p.packetId()));
        assertClosed(sub, "cut between PUBREC and PUBREL");
        sub.close();
        TestClient subAgain = resume("sub2");
        assertEquals(new PubRel(p.packetId()), subAgain.receive(T));
        subAgain.send(new PubComp(p.packetId()));
        disconnect(subAgain);
        disconnect(pubAgain);
        assertEquals(List.of(), breaches());
    }

    @Test
    void slowAckHoldsThePubackAndTheIdStaysInUse() throws Exception {
        TestClient c = connect("patient", true);
        long start = System.nanoTime();
        c.send(Publish.of(ExerciseTopics.SLOW_ACK + "x", "wait", 1, 8));
        c.send(Publish.of(ExerciseTopics.SLOW_ACK + "x", "reused too early", 1, 8));
        assertEquals(new PubAck(8), c.await(PubAck.class, Duration.ofSeconds(4)));
        assertTrue(System.nanoTime() - start >= 1_900_000_000L, "PUBACK held about 2 s");
        assertEquals(List.of("MQTT-2.3.1-2"), breachIds());
    }

    @Test
    void grantAndRefuseTopicsLowerOrRefuseTheSubscription() throws Exception {
        TestClient c = connect("granted", true);
        assertEquals(0, subscribe(c, 1, ExerciseTopics.GRANT_QOS0 + "#", 2));
        assertEquals(1, subscribe(c, 2, ExerciseTopics.GRANT_QOS1 + "x", 2));
        assertEquals(SubAck.FAILURE, subscribe(c, 3, ExerciseTopics.REFUSE + "x", 1));
    }

    @Test
    void retainedTopicsSendARetainedMessageAtTheirQos() throws Exception {
        TestClient c = connect("retainer", true);
        subscribe(c, ExerciseTopics.RETAINED + "qos2", 2);
        Publish p = receive(c);
        assertTrue(p.retain());
        assertEquals(2, p.qos());
        subscribe(c, 2, ExerciseTopics.RETAINED + "qos1", 0);
        assertEquals(0, receive(c).qos(), "at most the granted QoS");
    }

    @Test
    void retainedTopicsAreMatchedByWildcardFiltersUnderTheExercisePrefixOnly() throws Exception {
        TestClient c = connect("wildcard-retainer", true);
        subscribe(c, ExerciseTopics.RETAINED + "+", 2);
        java.util.Map<String, Integer> got = new java.util.TreeMap<>();
        for (int i = 0; i < 3; i++) {
            Publish p = receive(c);
            assertTrue(p.retain());
            got.put(p.topic(), p.qos());
        }
        assertEquals(java.util.Map.of(ExerciseTopics.RETAINED + "qos0", 0, ExerciseTopics.RETAINED + "qos1", 1,
                ExerciseTopics.RETAINED + "qos2", 2), got);
        TestClient all = connect("catch-all", true);
        subscribe(all, "#", 2);
        assertEquals(java.util.List.of(), barrier(all), "'#' brings no synthetic retained message");
    }

    @Test
    void reportTopicBringsTheReport() throws Exception {
        broker.onReportRequest(() -> "report lines\n");
        TestClient c = connect("reader", true);
        subscribe(c, ExerciseTopics.REPORT_TOPIC, 0);
        Publish p = c.await(Publish.class, T);
        assertNotNull(p);
        assertEquals("report lines\n", text(p));
        assertFalse(p.retain());
    }
}
