package mqttconf.suite;

import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Will;

/**
 * Will messages (3.1.2.5, 3.14.4): published when a connection ends without DISCONNECT, and only then. No
 * statement says how soon: a will is awaited up to --late-wait, holding no run slot after the first timeout.
 */
final class WillTests {
    private WillTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // A connection dropped without DISCONNECT MUST publish the will, non-retained when will retain is 0.
                TestCase.must("will.published-on-abrupt-close", List.of("MQTT-3.1.2-8", "MQTT-3.1.2-16"),
                        "closing the network connection without DISCONNECT publishes the will message (RETAIN 0)",
                        WillTests::abruptClose),
                // After DISCONNECT the will MUST be discarded, never published.
                TestCase.must("will.discarded-on-disconnect", List.of("MQTT-3.14.4-3", "MQTT-3.1.2-10"),
                        "a client that sends DISCONNECT has its will discarded, not published",
                        WillTests::discardedOnDisconnect),
                // A retained QoS 2 will: delivered at min(2, granted) with RETAIN 0 to the existing subscription,
                // and kept as the retained message for later subscriptions (RETAIN 1).
                TestCase.must("will.qos2-retained", List.of("MQTT-3.1.2-17", "MQTT-3.1.2-8", "MQTT-3.8.4-6",
                                "MQTT-3.3.1-9", "MQTT-3.3.1-8"),
                        "a will with QoS 2 and will retain 1 is published at its QoS as a retained message",
                        WillTests::retainedWill),
                // The server closing the connection for a protocol violation is not a DISCONNECT: the will goes out.
                TestCase.must("will.published-on-protocol-violation", List.of("MQTT-3.1.2-8", "MQTT-4.8.0-1"),
                        "a client the server disconnects for a malformed packet has its will published",
                        WillTests::protocolViolation),
                // Without a will flag nothing may be published when the connection drops.
                TestCase.must("will.none-without-will-flag", List.of("MQTT-3.1.2-12"),
                        "a client without a will that drops its connection causes no publication",
                        WillTests::noWill));
    }

    /** A CONNECT with a QoS 1, non-retained will on {@code topic}. */
    static Connect withWill(Connect c, String topic, String payload, int keepAlive) {
        return withWill(Context.withKeepAlive(c, keepAlive), topic, payload, 1, false);
    }

    static Connect withWill(Connect c, String topic, String payload, int qos, boolean retain) {
        return c.withWill(new Will(topic, Context.utf8(payload), qos, retain));
    }

    private static void abruptClose(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        Peer dying = ctx.connect("dying", true, c -> withWill(c, topic, "client not disconnected", c.keepAlive()));
        dying.close();
        Publish will = watcher.expectPublishLate(p -> p.topic().equals(topic),
                "the will message on " + topic + " after the connection was dropped [MQTT-3.1.2-8]");
        ctx.require(Arrays.equals(will.payload(), Context.utf8("client not disconnected")), "the will payload [MQTT-3.1.2-8]", will);
        ctx.require(!will.retain(), "RETAIN 0 on a will published with will retain 0 [MQTT-3.1.2-16]", will);
    }

    private static void retainedWill(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        int granted = watcher.subscribe(topic, 2);
        ctx.retained(topic);
        Peer dying = ctx.connect("dying", true, c -> withWill(c, topic, "retained will", 2, true));
        dying.close();
        Publish will = watcher.expectPublishLate(p -> p.topic().equals(topic),
                "the will message on " + topic + " after the connection was dropped [MQTT-3.1.2-8]");
        ctx.require(will.qos() == Math.min(2, granted), "the will at QoS " + Math.min(2, granted)
                + " = min(will QoS 2, granted " + granted + ") [MQTT-3.8.4-6]", will);
        ctx.require(!will.retain(), "RETAIN 0 on a delivery to an established subscription [MQTT-3.3.1-9]", will);
        Peer late = ctx.connect("late");
        late.subscribe(topic, 2);
        Publish kept;
        try {
            kept = late.expectPublish(p -> p.topic().equals(topic),
                    "the will kept as the retained message of " + topic + " [MQTT-3.1.2-17]");
        } catch (TestFailure f) {
            // Closing the new subscriber instead of sending the retained will is a failure to send it: the will
            // was kept (a server without it would just send nothing). A retained will: a deviation of its own.
            if (!late.isClosed()) throw f;
            ctx.deviation(new Deviation("MQTT-3.3.1-6", "the retained will sent to the new subscription on " + topic,
                    f.observed(), List.of("MQTT-3.1.2-17")));
            return;
        }
        ctx.require(kept.retain() && Arrays.equals(kept.payload(), Context.utf8("retained will")),
                "the retained will with RETAIN 1 for a new subscription [MQTT-3.1.2-17] [MQTT-3.3.1-8]", kept);
    }

    private static void protocolViolation(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        Peer bad = ctx.connect("bad", true, c -> withWill(c, topic, "closed by the server", 1, false));
        bad.send(new Publish(ctx.topic("x"), new byte[0], 3, false, false, 1));
        ctx.require(bad.awaitClose(), "the server closes the connection after a PUBLISH with QoS 3 "
                + "[MQTT-3.3.1-4]", "still open after " + Runner.seconds(ctx.lateWait()));
        watcher.expectPublishLate(p -> p.topic().equals(topic),
                "the will message after the server closed the connection [MQTT-3.1.2-8]");
    }

    /**
     * The client id had a will on its previous connection (ended by DISCONNECT): a server that keeps wills per
     * client id rather than per connection would publish it now.
     */
    private static void noWill(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        String marker = ctx.topic("marker");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        watcher.subscribe(marker, 1);
        ctx.connect("dying", true, c -> withWill(c, topic, "will of an earlier connection", c.keepAlive())).disconnect();
        ctx.connect("dying").close();
        ctx.connect("other").publish(marker, "marker", 1);
        watcher.expectPublish(Capability.DELIVERY, marker);
        List<Publish> extra = watcher.settle();
        ctx.require(extra.isEmpty(), "no publication when a client without will drops its connection "
                + "[MQTT-3.1.2-12]", extra);
    }

    private static void discardedOnDisconnect(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        String marker = ctx.topic("marker");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        watcher.subscribe(marker, 1);
        Peer leaving = ctx.connect("leaving", true, c -> withWill(c, topic, "must not be published", c.keepAlive()));
        leaving.disconnect();
        Peer other = ctx.connect("other");
        other.publish(marker, "marker", 1);
        watcher.expectPublish(Capability.DELIVERY, marker);
        List<Publish> wills = watcher.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(wills.isEmpty(), "no will message after DISCONNECT [MQTT-3.14.4-3]", wills);
    }
}
