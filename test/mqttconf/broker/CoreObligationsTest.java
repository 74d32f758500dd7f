package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.codec.Packet.*;
import mqttconf.spec.Statements;

/**
 * The client obligations as the core drives them through its events, without a socket: what each named point
 * records, what --strict closes, what the core forgets once an owed resend is settled, and that without observers
 * the core acts the same and records nothing.
 */
class CoreObligationsTest extends CoreTestBase {
    private static final long SWEEP = 250_000_000L;
    private static final String DROP = ExerciseTopics.DROP_BEFORE_ACK;

    private List<String> breached() {
        return records.breaches().stream().map(Breach::statementId).toList();
    }

    private FakeLink resumed(String clientId) {
        FakeLink l = accept();
        assertEquals(List.of(new ConnAck(true, ConnAck.ACCEPTED)), l.receive(Connect.of(clientId, false, 0)));
        return l;
    }

    /** Two QoS 1 deliveries to {@code sub}, both awaiting their PUBACK. */
    private List<Publish> twoDeliveries(FakeLink sub) {
        sub.receive(Subscribe.of(1, "t", 1));
        FakeLink pub = connected("pub", true);
        pub.receive(Publish.of("t", "one", 1, 1));
        pub.receive(Publish.of("t", "two", 1, 2));
        List<Publish> got = sub.sent.stream().filter(p -> p instanceof Publish).map(p -> (Publish) p).toList();
        assertEquals(2, got.size());
        return got;
    }

    @Test
    void pubAcksOutOfOrderAreRecordedAndStillEndTheirFlows() {
        FakeLink sub = connected("sub", true);
        List<Publish> got = twoDeliveries(sub);
        sub.receive(new PubAck(got.get(1).packetId()));
        sub.receive(new PubAck(got.get(0).packetId()));
        assertEquals(List.of("MQTT-4.6.0-2"), breached());
        assertNull(sub.closedFor);
        assertTrue(sub.client.session.inflightMap().isEmpty(), "both flows ended");
    }

    @Test
    void withoutObserversTheCoreActsTheSameAndRecordsNothing() {
        core = core(BrokerEvents.NONE);
        FakeLink sub = connected("sub", true);
        List<Publish> got = twoDeliveries(sub);
        sub.receive(new PubAck(got.get(1).packetId()));
        sub.receive(new PubAck(got.get(0).packetId()));
        assertTrue(sub.client.session.inflightMap().isEmpty(), "both flows ended");
        FakeLink twice = connected("twice", true);
        twice.receive(Connect.of("twice", true, 0));
        assertTrue(twice.closedFor.startsWith("protocol violation"), twice.closedFor);
        assertEquals(List.of(), records.all());
        assertEquals(0, coverage.checkedCount(Statements.get("MQTT-4.6.0-2")));
    }

    @Test
    void aTolerableBreachIsRecordedAndTheCoreGoesOn() {
        FakeLink sub = connected("sub", true);
        sub.receive(Subscribe.of(1, "t", 0));
        FakeLink pub = connected("pub", true);
        pub.receive(new Publish("t", new byte[] {1}, 0, false, true, 0));
        assertEquals(List.of("MQTT-3.3.1-2"), breached());
        assertNull(pub.closedFor);
        assertTrue(sub.sent.get(sub.sent.size() - 1) instanceof Publish, "delivered");
    }

    @Test
    void underStrictATolerableBreachClosesBeforeTheCoreActs() {
        core = core(BrokerConfig.ephemeral().withStrict(true));
        FakeLink sub = connected("sub", true);
        sub.receive(Subscribe.of(1, "t", 0));
        FakeLink pub = connected("pub", true);
        pub.receive(new Publish("t", new byte[] {1}, 0, false, true, 0));
        assertTrue(pub.closedFor.startsWith("breach of MQTT-3.3.1-2 (--strict)"), pub.closedFor);
        assertTrue(records.breaches().get(0).closed());
        assertEquals(new SubAck(1, List.of(0)), sub.sent.get(sub.sent.size() - 1), "nothing delivered");
    }

    /** A subscriber on a core configured by {@code config}, sent one QoS 1 PUBLISH it has not answered. */
    private FakeLink owingAPubAck(BrokerConfig config) {
        core = core(config);
        FakeLink sub = connected("sub", true);
        sub.receive(Subscribe.of(1, "t", 1));
        connected("pub", true).receive(Publish.of("t", "m", 1, 1));
        return sub;
    }

    @Test
    void anAnswerOverdueByTheAckTimeoutIsRecordedOnceBySweeps() {
        FakeLink sub = owingAPubAck(BrokerConfig.ephemeral().withAckTimeout(Duration.ofNanos(1)));
        timers.advance(SWEEP);
        timers.advance(SWEEP);
        assertEquals(List.of("MQTT-4.5.0-2"), breached());
        assertTrue(records.breaches().get(0).reason().contains("no PUBACK"), records.breaches().get(0).reason());
        assertNull(sub.closedFor);
    }

    @Test
    void anAnswerOwedAtDisconnectIsRecordedAndTheClientStillLeaves() {
        FakeLink sub = owingAPubAck(BrokerConfig.ephemeral().withDisconnectGrace(Duration.ofNanos(1)));
        sub.receive(new Disconnect());
        assertEquals(List.of("MQTT-4.5.0-2"), breached());
        assertTrue(records.breaches().get(0).reason().contains("before DISCONNECT"), records.breaches().get(0).reason());
        assertTrue(sub.halfClosed, "DISCONNECT handled");
    }

    @Test
    void aPublishDroppedUnansweredResentWithoutDupIsRecordedThenForgotten() {
        Publish m = Publish.of(DROP + "x", "m", 1, 6);
        FakeLink c = connected("dropped", false);
        assertEquals(List.of(), c.receive(m));
        assertTrue(c.closedFor.startsWith("exercise"), c.closedFor);
        FakeLink again = resumed("dropped");
        assertEquals(List.of(new PubAck(6)), again.receive(m));
        assertEquals(List.of("MQTT-3.3.1-1"), breached());
        // Resent, so no longer owed: the next new PUBLISH there is dropped in its turn.
        assertEquals(List.of(), again.receive(Publish.of(DROP + "x", "next", 1, 7)));
        assertNotNull(again.closedFor);
    }

    @Test
    void aDisconnectWithoutTheOwedResendIsRecordedAndTheResendNoLongerOwed() {
        FakeLink c = connected("quitter", false);
        c.receive(Publish.of(DROP + "x", "m", 1, 6));
        FakeLink again = resumed("quitter");
        again.receive(new Disconnect());
        assertEquals(List.of("MQTT-4.4.0-1"), breached());
        assertTrue(records.breaches().get(0).reason().contains("unacknowledged PUBLISH packet id 6"));
        again.close("closed by client after DISCONNECT");
        FakeLink third = resumed("quitter");
        assertEquals(List.of(), third.receive(Publish.of(DROP + "x", "other", 1, 8)));
        assertNotNull(third.closedFor, "dropped: no resend is owed any more");
        assertEquals(List.of("MQTT-4.4.0-1"), breached());
    }

    @Test
    void aPubrelOwedSinceResumingIsRecordedAtDisconnect() {
        FakeLink c = connected("forgetful", false);
        assertEquals(List.of(new PubRec(9)), c.receive(Publish.of("t", "x", 2, 9)));
        c.close("connection lost");
        resumed("forgetful").receive(new Disconnect());
        assertEquals(List.of("MQTT-4.4.0-1"), breached());
        assertTrue(records.breaches().get(0).reason().contains("PUBREL for packet id 9"));
    }

    @Test
    void aPubrelResentAfterResumingKeepsTheObligation() {
        FakeLink c = connected("faithful", false);
        c.receive(Publish.of("t", "x", 2, 9));
        c.close("connection lost");
        FakeLink again = resumed("faithful");
        assertEquals(List.of(new PubComp(9)), again.receive(new PubRel(9)));
        again.receive(new Disconnect());
        assertEquals(List.of(), records.breaches());
        assertEquals(1, coverage.checkedCount(Statements.get("MQTT-4.4.0-1")));
    }

    @Test
    void anAnswerForAnIdNoPublishUsedIsABreachInACleanSessionOnly() {
        FakeLink clean = connected("clean", true);
        assertEquals(List.of(new PubRec(5)), clean.receive(Publish.of("t", "x", 2, 5)));
        clean.receive(new PubRel(5));
        clean.receive(new PubRel(5));
        assertEquals(List.of(), records.breaches(), "id 5 was used by this clean session");
        clean.receive(new PubRel(6));
        connected("persistent", false).receive(new PubAck(9));
        clean.receive(new PubAck(9));
        assertEquals(List.of("MQTT-2.3.1-6", "MQTT-2.3.1-6"), breached());
        assertEquals(List.of("clean", "clean"), records.breaches().stream().map(Breach::clientId).toList());
    }

    @Test
    void aPacketAfterDisconnectIsRecordedAndCloses() {
        FakeLink c = connected("chatty", true);
        c.receive(new Disconnect());
        c.receive(new PingReq());
        assertEquals("packet after DISCONNECT", c.closedFor);
        assertEquals(List.of("MQTT-3.14.4-2"), breached());
    }

    @Test
    void closingAfterDisconnectKeepsTheObligationAndStayingOpenBreaksIt() {
        FakeLink good = connected("good", true);
        good.receive(new Disconnect());
        core.closedByClientAfterDisconnect(good.client);
        FakeLink late = connected("late", true);
        late.receive(new Disconnect());
        core.expired(late.client);
        assertEquals("not closed by the client after DISCONNECT", late.closedFor);
        assertEquals(List.of("MQTT-3.14.4-1"), breached());
        assertEquals("late", records.breaches().get(0).clientId());
        assertEquals(2, coverage.checkedCount(Statements.get("MQTT-3.14.4-1")));
    }
}
