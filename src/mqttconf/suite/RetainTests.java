package mqttconf.suite;

import java.util.List;

import mqttconf.codec.Packet.Publish;

/** Retained messages (3.3.1.3): set, delivered to new subscriptions, cleared by an empty retained message. */
final class RetainTests {
    private RetainTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // QoS 1/2 retained messages MUST be stored and sent (RETAIN 1) to a new subscription; QoS 0 ones
                // SHOULD be, but MAY be discarded. An empty retained message is delivered as normal and clears
                // the topic. Only this test's topics are looked at: other retained messages on the server are
                // none of its business.
                TestCase.must("retain.set-and-clear",
                        List.of("MQTT-3.3.1-5", "MQTT-3.3.1-6", "MQTT-3.3.1-8", "MQTT-3.3.1-10", "MQTT-3.3.1-11"),
                        "retained messages reach new subscribers with RETAIN 1; an empty retained message removes them",
                        RetainTests::setAndClear));
    }

    private static void setAndClear(Context ctx) throws Exception {
        List<String> topics = List.of(ctx.topic("q0"), ctx.topic("q1"), ctx.topic("q2"));
        String all = ctx.topic("+");
        Peer pub = ctx.connect("pub");
        for (int q = 0; q <= 2; q++) pub.publishRetained(topics.get(q), "qos " + q, q);
        pub.settle();

        Peer sub = ctx.connect("sub");
        sub.subscribe(all, 2);
        for (int q = 1; q <= 2; q++) {
            Publish r = sub.expectPublish(topics.get(q));
            ctx.require(r.retain(), "RETAIN 1 on a retained message sent for a new subscription [MQTT-3.3.1-8]", r);
        }
        boolean keptQos0 = false;
        for (Publish p : sub.settle()) {
            if (!p.topic().equals(topics.get(0))) continue;
            ctx.require(p.retain(), "RETAIN 1 on a retained message sent for a new subscription [MQTT-3.3.1-8]", p);
            keptQos0 = true;
        }
        if (!keptQos0) ctx.observe("did not keep the QoS 0 retained message (allowed [MQTT-3.3.1-7])");

        for (int q = 0; q <= 2; q++) pub.publish(new Publish(topics.get(q), new byte[0], q, true, false, 0));
        for (int q = 0; q <= 2; q++) {
            Publish cleared = sub.expectPublish(topics.get(q));
            ctx.require(cleared.payload().length == 0 && !cleared.retain(), "the empty retained message delivered as "
                    + "normal, RETAIN 0, to the existing subscription [MQTT-3.3.1-10] [MQTT-3.3.1-9]", cleared);
        }

        String sentinel = ctx.topic("sentinel");
        pub.publishRetained(sentinel, "sentinel", 1);
        Peer late = ctx.connect("late");
        late.subscribe(all, 2);
        late.expectPublish(sentinel);
        List<Publish> stale = late.settle().stream().filter(p -> topics.contains(p.topic())).toList();
        ctx.require(stale.isEmpty(), "no retained message left on the cleared topics [MQTT-3.3.1-10] [MQTT-3.3.1-11]", stale);
        pub.publish(new Publish(sentinel, new byte[0], 1, true, false, 0));
    }
}
