package mqttconf.suite;

import java.util.ArrayList;
import java.util.List;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscription;

/** Topic names and filters (4.7). */
final class TopicTests {
    private TopicTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // Filters starting with + or # MUST NOT match topics starting with $. A server MAY refuse client
                // PUBLISHes to $ topics (then nothing can be checked: SKIP).
                TestCase.must("topics.dollar-not-matched-by-wildcards", List.of("MQTT-4.7.2-1"),
                        "subscriptions '#' and '+/...' do not receive messages on topics beginning with '$'",
                        TopicTests::dollarTopics));
    }

    private static void dollarTopics(Context ctx) throws Exception {
        String plain = ctx.topic("x");
        String dollar = "$" + plain;
        String plusFilter = "+" + plain.substring(plain.indexOf('/'));
        Peer exact = ctx.connect("exact");
        exact.subscribe(dollar, 1);
        Peer wild = ctx.connect("wild");
        SubAck ack = wild.subscribeAll(List.of(new Subscription(plusFilter, 1), new Subscription("#", 0)));
        if (ack.returnCodes().stream().allMatch(rc -> rc == SubAck.FAILURE)) {
            throw new TestSkipped("the server refused both '" + plusFilter + "' and '#': " + ack);
        }
        Peer pub = ctx.connect("pub");
        try {
            pub.publish(dollar, "dollar", 1);
            exact.expectPublish(dollar);
        } catch (TestFailure f) {
            throw new TestSkipped("the server does not route client messages on " + dollar + " (allowed): "
                    + f.observed());
        }
        pub.publish(plain, "control", 1);
        List<Publish> seen = new ArrayList<>();
        seen.add(wild.expectPublish(plain));
        seen.addAll(wild.settle());
        List<Publish> wrong = seen.stream().filter(p -> p.topic().equals(dollar)).toList();
        ctx.require(wrong.isEmpty(), "no delivery of " + dollar + " to '" + plusFilter + "' or '#' [MQTT-4.7.2-1]", wrong);
    }
}
