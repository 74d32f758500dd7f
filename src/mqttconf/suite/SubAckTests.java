package mqttconf.suite;

import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscription;

/** Chapters 3.8 and 3.9: what a SUBSCRIBE does and what its SUBACK says. */
final class SubAckTests {
    private SubAckTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // Several filters in one SUBSCRIBE act as one SUBSCRIBE each; return codes in filter order, each
                // at most the requested QoS or 0x80; deliveries then use each filter's own grant.
                TestCase.must("subscribe.several-filters-in-order",
                        List.of("MQTT-3.8.4-4", "MQTT-3.9.3-1", "MQTT-3.8.4-5", "MQTT-3.9.3-2", "MQTT-3.8.4-6"),
                        "a SUBSCRIBE with filters at QoS 2, 0, 1 gets return codes in that order and each grant applies",
                        SubAckTests::severalFilters),
                // An identical filter replaces the subscription (one copy afterwards, new QoS) and the retained
                // messages matching it are sent again.
                TestCase.must("subscribe.identical-filter-replaces",
                        List.of("MQTT-3.8.4-3", "MQTT-3.3.1-6", "MQTT-3.3.1-8"),
                        "subscribing again to the same filter replaces the subscription and re-sends retained messages",
                        SubAckTests::identicalReplaces),
                // A server MAY refuse wildcard filters (0x80); if it grants one, matching messages MUST flow.
                TestCase.must("subscribe.wildcard-granted-or-refused", List.of("MQTT-3.8.3-2", "MQTT-4.5.0-1"),
                        "a wildcard subscription is either refused with 0x80 or delivers the matching messages",
                        SubAckTests::wildcard));
    }

    private static void severalFilters(Context ctx) throws Exception {
        int[] requested = {2, 0, 1};
        List<String> topics = List.of(ctx.topic("a"), ctx.topic("b"), ctx.topic("c"));
        Peer sub = ctx.connect("sub");
        SubAck ack = sub.subscribeAll(List.of(new Subscription(topics.get(0), requested[0]),
                new Subscription(topics.get(1), requested[1]), new Subscription(topics.get(2), requested[2])));
        Peer pub = ctx.connect("pub");
        for (int i = 0; i < 3; i++) {
            int rc = ack.returnCodes().get(i);
            if (rc == SubAck.FAILURE) continue;
            pub.publish(topics.get(i), "qos 2", 2);
            Publish got = sub.expectPublish("MQTT-4.5.0-1", topics.get(i));
            ctx.require(got.qos() == rc, "delivery at QoS " + rc + ", the grant of filter " + (i + 1) + " in "
                    + ack + " [MQTT-3.9.3-1] [MQTT-3.8.4-6]", got);
        }
    }

    private static void identicalReplaces(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        Peer pub = ctx.connect("pub");
        pub.publishRetained(topic, "retained", 1);
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 1);
        Publish first = sub.expectPublish(Capability.RETAINED, topic);
        ctx.require(first.retain(), "the retained message with RETAIN 1 for a new subscription [MQTT-3.3.1-8]", first);
        int granted = sub.subscribe(topic, 2);
        Publish again = sub.expectPublish(p -> p.topic().equals(topic),
                "the retained message re-sent for the replacing subscription [MQTT-3.8.4-3]");
        ctx.require(again.retain() && Arrays.equals(again.payload(), Context.utf8("retained")),
                "the retained message with RETAIN 1 [MQTT-3.8.4-3] [MQTT-3.3.1-8]", again);
        pub.publish(topic, "after replacing", 2);
        Publish got = sub.expectPublish("MQTT-3.8.4-3", topic);
        int want = Math.min(2, granted);
        ctx.require(got.qos() == want, "delivery at QoS " + want + ", the grant of the replacing subscription "
                + "[MQTT-3.8.4-3]", got);
        List<Publish> copies = sub.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(copies.isEmpty(), "one copy: the old subscription was replaced, not kept beside the new one "
                + "[MQTT-3.8.4-3]", copies);
    }

    private static void wildcard(Context ctx) throws Exception {
        Peer sub = ctx.connect("sub");
        List<String> filters = List.of(ctx.topic("+"), ctx.topic("w/#"));
        Peer pub = ctx.connect("pub");
        for (String filter : filters) {
            int rc = sub.subscribeAll(List.of(new Subscription(filter, 1))).returnCodes().get(0);
            if (rc == SubAck.FAILURE) {
                ctx.observe("refuses the wildcard filter " + filter + " (0x80)");
                continue;
            }
            String topic = filter.endsWith("#") ? ctx.topic("w/x/y") : ctx.topic("x");
            pub.publish(topic, "for " + filter, 1);
            sub.expectPublish(p -> p.topic().equals(topic), "PUBLISH on " + topic + " through the granted filter "
                    + filter + " [MQTT-4.5.0-1]");
            sub.unsubscribe(filter);
        }
    }
}
