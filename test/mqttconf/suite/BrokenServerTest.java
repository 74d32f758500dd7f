package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Run;
import mqttconf.client.TestClient;

/**
 * The suite against servers broken the ways a conformance tool meets them: silent, noisy, closing, slow. Each run
 * ends within a wall time computed from its timeout, with FAIL verdicts and exit code 1: never a hang, an ERROR,
 * a stack trace or a thread left behind.
 */
class BrokenServerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final int PARALLEL = 64;
    private static final Pattern VERDICT = Pattern.compile("\\{\"name\": \"([^\"]+)\".*?\"verdict\": \"([A-Z]+)\"");

    @TempDir
    Path dir;

    /** What one command-line run printed, its verdicts by test name, how long it took, and the threads it left. */
    record Outcome(Run run, long millis, List<String[]> verdicts, TreeSet<String> leftThreads) {
        long count(String verdict) {
            return verdicts.stream().filter(v -> v[1].equals(verdict)).count();
        }
    }

    private Outcome run(int port, Duration timeout, String... options) throws Exception {
        TreeSet<String> before = TinyServer.suiteThreads(dir);
        Path json = dir.resolve("r" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("test", "127.0.0.1:" + port, "--timeout",
                Double.toString(timeout.toMillis() / 1000.0), "--keepalive-seconds", "1", "--parallel",
                Integer.toString(PARALLEL), "--quiet", "--json", json.toString()));
        args.addAll(List.of(options));
        long start = System.nanoTime();
        Run r = Run.main(args.toArray(String[]::new));
        long millis = (System.nanoTime() - start) / 1_000_000;
        TreeSet<String> after = TinyServer.suiteThreads(dir);
        after.removeAll(before);
        List<String[]> verdicts = new ArrayList<>();
        Matcher m = VERDICT.matcher(Files.exists(json) ? Files.readString(json) : "");
        while (m.find()) verdicts.add(new String[] {m.group(1), m.group(2)});
        return new Outcome(r, millis, verdicts, after);
    }

    /**
     * The longest a run may take against a server that fails each test at its first wait: the preflight, then per
     * round of {@code PARALLEL} tests a CONNACK wait plus the longest observation of a malformed row (a timeout
     * and a PINGREQ round trip, or 700 ms of silence), then one cleanup attempt, plus 2 s for the JVM's own pauses.
     */
    private static long boundMillis(int tests, Duration timeout) {
        long rounds = (tests + PARALLEL - 1) / PARALLEL;
        long perTest = timeout.toMillis() + Math.max(2 * timeout.toMillis(), 700);
        return timeout.toMillis() + rounds * perTest + 2 * timeout.toMillis() + 2000;
    }

    private static void assertEndsCleanly(Outcome o, int expectedCode, long bound) {
        String all = o.run().out() + o.run().err();
        assertEquals(expectedCode, o.run().code(), all);
        assertTrue(o.millis() < bound, "took " + o.millis() + " ms, bound " + bound + " ms");
        assertFalse(all.contains("\tat ") || all.contains("Exception"), all);
        assertEquals(0, o.count("ERROR"), all);
        assertTrue(o.leftThreads().isEmpty(), "threads left behind: " + o.leftThreads());
    }

    /** A row allowing a plain close passes against a server that closes: the close is quick, not the answer. */
    private static void assertOnlyRowsExpectingACloseCanPass(Outcome o) {
        for (String[] v : o.verdicts()) {
            if (!v[1].equals("PASS")) continue;
            TestCase t = Suite.all().stream().filter(x -> x.name().equals(v[0])).findFirst().orElseThrow();
            List<String> allowed = List.of(t.requires().substring(t.requires().indexOf(": ") + 2).split(" \\|\\| "));
            assertTrue(allowed.contains("close"), v[0] + " passed");
        }
    }

    /**
     * A target that does not answer a valid CONNECT with a well-formed CONNACK ends the run at the preflight:
     * within 2 x --timeout, one line naming the problem, exit 2, no test run.
     */
    private void assertNotMqtt(TinyServer.Handler handler, String line) throws Exception {
        try (TinyServer server = new TinyServer(handler)) {
            Outcome o = run(server.port(), TIMEOUT);
            assertEquals(2, o.run().code(), o.run().out() + o.run().err());
            assertEquals("", o.run().out());
            assertEquals(1, o.run().err().strip().lines().count(), o.run().err());
            assertTrue(o.run().err().contains(line), o.run().err());
            assertTrue(o.millis() < 2 * TIMEOUT.toMillis() + 1500, "took " + o.millis() + " ms");
            assertTrue(o.verdicts().isEmpty());
            assertTrue(o.leftThreads().isEmpty(), "threads left behind: " + o.leftThreads());
        }
    }

    @Test
    void aSilentServerEndsAtThePreflight() throws Exception {
        assertNotMqtt((s, n) -> TinyServer.drain(s), "no CONNACK within 0.3 s of a valid CONNECT");
    }

    @Test
    void aServerClosingAtOnceEndsAtThePreflight() throws Exception {
        assertNotMqtt((s, n) -> s.close(), "the connection closed by peer without CONNACK");
    }

    @Test
    void anHttpServerEndsAtThePreflight() throws Exception {
        assertNotMqtt((s, n) -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes());
            TinyServer.drain(s);
        }, "answered a valid CONNECT with bytes that are not a CONNACK: 48 54 54 50");
    }

    @Test
    void aServerSendingNoiseEndsAtThePreflight() throws Exception {
        assertNotMqtt((s, n) -> {
            Random random = new Random(20_240_601L + n);
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[8192];
            int got;
            while ((got = s.getInputStream().read(b)) >= 0) {
                byte[] noise = new byte[1 + random.nextInt(2 * got)];
                random.nextBytes(noise);
                noise[0] = (byte) 0xf0;
                out.write(noise);
            }
        }, "is not answering as an MQTT 3.1.1 server");
    }

    /** A correct server behind a path that holds each chunk for 200 ms: a timeout above that passes, one below fails. */
    @Test
    void slowServerPassesWithALongerTimeoutAndFailsWithAShorterOne() throws Exception {
        String[] subset = {"--only", "publish.*", "--only", "retain.*", "--only", "subscribe.unsubscribe-*",
            "--only", "malformed.publish-qos-*", "--only", "malformed.subscribe-to-valid-*"};
        try (Broker broker = Broker.start(BrokerConfig.ephemeral());
                FaultProxy proxy = new FaultProxy(broker.port(), () -> new FaultProxy.Fault() {
                    @Override
                    Duration delay() {
                        return Duration.ofMillis(200);
                    }
                })) {
            Duration enough = Duration.ofMillis(1500);
            Outcome ok = run(proxy.port(), enough, subset);
            assertTrue(ok.verdicts().size() >= 30, ok.run().out());
            assertEndsCleanly(ok, 0, 15_000);
            assertEquals(ok.verdicts().size(), ok.count("PASS") + ok.count("OBSERVED"), ok.run().out());

            Duration tooShort = Duration.ofMillis(100);
            Outcome late = run(proxy.port(), tooShort, subset);
            assertEquals(2, late.run().code(), late.run().out() + late.run().err());
            assertTrue(late.run().err().contains("no CONNACK within 0.1 s"), late.run().err());
        }
    }
}
