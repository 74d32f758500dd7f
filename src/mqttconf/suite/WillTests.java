package mqttconf.suite;

import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Will;

/** Will messages (3.1.2.5, 3.14.4): published when a connection ends without DISCONNECT, and only then. */
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
                        WillTests::discardedOnDisconnect));
    }

    /** A CONNECT with a QoS 1, non-retained will on {@code topic}. */
    static Connect withWill(Connect c, String topic, String payload, int keepAlive) {
        return new Connect(c.protocolName(), c.protocolLevel(), c.cleanSession(), keepAlive, c.clientId(),
                new Will(topic, Context.utf8(payload), 1, false), c.username(), c.password());
    }

    private static void abruptClose(Context ctx) throws Exception {
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        Peer dying = ctx.connect("dying", true, c -> withWill(c, topic, "client not disconnected", c.keepAlive()));
        dying.close();
        Publish will = watcher.expectPublish(p -> p.topic().equals(topic),
                "the will message on " + topic + " after the connection was dropped [MQTT-3.1.2-8]");
        ctx.require(Arrays.equals(will.payload(), Context.utf8("client not disconnected")), "the will payload", will);
        ctx.require(!will.retain(), "RETAIN 0 on a will published with will retain 0 [MQTT-3.1.2-16]", will);
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
        watcher.expectPublish(marker);
        List<Publish> wills = watcher.settle().stream().filter(p -> p.topic().equals(topic)).toList();
        ctx.require(wills.isEmpty(), "no will message after DISCONNECT [MQTT-3.14.4-3]", wills);
    }
}
