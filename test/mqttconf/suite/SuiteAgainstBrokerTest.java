package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.spec.Level;
import mqttconf.suite.Runner.Report;

/** The whole suite against our own broker: every MUST passes, whichever optional behaviour it is set to. */
class SuiteAgainstBrokerTest {
    /** Each optional behaviour of the broker flipped from its default. */
    private static final Map<String, UnaryOperator<BrokerConfig>> FLIPS = Map.of(
            "publish-on-pubrel", c -> c.withPublishOnPubrel(!c.publishOnPubrel()),
            "overlapping-single", c -> c.withOverlappingSingle(!c.overlappingSingle()),
            "drop-qos0", c -> c.withDropQos0(!c.dropQos0()),
            "zero-length-client-ids", c -> c.withZeroLengthClientIds(!c.zeroLengthClientIds()));

    private static Report run(UnaryOperator<BrokerConfig> options, List<TestCase> tests) throws Exception {
        try (Broker broker = Broker.start(options.apply(BrokerConfig.ephemeral()))) {
            RunConfig config = RunConfig.defaults("127.0.0.1", broker.port())
                    .withOptions(RunConfig.DEFAULT_KEEP_ALIVE, "test/nosubscribe", RunConfig.DEFAULT_PARALLEL, null);
            return new Runner(config, r -> { }).run(tests);
        }
    }

    /**
     * The chapter 6 tests SKIP over TCP (SuiteOverTransportsTest runs them over WebSocket), the auth tests without
     * credentials (AuthTestsTest runs them with).
     */
    private static boolean runsHere(Result r) {
        return !r.test().name().startsWith("websocket.") && !r.test().name().startsWith("auth.");
    }

    /** Everything but the keep alive tests, which no switch affects and which take seconds. */
    private static List<TestCase> withoutKeepAlive() {
        return new Selection(List.of(), List.of("keepalive.*"), List.of(), List.of()).apply(Suite.all());
    }

    private static String problems(Report report) {
        return report.results().stream().filter(SuiteAgainstBrokerTest::runsHere)
                .filter(r -> r.verdict() != Verdict.PASS && r.verdict() != Verdict.OBSERVED)
                .map(r -> r.verdict() + " " + r.test().name() + ": " + r.summary() + "\n" + r.evidence())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void everyTestPassesOrObservesAgainstTheDefaultBroker() throws Exception {
        Report report = run(c -> c, Suite.all());
        assertEquals("", problems(report));
        for (Result r : report.results()) {
            if (!runsHere(r)) continue;
            assertEquals(r.test().level() == Level.MUST ? Verdict.PASS : Verdict.OBSERVED, r.verdict(), r.test().name());
        }
        assertTrue(report.cleanupProblems().isEmpty(), report.cleanupProblems().toString());
        assertTrue(report.wallTime().toMillis() < 10_000, "suite took " + report.wallTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"publish-on-pubrel", "overlapping-single", "drop-qos0", "zero-length-client-ids"})
    void noMustFailsWithOneOptionalBehaviourFlipped(String flip) throws Exception {
        Report report = run(FLIPS.get(flip), withoutKeepAlive());
        assertEquals("", problems(report));
    }

    @Test
    void noMustFailsWithEveryOptionalBehaviourFlipped() throws Exception {
        UnaryOperator<BrokerConfig> all = c -> c;
        for (UnaryOperator<BrokerConfig> f : FLIPS.values()) {
            UnaryOperator<BrokerConfig> before = all;
            all = c -> f.apply(before.apply(c));
        }
        Report report = run(all, withoutKeepAlive());
        assertEquals("", problems(report));
        String observed = report.results().stream().map(Result::summary).collect(Collectors.joining("\n"));
        assertTrue(observed.contains("queues QoS 0 messages for offline clients: yes"), observed);
        assertTrue(observed.contains("2 copies"), observed);
        assertTrue(observed.contains("rejected with 0x02"), observed);
    }
}
