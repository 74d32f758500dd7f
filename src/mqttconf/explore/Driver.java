package mqttconf.explore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;
import mqttconf.codec.Packet.Unsubscribe;
import mqttconf.suite.RunConfig;

/**
 * Runs one trace against a server through the test client and judges every packet the server sends by the
 * {@link Model}. Waits are event-driven: each step waits for its own reply (CONNACK, SUBACK, the QoS flow, or a
 * PINGREQ round trip after a QoS 0 PUBLISH, since a server answers in order on a connection); at the end every
 * delivery the model says is due is awaited, bounded by the timeout, and what is still missing then is a
 * divergence. A delivery that may come is never waited for. Whatever the trace created is removed afterwards.
 */
final class Driver {
    /** Where a trace's names live on the server: its own client ids and topics. */
    record Names(String clientIdBase, String topicBase) {
        String clientId(int slot) {
            return clientIdBase + Step.slot(slot);
        }

        String topic(String relative) {
            return topicBase + relative;
        }
    }

    /** The first divergence and the step it showed at (-1: at the end), the statements the trace reached. */
    record Outcome(Divergence divergence, int step, int stepsRun, List<String> transcript) {
    }

    private static final class Conn {
        final TestClient client;
        boolean holding;
        final List<Publish> held = new ArrayList<>();
        int lastId;
        int willQos = -1;
        boolean willRetain;
        String willPayload;

        Conn(TestClient client) {
            this.client = client;
        }

        int nextId() {
            lastId = lastId % 65535 + 1;
            return lastId;
        }
    }

    /** Ends the trace at the first divergence. */
    private static final class Diverged extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Divergence divergence;

        Diverged(Divergence d) {
            super(d.toString(), null, false, false);
            this.divergence = d;
        }
    }

    private final RunConfig config;
    private final Names names;
    private final Model model;
    private final Conn[] conns;
    private final Duration timeout;
    private final List<String> transcript = new ArrayList<>();
    private final boolean keepTranscript;

    Driver(RunConfig config, Names names, int clients, boolean keepTranscript) {
        this.config = config;
        this.names = names;
        this.model = new Model(clients);
        this.conns = new Conn[clients];
        this.timeout = config.timeout();
        this.keepTranscript = keepTranscript;
    }

    Model model() {
        return model;
    }

    /** Runs the steps, then waits for what is due; cleans up in every case. */
    Outcome run(List<Step> steps) throws IOException, InterruptedException {
        int i = 0;
        try {
            for (; i < steps.size(); i++) {
                note("step " + (i + 1) + ": " + Step.format(steps.get(i)));
                step(steps.get(i));
            }
            quiesce();
            return new Outcome(null, -1, i, transcript);
        } catch (Diverged d) {
            return new Outcome(d.divergence, i < steps.size() ? i : -1, i, transcript);
        } finally {
            cleanup();
        }
    }

    private void note(String line) {
        if (keepTranscript) transcript.add(line);
    }

    private void step(Step s) throws IOException, InterruptedException, Diverged {
        int c = s.client();
        if (conns[c] != null) drain(c);
        if (conns[c] == null && !(s instanceof Step.Connect)) {
            note("  (skipped: " + Step.slot(c) + " is not connected)");
            return;
        }
        switch (s) {
            case Step.Connect x -> connect(x);
            case Step.Disconnect x -> {
                Conn conn = conns[c];
                conn.client.send(new Disconnect());
                model.connectionEnded(c);
                if (conn.willQos >= 0) {
                    model.reach("MQTT-3.14.4-3");
                    model.reach("MQTT-3.1.2-10");
                }
                end(c, conn);
            }
            case Step.Drop x -> {
                Conn conn = conns[c];
                conn.client.shutdownOutput();
                model.connectionEnded(c);
                end(c, conn);
                if (conn.willQos >= 0) model.will(c, conn.willPayload, conn.willQos, conn.willRetain, true);
                else model.reach("MQTT-3.1.2-12");
            }
            case Step.Subscribe x -> subscribe(c, x);
            case Step.Unsubscribe x -> {
                int id = conns[c].nextId();
                conns[c].client.send(new Unsubscribe(id, List.of(names.topic(x.filter()))));
                await(c, p -> p instanceof UnsubAck, UnsubAck.class, id, "MQTT-3.10.4-4", "UNSUBACK with packet id " + id);
                model.unsubscribed(c, x.filter());
            }
            case Step.Publish x -> publish(c, x);
            case Step.Hold x -> conns[c].holding = true;
            case Step.Release x -> {
                Conn conn = conns[c];
                conn.holding = false;
                for (Publish p : conn.held) acknowledge(c, p);
                conn.held.clear();
            }
        }
    }

    /** Waits for the server's close after DISCONNECT or the end of our output, bounded; then closes our side. */
    private void end(int c, Conn conn) throws InterruptedException {
        conn.client.awaitClosed(timeout);
        conn.client.close();
        conns[c] = null;
    }

    private void connect(Step.Connect x) throws IOException, InterruptedException, Diverged {
        int c = x.client();
        Conn old = conns[c];
        Conn conn = new Conn(config.dialer().open(config.host(), config.port(), timeout, names.clientId(c)));
        conns[c] = conn;
        Packet.Connect connect = Packet.Connect.of(names.clientId(c), x.clean(), 60);
        if (x.hasWill()) {
            conn.willQos = x.willQos();
            conn.willRetain = x.willRetain();
            conn.willPayload = "w" + System.identityHashCode(conn) + "x" + c;
            connect = connect.withWill(new Packet.Will(names.topic(Step.WILL_TOPIC),
                    conn.willPayload.getBytes(StandardCharsets.UTF_8), x.willQos(), x.willRetain()));
        }
        if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
        conn.client.send(connect);
        Event e = conn.client.next(timeout);
        if (!(e instanceof Event.Received r && r.packet() instanceof ConnAck ack)) {
            throw new Diverged(new Divergence("MQTT-3.2.0-1", "CONNACK as the first packet", describe(e)));
        }
        model.reach("MQTT-3.2.0-1");
        if (old != null && old.willQos >= 0) model.will(c, old.willPayload, old.willQos, old.willRetain, false);
        Divergence d = model.connected(c, x.clean(), ack.sessionPresent(), ack.returnCode());
        if (d != null) throw new Diverged(d);
        if (old != null) {
            model.reach("MQTT-3.1.4-2");
            boolean closed = old.client.awaitClosed(timeout);
            old.client.close();
            if (!closed) throw new Diverged(new Divergence("MQTT-3.1.4-2",
                    "the existing connection of client id " + Step.slot(c) + " closed when a new one connects with it",
                    "still open after " + timeout.toMillis() + " ms"));
        }
    }

    private void subscribe(int c, Step.Subscribe x) throws IOException, InterruptedException, Diverged {
        Conn conn = conns[c];
        int id = conn.nextId();
        List<Subscription> subs = x.filters().stream().map(f -> new Subscription(names.topic(f), x.qos())).toList();
        conn.client.send(new Packet.Subscribe(id, subs));
        // Matching PUBLISHes may come before the SUBACK (3.8.4): judged once the SUBACK says what was granted.
        List<Publish> early = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        SubAck ack = null;
        while (ack == null) {
            Event e = conn.client.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            Packet p = packet(c, e, "MQTT-3.8.4-1", "SUBACK with packet id " + id);
            if (p instanceof Publish pub) early.add(pub);
            else if (p instanceof SubAck a) {
                model.reach("MQTT-3.8.4-1");
                model.reach("MQTT-3.8.4-2");
                if (a.packetId() != id) throw new Diverged(new Divergence("MQTT-3.8.4-2", "SUBACK with packet id " + id, a.toString()));
                ack = a;
            } else handleOther(c, p);
        }
        Divergence d = model.subscribed(c, x, ack.returnCodes());
        if (d != null) throw new Diverged(d);
        for (Publish p : early) handlePublish(c, p);
    }

    private void publish(int c, Step.Publish x) throws IOException, InterruptedException, Diverged {
        Conn conn = conns[c];
        Model.Msg m = model.published(c, x);
        int id = x.qos() > 0 ? conn.nextId() : 0;
        conn.client.send(new Publish(names.topic(x.topic()), m.payload().getBytes(StandardCharsets.UTF_8), x.qos(), x.retain(), false, id));
        switch (x.qos()) {
            case 0 -> roundTrip(c);
            case 1 -> await(c, p -> p instanceof PubAck, PubAck.class, id, "MQTT-4.3.2-2", "PUBACK with packet id " + id);
            default -> {
                await(c, p -> p instanceof PubRec, PubRec.class, id, "MQTT-4.3.3-2", "PUBREC with packet id " + id);
                conn.client.send(new PubRel(id));
                await(c, p -> p instanceof PubComp, PubComp.class, id, "MQTT-4.3.3-2", "PUBCOMP with packet id " + id);
            }
        }
    }

    /** A PINGREQ round trip: everything the server sent on this connection before its PINGRESP has been judged. */
    private void roundTrip(int c) throws IOException, InterruptedException, Diverged {
        conns[c].client.send(new PingReq());
        await(c, p -> p instanceof PingResp, PingResp.class, -1, "MQTT-3.12.4-1", "PINGRESP");
    }

    /** Reads until the reply of type {@code type} with {@code id}; deliveries on the way are judged and answered. */
    private <T extends Packet> void await(int c, Predicate<Packet> isReply, Class<T> type, int id, String statement, String expected)
            throws IOException, InterruptedException, Diverged {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event e = conns[c].client.next(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            Packet p = packet(c, e, statement, expected);
            if (isReply.test(p)) {
                model.reach(statement);
                if (id >= 0 && packetId(p) != id) throw new Diverged(new Divergence(statement, expected, p.toString()));
                return;
            }
            handle(c, p);
        }
    }

    private static int packetId(Packet p) {
        return switch (p) {
            case PubAck a -> a.packetId();
            case PubRec a -> a.packetId();
            case PubComp a -> a.packetId();
            case UnsubAck a -> a.packetId();
            default -> -1;
        };
    }

    /** The packet of an event; silence, a close or a malformed packet while a reply is due is a divergence. */
    private Packet packet(int c, Event e, String statement, String expected) throws Diverged {
        if (e instanceof Event.Received r) {
            note(Step.slot(c) + " <- " + r.packet());
            return r.packet();
        }
        if (e instanceof Event.Malformed m) {
            String id = m.error().statementId();
            throw new Diverged(new Divergence(id == null ? statement : id, "a well-formed packet", "malformed: " + m.error().getMessage()));
        }
        throw new Diverged(new Divergence(statement, expected, describe(e)));
    }

    private String describe(Event e) {
        if (e == null) return "nothing within " + timeout.toMillis() + " ms";
        return switch (e) {
            case Event.Received r -> r.packet().toString();
            case Event.Malformed m -> "malformed: " + m.error().getMessage();
            case Event.Closed x -> "the connection " + x.how();
        };
    }

    /** Judges what already arrived on the slot's connection, without waiting. */
    private void drain(int c) throws IOException, InterruptedException, Diverged {
        Conn conn = conns[c];
        Event e;
        while ((e = conn.client.next(Duration.ZERO)) != null) {
            if (e instanceof Event.Closed) {
                // A server may close a connection for reasons of its own; what it owed a clean session goes with it.
                note(Step.slot(c) + " closed by the server: " + describe(e));
                model.connectionEnded(c);
                conn.client.close();
                conns[c] = null;
                return;
            }
            handle(c, packet(c, e, "MQTT-3.2.0-1", "a well-formed packet"));
        }
    }

    private void handle(int c, Packet p) throws IOException, Diverged {
        if (p instanceof Publish pub) handlePublish(c, pub);
        else handleOther(c, p);
    }

    private void handleOther(int c, Packet p) throws IOException, Diverged {
        if (p instanceof PubRel rel) {
            Divergence d = model.pubRel(c, rel.packetId());
            if (d != null) throw new Diverged(d);
            conns[c].client.send(new PubComp(rel.packetId()));
            return;
        }
        throw new Diverged(new Divergence(statementFor(p), "no " + p.type() + " when none was asked for", p.toString()));
    }

    private static String statementFor(Packet p) {
        return switch (p) {
            case ConnAck x -> "MQTT-3.2.0-1";
            case SubAck x -> "MQTT-3.8.4-2";
            case UnsubAck x -> "MQTT-3.10.4-4";
            case PingResp x -> "MQTT-3.12.4-1";
            case PubAck x -> "MQTT-4.3.2-2";
            default -> "MQTT-4.3.3-2";
        };
    }

    private void handlePublish(int c, Publish p) throws IOException, Diverged {
        Publish relative = p.topic().startsWith(names.topicBase())
                ? new Publish(p.topic().substring(names.topicBase().length()), p.payload(), p.qos(), p.retain(), p.dup(), p.packetId())
                : new Publish("(outside this sequence) " + p.topic(), p.payload(), p.qos(), p.retain(), p.dup(), p.packetId());
        Model.Judged j = model.delivered(c, relative);
        if (j.divergence() != null) throw new Diverged(j.divergence());
        if (p.qos() == 0) return;
        Conn conn = conns[c];
        if (conn.holding) conn.held.add(p);
        else acknowledge(c, p);
    }

    private void acknowledge(int c, Publish p) throws IOException {
        Conn conn = conns[c];
        conn.client.send(p.qos() == 1 ? new PubAck(p.packetId()) : new PubRec(p.packetId()));
        model.acknowledged(c, p.packetId(), p.qos());
    }

    /**
     * The end of the trace: held acknowledgements are sent, each connection makes a round trip, then every
     * delivery the model says is due is awaited until the timeout; what is still missing then is a divergence.
     */
    private void quiesce() throws IOException, InterruptedException, Diverged {
        for (int c = 0; c < conns.length; c++) {
            if (conns[c] == null) continue;
            step(new Step.Release(c));
            // The release's drain may have found the connection closed by the server.
            if (conns[c] != null) roundTrip(c);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int c = 0; c < conns.length; c++) {
            while (conns[c] != null && !model.settled(c)) {
                long left = deadline - System.nanoTime();
                Event e = left <= 0 ? null : conns[c].client.next(Duration.ofNanos(left));
                if (e instanceof Event.Closed) {
                    model.connectionEnded(c);
                    conns[c].client.close();
                    conns[c] = null;
                    break;
                }
                if (e == null) {
                    Divergence due = model.due(c).get(0);
                    throw new Diverged(new Divergence(due.statement(), due.expected() + " for client " + Step.slot(c),
                            due.observed() + " within " + timeout.toMillis() + " ms"));
                }
                handle(c, packet(c, e, "MQTT-4.5.0-1", "a delivery"));
            }
        }
    }

    /** Ends every connection with DISCONNECT, then removes what the trace left on the server. */
    private void cleanup() throws InterruptedException {
        for (int c = 0; c < conns.length; c++) {
            if (conns[c] == null) continue;
            try {
                conns[c].client.send(new Disconnect());
            } catch (IOException ignored) {
                // gone already
            }
            conns[c].client.close();
            conns[c] = null;
        }
        List<Integer> kept = new ArrayList<>();
        for (int c = 0; c < conns.length; c++) if (model.persistent(c)) kept.add(c);
        TraceCleanup.run(config, names, model.retainedTopics(), kept);
    }
}
