package mqttconf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.auth.PasswordFile;
import mqttconf.broker.Access;
import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerLog;
import mqttconf.broker.ListenerConfig;
import mqttconf.cli.Exit;
import mqttconf.cli.Run;
import mqttconf.spec.Coverage;
import mqttconf.tls.CertGenerator;
import mqttconf.tls.TestCerts;

/** bench over TLS and WebSocket, with credentials, persistent sessions, conn mode, and stopped by Ctrl-C. */
@Timeout(60)
class BenchTargetsTest {
    private static Broker broker;
    private static CertGenerator.Generated certs;
    private static int tcp;
    private static int tls;
    private static int ws;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCerts.get();
        ListenerConfig.Tls files = new ListenerConfig.Tls(certs.serverCert(), certs.serverKey(), null, false);
        PasswordFile passwords = PasswordFile.parse(List.of("bench:secret"), "test");
        broker = Broker.start(BrokerConfig.ephemeral().withAccess(new Access(false, passwords)),
                List.of(new ListenerConfig(0, "127.0.0.1", false, files), new ListenerConfig(0, "127.0.0.1", true, null)),
                BrokerLog.silent(), new Coverage());
        tcp = broker.port();
        tls = broker.port("tls");
        ws = broker.port("ws");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static void allArrived(Run r, long expected) {
        assertEquals(Exit.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\nreceived +" + expected + " msgs of " + expected + " expected.*"), r.out());
        assertTrue(r.out().contains("lost 0  duplicates 0  out of order 0"), r.out());
    }

    /** The broker's session count once it settles at {@code want} (a DISCONNECT is processed after the socket closes), bounded. */
    private static int sessionsSettling(Broker broker, int want) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int n;
        while ((n = broker.stats(Duration.ofSeconds(5)).sessions()) != want && System.nanoTime() < deadline) Thread.sleep(20);
        return n;
    }

    @Test
    void tlsAndWebSocketTargetsCarryEveryMessage() {
        allArrived(Run.main("bench", "ssl://localhost:" + tls, "--cafile", certs.ca().toString(), "-u", "bench", "-P",
                "secret", "--messages", "50", "--qos", "1"), 50);
        allArrived(Run.main("bench", "ws://127.0.0.1:" + ws + "/mqtt", "-u", "bench", "-P", "secret", "--messages",
                "50", "--qos", "2", "-t", "bt/%r/p%i", "--publishers", "2", "--subscribers", "2", "--retain"), 100);
    }

    @Test
    void anUntrustedServerCertificateHintsAtCafileAndInsecure() {
        Run r = Run.main("bench", "ssl://localhost:" + tls, "-u", "bench", "-P", "secret", "--messages", "1");
        assertEquals(Exit.USAGE, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("--cafile") && r.err().contains("--insecure"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("sun."), r.err());
    }

    @Test
    void wrongCredentialsAreRefusedInOneLine() {
        Run r = Run.main("bench", "127.0.0.1:" + tcp, "-u", "bench", "-P", "wrong", "--messages", "1");
        assertEquals(Exit.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("return code 5 (not authorised: see -u and -P)"), r.err());
    }

    @Test
    void persistentSessionsAreRemovedAfterTheRun() throws Exception {
        int before = broker.stats(Duration.ofSeconds(5)).sessions();
        Run r = Run.main("bench", "127.0.0.1:" + tcp, "-u", "bench", "-P", "secret", "--clean-session", "false",
                "--qos", "1", "--messages", "20", "--publishers", "2", "--subscribers", "2", "--keepalive", "5");
        assertEquals(Exit.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains(", keep alive 5 s, persistent sessions"), r.out());
        assertEquals(before, sessionsSettling(broker, before), "sessions left on the broker");
    }

    @Test
    void connModeConnectsAtTheRateAndHolds() {
        Run r = Run.main("bench", "conn", "127.0.0.1:" + tcp, "-u", "bench", "-P", "secret", "--connections", "30",
                "--connect-rate", "60", "--seconds", "1");
        assertEquals(Exit.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*connected 30 clients in 0\\.[4-9]\\d s .*"), "30 at 60/s take about 0.5 s: " + r.out());
        assertTrue(r.out().contains("held               30 connections for 1.0"), r.out());
    }

    /** Ctrl-C mid-run (the shutdown hook calls interrupt): the summary and the JSON cover what ran, exit 130. */
    @Test
    void anInterruptedRunPrintsItsSummaryAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        BenchConfig config = BenchConfig.parse(List.of("127.0.0.1:" + tcp, "-u", "bench", "-P", "secret", "--seconds",
                "60", "--rate", "100", "--json", json.toString()));
        LoadRun run = new LoadRun(config);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> code.set(BenchMode.run(run, config,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (run.received.sum() < 10 && System.nanoTime() < deadline) Thread.sleep(5);
        run.interrupt();
        t.join(Duration.ofSeconds(20));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(Exit.INTERRUPTED, code.get(), text);
        assertTrue(text.contains("interrupted: the figures cover what ran until then"), text);
        assertTrue(text.matches("(?s).*\\nsent +\\d+ msgs in \\d+\\.\\d\\d s.*"), text);
        String j = Files.readString(json);
        assertTrue(j.contains("\"interrupted\": true") && j.endsWith("}\n"), j);
    }

    @Test
    void anOutputThatCannotBeWrittenIsFoundBeforeTheRun(@TempDir Path dir) throws IOException {
        Run r = Run.main("bench", "127.0.0.1:" + tcp, "--json", dir.resolve("no/such/dir/r.json").toString());
        assertEquals(Exit.USAGE, r.code());
        assertEquals("", r.out(), "nothing ran");
    }
}
