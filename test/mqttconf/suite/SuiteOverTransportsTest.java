package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerLog;
import mqttconf.broker.ListenerConfig;
import mqttconf.client.Dialer;
import mqttconf.spec.Coverage;
import mqttconf.suite.Runner.Report;
import mqttconf.tls.CertGenerator;
import mqttconf.tls.TestCerts;
import mqttconf.tls.TlsContexts;
import mqttconf.cli.Transports;

/** The whole suite, unchanged, over TLS, WebSocket and WebSocket over TLS against our broker. */
class SuiteOverTransportsTest {
    private static Broker broker;
    private static Dialer tls;

    @BeforeAll
    static void start() throws IOException {
        CertGenerator.Generated c = TestCerts.get();
        ListenerConfig.Tls files = new ListenerConfig.Tls(c.serverCert(), c.serverKey(), null, false);
        broker = Broker.start(BrokerConfig.ephemeral(), List.of(new ListenerConfig(0, "127.0.0.1", false, files),
                new ListenerConfig(0, "127.0.0.1", true, null), new ListenerConfig(0, "127.0.0.1", true, files)),
                BrokerLog.silent(), new Coverage());
        tls = Dialer.tls(TlsContexts.client(c.ca(), null, null, false), true);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Report run(Dialer d, int port) {
        RunConfig config = RunConfig.defaults("localhost", port).withDialer(d)
                .withOptions(RunConfig.DEFAULT_KEEP_ALIVE, "test/nosubscribe", RunConfig.DEFAULT_PARALLEL, null);
        return new Runner(config, r -> { }).run(Suite.all());
    }

    private static String problems(Report report, boolean websocket) {
        return report.results().stream()
                .filter(r -> r.verdict() == Verdict.FAIL || r.verdict() == Verdict.ERROR
                        || r.verdict() == Verdict.SKIP && websocket && !r.test().name().startsWith("auth."))
                .map(r -> r.verdict() + " " + r.test().name() + ": " + r.summary() + "\n" + r.evidence())
                .collect(Collectors.joining("\n"));
    }

    private static long chapter6(Report report, Verdict v) {
        return report.results().stream().filter(r -> r.test().name().startsWith("websocket.") && r.verdict() == v).count();
    }

    @Test
    void overTls() {
        Report report = run(tls, broker.port("tls"));
        assertEquals("", problems(report, false));
        assertEquals(4, chapter6(report, Verdict.SKIP));
    }

    @Test
    void overWebSocketWithTheChapter6Tests() {
        Report report = run(Dialer.websocket(Dialer.tcp(), "/mqtt"), broker.port("ws"));
        assertEquals("", problems(report, true));
        assertEquals(4, chapter6(report, Verdict.PASS));
        assertTrue(report.cleanupProblems().isEmpty(), report.cleanupProblems().toString());
    }

    @Test
    void overWebSocketOverTls() {
        Report report = run(Dialer.websocket(tls, "/mqtt"), broker.port("wss"));
        assertEquals("", problems(report, true));
        assertEquals(4, chapter6(report, Verdict.PASS));
    }

    @Test
    void targetsNameTheirTransport() {
        assertEquals(new Transports.Target("wss", "h:1", "/x"), Transports.target("wss://h:1/x", false));
        assertEquals(new Transports.Target("ssl", "h", ""), Transports.target("h", true));
        assertEquals(new Transports.Target("wss", "h:9", ""), Transports.target("ws://h:9", true));
        assertEquals(8883, Transports.target("mqtts://h", false).defaultPort());
    }
}
