package mqttconf.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                        TopicTests::dollarTopics),
                // Matching per 4.7: '#' includes the parent level, '+' one whole level (empty ones too), empty
                // levels and a leading '/' are levels like any other.
                TestCase.must("topics.wildcard-and-empty-level-matching",
                        List.of("MQTT-4.5.0-1", "MQTT-3.3.2-3", "MQTT-4.7.1-2", "MQTT-4.7.1-3", "MQTT-4.7.3-1"),
                        "each filter receives exactly the topics that match it under the rules of 4.7",
                        TopicTests::matching),
                // '.', '*' and '>' are characters like any other: no separator, no wildcard.
                TestCase.must("topics.special-characters-in-levels", List.of("MQTT-4.7.1-3", "MQTT-4.5.0-1",
                                "MQTT-3.3.2-3", "MQTT-4.7.3-4"),
                        "levels holding '.', '*' and '>' are matched as plain characters by '+', '#' and exact filters",
                        TopicTests::specialCharacters),
                // No normalisation: Unicode forms, case and U+FEFF all make different topics.
                TestCase.must("topics.no-normalisation", List.of("MQTT-4.7.3-4", "MQTT-1.5.3-3"),
                        "topics differing only in Unicode normal form, case or a U+FEFF do not match each other's filters",
                        TopicTests::noNormalisation),
                // The longest topic a string can hold is a topic like any other.
                TestCase.must("topics.65535-byte-topic", List.of("MQTT-4.7.3-3", "MQTT-4.5.0-1", "MQTT-3.3.2-3"),
                        "a subscription to a 65535-byte topic receives a message published to it",
                        TopicTests::longTopic));
    }

    private static void matching(Context ctx) throws Exception {
        String b = ctx.topic("m");
        String lead = "/" + b + "/lead";
        List<String> topics = List.of(b, b + "/", b + "/a", b + "/a/x", b + "//x", b + "/a/b/c", lead);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(b + "/#", List.of(b, b + "/", b + "/a", b + "/a/x", b + "//x", b + "/a/b/c"));
        expected.put(b + "/+", List.of(b + "/", b + "/a"));
        expected.put(b + "/+/x", List.of(b + "/a/x", b + "//x"));
        expected.put(b + "//x", List.of(b + "//x"));
        expected.put(b + "/+/+/+", List.of(b + "/a/b/c"));
        expected.put("+" + lead, List.of(lead));
        expected.put(lead, List.of(lead));
        deliversExactly(ctx, topics, expected);
    }

    /**
     * Levels holding '.', '*' or '>', the separators and wildcards of other messaging systems, are plain
     * characters in MQTT: where a server maps topics onto such a system, this is where the mapping breaks.
     */
    private static void specialCharacters(Context ctx) throws Exception {
        String b = ctx.topic("s");
        List<String> topics = List.of(b + "/a.b", b + "/*", b + "/>", b + "/a*b", b + "/.", b + "/x/y", b + "/a.b/c");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put(b + "/+", List.of(b + "/a.b", b + "/*", b + "/>", b + "/a*b", b + "/."));
        expected.put(b + "/*", List.of(b + "/*"));
        expected.put(b + "/>", List.of(b + "/>"));
        expected.put(b + "/a.b", List.of(b + "/a.b"));
        expected.put(b + "/a.b/+", List.of(b + "/a.b/c"));
        expected.put(b + "/#", topics);
        deliversExactly(ctx, topics, expected);
    }

    /**
     * One subscriber per filter; every topic published once at QoS 1; each filter must receive the topics that
     * match it [MQTT-4.5.0-1] and no other [MQTT-3.3.2-3]. Every filter is checked, whatever the others showed.
     */
    private static void deliversExactly(Context ctx, List<String> topics, Map<String, List<String>> expected)
            throws Exception {
        Map<String, Peer> subs = new LinkedHashMap<>();
        int n = 0;
        for (String filter : expected.keySet()) {
            Peer sub = ctx.connect("sub" + n++);
            int rc = sub.subscribeAll(List.of(new Subscription(filter, 1))).returnCodes().get(0);
            if (rc == SubAck.FAILURE) ctx.observe("refuses the filter " + filter + " (0x80)");
            else subs.put(filter, sub);
        }
        if (subs.isEmpty()) throw new TestSkipped("the server refused every filter");
        Peer pub = ctx.connect("pub");
        for (String t : topics) pub.publish(t, t, 1);
        for (var e : subs.entrySet()) {
            try {
                checkFilter(ctx, e.getKey(), e.getValue(), expected.get(e.getKey()));
            } catch (TestFailure f) {
                // One subscriber's broken connection says nothing about the other filters: go on.
                ctx.recorded(f);
            }
        }
    }

    private static void checkFilter(Context ctx, String filter, Peer sub, List<String> want) throws TestFailure {
        List<String> got = new ArrayList<>();
        for (Publish p : sub.settle()) got.add(p.topic());
        List<String> missing = new ArrayList<>();
        for (String t : want) {
            if (got.contains(t)) continue;
            // One wait per filter: after a timeout, what has not come is missing.
            if (missing.isEmpty()) {
                try {
                    got.add(sub.expectPublish(p -> p.topic().equals(t), "PUBLISH on '" + t + "' [MQTT-4.5.0-1]").topic());
                    continue;
                } catch (TestFailure f) {
                    if (sub.isClosed()) throw f;
                }
            }
            missing.add(t);
        }
        for (Publish p : sub.settle()) got.add(p.topic());
        ctx.check("MQTT-4.5.0-1", missing.isEmpty(), "filter '" + filter + "' receives every matching topic "
                + want, "missing " + missing + ", received " + got);
        List<String> extra = got.stream().filter(t -> !want.contains(t)).toList();
        ctx.check("MQTT-3.3.2-3", extra.isEmpty() && got.size() == got.stream().distinct().count(), "filter '"
                + filter + "' receives only matching topics, each once: " + want, got);
    }

    private static void noNormalisation(Context ctx) throws Exception {
        String nfc = ctx.topic("\u00e9");
        String nfd = ctx.topic("e\u0301");
        String upper = ctx.topic("Case");
        String bom = ctx.topic("\ufeffa");
        Peer sub = ctx.connect("sub");
        for (String f : List.of(nfc, upper, bom)) sub.subscribe(f, 1);
        Peer pub = ctx.connect("pub");
        for (String t : List.of(nfd, ctx.topic("case"), ctx.topic("CASE"), ctx.topic("a"), nfc, upper, bom)) {
            pub.publish(t, t, 1);
        }
        List<String> got = new ArrayList<>();
        for (String t : List.of(nfc, upper, bom)) got.add(sub.expectPublish("MQTT-4.5.0-1", t).topic());
        for (Publish p : sub.settle()) got.add(p.topic());
        ctx.require(got.equals(List.of(nfc, upper, bom)), "exactly the three topics identical to the filters, "
                + "unchanged [MQTT-4.7.3-4] [MQTT-1.5.3-3]", got);
    }

    private static void longTopic(Context ctx) throws Exception {
        String base = ctx.topic("");
        String topic = base + "x".repeat(65535 - base.length());
        Peer sub = ctx.connect("sub");
        sub.subscribe(topic, 1);
        Peer pub = ctx.connect("pub");
        pub.publish(topic, "long", 1);
        Publish got = sub.expectPublish(p -> p.topic().equals(topic), "PUBLISH on the 65535-byte topic [MQTT-4.5.0-1]");
        ctx.require(got.topic().length() == 65535, "the topic name unchanged [MQTT-3.3.2-3]", got.topic().length() + " bytes");
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
            exact.expectPublish("MQTT-4.5.0-1", dollar);
        } catch (TestFailure f) {
            throw new TestSkipped("the server does not route client messages on " + dollar + " (allowed): "
                    + f.observed());
        }
        pub.publish(plain, "control", 1);
        List<Publish> seen = new ArrayList<>();
        seen.add(wild.expectPublish(Capability.WILDCARDS, plain));
        seen.addAll(wild.settle());
        List<Publish> wrong = seen.stream().filter(p -> p.topic().equals(dollar)).toList();
        ctx.require(wrong.isEmpty(), "no delivery of " + dollar + " to '" + plusFilter + "' or '#' [MQTT-4.7.2-1]", wrong);
    }
}
