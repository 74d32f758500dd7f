package mqttconf.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Predicate;
import java.util.stream.Stream;

import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;
import mqttconf.codec.Packet.Unsubscribe;
import mqttconf.codec.TopicRules;
import mqttconf.spec.Statements;

/**
 * One client connection of a test, on top of {@link TestClient}: it performs the handshakes a test is not about
 * (acknowledging what the server delivers, the QoS 1 and 2 flows of what it publishes) and checks the server's
 * side of each. Every wait is bounded by the run's timeout; a missing or wrong reply is a {@link TestFailure}
 * naming what was expected. Deliveries not yet claimed by the test wait in an inbox.
 */
public final class Peer implements AutoCloseable {
    private final Context ctx;
    private final String clientId;
    private final TestClient client;
    private final Deque<Publish> inbox = new ArrayDeque<>();
    private final Set<Integer> awaitingPubRel = new HashSet<>();
    private final List<Packet> unclaimed = new ArrayList<>();
    /** Packets received so far: a wait that ends while they keep coming met a busy server, not a silent one. */
    private long received;
    private boolean autoAck = true;
    private int lastPacketId;
    /** The event that ended the connection: its close, or the malformed packet the client stopped reading at. */
    private Event closed;
    private ConnAck connAck;

    private Peer(Context ctx, String clientId, TestClient client) {
        this.ctx = ctx;
        this.clientId = clientId;
        this.client = client;
    }

    static Peer open(Context ctx, String role, String clientId) {
        RunConfig c = ctx.config();
        try {
            return new Peer(ctx, clientId, c.dialer().open(c.host(), c.port(), c.timeout(), role).traced(ctx.transcript()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a connection to " + c.target() + ": " + e.getMessage(), e);
        }
    }

    public String clientId() {
        return clientId;
    }

    /** The CONNACK this connection got, or null before {@link #connect}. */
    public ConnAck connAck() {
        return connAck;
    }

    /** From now on deliveries are not acknowledged: the test answers them itself (or never). */
    public Peer manualAcks() {
        autoAck = false;
        return this;
    }

    /** A fresh non-zero packet identifier [MQTT-2.3.1-1]. */
    public int nextPacketId() {
        lastPacketId = lastPacketId % 65535 + 1;
        return lastPacketId;
    }

    /**
     * Sends {@code p}. A connection the server closed is not a failure of its own (no statement forbids a close):
     * the next wait reports it, under the statement of what it waited for.
     */
    public void send(Packet p) throws TestFailure {
        if (p instanceof Publish || p instanceof Subscribe) ctx.sent(Encoder.encode(p).length);
        if (p instanceof Publish x && x.qos() == 2) ctx.uses(Capability.QOS2);
        // The client stopped reading at a malformed packet and closed: that packet is what went wrong.
        if (closed instanceof Event.Malformed) throw failure("well-formed packets from the server (then " + p + " sent)", closed, ctx.timeout(), "");
        try {
            client.send(p);
        } catch (IOException e) {
            broken("well-formed packets from the server (then " + p + " sent)");
        }
    }

    /** Sends {@code packets} in one write (a closed connection as for {@link #send}). */
    public void sendTogether(Packet... packets) throws TestFailure {
        try {
            client.sendTogether(List.of(packets));
        } catch (IOException e) {
            broken("well-formed packets from the server (then " + List.of(packets) + " sent)");
        }
    }

    /**
     * Sends a valid CONNECT; returns the CONNACK, which must be the first packet from the server [MQTT-3.2.0-1].
     * None at all (silence, a close) breaks "the Server MUST acknowledge the CONNECT Packet with a CONNACK"
     * [MQTT-3.1.4-4].
     */
    public ConnAck connect(Connect c) throws TestFailure {
        return connect(c, "MQTT-3.1.4-4", new Packet[0]);
    }

    /**
     * Sends CONNECT; returns the CONNACK, which must be the first packet from the server [MQTT-3.2.0-1]; when none
     * comes at all, the statement that obliges the server to answer this CONNECT, {@code answerId}, is broken.
     */
    public ConnAck connect(Connect c, String answerId) throws TestFailure {
        return connect(c, answerId, new Packet[0]);
    }

    /**
     * Sends a valid CONNECT and {@code along} in one write (a client need not wait for the CONNACK); returns the
     * CONNACK as {@link #connect(Connect)} does. The replies to {@code along} are left to the caller's waits.
     */
    public ConnAck connect(Connect c, Packet... along) throws TestFailure {
        return connect(c, "MQTT-3.1.4-4", along);
    }

    private ConnAck connect(Connect c, String answerId, Packet... along) throws TestFailure {
        Statements.get(answerId);
        for (Packet p : along) if (p instanceof Publish x && x.retain()) ctx.uses(Capability.RETAINED);
        if (along.length == 0) send(c);
        else sendTogether(Stream.concat(Stream.of(c), Stream.of(along)).toArray(Packet[]::new));
        Event e = next(ctx.timeout());
        if (e instanceof Event.Received r && r.packet() instanceof ConnAck ack) {
            connAck = ack;
            return ack;
        }
        if (e instanceof Event.Received || e instanceof Event.Malformed) {
            throw failure("CONNACK as the first packet from the server [MQTT-3.2.0-1]", e, ctx.timeout(), "");
        }
        throw new TestFailure("a CONNACK answering the CONNECT [" + answerId + "]", describe(e));
    }

    /** Publishes and completes the QoS 1 or 2 flow, checking the server's acknowledgements [MQTT-3.3.4-1]. */
    public void publish(Publish p) throws TestFailure {
        if (p.qos() > 0 && p.packetId() == 0) p = p.withQos(p.qos(), nextPacketId());
        if (p.qos() == 2) ctx.uses(Capability.QOS2);
        if (p.retain()) ctx.uses(Capability.RETAINED);
        int id = p.packetId();
        send(p);
        if (p.qos() == 1) {
            expect(PubAck.class, a -> a.packetId() == id, "PUBACK with packet id " + id + " [MQTT-3.3.4-1] [MQTT-4.3.2-2]");
        } else if (p.qos() == 2) {
            expect(PubRec.class, a -> a.packetId() == id, "PUBREC with packet id " + id + " [MQTT-3.3.4-1] [MQTT-4.3.3-2]");
            send(new PubRel(id));
            expect(PubComp.class, a -> a.packetId() == id, "PUBCOMP with packet id " + id + " [MQTT-4.3.3-2]");
        }
    }

    public void publish(String topic, String payload, int qos) throws TestFailure {
        publish(Publish.of(topic, payload, qos, 0));
    }

    /** Publishes a retained message; the run clears the topic again at its end. */
    public void publishRetained(String topic, String payload, int qos) throws TestFailure {
        ctx.retained(topic);
        publish(Publish.of(topic, payload, qos, 0).withRetain(true));
    }

    /**
     * Subscribes to the filters and returns the SUBACK after checking it: same packet id [MQTT-3.8.4-2], one
     * return code per filter [MQTT-3.8.4-5], each 0, 1, 2 or 0x80 [MQTT-3.9.3-2], none above the request.
     */
    public SubAck subscribeAll(List<Subscription> subscriptions) throws TestFailure {
        int id = nextPacketId();
        // Noted before sending: a server may deliver matching messages before its SUBACK (3.8.4).
        for (Subscription x : subscriptions) ctx.subscribed(clientId, x.filter());
        send(new Subscribe(id, subscriptions));
        SubAck ack;
        try {
            ack = expect(SubAck.class, a -> a.packetId() == id, "SUBACK with packet id " + id + " [MQTT-3.8.4-1]");
        } catch (TestFailure noSubAck) {
            // No SUBACK at all breaks [MQTT-3.8.4-1]; one that came carrying another packet id, [MQTT-3.8.4-2].
            for (Packet p : unclaimed) {
                if (p instanceof SubAck other && other.packetId() != id) {
                    throw new TestFailure("MQTT-3.8.4-2", "SUBACK with packet id " + id, other.toString());
                }
            }
            throw noSubAck;
        }
        if (ack.returnCodes().size() != subscriptions.size()) {
            throw new TestFailure("MQTT-3.8.4-5", subscriptions.size() + " return codes in the SUBACK", ack.toString());
        }
        for (int i = 0; i < subscriptions.size(); i++) {
            int rc = ack.returnCodes().get(i);
            if (rc != SubAck.FAILURE && (rc < 0 || rc > subscriptions.get(i).qos())) {
                throw new TestFailure(List.of("MQTT-3.9.3-2", "MQTT-3.8.4-5"), "return code 0x80 or a QoS at most "
                        + subscriptions.get(i).qos(), ack.toString());
            }
        }
        for (Subscription x : subscriptions) if (TopicRules.hasWildcard(x.filter())) ctx.uses(Capability.WILDCARDS);
        return ack;
    }

    /** Subscribes to one filter and returns the granted QoS; a refusal (0x80) skips the test. */
    public int subscribe(String filter, int qos) throws TestFailure, TestSkipped {
        int rc = subscribeAll(List.of(new Subscription(filter, qos))).returnCodes().get(0);
        if (rc == SubAck.FAILURE) throw new TestSkipped("the server refused the subscription to " + filter + " (0x80)");
        return rc;
    }

    public void unsubscribe(String... filters) throws TestFailure {
        int id = nextPacketId();
        send(new Unsubscribe(id, List.of(filters)));
        expect(UnsubAck.class, a -> a.packetId() == id, "UNSUBACK with packet id " + id + " [MQTT-3.10.4-4]");
    }

    /**
     * The next delivery on {@code topic} (acknowledged unless acks are manual); none breaks statement
     * {@code statementId}.
     */
    public Publish expectPublish(String statementId, String topic) throws TestFailure {
        Statements.get(statementId);
        return expectPublish(p -> p.topic().equals(topic), "PUBLISH on " + topic + " [" + statementId + "]");
    }

    /**
     * The next delivery on {@code topic}, a step that sets the test up by relying on {@code capability}: none breaks
     * the capability's statement, and the test's failure then follows from the capability if that is broken.
     */
    public Publish expectPublish(Capability capability, String topic) throws TestFailure {
        ctx.uses(capability);
        return expectPublish(p -> p.topic().equals(topic), "PUBLISH on " + topic + " (" + capability.title + ") ["
                + capability.statementId + "]");
    }

    /** The next delivery matching {@code match}; {@code expected} names the statement(s) in brackets. */
    public Publish expectPublish(Predicate<Publish> match, String expected) throws TestFailure {
        requireIds(expected);
        Publish kept = fromInbox(match);
        return kept != null ? kept : expect(Publish.class, match, expected);
    }

    /** Takes the first delivery already received that matches {@code match}, or null. */
    private Publish fromInbox(Predicate<Publish> match) {
        for (var it = inbox.iterator(); it.hasNext(); ) {
            Publish p = it.next();
            if (match.test(p)) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /**
     * A PINGREQ round trip [MQTT-3.12.4-1]: what the server sent before its PINGRESP has arrived. Returns (and
     * takes) every delivery not yet claimed.
     */
    public List<Publish> settle() throws TestFailure {
        send(new PingReq());
        long before = received;
        try {
            expect(PingResp.class, x -> true, "PINGRESP [MQTT-3.12.4-1]");
        } catch (TestFailure slow) {
            // A server still sending is answering, only behind (a '#' subscriber gets every test's traffic): its
            // PINGRESP comes after what it queued first, so it gets as long as anything late.
            if (received == before || closed != null) throw slow;
            expectLate(PingResp.class, x -> true, "PINGRESP [MQTT-3.12.4-1]");
        }
        return takeDeliveries();
    }

    /** Takes every delivery that arrived while waiting for something else, without a round trip. */
    public List<Publish> takeDeliveries() {
        List<Publish> all = new ArrayList<>(inbox);
        inbox.clear();
        return all;
    }

    /**
     * Waits for the packet of {@code type} matching {@code match}. Deliveries on the way are acknowledged and
     * kept; anything else is reported if the wait fails.
     */
    public <T extends Packet> T expect(Class<T> type, Predicate<T> match, String expected) throws TestFailure {
        requireIds(expected);
        return expect(type, match, expected, ctx.timeout());
    }

    /**
     * Waits for something the server may send late, on a timer the standard leaves to it (a re-send after
     * reconnecting): up to {@link Context#lateWait()}, holding none of the run's slots after the first timeout.
     */
    public <T extends Packet> T expectLate(Class<T> type, Predicate<T> match, String expected) throws TestFailure {
        requireIds(expected);
        Duration late = ctx.lateWait().compareTo(ctx.timeout()) > 0 ? ctx.lateWait() : ctx.timeout();
        return ctx.waitLong(() -> expect(type, match, expected, late));
    }

    /** The next delivery matching {@code match}, which may come late (see {@link #expectLate}). */
    public Publish expectPublishLate(Predicate<Publish> match, String expected) throws TestFailure {
        requireIds(expected);
        Publish kept = fromInbox(match);
        return kept != null ? kept : expectLate(Publish.class, match, expected);
    }

    private <T extends Packet> T expect(Class<T> type, Predicate<T> match, String expected, Duration wait)
            throws TestFailure {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Packet> others = new ArrayList<>();
        while (true) {
            Event e = next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!(e instanceof Event.Received r)) {
                String seen = others.isEmpty() ? "" : " (received meanwhile: " + others + ")";
                throw failure(expected, e, wait, seen);
            }
            Packet p = r.packet();
            if (p instanceof Publish pub && foreign(pub)) continue;
            if (p instanceof Publish pub && isResend(pub)) {
                acknowledge(pub);
                continue;
            }
            if (p instanceof Publish pub) acknowledge(pub);
            if (type.isInstance(p) && match.test(type.cast(p))) return type.cast(p);
            if (otherQosAck(type, match, p)) {
                throw new TestFailure("MQTT-3.3.4-1", expected.replaceAll(" \\[MQTT-[0-9.]+-[0-9]+\\]", "")
                        + ", the response Table 3.4 sets for the QoS of the PUBLISH", p.toString());
            }
            if (p instanceof Publish pub) inbox.add(pub);
            else if (!(p instanceof PubRel rel && autoAck && awaitingPubRel.remove(rel.packetId()) && completed(rel))) {
                others.add(p);
                unclaimed.add(p);
            }
        }
    }

    /**
     * Every expectation names the statement a failure breaks, written {@code [MQTT-x.y.z-n]} in its text: checked
     * before waiting, so an expectation without one fails every run, not only the runs where the server deviates.
     */
    static void requireIds(String expected) {
        List<String> ids = TestFailure.idsIn(expected);
        if (ids.isEmpty()) throw new IllegalArgumentException("an expectation without a statement id: " + expected);
        for (String id : ids) Statements.get(id);
    }

    /**
     * True if {@code p} is the acknowledgement of the other QoS for the packet awaited: a PUBACK where the PUBREC of
     * that packet id is awaited (a QoS 2 PUBLISH answered as QoS 1), or the other way round.
     */
    private static <T extends Packet> boolean otherQosAck(Class<T> type, Predicate<T> match, Packet p) {
        Packet same = type == PubRec.class && p instanceof PubAck a ? new PubRec(a.packetId())
                : type == PubAck.class && p instanceof PubRec r ? new PubAck(r.packetId()) : null;
        return same != null && match.test(type.cast(same));
    }

    /** Takes the packets other than PUBLISH that arrived while waiting for something else. */
    public List<Packet> unclaimed() {
        List<Packet> all = List.copyOf(unclaimed);
        unclaimed.clear();
        return all;
    }

    /**
     * The next packet, or null when none came within {@code wait} or the connection ended; a malformed packet
     * from the server is a FAIL, never mistaken for silence or a close.
     */
    public Packet receive(Duration wait) throws TestFailure {
        Event e = next(wait);
        if (e instanceof Event.Malformed) throw failure("a well-formed packet from the server", e, wait, "");
        return e instanceof Event.Received r ? r.packet() : null;
    }

    /** True once the server closed the connection (as seen by this peer's waits). */
    public boolean isClosed() {
        return closed != null;
    }

    /**
     * True if the server closed the connection within {@link Context#lateWait()}: the standard sets no deadline
     * for a close, and servers commonly take their handshake timeout (10 s). After the first timeout the wait
     * holds none of the run's slots.
     */
    public boolean awaitClose() throws TestFailure {
        if (awaitClosed(ctx.timeout())) return true;
        Duration rest = ctx.lateWait().minus(ctx.timeout());
        return !rest.isNegative() && !rest.isZero() && ctx.waitLong(() -> awaitClosed(rest));
    }

    /**
     * True if the server closed the connection within {@code wait}; deliveries on the way are kept. A malformed
     * packet is not a close (the client stops reading there, so whether the server closed is unknown): it fails.
     */
    public boolean awaitClosed(Duration wait) throws TestFailure {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Event e = next(Duration.ofNanos(left));
            if (e == null) return false;
            if (e instanceof Event.Closed) return true;
            if (e instanceof Event.Malformed) {
                throw failure("a close, or well-formed packets until then", e, wait, "");
            }
            if (e instanceof Event.Received r && r.packet() instanceof Publish pub && !foreign(pub)) {
                boolean resend = isResend(pub);
                acknowledge(pub);
                if (!resend) inbox.add(pub);
            }
        }
    }

    /** Sends DISCONNECT and closes; waits briefly for the server to close its side (it SHOULD). */
    public void disconnect() throws TestFailure {
        send(new Disconnect());
        try {
            awaitClosed(ctx.timeout().compareTo(Duration.ofSeconds(1)) < 0 ? ctx.timeout() : Duration.ofSeconds(1));
        } catch (TestFailure malformed) {
            // the client is leaving: what the server sends after DISCONNECT is not this test's business
        }
        close();
    }

    /** Drops the connection without DISCONNECT, as a crashing client does. */
    @Override
    public void close() {
        client.close();
    }

    /**
     * A QoS 2 PUBLISH with DUP=1 whose id still awaits PUBREL is the server re-sending a message this peer has
     * already received: it is acknowledged again but is not a second copy [MQTT-4.3.3-2].
     */
    private boolean isResend(Publish p) {
        return autoAck && p.qos() == 2 && p.dup() && awaitingPubRel.contains(p.packetId());
    }

    private void acknowledge(Publish p) throws TestFailure {
        if (!autoAck) return;
        if (p.qos() == 1) send(new PubAck(p.packetId()));
        if (p.qos() == 2) {
            awaitingPubRel.add(p.packetId());
            send(new PubRec(p.packetId()));
        }
    }

    private boolean completed(PubRel rel) throws TestFailure {
        send(new PubComp(rel.packetId()));
        return true;
    }

    private Event next(Duration wait) {
        if (closed != null) return closed;
        try {
            Event e = client.next(wait);
            if (e instanceof Event.Received) received++;
            // The client stops reading at a malformed packet: every later wait reports it, not the close after it.
            if (e instanceof Event.Closed || e instanceof Event.Malformed) closed = e;
            // In the transcript too: a close answers a request (the watchdog looks for requests left unanswered).
            if (e instanceof Event.Closed c) ctx.transcript().accept(client.name() + " <- (connection " + c.how() + ")");
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the server");
        }
    }

    /**
     * A delivery outside this test's topics that matches no filter its client id ever subscribed to (a retained
     * message of someone else's topic, say): a deviation of its own [MQTT-3.3.2-3], recorded once and kept away
     * from the test's checks, which are about other statements. It is acknowledged like any other.
     */
    private boolean foreign(Publish p) throws TestFailure {
        if (p.topic().startsWith(ctx.topic("")) || ctx.everSubscribed(clientId, p.topic())) return false;
        ctx.check("MQTT-3.3.2-3", false, "PUBLISH only on topics matching a subscription of client " + clientId, p);
        acknowledge(p);
        return true;
    }

    private String describe(Event e) {
        return describe(e, ctx.timeout());
    }

    /**
     * A send failed: if the client had stopped reading at a malformed packet (and so closed the socket), that
     * packet is what went wrong and this fails under the statement the decoder names; deliveries before it are
     * kept. Otherwise the server closed the connection, which the next wait sees.
     */
    private void broken(String expected) throws TestFailure {
        for (int i = 0; i < 10_000; i++) {
            Event ev = next(Duration.ZERO);
            if (ev instanceof Event.Malformed) throw failure(expected, ev, ctx.timeout(), "");
            if (!(ev instanceof Event.Received r)) break;
            if (r.packet() instanceof Publish pub) inbox.add(pub);
            else unclaimed.add(r.packet());
        }
        if (closed instanceof Event.Malformed) throw failure(expected, closed, ctx.timeout(), "");
    }

    /**
     * The failure of a wait that ended with {@code e}. A malformed packet breaks the statement the decoder names
     * (a SUBACK return code 3 is [MQTT-3.9.3-2], a wildcard in a topic name [MQTT-3.3.2-2]), not the statement of
     * what was awaited; one the decoder names none for has no statement.
     */
    private TestFailure failure(String expected, Event e, Duration wait, String more) {
        if (e instanceof Event.Malformed m) {
            return new TestFailure(TestFailure.idsIn(m.error().getMessage()), expected, describe(e, wait) + more);
        }
        return new TestFailure(expected, describe(e, wait) + more);
    }

    private String describe(Event e, Duration wait) {
        if (e == null) return "nothing within " + Runner.seconds(wait);
        return switch (e) {
            case Event.Received r -> r.packet().toString();
            case Event.Malformed m -> "a malformed packet from the server: " + m.error().getMessage();
            case Event.Closed c -> "the connection " + c.how();
        };
    }
}
