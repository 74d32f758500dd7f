package mqttconf.loss;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;

/**
 * One publisher or subscriber of the connection-loss test: a persistent session (CleanSession 0, fixed client
 * id) that reconnects whenever its connection breaks and resumes from its {@link ClientSession}. Runs on one
 * thread; every wait is bounded.
 */
final class LossClient {
    /** What the run needs to know that the client cannot decide alone. */
    interface Plan {
        /** Whether the publisher may send message {@code seq} now (count and pace); never called for subscribers. */
        boolean maySend(int seq);

        /** Whether to stop: publishers once nothing is left to send, subscribers when told. */
        boolean finished(LossClient client);
    }

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** With messages in flight and nothing heard for this long, the connection is taken as stuck and replaced. */
    static final Duration STALL = Duration.ofSeconds(5);
    static final int WINDOW = 10;

    private final String clientId;
    private final String host;
    private final int port;
    private final ClientSession session;
    private final Ledger ledger;
    private final String stream;
    private final int qos;
    private final List<Subscription> subscriptions;
    private volatile int nextSeq;
    private boolean sessionPresent;
    private int connections;
    private int sessionsLost;
    private volatile String failure;

    private LossClient(String clientId, String host, int port, Ledger ledger, String stream, int qos,
                       List<Subscription> subscriptions) {
        this.clientId = clientId;
        this.host = host;
        this.port = port;
        this.ledger = ledger;
        this.stream = stream;
        this.qos = qos;
        this.subscriptions = subscriptions;
        this.session = new ClientSession(this::delivered, this::completed);
    }

    /** A publisher of {@code stream} (its topic) at {@code qos}: payloads are the sequence numbers 0, 1, 2, ... */
    static LossClient publisher(String clientId, String host, int port, Ledger ledger, String stream, int qos) {
        ledger.declare(stream, qos);
        return new LossClient(clientId, host, port, ledger, stream, qos, List.of());
    }

    static LossClient subscriber(String clientId, String host, int port, Ledger ledger, List<Subscription> subs) {
        ledger.subscriber(clientId);
        return new LossClient(clientId, host, port, ledger, null, 0, subs);
    }

    String clientId() {
        return clientId;
    }

    boolean isPublisher() {
        return stream != null;
    }

    /** Messages this publisher has sent so far (sequence numbers 0 to sent() - 1). */
    int sent() {
        return nextSeq;
    }

    int inFlight() {
        return session.inFlight();
    }

    int reconnects() {
        return Math.max(0, connections - 1);
    }

    /** Reconnects after which the server said it had no session (CONNACK Session Present 0). */
    int sessionsLost() {
        return sessionsLost;
    }

    int unexpectedAcks() {
        return session.unexpectedAcks();
    }

    /** Why the run of this client ended early, or null. */
    String failure() {
        return failure;
    }

    /**
     * Starts from nothing: connects with CleanSession 1 to discard what an earlier run left under this client
     * id, then with CleanSession 0, and subscribes. Returns the open connection, or throws with one line.
     */
    TestClient setUp() throws IOException, InterruptedException {
        try (TestClient c = connect(true)) {
            c.send(new Packet.Disconnect());
        }
        TestClient c = connect(false);
        if (!subscriptions.isEmpty()) {
            c.send(new Subscribe(1, subscriptions));
            SubAck ack = c.await(SubAck.class, CONNECT_TIMEOUT);
            if (ack == null) {
                c.close();
                throw new IOException(clientId + ": no SUBACK within " + CONNECT_TIMEOUT.toSeconds() + " s");
            }
            for (int i = 0; i < subscriptions.size(); i++) {
                int granted = i < ack.returnCodes().size() ? ack.returnCodes().get(i) : SubAck.FAILURE;
                if (granted != subscriptions.get(i).qos()) {
                    c.close();
                    throw new IOException(clientId + ": subscription to " + subscriptions.get(i).filter()
                            + " granted " + (granted == SubAck.FAILURE ? "failure 0x80" : "QoS " + granted)
                            + ", not QoS " + subscriptions.get(i).qos() + "; cannot check delivery");
                }
            }
        }
        return c;
    }

    /** Removes this client's session from the server (CleanSession 1, then DISCONNECT). Best effort. */
    void cleanUp(String host, int port) {
        try (TestClient c = TestClient.open(host, port, CONNECT_TIMEOUT, clientId)) {
            c.send(Connect.of(clientId, true, 0));
            if (c.await(ConnAck.class, CONNECT_TIMEOUT) != null) {
                c.send(new Packet.Disconnect());
            }
        } catch (IOException | InterruptedException ignored) {
            // the server keeps a stale session at worst
        }
    }

    /** Runs until the plan says finished or {@code deadlineNanos}; {@code first} is the connection from setUp. */
    void run(TestClient first, Plan plan, long deadlineNanos) {
        TestClient c = first;
        try {
            while (!plan.finished(this) && System.nanoTime() < deadlineNanos) {
                if (c == null) {
                    c = reconnect(deadlineNanos);
                    if (c == null) {
                        break;
                    }
                }
                try {
                    converse(c, plan, deadlineNanos);
                } catch (IOException e) {
                    // the connection broke (usually a cut): reconnect and resume
                }
                c.close();
                c = null;
            }
            if (c != null) {
                c.send(new Packet.Disconnect());
            }
        } catch (IOException e) {
            // DISCONNECT on a broken connection: nothing to do
        } catch (InterruptedException e) {
            failure = clientId + ": interrupted";
            Thread.currentThread().interrupt();
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    private TestClient reconnect(long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            try {
                TestClient c = connect(false);
                if (!sessionPresent && !subscriptions.isEmpty()) {
                    c.send(new Subscribe(1, subscriptions));
                }
                for (Packet p : session.resend()) {
                    c.send(p);
                }
                return c;
            } catch (RefusedException e) {
                failure = e.getMessage();
                return null;
            } catch (IOException e) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(5, 50));
            }
        }
        return null;
    }

    private void converse(TestClient c, Plan plan, long deadlineNanos) throws IOException, InterruptedException {
        long lastHeard = System.nanoTime();
        while (!plan.finished(this) && System.nanoTime() < deadlineNanos) {
            while (isPublisher() && session.inFlight() < WINDOW && plan.maySend(nextSeq)) {
                Publish p = session.publish(stream, Integer.toString(nextSeq).getBytes(StandardCharsets.US_ASCII), qos);
                ledger.sent(stream, nextSeq);
                nextSeq++;
                c.send(p);
            }
            Packet in = c.receive(Duration.ofMillis(20));
            if (in == null) {
                if (c.isClosed()) {
                    return;
                }
                if (session.inFlight() > 0 && System.nanoTime() - lastHeard > STALL.toNanos()) {
                    return;
                }
                continue;
            }
            lastHeard = System.nanoTime();
            for (Packet out : session.onPacket(in)) {
                c.send(out);
            }
        }
    }

    private TestClient connect(boolean cleanSession) throws IOException, InterruptedException {
        TestClient c = TestClient.open(host, port, CONNECT_TIMEOUT, clientId);
        try {
            c.send(Connect.of(clientId, cleanSession, 0));
            ConnAck ack = c.await(ConnAck.class, CONNECT_TIMEOUT);
            if (ack == null) {
                throw new IOException(clientId + ": no CONNACK within " + CONNECT_TIMEOUT.toSeconds() + " s");
            }
            if (ack.returnCode() != ConnAck.ACCEPTED) {
                throw new RefusedException(clientId + ": CONNACK return code " + ack.returnCode());
            }
            sessionPresent = ack.sessionPresent();
            if (!cleanSession) {
                connections++;
                // After the first CleanSession 0 connection the server holds our session [MQTT-3.2.2-2].
                if (connections > 1 && !ack.sessionPresent()) {
                    sessionsLost++;
                }
            }
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The server answered CONNECT with a non-zero return code; reconnecting will not help. */
    static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    private void delivered(Publish p) {
        int seq = sequence(p.payload());
        int highest = ledger.highest(clientId, p.topic());
        Ledger.Arrival a = ledger.received(clientId, p.topic(), seq);
        if (a == Ledger.Arrival.OUT_OF_ORDER || (a == Ledger.Arrival.DUPLICATE && p.qos() == 2)) {
            ledger.example(clientId + " received " + p.topic() + " #" + seq + " " + a.name().toLowerCase()
                    .replace('_', ' ') + " (highest before #" + highest + ", PUBLISH qos " + p.qos() + " packet id "
                    + p.packetId() + (p.dup() ? " DUP" : "") + ", connection " + connections + ")");
        }
    }

    private void completed(Publish p) {
        ledger.completed(p.topic(), sequence(p.payload()));
    }

    /** The sequence number in a payload, or -1 if it is not one. */
    static int sequence(byte[] payload) {
        if (payload.length == 0 || payload.length > 9) {
            return -1;
        }
        int n = 0;
        for (byte b : payload) {
            if (b < '0' || b > '9') {
                return -1;
            }
            n = n * 10 + (b - '0');
        }
        return n;
    }
}
