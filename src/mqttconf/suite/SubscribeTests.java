package mqttconf.suite;

import java.util.ArrayList;
import java.util.List;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscription;

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
        copies.add(sub.expectPublish(topic));
        // Two round trips: a server that holds the second copy until the first QoS 2 flow completes sends it too.
        for (int i = 0; i < 2; i++) copies.addAll(sub.settle().stream().filter(p -> p.topic().equals(topic)).toList());
        List<Integer> qos = copies.stream().map(Publish::qos).toList();
        if (reportCopies) {
            // The QoS is the business of subscribe.overlapping-max-qos; this test only reports the number of copies.
            ctx.observe(copies.size() == 1 ? "overlapping subscriptions: one copy, at QoS " + qos.get(0)
                    : "overlapping subscriptions: " + copies.size() + " copies, at QoS " + qos);
            return;
        }
        ctx.require(copies.size() <= 2, "one copy, or one per matching subscription (2) [MQTT-3.3.5-1]", copies);
        ctx.require(qos.contains(max) && qos.stream().allMatch(q -> q <= max), "a copy at QoS " + max
                + ", the maximum granted QoS of the matching subscriptions " + ack.returnCodes()
                + ", and none above it [MQTT-3.3.5-1]", copies);
    }

    private static void unsubscribe(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        String marker = ctx.topic("marker");
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 1);
        sub.subscribe(marker, 1);
        Peer pub = ctx.connect("pub");
        pub.publish(topic, "before", 1);
        sub.expectPublish(topic);
        sub.unsubscribe(topic);
        pub.publish(topic, "after", 1);
        pub.publish(marker, "marker", 1);
        sub.expectPublish(marker);
        List<Publish> late = sub.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(late.isEmpty(), "no delivery on " + topic + " after UNSUBACK [MQTT-3.10.4-2]", late);
    }

    private static void failure(Context ctx) throws Exception {
        String filter = ctx.config().nosubscribeFilter();
        if (filter == null) throw new TestSkipped("no --nosubscribe-filter given");
        Peer sub = ctx.connect("sub");
        int rc = sub.subscribeAll(List.of(new Subscription(filter, 2))).returnCodes().get(0);
        ctx.observe(rc == SubAck.FAILURE ? "refuses the subscription to " + filter + " with 0x80"
                : "grants QoS " + rc + " for " + filter + " (a refusal was expected from --nosubscribe-filter)");
    }
}
