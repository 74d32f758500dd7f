package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.codec.Packet.*;
import mqttconf.spec.Statements;

/** The protocol core without a socket: its answers, sessions, keep alive and will on fake links. */
class CoreTest extends CoreTestBase {
    @Test
    void connectIsAnsweredWithConnAckAndResumesAStoredSession() {
        FakeLink first = connected("c1", false);
        assertEquals(List.of(), first.receive(new Disconnect()));
        assertTrue(first.halfClosed, "half-closed after DISCONNECT");
        first.close("closed by client after DISCONNECT");
        FakeLink again = accept();
        assertEquals(List.of(new ConnAck(true, ConnAck.ACCEPTED)), again.receive(Connect.of("c1", false, 0)));
        assertEquals(1, coverage.exercisedCount(Statements.get("MQTT-3.2.2-2")));
    }

    @Test
    void aPublishReachesTheSubscriberAndIsAcknowledged() {
        FakeLink sub = connected("sub", true);
        assertEquals(List.of(new SubAck(1, List.of(1))), sub.receive(Subscribe.of(1, "a/+", 1)));
        FakeLink pub = connected("pub", true);
        assertEquals(List.of(new PubAck(7)), pub.receive(Publish.of("a/b", "hello", 1, 7)));
        assertEquals(1, sub.sent.size() - 2);
        Publish delivered = (Publish) sub.sent.get(2);
        assertEquals("a/b", delivered.topic());
        assertEquals(1, delivered.qos());
        sub.receive(new PubAck(delivered.packetId()));
        assertEquals(List.of(), records.breaches());
    }

    @Test
    void aSecondConnectClosesAndIsRecordedAgainstTheClient() {
        FakeLink l = connected("twice", true);
        assertEquals(List.of(), l.receive(Connect.of("twice", true, 0)));
        assertTrue(l.closedFor.startsWith("protocol violation"), l.closedFor);
        assertEquals(List.of("MQTT-3.1.0-2"), records.breaches().stream().map(Breach::statementId).toList());
    }

    @Test
    void anUnsupportedLevelIsRefusedAndTheRestDropped() {
        FakeLink l = accept();
        assertEquals(List.of(new ConnAck(false, ConnAck.UNACCEPTABLE_PROTOCOL_VERSION)),
                l.receive(new Connect("MQTT", 3, true, 0, "old", null, null, null)));
        assertTrue(l.closingAfterOutput);
        core.discarded(l.client);
        assertEquals(1, coverage.exercisedCount(Statements.get("MQTT-3.1.4-5")));
    }

    @Test
    void keepAliveSetsADeadlineAndItsExpiryClosesAfterRecordingTheSilence() {
        FakeLink l = accept();
        long before = System.nanoTime();
        l.receive(Connect.of("ka", true, 10));
        assertTrue(l.deadline >= before + 15_000_000_000L, "deadline at 1.5 x keep alive");
        l.lastReceived = System.nanoTime() - 16_000_000_000L;
        core.expired(l.client);
        assertEquals("keep alive expired", l.closedFor);
        assertEquals(List.of("MQTT-3.1.2-23"), records.breaches().stream().map(Breach::statementId).toList());
        assertEquals(1, coverage.exercisedCount(Statements.get("MQTT-3.1.2-24")));
    }

    @Test
    void aDeadlineTheNetSetWhileClosingOnItsOwnIsNoBreach() {
        FakeLink l = connected("ws", true);
        l.receive(new Disconnect());
        l.closingAfterOutput = true;
        core.expired(l.client);
        assertEquals("closing timed out", l.closedFor);
        assertEquals(List.of(), records.breaches());
    }

    @Test
    void aWillIsPublishedWhenTheConnectionEndsWithoutDisconnect() {
        FakeLink watcher = connected("watcher", true);
        watcher.receive(Subscribe.of(1, "will/#", 0));
        FakeLink l = accept();
        l.receive(new Connect("MQTT", 4, true, 0, "w", new Will("will/w", new byte[] {1}, 0, false), null, null));
        l.close("connection closed by client");
        Publish will = (Publish) watcher.sent.get(watcher.sent.size() - 1);
        assertEquals("will/w", will.topic());
        assertFalse(will.retain());
    }

    @Test
    void withoutEventsAnExerciseTopicIsAnOrdinaryTopic() {
        core = core(BrokerEvents.NONE);
        FakeLink l = connected("plain", false);
        assertEquals(List.of(new PubAck(3)), l.receive(Publish.of(ExerciseTopics.SLOW_ACK + "x", "m", 1, 3)));
        assertEquals(List.of(new PubAck(4)), l.receive(Publish.of(ExerciseTopics.DROP_BEFORE_ACK + "x", "m", 1, 4)));
        assertEquals(List.of(new SubAck(5, List.of(2))), l.receive(Subscribe.of(5, ExerciseTopics.REFUSE + "x", 2)));
        assertNull(l.closedFor);
    }

    @Test
    void slowAckExerciseAnswersOnlyWhenItsTimerRuns() {
        FakeLink l = connected("slow", true);
        assertEquals(List.of(), l.receive(Publish.of(ExerciseTopics.SLOW_ACK + "x", "m", 1, 3)));
        timers.advance(ExerciseTopics.SLOW_ACK_NANOS);
        assertEquals(new PubAck(3), l.sent.get(l.sent.size() - 1));
        assertNull(l.closedFor);
    }
}
