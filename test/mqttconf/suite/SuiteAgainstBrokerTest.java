package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.suite.Runner.Report;

/** The whole suite against our own broker: every MUST passes, whichever optional behaviour it is set to. */
class SuiteAgainstBrokerTest {

    private static Report run(UnaryOperator<BrokerConfig> options, List<TestCase> tests) throws Exception {
        try (Broker broker = Broker.start(options.apply(BrokerConfig.ephemeral()))) {
            RunConfig config = RunConfig.defaults("127.0.0.1", broker.port())
                    .withOptions(RunConfig.DEFAULT_KEEP_ALIVE, "test/nosubscribe", RunConfig.DEFAULT_PARALLEL, null);
            return new Runner(config, r -> { }).run(tests);
        }
    }

    /** The chapter 6 tests SKIP over TCP; SuiteOverTransportsTest runs them over WebSocket. */
    private static boolean overTcp(Result r) {
        return !r.test().name().startsWith("websocket.");
    }

    private static String problems(Report report) {
        return report.results().stream().filter(SuiteAgainstBrokerTest::overTcp)
                .filter(r -> r.verdict() != Verdict.PASS && r.verdict() != Verdict.OBSERVED)
                .map(r -> r.verdict() + " " + r.test().name() + ": " + r.summary() + "\n" + r.evidence())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void everyTestPassesOrObservesAgainstTheDefaultBroker() throws Exception {
        Report report = run(c -> c, Suite.all());
        assertEquals("", problems(report));
        for (Result r : report.results()) {
            if (!overTcp(r)) continue;
            assertEquals(r.test().level() == mqttconf.spec.Level.MUST ? Verdict.PASS : Verdict.OBSERVED, r.verdict(),
                    r.test().name());
        }
        assertTrue(report.cleanupProblems().isEmpty(), report.cleanupProblems().toString());
        assertTrue(report.wallTime().toMillis() < 5000, "suite took " + report.wallTime());
    }

    @Test
    void noMustFailsWithEveryOptionalBehaviourFlipped() throws Exception {
        List<TestCase> quick = new Selection(List.of(), List.of("keepalive.expiry"), List.of(), List.of()).apply(Suite.all());
        Report report = run(c -> c.withPublishOnPubrel(false).withOverlappingSingle(false).withDropQos0(false)
                .withZeroLengthClientIds(false), quick);
        assertEquals("", problems(report));
        String observed = report.results().stream().map(Result::summary).collect(Collectors.joining("\n"));
        assertTrue(observed.contains("queues QoS 0 messages for offline clients: yes"), observed);
        assertTrue(observed.contains("2 copies"), observed);
        assertTrue(observed.contains("rejected with 0x02"), observed);
    }
}
