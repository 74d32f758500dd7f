package mqttconf.suite;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;

/** Chapter 4.3 to 4.6: the QoS protocols as sender and receiver, packet identifiers, DUP, QoS grants, order. */
final class QosTests {
    static final int ORDERED = 201;

    private QosTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // Until PUBREL, a QoS 2 PUBLISH with the same id MUST be answered with PUBREC again and MUST NOT
                // reach subscribers a second time (whether the server delivers on PUBLISH or on PUBREL).
                TestCase.must("qos.qos2-duplicate-publish-delivered-once", List.of("MQTT-4.3.3-2", "MQTT-2.3.1-6"),
                        "a QoS 2 PUBLISH sent twice with one packet id before PUBREL is acknowledged twice, delivered once",
                        QosTests::duplicateQos2),
                // The QoS 2 receiver state is session state: a PUBREL re-sent after reconnecting gets PUBCOMP.
                TestCase.must("qos.qos2-pubrel-after-reconnect", List.of("MQTT-4.3.3-2", "MQTT-4.4.0-1", "MQTT-4.1.0-1"),
                        "a client re-sending PUBREL after reconnecting (cleanSession 0) gets PUBCOMP; the message is delivered once",
                        QosTests::pubrelAfterReconnect),
                // Messages in flight to one client MUST carry distinct non-zero packet identifiers.
                TestCase.must("qos.inflight-packet-ids-distinct",
                        List.of("MQTT-2.3.1-4", "MQTT-2.3.1-1", "MQTT-4.3.2-1", "MQTT-4.3.3-1"),
                        "unacknowledged QoS 1 and 2 deliveries to one client have distinct non-zero packet identifiers",
                        QosTests::inflightIds),
                // The DUP flag of an incoming PUBLISH is not passed on: a first delivery has DUP 0.
                TestCase.must("qos.dup-not-propagated", List.of("MQTT-3.3.1-3", "MQTT-3.3.1-1"),
                        "PUBLISH received with DUP 1 is delivered to subscribers with DUP 0",
                        QosTests::dupNotPropagated).scheduled(TestCase.Schedule.LAST),
                // Delivery QoS is the minimum of the published QoS and the granted QoS.
                TestCase.must("qos.downgrade-to-granted", List.of("MQTT-3.8.4-6", "MQTT-4.3.1-1", "MQTT-2.3.1-5"),
                        "messages are delivered at min(published QoS, granted QoS)",
                        QosTests::downgrade),
                // Ordered topic: for one topic and one QoS, deliveries keep the publisher's order. Published in runs
                // of three per QoS, so two neighbouring deliveries swapped are always two of one QoS somewhere.
                TestCase.must("qos.in-order-delivery", List.of("MQTT-4.6.0-6", "MQTT-4.6.0-5", "MQTT-4.1.0-2"),
                        ORDERED + " QoS 1 and " + ORDERED + " QoS 2 messages on one topic, published in runs of three, "
                                + "arrive in order per QoS",
                        QosTests::inOrder),
                // A PUBACKed message belongs to the server, which MUST pass it on whatever its size.
                TestCase.must("qos.large-payload", List.of("MQTT-4.5.0-1", "MQTT-3.3.4-1"),
                        "a 1 MB QoS 1 message is acknowledged and delivered intact (SKIP if the server closes on it)",
                        QosTests::largePayload));
    }

    private static void duplicateQos2(Context ctx) throws Exception {
        String topic = ctx.topic("q2");
        String marker = ctx.topic("marker");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 2);
        sub.subscribe(marker, 1);
        Peer pub = ctx.connect("pub");
        Publish p = new Publish(topic, Context.utf8("once"), 2, false, false, 7);
        pub.send(p);
        pub.expect(PubRec.class, r -> r.packetId() == 7, "PUBREC with packet id 7 [MQTT-4.3.3-2]");
        pub.send(p.withDup(true));
        pub.expect(PubRec.class, r -> r.packetId() == 7, "PUBREC again for the same packet id 7 before PUBREL [MQTT-4.3.3-2]");
        pub.send(new PubRel(7));
        pub.expect(PubComp.class, r -> r.packetId() == 7, "PUBCOMP with packet id 7 [MQTT-4.3.3-2]");
        pub.publish(marker, "marker", 1);
        sub.expectPublish("MQTT-4.5.0-1", topic);
        sub.expectPublish(Capability.DELIVERY, marker);
        List<Publish> again = sub.settle().stream().filter(x -> x.topic().equals(topic)).toList();
        ctx.require(again.isEmpty(), "one delivery of a QoS 2 message received twice before PUBREL [MQTT-4.3.3-2]", again);
    }

    private static void pubrelAfterReconnect(Context ctx) throws Exception {
        String topic = ctx.topic("q2");
        String marker = ctx.topic("marker");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 2);
        sub.subscribe(marker, 1);
        Peer pub = ctx.connect("pub", false, c -> c);
        pub.send(new Publish(topic, Context.utf8("across reconnect"), 2, false, false, 9));
        pub.expect(PubRec.class, r -> r.packetId() == 9, "PUBREC with packet id 9 [MQTT-4.3.3-2]");
        pub.close();
        Peer back = ctx.connect("pub", false, c -> c);
        ctx.require(back.connAck().sessionPresent(), "session present 1 when resuming a stored session [MQTT-3.2.2-2]",
                back.connAck());
        back.send(new PubRel(9));
        back.expect(PubComp.class, r -> r.packetId() == 9, "PUBCOMP for the PUBREL re-sent after reconnecting "
                + "[MQTT-4.3.3-2] [MQTT-4.4.0-1]");
        back.publish(marker, "marker", 1);
        sub.expectPublish("MQTT-4.5.0-1", topic);
        sub.expectPublish(Capability.DELIVERY, marker);
        List<Publish> again = sub.settle().stream().filter(x -> x.topic().equals(topic)).toList();
        ctx.require(again.isEmpty(), "one delivery of the QoS 2 message [MQTT-4.3.3-2]", again);
        back.disconnect();
    }

    private static void inflightIds(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        Peer sub = ctx.connect("sub");
        int granted = sub.subscribe(topic, 2);
        if (granted == 0) throw new TestSkipped("the server granted QoS 0 only: no packet identifiers to check");
        sub.manualAcks();
        Peer pub = ctx.connect("pub");
        for (int i = 0; i < 10; i++) pub.publish(topic, "m" + i, 1 + i % 2);
        List<Publish> got = new ArrayList<>();
        got.add(sub.expectPublish(Capability.DELIVERY, topic));
        for (int i = 0; i < 2; i++) got.addAll(sub.settle());
        Map<Integer, Publish> byId = new HashMap<>();
        for (Publish p : got) {
            ctx.require(p.qos() > 0 && p.packetId() != 0, "a QoS 1 or 2 delivery (granted QoS " + granted
                    + ") with a non-zero packet identifier [MQTT-2.3.1-1] [MQTT-3.8.4-6]", p);
            Publish first = byId.putIfAbsent(p.packetId(), p);
            // A re-send of the same message keeps its id and sets DUP [MQTT-2.3.1-4] [MQTT-3.3.1-1]: not a reuse.
            boolean resend = first != null && p.dup() && Arrays.equals(first.payload(), p.payload());
            ctx.require(first == null || resend, "a packet identifier not used by another unacknowledged PUBLISH "
                    + "[MQTT-2.3.1-4] [MQTT-4.3.2-1]", got);
        }
        ctx.observe(got.size() + " deliveries in flight at once");
    }

    private static void dupNotPropagated(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 2);
        Peer pub = ctx.connect("pub");
        for (int qos = 1; qos <= 2; qos++) {
            pub.publish(Publish.of(topic, "dup " + qos, qos, 0).withDup(true));
            Publish got = sub.expectPublish(Capability.DELIVERY, topic);
            ctx.require(!got.dup(), "DUP 0 on the first delivery of a message received with DUP 1 [MQTT-3.3.1-3]", got);
        }
    }

    private static void downgrade(Context ctx) throws Exception {
        Peer sub = ctx.connect("sub");
        int[] granted = new int[3];
        for (int q = 0; q <= 2; q++) granted[q] = sub.subscribe(ctx.topic("g" + q), q);
        Peer pub = ctx.connect("pub");
        for (int g = 0; g <= 2; g++) {
            for (int q = 0; q <= 2; q++) {
                String topic = ctx.topic("g" + g);
                pub.publish(topic, "published at " + q, q);
                Publish got = sub.expectPublish(Capability.DELIVERY, topic);
                int want = Math.min(q, granted[g]);
                ctx.require(got.qos() == want, "delivery at QoS " + want + " = min(published " + q + ", granted "
                        + granted[g] + ") [MQTT-3.8.4-6]", got);
                ctx.require(Arrays.equals(got.payload(), Context.utf8("published at " + q)), "the payload 'published at "
                        + q + "' (a QoS 0 PUBLISH carries no packet identifier [MQTT-2.3.1-5])", got);
                ctx.require(!got.dup(), "DUP 0 on a first delivery [MQTT-4.3.1-1] [MQTT-3.3.1-2]", got);
            }
        }
    }

    private static void inOrder(Context ctx) throws Exception {
        String topic = ctx.topic("ordered");
        Peer sub = ctx.connect("sub");
        int granted = sub.subscribe(topic, 2);
        if (granted == 0) throw new TestSkipped("the server granted QoS 0 only (QoS 0 delivery may lose messages)");
        Peer pub = ctx.connect("pub");
        int[] sent = new int[3];
        for (int n = 0; n < 2 * ORDERED; n++) {
            int qos = 1 + n / 3 % 2;
            pub.publish(topic, qos + " " + sent[qos]++, qos);
        }
        int[] next = new int[3];
        for (int n = 0; n < 2 * ORDERED; n++) {
            Publish p = sub.expectPublish("MQTT-4.5.0-1", topic);
            String[] f = new String(p.payload(), StandardCharsets.UTF_8).split(" ");
            int qos = Integer.parseInt(f[0]);
            int seq = Integer.parseInt(f[1]);
            ctx.require(seq == next[qos], "QoS " + qos + " message " + next[qos] + " next, in the order published "
                    + "[MQTT-4.6.0-6]", p + " after " + n + " deliveries");
            next[qos]++;
        }
    }

    private static void largePayload(Context ctx) throws Exception {
        String topic = ctx.topic("large");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 1);
        Peer pub = ctx.connect("pub");
        byte[] payload = new byte[1 << 20];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31 + (i >> 8));
        try {
            pub.publish(new Publish(topic, payload, 1, false, false, 0));
        } catch (TestFailure f) {
            if (pub.isClosed()) {
                throw new TestSkipped("the server closed the connection on a 1 MB PUBLISH: a size limit of its own "
                        + "(see limits.packet-size), not a deviation");
            }
            throw f;
        }
        Publish got = sub.expectPublish("MQTT-4.5.0-1", topic);
        ctx.require(Arrays.equals(got.payload(), payload), "the 1 MB payload delivered intact [MQTT-4.5.0-1]",
                got.payload().length + " bytes" + (got.payload().length == payload.length ? ", different content" : ""));
    }
}
