package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import org.junit.jupiter.api.Test;

import mqttconf.broker.net.Link;
import mqttconf.broker.net.Timers;
import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ClientObligations;
import mqttconf.broker.observe.ClientRecords;
import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.codec.Packet.*;
import mqttconf.codec.Packet;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statements;

/**
 * The protocol core without a socket: packets go into {@link ProtocolHandler} as the event loop would hand them
 * over, and what it does shows on fake links (packets sent, closes, deadlines) and on a clock that runs only when
 * told to.
 */
class CoreTest {
    /** A connection that records what the core asks of it. */
    final class FakeLink implements Link {
        final long id;
        final List<Packet> sent = new ArrayList<>();
        String closedFor;
        boolean closingAfterOutput;
        boolean halfClosed;
        long deadline;
        long lastReceived = System.nanoTime();
        Client client;

        FakeLink(long id) {
            this.id = id;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public String remote() {
            return "fake:" + id;
        }

        @Override
        public void send(Packet p) {
            if (closedFor == null) sent.add(p);
        }

        @Override
        public long pendingOutput() {
            return 0;
        }

        @Override
        public void close(String reason) {
            if (closedFor != null) return;
            closedFor = reason;
            core.closed(client, reason);
        }

        @Override
        public void closeAfterOutput() {
            closingAfterOutput = true;
        }

        @Override
        public void halfCloseAfterOutput() {
            halfClosed = true;
        }

        @Override
        public void deadline(long at) {
            deadline = at;
        }

        @Override
        public boolean closing() {
            return closingAfterOutput || closedFor != null;
        }

        @Override
        public long lastReceived() {
            return lastReceived;
        }

        @Override
        public String packetHex() {
            return "";
        }

        @Override
        public int firstByte() {
            return -1;
        }

        /** Hands {@code p} to the core as the loop does, and returns what the core sent meanwhile. */
        List<Packet> receive(Packet p) {
            int before = sent.size();
            lastReceived = System.nanoTime();
            core.received(client, p);
            return List.copyOf(sent.subList(before, sent.size()));
        }
    }

    /** Timers that run only when {@link #runAll} says so. */
    static final class ManualTimers implements Timers {
        private record Task(long at, long seq, Runnable run) { }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>(
                (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
        private long seq;
        private long now;

        @Override
        public void schedule(long delayNanos, Runnable task) {
            tasks.add(new Task(now + delayNanos, seq++, task));
        }

        @Override
        public void execute(Runnable task) {
            schedule(0, task);
        }

        /** Moves the clock on by {@code nanos}, running what falls due (not the periodic sweep's successors). */
        void advance(long nanos) {
            long until = now + nanos;
            while (!tasks.isEmpty() && tasks.peek().at <= until) {
                Task t = tasks.poll();
                now = t.at;
                t.run.run();
            }
            now = until;
        }
    }

    final Coverage coverage = new Coverage();
    final ClientRecords records = new ClientRecords();
    final ManualTimers timers = new ManualTimers();
    ProtocolHandler core = core(new ExerciseTopics(() -> "report",
            new ClientObligations(false, coverage, BrokerLog.silent(), records)));
    private long nextId = 1;

    private ProtocolHandler core(BrokerEvents events) {
        BrokerConfig config = BrokerConfig.ephemeral();
        TopicTree topics = new TopicTree(coverage);
        RetainedStore retained = new RetainedStore(coverage);
        SessionStore sessions = new SessionStore(topics, retained, coverage);
        Delivery delivery = new Delivery(config, coverage, topics, retained, timers, events, BrokerLog.silent());
        return new ProtocolHandler(config, coverage, BrokerLog.silent(), timers, sessions, topics, delivery, events);
    }

    FakeLink accept() {
        FakeLink l = new FakeLink(nextId++);
        l.client = core.accepted(l);
        return l;
    }

    FakeLink connected(String clientId, boolean clean) {
        FakeLink l = accept();
        assertEquals(List.of(new ConnAck(false, ConnAck.ACCEPTED)), l.receive(Connect.of(clientId, clean, 0)));
        return l;
    }

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
