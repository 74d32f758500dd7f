package mqttconf.suite;

import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;

/** Chapter 3.3 and 4.3: PUBLISH and the QoS 0, 1 and 2 delivery flows, server to subscriber. */
final class PublishTests {
    private PublishTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // QoS 0 delivered once at QoS 0, DUP 0, RETAIN 0; nothing else is allowed.
                TestCase.must("publish.qos0-round-trip",
                        List.of("MQTT-4.3.1-1", "MQTT-3.3.1-2", "MQTT-3.3.1-9", "MQTT-3.8.4-6", "MQTT-2.3.1-5",
                                "MQTT-3.3.2-3"),
                        "a QoS 0 PUBLISH reaches a subscriber at QoS 0 with DUP 0 and RETAIN 0",
                        ctx -> roundTrip(ctx, 0)),
                // QoS 1: PUBACK to the publisher; delivery at min(1, granted), DUP 0, RETAIN 0, non-zero id.
                TestCase.must("publish.qos1-round-trip",
                        List.of("MQTT-3.3.4-1", "MQTT-4.3.2-1", "MQTT-4.3.2-2", "MQTT-3.3.1-9", "MQTT-3.8.4-6"),
                        "a QoS 1 PUBLISH is acknowledged with PUBACK and delivered at min(1, granted QoS)",
                        ctx -> roundTrip(ctx, 1)),
                // QoS 2: PUBREC/PUBREL/PUBCOMP with the publisher; to the subscriber PUBLISH, then PUBREL with
                // the same id after our PUBREC, and no second PUBLISH after PUBREC.
                TestCase.must("publish.qos2-round-trip",
                        List.of("MQTT-3.3.4-1", "MQTT-4.3.3-1", "MQTT-4.3.3-2", "MQTT-3.3.1-9", "MQTT-3.8.4-6"),
                        "a QoS 2 PUBLISH completes PUBREC/PUBREL/PUBCOMP both ways and is delivered exactly once",
                        ctx -> roundTrip(ctx, 2)),
                // A server may have a packet size limit of its own (8 KB seen): a close on a large PUBLISH is
                // reported here, once; tests sending large packets SKIP when the server closes on them.
                TestCase.may("limits.packet-size", List.of("MQTT-3.3.4-1"),
                        "reports the largest QoS 1 PUBLISH up to 1 MB that the server acknowledges, and the size it closes on",
                        PublishTests::sizeLimit));
    }

    private static void sizeLimit(Context ctx) throws Exception {
        String topic = ctx.topic("x");
        Peer pub = ctx.connect("pub");
        int largest = 0;
        for (int size : new int[] {1 << 10, 8 << 10, 64 << 10, 256 << 10, 1 << 20}) {
            try {
                pub.publish(new Publish(topic, new byte[size], 1, false, false, 0));
                largest = size;
            } catch (TestFailure f) {
                if (!pub.isClosed()) throw f;
                ctx.observe("closes the connection on a QoS 1 PUBLISH with a " + size / 1024 + " KB payload"
                        + (largest == 0 ? "" : "; acknowledges one of " + largest / 1024 + " KB"));
                return;
            }
        }
        ctx.observe("acknowledges QoS 1 PUBLISHes with payloads of up to " + largest / 1024 + " KB");
    }

    private static void roundTrip(Context ctx, int qos) throws Exception {
        String topic = ctx.topic("x");
        Peer sub = ctx.connect("sub");
        int granted = sub.subscribe(topic, 2);
        if (qos == 2) sub.manualAcks();
        Peer pub = ctx.connect("pub");
        String payload = "qos " + qos;
        pub.publish(topic, payload, qos);
        Publish got = sub.expectPublish(p -> p.topic().equals(topic), "PUBLISH on " + topic + " to its subscriber "
                + "[MQTT-4.5.0-1]");
        int want = Math.min(qos, granted);
        ctx.require(got.qos() == want, "delivery at QoS " + want + " = min(published " + qos + ", granted "
                + granted + ") [MQTT-3.8.4-6]", got);
        ctx.require(Arrays.equals(got.payload(), Context.utf8(payload)), "the payload '" + payload + "' [MQTT-4.5.0-1]", got);
        ctx.require(!got.retain(), "RETAIN 0 on a delivery to an established subscription [MQTT-3.3.1-9]", got);
        ctx.require(!got.dup(), "DUP 0 on a first delivery [MQTT-3.3.1-2] [MQTT-4.3.2-1] [MQTT-4.3.3-1]", got);
        if (want == 2) {
            int id = got.packetId();
            sub.send(new PubRec(id));
            sub.expect(PubRel.class, r -> r.packetId() == id, "PUBREL with packet id " + id + " after PUBREC [MQTT-4.3.3-1]");
            // A re-send with DUP 1 may cross our PUBREC on the wire; the server's PUBREL proves it had the PUBREC.
            List<Publish> crossed = sub.takeDeliveries().stream().filter(p -> p.topic().equals(topic)).toList();
            ctx.require(crossed.stream().allMatch(p -> p.dup() && p.packetId() == id),
                    "before PUBREL, only re-sends of packet id " + id + " with DUP 1 [MQTT-3.3.1-1]", crossed);
            sub.send(new PubComp(id));
            List<Publish> again = sub.settle().stream().filter(p -> p.topic().equals(topic)).toList();
            ctx.require(again.isEmpty(), "no second PUBLISH once the server had our PUBREC [MQTT-4.3.3-1]", again);
        }
        pub.disconnect();
        sub.disconnect();
    }
}
