package mqttconf.suite;

import java.util.ArrayList;
import java.util.List;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;

/** Chapters 3.8 to 3.11: SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, and overlapping subscriptions (3.3.5). */
final class SubscribeTests {
    private SubscribeTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // One copy at the highest granted QoS, or one copy per subscription (the highest among them):
                // both allowed; no copy above it, none missing, no more copies than subscriptions.
                TestCase.must("subscribe.overlapping-max-qos", List.of("MQTT-3.3.5-1"),
                        "a message matching two subscriptions of a client is delivered respecting the maximum QoS of both",
                        ctx -> overlapping(ctx, false)),
                // Whether the server sends one copy or one per matching subscription is its choice.
                TestCase.may("subscribe.overlapping-copies", List.of("MQTT-3.3.5-1"),
                        "a message matching two subscriptions may be sent once or once per subscription",
                        ctx -> overlapping(ctx, true)),
                // UNSUBACK with the same id; afterwards no new messages for that filter.
                TestCase.must("subscribe.unsubscribe-stops-delivery", List.of("MQTT-3.10.4-4", "MQTT-3.10.4-2", "MQTT-3.10.4-1"),
                        "UNSUBSCRIBE is answered by UNSUBACK with its id and stops delivery on that filter",
                        SubscribeTests::unsubscribe),
                // UNSUBACK even when nothing was subscribed.
                TestCase.must("subscribe.unsubscribe-unknown-filter", List.of("MQTT-3.10.4-5"),
                        "UNSUBSCRIBE of a filter never subscribed is still answered with UNSUBACK",
                        ctx -> ctx.connect("client").unsubscribe(ctx.topic("never"))),
                // Filters are compared character by character: a filter that merely overlaps, or differs in
                // case, removes nothing.
                TestCase.must("subscribe.unsubscribe-compares-characters", List.of("MQTT-3.10.4-1", "MQTT-3.10.4-5"),
                        "UNSUBSCRIBE removes only the subscription whose filter is identical, character by character",
                        SubscribeTests::unsubscribeExact),
                // Several filters in one UNSUBSCRIBE: each is removed, and one UNSUBACK answers them all.
                TestCase.must("subscribe.unsubscribe-several-filters", List.of("MQTT-3.10.4-6", "MQTT-3.10.4-2"),
                        "an UNSUBSCRIBE with two filters removes both and gets exactly one UNSUBACK",
                        SubscribeTests::unsubscribeSeveral),
                // Deliveries already started when the subscription goes MUST still complete: PUBREL after our
                // PUBREC, and after reconnecting the unacknowledged QoS 1 PUBLISH and the PUBREL are re-sent.
                TestCase.must("subscribe.unsubscribe-completes-inflight",
                        List.of("MQTT-3.10.4-3", "MQTT-4.4.0-1", "MQTT-4.3.3-1"),
                        "QoS 1 and 2 deliveries in flight when UNSUBSCRIBE arrives are still completed",
                        SubscribeTests::unsubscribeInflight),
                // A server may refuse a subscription with 0x80; which filters it refuses is its policy.
                TestCase.may("subscribe.failure-return-code", List.of("MQTT-3.8.4-5", "MQTT-3.9.3-2"),
                        "a subscription the server does not allow (--nosubscribe-filter) is answered with return code 0x80",
                        SubscribeTests::failure));
    }

    private static void overlapping(Context ctx, boolean reportCopies) throws Exception {
        String topic = ctx.topic("a/b");
        Peer sub = ctx.connect("sub");
        SubAck ack = sub.subscribeAll(List.of(new Subscription(ctx.topic("a/#"), 2), new Subscription(ctx.topic("a/+"), 1)));
        if (ack.returnCodes().contains(SubAck.FAILURE)) throw new TestSkipped("the server refused a subscription: " + ack);
        int max = Math.max(ack.returnCodes().get(0), ack.returnCodes().get(1));
        Peer pub = ctx.connect("pub");
        pub.publish(topic, "overlapping", 2);
        List<Publish> copies = new ArrayList<>();
        copies.add(sub.expectPublish("MQTT-3.3.5-1", topic));
        // Two round trips: a server that holds the second copy until the first QoS 2 flow completes sends it too.
        for (int i = 0; i < 2; i++) copies.addAll(sub.settle().stream().filter(p -> p.topic().equals(topic)).toList());
        List<Integer> qos = copies.stream().map(Publish::qos).toList();
        if (reportCopies) {
            // The QoS is the business of subscribe.overlapping-max-qos; this test only reports the number of copies.
            ctx.observe(copies.size() == 1 ? "overlapping subscriptions: one copy, at QoS " + qos.get(0)
                    : "overlapping subscriptions: " + copies.size() + " copies, at QoS " + qos);
            return;
        }
        ctx.check("MQTT-3.3.5-1", copies.size() <= 2, "one copy, or one per matching subscription (2)", copies);
        ctx.check("MQTT-3.3.5-1", qos.contains(max) && qos.stream().allMatch(q -> q <= max), "a copy at QoS " + max
                + ", the maximum granted QoS of the matching subscriptions " + ack.returnCodes() + ", and none above it",
                copies);
    }

    private static void unsubscribe(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        String marker = ctx.topic("marker");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 1);
        sub.subscribe(marker, 1);
        Peer pub = ctx.connect("pub");
        pub.publish(topic, "before", 1);
        sub.expectPublish(Capability.DELIVERY, topic);
        sub.unsubscribe(topic);
        pub.publish(topic, "after", 1);
        pub.publish(marker, "marker", 1);
        sub.expectPublish(Capability.DELIVERY, marker);
        List<Publish> late = sub.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(late.isEmpty(), "no delivery on " + topic + " after UNSUBACK [MQTT-3.10.4-2]", late);
    }

    private static void unsubscribeExact(Context ctx) throws Exception {
        String filter = ctx.topic("a/x");
        String topic = filter;
        Peer sub = ctx.connect("sub");
        sub.subscribe(filter, 1);
        // Filters matching the subscribed one, or equal but for case or a trailing level: none is identical.
        sub.unsubscribe(ctx.topic("a/#"), ctx.topic("a/+"), ctx.topic("A/x"), filter + "/");
        Peer pub = ctx.connect("pub");
        pub.publish(topic, "still subscribed", 1);
        sub.expectPublish(p -> p.topic().equals(topic), "PUBLISH on " + topic + ": no UNSUBSCRIBE filter was "
                + "identical to " + filter + " [MQTT-3.10.4-1]");
        sub.unsubscribe(filter);
        pub.publish(topic, "unsubscribed", 1);
        String marker = ctx.topic("marker");
        sub.subscribe(marker, 1);
        pub.publish(marker, "marker", 1);
        sub.expectPublish(Capability.DELIVERY, marker);
        List<Publish> late = sub.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(late.isEmpty(), "no delivery after unsubscribing the identical filter [MQTT-3.10.4-1]", late);
    }

    private static void unsubscribeSeveral(Context ctx) throws Exception {
        List<String> topics = List.of(ctx.topic("1"), ctx.topic("2"), ctx.topic("3"));
        Peer sub = ctx.connect("sub");
        for (String t : topics) sub.subscribe(t, 1);
        sub.unsubscribe(topics.get(0), topics.get(1));
        Peer pub = ctx.connect("pub");
        for (String t : topics) pub.publish(t, "after", 1);
        sub.expectPublish("MQTT-3.10.4-1", topics.get(2));
        List<Publish> late = sub.settle().stream().filter(p -> !p.topic().equals(topics.get(2))).toList();
        ctx.require(late.isEmpty(), "no delivery on either unsubscribed filter [MQTT-3.10.4-6]", late);
        List<Packet> extra = sub.unclaimed().stream().filter(p -> p instanceof UnsubAck).toList();
        ctx.require(extra.isEmpty(), "one UNSUBACK for an UNSUBSCRIBE with two filters [MQTT-3.10.4-6]", extra);
    }

    /** One subscriber per QoS, since a server may hold a second delivery until the first is acknowledged (4.6). */
    private static void unsubscribeInflight(Context ctx) throws Exception {
        String q1 = ctx.topic("q1");
        String q2 = ctx.topic("q2");
        Peer s1 = ctx.connect("sub1", false, c -> c);
        Peer s2 = ctx.connect("sub2", false, c -> c);
        if (s1.subscribe(q1, 1) < 1 || s2.subscribe(q2, 2) < 2) {
            throw new TestSkipped("the server granted less than QoS 1 and 2");
        }
        s1.manualAcks();
        s2.manualAcks();
        Peer pub = ctx.connect("pub");
        pub.publish(q1, "qos 1", 1);
        pub.publish(q2, "qos 2", 2);
        Publish m1 = s1.expectPublish(Capability.DELIVERY, q1);
        Publish m2 = s2.expectPublish(Capability.DELIVERY, q2);
        s1.unsubscribe(q1);
        s2.unsubscribe(q2);
        s2.send(new PubRec(m2.packetId()));
        s2.expect(PubRel.class, r -> r.packetId() == m2.packetId(), "PUBREL with packet id " + m2.packetId()
                + " for a delivery started before UNSUBSCRIBE [MQTT-3.10.4-3]");
        s1.close();
        s2.close();
        Peer back2 = ctx.connect("sub2", false, c -> c).manualAcks();
        back2.expectLate(PubRel.class, r -> r.packetId() == m2.packetId(), "the PUBREL with packet id "
                + m2.packetId() + " re-sent after reconnecting [MQTT-3.10.4-3] [MQTT-4.4.0-1]");
        back2.send(new PubComp(m2.packetId()));
        Peer back1 = ctx.connect("sub1", false, c -> c).manualAcks();
        Publish again = back1.expectPublishLate(p -> p.topic().equals(q1), "the unacknowledged QoS 1 PUBLISH re-sent "
                + "after reconnecting, though its subscription is gone [MQTT-3.10.4-3] [MQTT-4.4.0-1]");
        ctx.check("MQTT-4.4.0-1", again.packetId() == m1.packetId(), "the original packet id " + m1.packetId(), again);
        ctx.check("MQTT-3.3.1-1", again.dup(), "DUP 1 on a re-delivered PUBLISH", again);
        back1.send(new PubAck(again.packetId()));
        back1.disconnect();
        back2.disconnect();
    }

    private static void failure(Context ctx) throws Exception {
        String filter = ctx.config().nosubscribeFilter();
        if (filter == null) throw new TestSkipped("--nosubscribe-filter '' skips it");
        Peer sub = ctx.connect("sub");
        int rc = sub.subscribeAll(List.of(new Subscription(filter, 2))).returnCodes().get(0);
        ctx.observe(rc == SubAck.FAILURE ? "refuses the subscription to " + filter + " with 0x80"
                : "grants QoS " + rc + " for " + filter + " (it allows this filter; --nosubscribe-filter names one it refuses)");
    }
}
