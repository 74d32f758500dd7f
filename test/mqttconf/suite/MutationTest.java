package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.suite.Mutations.Mutation;
import mqttconf.suite.Runner.Report;

/**
 * Each deviation of {@link Mutations}, injected between the suite and our broker, is caught: its named tests FAIL,
 * and nothing ends as ERROR (a deviation is the server's fault, never "could not run"). The mutations run at once,
 * each through its own proxy, against one broker.
 */
class MutationTest {
    // Generous: sixteen proxied runs share two cores with the broker, and a CONNACK late by a busy JIT is no deviation.
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static Broker broker;
    private static final Map<String, Report> REPORTS = new LinkedHashMap<>();
    /** The proxy passing everything unchanged, in front of every test the mutations use: none may fail through it. */
    private static final Mutation CONTROL = new Mutation("no fault", Mutations.rewrite(p -> p),
            Mutations.all().stream().flatMap(m -> m.only().stream()).distinct().toList(), List.of());

    /** Legal server behaviour the suite must not mistake for a deviation: every test still passes through it. */
    private static final Mutation LEGAL_QOS2_RESEND = new Mutation("QoS 2 re-sent with DUP before PUBREL",
            Mutations.ResendQos2::new, List.of("publish.*", "qos.*", "subscribe.*", "retain.*", "will.*"), List.of());

    @BeforeAll
    static void runEveryMutation() throws Exception {
        broker = Broker.start(BrokerConfig.ephemeral());
        Map<String, Future<Report>> running = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Mutation m : Mutations.all()) running.put(m.name(), pool.submit(() -> run(m, selected(m.only()))));
            running.put(CONTROL.name(), pool.submit(() -> run(CONTROL, selected(CONTROL.only()))));
            running.put(LEGAL_QOS2_RESEND.name(), pool.submit(() -> run(LEGAL_QOS2_RESEND, selected(LEGAL_QOS2_RESEND.only()))));
        }
        for (var e : running.entrySet()) REPORTS.put(e.getKey(), e.getValue().get());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    static List<TestCase> selected(List<String> only) {
        return new Selection(only, List.of(), List.of(), List.of()).apply(Suite.all());
    }

    static Report run(Mutation m, List<TestCase> tests) throws Exception {
        try (FaultProxy proxy = new FaultProxy(broker.port(), m.fault())) {
            RunConfig config = RunConfig.defaults("127.0.0.1", proxy.port()).withTimeout(TIMEOUT)
                    .withOptions(1, null, 8, null);
            return new Runner(config, r -> { }).run(tests);
        }
    }

    static List<String> names(Report report, Verdict v) {
        return report.results().stream().filter(r -> r.verdict() == v).map(r -> r.test().name()).toList();
    }

    @Test
    void throughTheProxyWithoutAFaultEveryTestPasses() {
        assertNothingFails(CONTROL);
    }

    @Test
    void aServerReSendingQos2BeforePubRelIsNotADeviation() {
        assertNothingFails(LEGAL_QOS2_RESEND);
    }

    private static void assertNothingFails(Mutation m) {
        Report report = REPORTS.get(m.name());
        assertTrue(report.results().size() >= 30, report.results().size() + " tests");
        String problems = report.results().stream().filter(r -> r.verdict() == Verdict.FAIL || r.verdict() == Verdict.ERROR)
                .map(r -> r.verdict() + " " + r.test().name() + ": " + r.summary() + "\n" + r.evidence()).collect(Collectors.joining("\n"));
        assertEquals("", problems);
    }

    @TestFactory
    Stream<DynamicTest> everyMutationIsCaughtByItsTests() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Mutation m : Mutations.all()) {
            tests.add(DynamicTest.dynamicTest(m.name(), () -> {
                Report report = REPORTS.get(m.name());
                String errors = report.results().stream().filter(r -> r.verdict() == Verdict.ERROR)
                        .map(r -> r.test().name() + ": " + r.summary() + "\n" + r.evidence()).collect(Collectors.joining("\n"));
                assertEquals("", errors, m.name());
                List<String> failed = names(report, Verdict.FAIL);
                for (String t : m.mustFail()) assertTrue(failed.contains(t), m.name() + ": " + t + " did not FAIL; failed: " + failed);
            }));
        }
        return tests.stream();
    }
}
