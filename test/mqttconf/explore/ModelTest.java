package mqttconf.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.codec.Packet.Publish;

/** The model alone, no network: every behaviour the standard allows passes, each forbidden one names its statement. */
class ModelTest {
    private static final int A = 0, B = 1;

    private static Model connected(boolean cleanA) {
        Model m = new Model(2);
        assertNull(m.connected(A, cleanA, false, 0));
        assertNull(m.connected(B, true, false, 0));
        return m;
    }

    private static void subscribe(Model m, int slot, String filter, int requested, int granted) {
        assertNull(m.subscribed(slot, new Step.Subscribe(slot, List.of(filter), requested), List.of(granted)));
    }

    private static Publish copy(Model.Msg msg, int qos, int id, boolean retain, boolean dup) {
        return new Publish(msg.topic(), msg.payload().getBytes(StandardCharsets.UTF_8), qos, retain, dup, qos == 0 ? 0 : id);
    }

    private static String statementOf(Model.Judged j) {
        return j.divergence() == null ? null : j.divergence().statement();
    }

    @Test
    void overlappingSubscriptionsGiveOneCopyAtTheHighestQosOrOnePerSubscription() {
        for (boolean perSubscription : new boolean[] {false, true}) {
            Model m = connected(true);
            subscribe(m, A, "a/+", 1, 1);
            subscribe(m, A, "#", 2, 2);
            Model.Msg msg = m.published(B, new Step.Publish(B, "a/x", 2, false, false));
            if (perSubscription) assertNull(statementOf(m.delivered(A, copy(msg, 1, 1, false, false))));
            assertNull(statementOf(m.delivered(A, copy(msg, 2, 2, false, false))));
            assertTrue(m.settled(A));
        }
    }

    @Test
    void oneCopyBelowTheHighestGrantedQosStaysDueUnderMqtt3351() {
        Model m = connected(true);
        subscribe(m, A, "a/x", 1, 1);
        subscribe(m, A, "a/+", 2, 2);
        Model.Msg msg = m.published(B, new Step.Publish(B, "a/x", 2, false, false));
        assertNull(statementOf(m.delivered(A, copy(msg, 1, 1, false, false))));
        assertEquals("MQTT-3.3.5-1", m.due(A).get(0).statement());
    }

    @Test
    void aThirdCopyForTwoSubscriptionsOrAQos2CopyTwiceIsADivergence() {
        Model m = connected(true);
        subscribe(m, A, "a", 2, 2);
        Model.Msg msg = m.published(B, new Step.Publish(B, "a", 2, false, false));
        assertNull(statementOf(m.delivered(A, copy(msg, 2, 1, false, false))));
        assertEquals("MQTT-4.3.3-2", statementOf(m.delivered(A, copy(msg, 2, 7, false, false))));
    }

    @Test
    void retainFlagIsZeroOnForwardingAndOneForANewSubscription() {
        Model m = connected(true);
        subscribe(m, A, "a", 1, 1);
        Model.Msg msg = m.published(B, new Step.Publish(B, "a", 1, true, false));
        assertEquals("MQTT-3.3.1-9", statementOf(m.delivered(A, copy(msg, 1, 1, true, false))));
        Model fresh = connected(true);
        Model.Msg kept = fresh.published(B, new Step.Publish(B, "a", 1, true, false));
        subscribe(fresh, A, "#", 1, 1);
        assertEquals("MQTT-3.3.1-6", fresh.due(A).get(0).statement());
        assertEquals("MQTT-3.3.1-8", statementOf(fresh.delivered(A, copy(kept, 1, 1, false, false))));
    }

    @Test
    void aRetainedQos0MessageMayBeDroppedAQos1OneMustBeSent() {
        Model m = connected(true);
        m.published(B, new Step.Publish(B, "a", 0, true, false));
        subscribe(m, A, "a", 0, 0);
        assertTrue(m.settled(A), "a retained QoS 0 message MAY be discarded [MQTT-3.3.1-7]");
    }

    @Test
    void aKeptSessionQueuesQos1WhileOfflineButMayDropQos0() {
        Model m = connected(false);
        subscribe(m, A, "a", 1, 1);
        m.connectionEnded(A);
        Model.Msg q0 = m.published(B, new Step.Publish(B, "a", 0, false, false));
        Model.Msg q1 = m.published(B, new Step.Publish(B, "a", 1, false, false));
        assertNull(m.connected(A, false, true, 0));
        assertEquals(1, m.due(A).size());
        assertEquals("MQTT-3.1.2-5", m.due(A).get(0).statement());
        assertNull(statementOf(m.delivered(A, copy(q1, 1, 1, false, false))));
        assertTrue(m.settled(A));
        assertNull(statementOf(m.delivered(A, copy(q0, 0, 0, false, false))), "a queued QoS 0 message MAY come");
    }

    @Test
    void sessionPresentFollowsTheStoredSession() {
        Model m = new Model(1);
        assertEquals("MQTT-3.2.2-3", m.connected(A, false, true, 0).statement());
        m.connectionEnded(A);
        assertEquals("MQTT-3.2.2-2", m.connected(A, false, false, 0).statement());
        m.connectionEnded(A);
        assertEquals("MQTT-3.2.2-1", m.connected(A, true, true, 0).statement());
    }

    @Test
    void anUnacknowledgedDeliveryIsSentAgainWithDupAndItsPacketIdOnResume() {
        Model m = connected(false);
        subscribe(m, A, "a", 1, 1);
        Model.Msg msg = m.published(B, new Step.Publish(B, "a", 1, false, false));
        assertNull(statementOf(m.delivered(A, copy(msg, 1, 5, false, false))));
        m.connectionEnded(A);
        assertNull(m.connected(A, false, true, 0));
        assertEquals("MQTT-4.4.0-1", m.due(A).get(0).statement());
        assertEquals("MQTT-3.3.1-1", statementOf(m.delivered(A, copy(msg, 1, 5, false, false))));
        Model.Judged again = m.delivered(A, copy(msg, 1, 5, false, true));
        assertEquals(Model.Kind.RESEND, again.kind());
        assertTrue(m.settled(A));
    }

    @Test
    void afterUnsubscribeAQueuedDeliveryMayStillComeButIsNoLongerDue() {
        Model m = connected(true);
        subscribe(m, A, "a", 1, 1);
        m.published(B, new Step.Publish(B, "a", 1, false, false));
        m.unsubscribed(A, "a");
        assertTrue(m.settled(A));
    }

    @Test
    void aWillIsDueAfterADropAndForbiddenAfterDisconnect() {
        Model m = connected(true);
        subscribe(m, A, "w", 1, 1);
        m.connectionEnded(B);
        Model.Msg will = m.will(B, "wB", 1, false, true);
        assertEquals("MQTT-3.1.2-8", m.due(A).get(0).statement());
        assertNull(statementOf(m.delivered(A, copy(will, 1, 1, false, false))));
        Publish unknown = new Publish("w", "wC".getBytes(StandardCharsets.UTF_8), 0, false, false, 0);
        assertEquals("MQTT-3.14.4-3", statementOf(m.delivered(A, unknown)));
    }

    @Test
    void aGrantAboveTheRequestIsADivergence() {
        Model m = connected(true);
        assertEquals("MQTT-3.8.4-6", m.subscribed(A, new Step.Subscribe(A, List.of("a"), 1), List.of(2)).statement());
        assertEquals("MQTT-3.8.4-5", m.subscribed(A, new Step.Subscribe(A, List.of("a", "b"), 1), List.of(1)).statement());
        assertNull(m.subscribed(A, new Step.Subscribe(A, List.of("a", "b"), 1), List.of(0x80, 0)), "refusal and a lower grant are allowed");
    }
}
