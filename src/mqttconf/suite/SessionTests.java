package mqttconf.suite;

import java.util.List;

import mqttconf.codec.Packet.Publish;

/** Sessions (3.1.2.4, 3.2.2, 4.4): what a server keeps for a client that connected with cleanSession 0. */
final class SessionTests {
    private SessionTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // QoS 1 and 2 messages for an offline persistent session MUST be stored and delivered on return,
                // with session present 1; a new session has session present 0.
                TestCase.must("session.offline-qos1-qos2-queued",
                        List.of("MQTT-3.1.2-5", "MQTT-3.1.2-4", "MQTT-3.2.2-2", "MQTT-3.2.2-3"),
                        "QoS 1 and 2 messages published while a cleanSession 0 client is away are delivered when it returns",
                        ctx -> offline(ctx, false)),
                // Storing QoS 0 messages for an offline client is allowed, not required.
                TestCase.may("session.offline-qos0-queued", List.of("MQTT-3.1.2-5"),
                        "QoS 0 messages for an offline cleanSession 0 client may be stored as well",
                        ctx -> offline(ctx, true)),
                // Unacknowledged QoS 1/2 PUBLISHes MUST be re-sent on reconnect with their original ids and DUP 1.
                TestCase.must("session.redelivery-on-reconnect", List.of("MQTT-4.4.0-1", "MQTT-3.3.1-1", "MQTT-3.2.2-2"),
                        "unacknowledged QoS 1 and 2 deliveries are re-sent with the same packet ids and DUP 1 after reconnecting",
                        SessionTests::redelivery));
    }

    private static void offline(Context ctx, boolean qos0) throws Exception {
        Peer sub = ctx.connect("sub", false, c -> c);
        ctx.require(!sub.connAck().sessionPresent(), "session present 0 for a client id without a session [MQTT-3.2.2-3]",
                sub.connAck());
        int granted = sub.subscribe(ctx.topic("+"), 2);
        if (granted == 0) throw new TestSkipped("the server granted QoS 0 only, so nothing needs to be stored");
        sub.disconnect();
        Peer pub = ctx.connect("pub");
        if (qos0) pub.publish(ctx.topic("q0"), "qos 0", 0);
        pub.publish(ctx.topic("q1"), "qos 1", 1);
        pub.publish(ctx.topic("q2"), "qos 2", 2);
        Peer back = ctx.connect("sub", false, c -> c);
        ctx.require(back.connAck().sessionPresent(), "session present 1 when resuming a stored session [MQTT-3.2.2-2]",
                back.connAck());
        back.expectPublish(ctx.topic("q1"));
        back.expectPublish(ctx.topic("q2"));
        if (qos0) {
            boolean queued = back.settle().stream().anyMatch(p -> p.topic().equals(ctx.topic("q0")));
            ctx.observe("queues QoS 0 messages for offline clients: " + (queued ? "yes" : "no"));
        }
        back.disconnect();
    }

    private static void redelivery(Context ctx) throws Exception {
        Peer sub = ctx.connect("sub", false, c -> c);
        int granted = sub.subscribe(ctx.topic("+"), 2);
        if (granted == 0) throw new TestSkipped("the server granted QoS 0 only: nothing to re-deliver");
        sub.manualAcks();
        Peer pub = ctx.connect("pub");
        pub.publish(ctx.topic("q1"), "qos 1", 1);
        pub.publish(ctx.topic("q2"), "qos 2", 2);
        Publish first1 = sub.expectPublish(ctx.topic("q1"));
        Publish first2 = sub.expectPublish(ctx.topic("q2"));
        sub.close();
        Peer back = ctx.connect("sub", false, c -> c);
        ctx.require(back.connAck().sessionPresent(), "session present 1 when resuming a stored session [MQTT-3.2.2-2]",
                back.connAck());
        for (Publish first : List.of(first1, first2)) {
            Publish again = back.expectPublish(p -> p.topic().equals(first.topic()),
                    "the unacknowledged " + first + " re-sent after reconnecting [MQTT-4.4.0-1]");
            ctx.require(again.packetId() == first.packetId(), "the original packet id " + first.packetId()
                    + " on the re-sent PUBLISH [MQTT-4.4.0-1]", again);
            ctx.require(again.dup(), "DUP 1 on a re-delivered PUBLISH [MQTT-3.3.1-1]", again);
        }
        back.settle();
        back.disconnect();
    }
}
