package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

import mqttconf.broker.net.Link;
import mqttconf.broker.net.Timers;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ClientObligations;
import mqttconf.broker.observe.ClientRecords;
import mqttconf.broker.observe.ExerciseTopics;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet;
import mqttconf.spec.Coverage;

/**
 * The protocol core without a socket: packets go into {@link ProtocolHandler} as the event loop would hand them
 * over, and what it does shows on fake links (packets sent, closes, deadlines) and on a clock that runs only when
 * told to. By default the core runs as the broker runs it: with the exercise topics and the client obligations.
 */
abstract class CoreTestBase {
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

    /** Timers that run only when {@link #advance} says so. */
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
    ProtocolHandler core = core(BrokerConfig.ephemeral());
    private long nextId = 1;

    /** A core configured by {@code config}, observed as the broker observes it. */
    ProtocolHandler core(BrokerConfig config) {
        return core(config, new ExerciseTopics(() -> "report",
                new ClientObligations(config.strict(), coverage, BrokerLog.silent(), records)));
    }

    ProtocolHandler core(BrokerEvents events) {
        return core(BrokerConfig.ephemeral(), events);
    }

    ProtocolHandler core(BrokerConfig config, BrokerEvents events) {
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
}
