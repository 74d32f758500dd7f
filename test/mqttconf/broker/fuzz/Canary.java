package mqttconf.broker.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/**
 * A well-behaved pair of clients that keeps publishing QoS 1 messages to itself through the broker while the
 * fuzzer runs, one at a time: PUBLISH, PUBACK, delivery, PUBACK. A message whose PUBACK or delivery does not
 * come within the wait is lost. Messages others publish to its topic are acknowledged and ignored.
 */
final class Canary implements Runnable {
    static final String TOPIC = "canary/q";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String PREFIX = "canary:";

    private final TestClient pub;
    private final TestClient sub;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile long sent;
    private volatile long received;
    private volatile String problem;

    Canary(int port) throws Exception {
        sub = TestClient.open("127.0.0.1", port, WAIT, "canary-sub");
        pub = TestClient.open("127.0.0.1", port, WAIT, "canary-pub");
        connect(sub, "canary-sub");
        connect(pub, "canary-pub");
        sub.send(Subscribe.of(1, TOPIC, 1));
        if (sub.await(SubAck.class, WAIT) == null) throw new IllegalStateException("canary: no SUBACK");
        thread = Thread.ofPlatform().name("fuzz-canary").daemon(true).unstarted(this);
    }

    private static void connect(TestClient c, String id) throws Exception {
        c.send(Connect.of(id, true, 0));
        if (!(c.receive(WAIT) instanceof ConnAck a) || a.returnCode() != 0) throw new IllegalStateException("canary: no CONNACK");
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            for (int n = 1; !stop.get() && problem == null; n++) {
                String text = PREFIX + n;
                int id = 1 + (n - 1) % 65535;
                pub.send(Publish.of(TOPIC, text, 1, id));
                sent = n;
                if (pub.await(PubAck.class, a -> a.packetId() == id, WAIT, null) == null) {
                    problem = "no PUBACK for message " + n;
                    return;
                }
                if (!delivered(text)) {
                    problem = "message " + n + " not delivered within " + WAIT;
                    return;
                }
                received = n;
            }
        } catch (Exception e) {
            problem = "canary failed: " + e;
        }
    }

    private boolean delivered(String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Packet p = sub.receive(Duration.ofNanos(deadline - System.nanoTime()));
            if (p == null && sub.isClosed()) return false;
            if (!(p instanceof Publish m)) continue;
            if (m.qos() == 1) sub.send(new PubAck(m.packetId()));
            String got = new String(m.payload(), StandardCharsets.UTF_8);
            if (got.equals(text)) return true;
            if (got.startsWith(PREFIX) && !m.dup()) {
                problem = "out of order: expected " + text + ", got " + got;
                return false;
            }
        }
        return false;
    }

    /** Stops after the message in flight (bounded by the waits) and closes both clients. */
    void stop() throws InterruptedException {
        stop.set(true);
        if (thread.getState() != Thread.State.NEW) thread.join(WAIT.multipliedBy(3));
        pub.close();
        sub.close();
    }

    long sent() {
        return sent;
    }

    long received() {
        return received;
    }

    /** Null when nothing was lost, else what went wrong. */
    String problem() {
        return thread.isAlive() ? "canary thread still running" : problem;
    }
}
