package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.TestMode;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.suite.FaultProxy.Fault;
import mqttconf.suite.FaultProxy.Link;
import mqttconf.suite.Runner.Report;

/**
 * Verdicts on imperfect servers, through the fault proxy in front of our broker and tiny fake servers: a server
 * that stops serving, one that stalls while a packet is half sent, a failure that only happens beside other
 * tests, and deviations whose FAIL must name the statement actually broken.
 */
class VerdictsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static Broker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Broker.start(BrokerConfig.ephemeral());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    private static Report run(int port, List<String> only, int parallel) {
        return run(port, only, parallel, false);
    }

    /**
     * The tests {@code only} names, in that order; {@code amongOthers}: the edge-case rows and the test the suite runs
     * last scheduled as the others, in that order: a trigger running among other tests, and tests started after it.
     */
    private static Report run(int port, List<String> only, int parallel, boolean amongOthers) {
        List<TestCase> tests = new ArrayList<>();
        for (String name : only) tests.addAll(new Selection(List.of(name), List.of(), List.of(), List.of()).apply(Suite.all()));
        if (amongOthers) {
            tests.replaceAll(t -> t.schedule() == TestCase.Schedule.LAST || t.schedule() == TestCase.Schedule.EDGE
                    ? t.scheduled(TestCase.Schedule.CONCURRENT) : t);
        }
        RunConfig config = RunConfig.defaults("127.0.0.1", port).withTimeout(TIMEOUT)
                .withOptions(1, null, parallel, null).withLateWait(Duration.ofSeconds(2));
        return new Runner(config, r -> { }).run(tests);
    }

    private static Report throughProxy(Supplier<Fault> fault, List<String> only, int parallel) throws Exception {
        return throughProxy(fault, only, parallel, false);
    }

    private static Report throughProxy(Supplier<Fault> fault, List<String> only, int parallel, boolean amongOthers)
            throws Exception {
        try (FaultProxy proxy = new FaultProxy(broker.port(), fault)) {
            return run(proxy.port(), only, parallel, amongOthers);
        }
    }

    private static Result result(Report report, String test) {
        return report.results().stream().filter(r -> r.test().name().equals(test)).findFirst().orElseThrow();
    }

    private static String shown(Report report) {
        return report.results().stream().map(r -> r.verdict() + " " + r.test().name() + " " + r.failedStatements()
                + ": " + r.summary()).collect(Collectors.joining("\n"));
    }

    /**
     * After a QoS 1 PUBLISH with DUP 1 (the packet that stops a real server's worker), nothing passes the proxy any
     * more. The trigger is held until the watchdog has seen the server answer once, so the outage is judged.
     */
    static final class DiesOnDup extends Fault {
        static final AtomicBoolean DEAD = new AtomicBoolean();
        static final AtomicBoolean PROBED = new AtomicBoolean();
        private boolean probe;

        @Override
        boolean fromClient(Packet p, Link link) {
            if (p instanceof Connect c && c.clientId().contains("wd")) probe = true;
            if (DEAD.get()) return false;
            if (DiesOnDup.trigger(p, PROBED, DEAD)) return false;
            return true;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (probe && p instanceof ConnAck) PROBED.set(true);
            return DEAD.get() ? List.of() : List.of(p);
        }

        /**
         * Whether {@code p} is the trigger, a QoS 1 PUBLISH with DUP 1; if so {@code dead} is set, once the watchdog has
         * seen the server answer ({@code probed}) so that the outage is judged.
         */
        static boolean trigger(Packet p, AtomicBoolean probed, AtomicBoolean dead) {
            if (!(p instanceof Publish x && x.dup() && x.qos() == 1)) return false;
            for (int i = 0; i < 500 && !probed.get(); i++) pause();
            dead.set(true);
            return true;
        }

        private static void pause() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aServerThatStopsServingGetsOneEventNamingTheTriggerAndNoStatements() throws Exception {
        DiesOnDup.DEAD.set(false);
        DiesOnDup.PROBED.set(false);
        Report report = throughProxy(DiesOnDup::new, List.of("publish.qos0-round-trip", "publish.qos1-round-trip",
                "qos.dup-not-propagated", "retain.set-and-clear", "subscribe.unsubscribe-unknown-filter",
                "malformed.pingreq-gets-pingresp"), 1, true);
        String all = shown(report) + "\n" + report.events();
        assertEquals(Verdict.PASS, result(report, "publish.qos1-round-trip").verdict(), all);
        assertEquals(1, report.events().size(), all);
        ServerEvent e = report.events().get(0);
        assertEquals("qos.dup-not-propagated", e.triggerTest(), all);
        assertTrue(e.bytesBefore().contains("dup"), all);
        assertFalse(e.recovered(), all);
        for (String t : List.of("retain.set-and-clear", "subscribe.unsubscribe-unknown-filter",
                "malformed.pingreq-gets-pingresp")) {
            Result r = result(report, t);
            assertEquals(Verdict.NOT_SERVING, r.verdict(), all);
            assertEquals(List.of(), r.failedStatements(), all);
        }
        assertEquals(1, TestMode.exitCode(report));
    }

    /**
     * The same server, with the suite's own order: the test sending DUP 1 runs after every other, alone, so every
     * other verdict is what a serving server gave, whichever tests ran at the moment it stopped; the trigger's own
     * deviation (no PUBACK) is a FAIL under the statements on PUBACK, and the event names it.
     */
    @Test
    void aTestSendingDupOneRunsLastSoTheOutageItCausesTakesNoOtherVerdict() throws Exception {
        DiesOnDup.DEAD.set(false);
        DiesOnDup.PROBED.set(false);
        List<String> others = List.of("publish.qos0-round-trip", "retain.set-and-clear", "subscribe.unsubscribe-unknown-filter",
                "malformed.pingreq-gets-pingresp");
        List<String> only = new ArrayList<>(List.of("qos.dup-not-propagated"));
        only.addAll(others);
        Report report = throughProxy(DiesOnDup::new, only, 4);
        String all = shown(report) + "\n" + report.events();
        for (String t : others) assertEquals(Verdict.PASS, result(report, t).verdict(), all);
        Result trigger = result(report, "qos.dup-not-propagated");
        assertEquals(Verdict.FAIL, trigger.verdict(), all);
        assertEquals(List.of("MQTT-3.3.4-1", "MQTT-4.3.2-2"), trigger.failedStatements(), all);
        assertEquals(1, report.events().size(), all);
        assertEquals("qos.dup-not-propagated", report.events().get(0).triggerTest(), all);
    }

    /**
     * The same server, stopped by an edge-case row (a QoS 1 PUBLISH with DUP 1) listed before the other tests: the
     * rows run after every other concurrent test, so those keep the verdicts of a serving server; the row, among
     * the rows, is judged like them (its silence proves nothing) and the event names it.
     */
    @Test
    void anEdgeCaseRowThatStopsTheServerTakesNoOtherTestsVerdict() throws Exception {
        DiesOnDup.DEAD.set(false);
        DiesOnDup.PROBED.set(false);
        String row = "malformed.publish-qos-1-with-dup-set";
        List<String> others = List.of("publish.qos0-round-trip", "publish.qos1-round-trip", "retain.set-and-clear");
        List<String> only = new ArrayList<>(List.of(row));
        only.addAll(others);
        Report report = throughProxy(DiesOnDup::new, only, 4);
        String all = shown(report) + "\n" + report.events();
        for (String t : others) assertEquals(Verdict.PASS, result(report, t).verdict(), all);
        assertEquals(Verdict.NOT_SERVING, result(report, row).verdict(), all);
        assertEquals(List.of(), result(report, row).failedStatements(), all);
        assertEquals(1, report.events().size(), all);
        assertEquals(row, report.events().get(0).triggerTest(), all);
    }

    /**
     * A server that reads whole packets under one lock: while any connection holds half a packet, no other
     * connection is answered. The rows that do that on purpose run alone, so nothing else fails beside them.
     */
    static final class StallsOnHalfPackets extends Fault {
        static final AtomicInteger HALF = new AtomicInteger();
        private boolean mine;

        @Override
        synchronized void partial(boolean pending) {
            if (pending != mine) HALF.addAndGet(pending ? 1 : -1);
            mine = pending;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            for (int i = 0; i < 3000 && HALF.get() > 0 && !mine; i++) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return List.of(p);
        }
    }

    @Test
    void rowsHoldingHalfAPacketRunAloneSoAStallingServerFailsNothingElse() throws Exception {
        Report report = throughProxy(StallsOnHalfPackets::new, List.of("malformed.remaining-length-longer-than-*",
                "malformed.pingreq-*", "malformed.publish-qos-1-gets-*", "malformed.subscribe-gets-*", "publish.*",
                "subscribe.unsubscribe-*"), 8);
        String all = shown(report);
        assertTrue(report.results().size() >= 15, all);
        assertEquals(Verdict.PASS, result(report, "malformed.remaining-length-longer-than-the-content-the-server-waits")
                .verdict(), all);
        assertEquals(0, report.count(Verdict.FAIL) + report.count(Verdict.ERROR) + report.count(Verdict.NOT_SERVING), all);
    }

    /**
     * A server that, once a connection holds half a packet, answers no other connection for 3 s (as one reading
     * whole packets under one lock and waiting for the rest). The row doing that on purpose runs alone: after the
     * background tests too, whose keep-alive waits would otherwise see nothing answered.
     */
    static final class FreezesOnHalfPackets extends Fault {
        static final java.util.concurrent.atomic.AtomicLong UNTIL = new java.util.concurrent.atomic.AtomicLong();
        private boolean mine;

        @Override
        void partial(boolean pending) {
            if (pending) {
                mine = true;
                UNTIL.set(System.nanoTime() + Duration.ofSeconds(3).toNanos());
            }
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            while (!mine && System.nanoTime() < UNTIL.get()) DiesOnDup.pause();
            return List.of(p);
        }
    }

    @Test
    void aRowHoldingHalfAPacketDoesNotRunBesideTheBackgroundTests() throws Exception {
        FreezesOnHalfPackets.UNTIL.set(0);
        Report report = throughProxy(FreezesOnHalfPackets::new, List.of("keepalive.pingreq-keeps-connection",
                "keepalive.pingreq-answered", "malformed.remaining-length-longer-than-the-content-the-server-waits"), 4);
        String all = shown(report) + "\n" + report.events();
        for (String t : List.of("keepalive.pingreq-keeps-connection", "keepalive.pingreq-answered",
                "malformed.remaining-length-longer-than-the-content-the-server-waits")) {
            assertEquals(Verdict.PASS, result(report, t).verdict(), all);
        }
    }

    /** The first SUBSCRIBE of publish.qos1-round-trip goes unanswered; its re-run alone (other topics) passes. */
    @Test
    void aFailureThatDoesNotReproduceAloneIsIntermittent() throws Exception {
        AtomicBoolean dropped = new AtomicBoolean();
        Report report = throughProxy(() -> new Fault() {
            @Override
            boolean fromClient(Packet p, Link link) {
                return !(p instanceof Subscribe s && s.subscriptions().get(0).filter().contains("/publish/qos1-round-trip/")
                        && dropped.compareAndSet(false, true));
            }
        }, List.of("publish.*"), 4);
        String all = shown(report);
        Result r = result(report, "publish.qos1-round-trip");
        assertEquals(Verdict.INTERMITTENT, r.verdict(), all);
        assertTrue(r.summary().contains("passed when run again alone"), all);
        assertEquals(0, TestMode.exitCode(report), all);
    }

    private static Fault rewrite(java.util.function.UnaryOperator<Packet> f) {
        return new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return List.of(f.apply(p));
            }
        };
    }

    @Test
    void aPubAckWithAnotherPacketIdIsReportedUnderTheStatementOnPacketIds() throws Exception {
        Report report = throughProxy(() -> rewrite(p -> p instanceof PubAck a ? new PubAck(a.packetId() + 1) : p),
                List.of("malformed.publish-qos-1-to-a-topic-with-a-byte-order-mark"), 1);
        Result r = result(report, "malformed.publish-qos-1-to-a-topic-with-a-byte-order-mark");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-2.3.1-6"), r.failedStatements(), shown(report));
    }

    @Test
    void anUnsupportedLevelClosedWithoutConnAckIsReportedUnder312Dash2() throws Exception {
        Report report = throughProxy(() -> new Fault() {
            @Override
            boolean fromClient(Packet p, Link link) {
                if (p instanceof Connect c && c.protocolLevel() != 4) {
                    link.close();
                    return false;
                }
                return true;
            }
        }, List.of("malformed.refused-connect-data-after-it-is-not-processed"), 1);
        Result r = result(report, "malformed.refused-connect-data-after-it-is-not-processed");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-3.1.2-2"), r.failedStatements(), shown(report));
    }

    /** A re-delivery with a new packet id and DUP 0: both deviations, each under its own statement. */
    @Test
    void aTestGoesOnPastAFailedCheckAndReportsEveryDeviation() throws Exception {
        Report report = throughProxy(() -> rewrite(p -> p instanceof Publish x && x.dup()
                ? x.withDup(false).withQos(x.qos(), x.packetId() + 1000) : p), List.of("session.redelivery-on-reconnect"), 1);
        Result r = result(report, "session.redelivery-on-reconnect");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-4.4.0-1", "MQTT-3.3.1-1"), r.failedStatements(), shown(report));
        assertEquals(4, r.deviations().size(), shown(report));
        assertEquals(1, report.rootCauses().stream().filter(c -> c.statementId().equals("MQTT-3.3.1-1")).count());
    }

    /** A message on a topic nobody in the test subscribed to is a deviation of its own, not of the test's checks. */
    @Test
    void aDeliveryToAClientThatNeverSubscribedIsReportedUnder332Dash3() throws Exception {
        Report report = throughProxy(() -> new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                if (!(p instanceof SubAck)) return List.of(p);
                return List.of(p, new Publish("elsewhere/retained", new byte[] {'x'}, 0, true, false, 0));
            }
        }, List.of("will.none-without-will-flag"), 1);
        Result r = result(report, "will.none-without-will-flag");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-3.3.2-3"), r.failedStatements(), shown(report));
    }

    /**
     * A server without QoS 2 (it answers a QoS 2 PUBLISH with PUBACK, as one real server does): the test that
     * establishes QoS 2 flows fails, and a test failing at its QoS 2 step says it follows from that and is listed
     * under the same distinct deviation, not as one of its own.
     */
    @Test
    void failuresFollowingFromABrokenCapabilityPointAtTheTestThatEstablishesIt() throws Exception {
        Report report = throughProxy(FaultProxy::withoutQos2,
                List.of("publish.qos2-round-trip", "qos.in-order-delivery", "publish.qos1-round-trip"), 4);
        String all = shown(report) + "\n" + report.rootCauses();
        assertEquals(Verdict.FAIL, result(report, "publish.qos2-round-trip").verdict(), all);
        Result follower = result(report, "qos.in-order-delivery");
        assertEquals(Verdict.FAIL, follower.verdict(), all);
        assertTrue(follower.summary().contains("follows from broken QoS 2 flows: see publish.qos2-round-trip"), all);
        assertEquals(Verdict.PASS, result(report, "publish.qos1-round-trip").verdict(), all);
        RootCause cause = report.rootCauses().get(0);
        assertEquals("MQTT-3.3.4-1", cause.statementId(), all);
        assertEquals(List.of("publish.qos2-round-trip", "qos.in-order-delivery"), cause.tests(), all);
    }

    /**
     * A server mapping topics onto another messaging system's syntax ('.' as a separator, '*' as a wildcard), as
     * one real server does: the levels holding them come back changed, one with a wildcard in its topic name.
     */
    @Test
    void topicLevelsHoldingDotsAndStarsMustComeBackUnchanged() throws Exception {
        Report report = throughProxy(() -> rewrite(p -> p instanceof Publish x && (x.topic().endsWith("/*")
                || x.topic().endsWith("/a.b")) ? new Publish(x.topic().replace("/*", "/+").replace("/a.b", "/a/b"),
                x.payload(), x.qos(), x.retain(), x.dup(), x.packetId()) : p), List.of("topics.special-characters-in-levels"), 1);
        Result r = result(report, "topics.special-characters-in-levels");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertTrue(r.failedStatements().contains("MQTT-3.3.2-2") || r.failedStatements().contains("MQTT-4.7.1-1"),
                shown(report));
        assertTrue(r.failedStatements().contains("MQTT-4.5.0-1"), shown(report));
    }

    /**
     * A server answering a row's bytes with a malformed packet and then closing: the client stops reading at the
     * malformed packet and closes its own side, which must never count as the server's close.
     */
    @Test
    void aMalformedReplyIsNotTakenForTheCloseTheRowExpects() throws Exception {
        try (TinyServer server = new TinyServer((s, n) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[4096];
            if (in.read(b) < 0) return;
            out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
            if (in.read(b) < 0) return;
            out.write(new byte[] {(byte) 0xf0, 0x00});
            Thread.sleep(100);
            s.close();
        })) {
            Report report = run(server.port(), List.of("malformed.reserved-packet-type-15"), 1);
            Result r = result(report, "malformed.reserved-packet-type-15");
            assertEquals(Verdict.FAIL, r.verdict(), shown(report));
            assertTrue(r.observed().contains("not a packet"), r.observed());
        }
    }

    /** Retained messages not sent to a matching new subscription: a FAIL under the statement that sends them. */
    @Test
    void retainedMessagesNotSentToANewSubscriptionAreReportedUnder331Dash6() throws Exception {
        Report report = throughProxy(() -> new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return p instanceof Publish x && x.retain() ? List.of() : List.of(p);
            }
        }, List.of("retain.last-message-per-topic"), 1);
        Result r = result(report, "retain.last-message-per-topic");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-3.3.1-6"), r.failedStatements(), shown(report));
    }

    /** A QoS 2 PUBLISH answered with PUBACK (with the right packet id): the wrong response of Table 3.4. */
    @Test
    void aQos2PublishAnsweredWithPubAckIsReportedUnder334Dash1() throws Exception {
        Report report = throughProxy(FaultProxy::withoutQos2, List.of("malformed.publish-qos-2-gets-pubrec-pubrel-gets-pubcomp"), 1);
        Result r = result(report, "malformed.publish-qos-2-gets-pubrec-pubrel-gets-pubcomp");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertTrue(r.observed().startsWith("40 02 00 07"), r.observed());
        assertEquals(List.of("MQTT-3.3.4-1"), r.failedStatements(), shown(report));
    }

    /** A PINGRESP before the CONNACK: the first packet from the server was not a CONNACK. */
    @Test
    void aPingRespBeforeTheConnAckIsReportedUnder320Dash1() throws Exception {
        try (TinyServer server = new TinyServer((s, n) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[4096];
            if (in.read(b) < 0) return;
            out.write(new byte[] {(byte) 0xd0, 0x00, 0x20, 0x02, 0x00, 0x00});
            while (in.read(b) >= 0) out.write(new byte[] {(byte) 0xd0, 0x00});
        })) {
            String test = "malformed.connect-with-data-after-it-in-the-same-segment-is-processed-in-order";
            Report report = run(server.port(), List.of(test), 1);
            Result r = result(report, test);
            assertEquals(Verdict.FAIL, r.verdict(), shown(report));
            assertEquals(List.of("MQTT-3.2.0-1"), r.failedStatements(), shown(report));
        }
    }

    /**
     * After a QoS 1 PUBLISH with DUP 1, new connections of the client ids whose hash is even (the tests' and the
     * watchdog's alike, as a server with two workers picks one) get no CONNACK, though a PINGREQ on them is still answered; connections made before
     * go on working. So behaves a real server that lost one of its per-client-id workers.
     */
    static final class LosesSomeClientIds extends Fault {
        static final AtomicBoolean DEAD = new AtomicBoolean();
        static final AtomicBoolean PROBED = new AtomicBoolean();
        private boolean probe;
        private boolean lost;

        @Override
        boolean fromClient(Packet p, Link link) throws java.io.IOException {
            if (p instanceof Connect c) {
                probe = c.clientId().contains("wd");
                lost = DEAD.get() && Math.abs(c.clientId().hashCode()) % 2 == 0;
            }
            if (lost) {
                if (p instanceof Packet.PingReq) link.toClient(new Packet.PingResp());
                return false;
            }
            if (DiesOnDup.trigger(p, PROBED, DEAD)) return false;
            return true;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (probe && p instanceof ConnAck) PROBED.set(true);
            return List.of(p);
        }
    }

    /**
     * The DUP 1 trigger, then {@code tests}, one at a time and scheduled among the others, through {@code fault} (a
     * server losing the worker of some client ids, see {@link LosesSomeClientIds}): the run must report one outage.
     */
    private static Report afterPartialOutage(Supplier<Fault> fault, List<String> tests) throws Exception {
        LosesSomeClientIds.DEAD.set(false);
        LosesSomeClientIds.PROBED.set(false);
        List<String> only = new ArrayList<>(List.of("qos.dup-not-propagated"));
        only.addAll(tests);
        Report report = throughProxy(fault, only, 1, true);
        assertEquals(1, report.events().size(), shown(report) + "\n" + report.events());
        return report;
    }

    /**
     * A server that lost the worker of some client ids: the tests after it, whichever ids they happened to get, are
     * judged on ids the server still answers, so the same verdicts come every run. The trigger ran among other tests:
     * its silence is judged like theirs (which of two requests sent at once stopped a server is a matter of
     * scheduling), and the event names it.
     */
    @Test
    void testsAfterAPartialOutageAreJudgedOnClientIdsTheServerStillAnswers() throws Exception {
        List<String> rows = List.of("malformed.connect-with-keep-alive-0-is-accepted",
                "malformed.connect-23-character-client-identifier-is-accepted", "publish.qos1-round-trip",
                "retain.set-and-clear");
        Report report = afterPartialOutage(LosesSomeClientIds::new, rows);
        String all = shown(report) + "\n" + report.events();
        assertTrue(report.events().get(0).description().contains("some client ids"), all);
        assertEquals("qos.dup-not-propagated", report.events().get(0).triggerTest(), all);
        Result trigger = result(report, "qos.dup-not-propagated");
        assertEquals(Verdict.NOT_SERVING, trigger.verdict(), all);
        assertEquals(List.of(), trigger.failedStatements(), all);
        for (String t : rows) assertEquals(Verdict.PASS, result(report, t).verdict(), all);
    }

    /**
     * SHOULD and MAY tests started while the server had just lost the worker of some client ids, before the watchdog
     * knew: those that met a lost id could not check (no CONNACK), the others could. Each such SKIP runs again on
     * ids the server answers, so every one of them reports what the server does, whichever ids it met.
     */
    @Test
    void optionalTestsThatCouldNotCheckDuringAPartialOutageRunAgain() throws Exception {
        List<String> optional = List.of("subscribe.overlapping-copies",
                "session.offline-qos0-queued", "malformed.disconnect-closes-the-connection",
                "malformed.publish-after-disconnect",
                "malformed.puback-for-an-unknown-packet-identifier-does-not-break-the-connection");
        Report report = afterPartialOutage(LosesSomeClientIds::new, optional);
        String all = shown(report) + "\n" + report.events();
        for (String t : optional) assertEquals(Verdict.OBSERVED, result(report, t).verdict(), all);
    }

    /**
     * As {@link LosesSomeClientIds}, and a client id is handed over slowly: the server's close after a DISCONNECT
     * reaches the client 300 ms late, and a connection with that id made before then gets its CONNACK but is closed at
     * its first request (a takeover race some servers lose).
     */
    static final class HandsOverLate extends Fault {
        static final Duration HANDOVER = Duration.ofMillis(300);
        static final Map<String, Long> FREE_AT = new ConcurrentHashMap<>();
        private final LosesSomeClientIds workers = new LosesSomeClientIds();
        private String clientId;
        private boolean disconnected;
        private boolean tooEarly;

        @Override
        boolean fromClient(Packet p, Link link) throws java.io.IOException {
            if (p instanceof Connect c) {
                clientId = c.clientId();
                Long free = FREE_AT.get(clientId);
                tooEarly = free != null && System.nanoTime() < free;
            } else if (tooEarly) {
                link.close();
                return false;
            }
            if (p instanceof Packet.Disconnect && clientId != null) {
                disconnected = true;
                FREE_AT.put(clientId, System.nanoTime() + HANDOVER.toNanos());
            }
            return workers.fromClient(p, link);
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            return workers.fromServer(p, link);
        }

        @Override
        Duration closeDelay() {
            return disconnected ? HANDOVER : Duration.ZERO;
        }
    }

    /**
     * While the server is partly serving, a test takes a client id the server was just seen to answer; the check
     * that found it waits for the server to close its connection first, so the test is not met by a handover still
     * going on.
     */
    @Test
    void aClientIdCheckedLiveIsHandedOverBeforeTheTestTakesIt() throws Exception {
        HandsOverLate.FREE_AT.clear();
        List<String> after = List.of("publish.qos1-round-trip", "publish.qos0-round-trip", "retain.set-and-clear");
        Report report = afterPartialOutage(HandsOverLate::new, after);
        String all = shown(report) + "\n" + report.events();
        for (String t : after) assertEquals(Verdict.PASS, result(report, t).verdict(), all);
    }

    /**
     * After a QoS 1 PUBLISH with DUP 1 the server answers no CONNECT, and closes a new connection whose bytes it
     * cannot read only after 1.5 s (as at a handshake timeout). A malformed CONNECT row met by that close was not judged:
     * no PASS.
     */
    static final class ClosesLateWhenDead extends Fault {
        static final AtomicBoolean DEAD = new AtomicBoolean();
        static final AtomicBoolean PROBED = new AtomicBoolean();
        private final boolean born = DEAD.get();
        private boolean probe;

        @Override
        boolean fromClient(Packet p, Link link) {
            if (p instanceof Connect c && c.clientId().contains("wd")) probe = true;
            // A row's malformed CONNECT goes through as bytes; the broker closes on it, the client hears of it late.
            if (born) return false;
            if (DiesOnDup.trigger(p, PROBED, DEAD)) return false;
            return true;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (probe && p instanceof ConnAck) PROBED.set(true);
            return born ? List.of() : List.of(p);
        }

        @Override
        Duration closeDelay() {
            return born ? Duration.ofMillis(1500) : Duration.ZERO;
        }
    }

    @Test
    void aCloseAtTheHandshakeTimeoutOfAServerNotServingIsNoPass() throws Exception {
        ClosesLateWhenDead.DEAD.set(false);
        ClosesLateWhenDead.PROBED.set(false);
        String row = "malformed.connect-client-identifier-with-a-bad-continuation-byte";
        Report report = throughProxy(ClosesLateWhenDead::new, List.of("qos.dup-not-propagated", row,
                "malformed.connect-client-identifier-with-a-surrogate-u-plus-d800", "publish.qos0-round-trip"), 1, true);
        String all = shown(report) + "\n" + report.events();
        Result r = result(report, row);
        assertEquals(Verdict.NOT_SERVING, r.verdict(), all);
        assertEquals(List.of(), r.failedStatements(), all);
        assertTrue(r.summary().contains("close"), all);
    }

    /** A message never delivered to its subscriber: a FAIL under the statement that delivers it. */
    @Test
    void aMessageNotDeliveredToItsSubscriberIsReportedUnder450Dash1() throws Exception {
        Report report = throughProxy(() -> new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return p instanceof Publish ? List.of() : List.of(p);
            }
        }, List.of("publish.qos0-round-trip"), 1);
        Result r = result(report, "publish.qos0-round-trip");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-4.5.0-1"), r.failedStatements(), shown(report));
    }
}
