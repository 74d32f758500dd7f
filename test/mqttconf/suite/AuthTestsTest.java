package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.auth.PasswordFile;
import mqttconf.broker.Access;
import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Run;
import mqttconf.suite.Runner.Report;

/** The auth.* tests against our broker with a password file, and the command line with wrong credentials. */
class AuthTestsTest {
    private static final List<TestCase> AUTH = new Selection(List.of("auth.*"), List.of(), List.of(), List.of())
            .apply(Suite.all());

    @TempDir
    Path dir;

    private Broker broker(boolean allowAnonymous) throws Exception {
        Path file = dir.resolve("passwords");
        Files.writeString(file, "alice:alice-secret\nbob:bob-secret\n", StandardCharsets.UTF_8);
        return Broker.start(BrokerConfig.ephemeral().withAccess(new Access(allowAnonymous, PasswordFile.load(file))));
    }

    private static Report run(int port, String user, String password) {
        RunConfig config = RunConfig.defaults("127.0.0.1", port);
        if (user != null) config = config.withCredentials(user, password.getBytes(StandardCharsets.UTF_8));
        return new Runner(config, r -> { }).run(AUTH);
    }

    private static Map<String, Result> byName(Report report) {
        return report.results().stream().collect(Collectors.toMap(r -> r.test().name(), r -> r));
    }

    private static void assertVerdict(Verdict expected, Result r) {
        assertEquals(expected, r.verdict(), r.test().name() + ": " + r.summary() + "\n" + r.evidence());
    }

    @Test
    void goodCredentialsPassAndRefusalsAreChecked() throws Exception {
        assertEquals(4, AUTH.size());
        try (Broker b = broker(false)) {
            Map<String, Result> r = byName(run(b.port(), "alice", "alice-secret"));
            assertVerdict(Verdict.PASS, r.get("auth.credentials-accepted"));
            assertVerdict(Verdict.PASS, r.get("auth.wrong-password-refused"));
            assertVerdict(Verdict.PASS, r.get("auth.unknown-user-refused"));
            assertVerdict(Verdict.OBSERVED, r.get("auth.anonymous"));
            assertTrue(r.get("auth.wrong-password-refused").summary().contains("CONNACK 0x05, then closed"),
                    r.get("auth.wrong-password-refused").summary());
            assertTrue(r.get("auth.anonymous").summary().startsWith("anonymous clients: CONNACK 0x05"),
                    r.get("auth.anonymous").summary());
        }
    }

    @Test
    void aServerAllowingAnonymousClientsIsNoFailure() throws Exception {
        try (Broker b = broker(true)) {
            Map<String, Result> r = byName(run(b.port(), "bob", "bob-secret"));
            assertVerdict(Verdict.PASS, r.get("auth.wrong-password-refused"));
            assertVerdict(Verdict.OBSERVED, r.get("auth.anonymous"));
            assertEquals("anonymous clients: accepted", r.get("auth.anonymous").summary());
        }
    }

    @Test
    void aServerCheckingNothingSkipsTheRefusalsInsteadOfFailing() throws Exception {
        try (Broker b = Broker.start(BrokerConfig.ephemeral())) {
            Map<String, Result> r = byName(run(b.port(), "alice", "anything"));
            assertVerdict(Verdict.PASS, r.get("auth.credentials-accepted"));
            assertVerdict(Verdict.SKIP, r.get("auth.wrong-password-refused"));
            assertVerdict(Verdict.SKIP, r.get("auth.unknown-user-refused"));
            assertTrue(r.get("auth.unknown-user-refused").summary().contains("does not check them"),
                    r.get("auth.unknown-user-refused").summary());
        }
    }

    /** Our broker answers 0x05 as mosquitto does; 0x04 (bad user name or password) is as good a refusal. */
    @Test
    void aRefusalWith0x04Passes() throws Exception {
        try (TinyServer server = new TinyServer((s, n) -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write(new byte[] {0x20, 0x02, 0x00, 0x04});
            s.shutdownOutput();
            TinyServer.drain(s);
        })) {
            Map<String, Result> r = byName(run(server.port(), "alice", "alice-secret"));
            assertVerdict(Verdict.PASS, r.get("auth.wrong-password-refused"));
            assertVerdict(Verdict.PASS, r.get("auth.unknown-user-refused"));
            assertVerdict(Verdict.OBSERVED, r.get("auth.anonymous"));
            assertTrue(r.get("auth.anonymous").summary().contains("CONNACK 0x04, then closed"), r.get("auth.anonymous").summary());
        }
    }

    /** Refuses every CONNECT with 0x05, then sends {@code after} and closes, or stays open when {@code close} is false. */
    private static TinyServer refusing(byte[] after, boolean close) throws IOException {
        return new TinyServer((s, n) -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write(new byte[] {0x20, 0x02, 0x00, 0x05});
            s.getOutputStream().write(after);
            if (close) s.shutdownOutput();
            TinyServer.drain(s);
        });
    }

    @Test
    void aPingRespAfterTheRefusalFails() throws Exception {
        try (TinyServer server = refusing(new byte[] {(byte) 0xd0, 0x00}, true)) {
            Result r = byName(run(server.port(), "alice", "alice-secret")).get("auth.wrong-password-refused");
            assertVerdict(Verdict.FAIL, r);
            assertTrue(r.expected().contains("[MQTT-3.1.4-5]"), r.expected());
            assertTrue(r.observed().contains("PingResp"), r.observed());
        }
    }

    @Test
    void aRefusalWithoutCloseFails() throws Exception {
        try (TinyServer server = refusing(new byte[0], false)) {
            RunConfig config = RunConfig.defaults("127.0.0.1", server.port()).withTimeout(Duration.ofMillis(300))
                    .withCredentials("alice", new byte[] {'x'});
            Result r = byName(new Runner(config, x -> { }).run(AUTH)).get("auth.unknown-user-refused");
            assertVerdict(Verdict.FAIL, r);
            assertTrue(r.expected().contains("[MQTT-3.2.2-5]"), r.expected());
        }
    }

    /** A session present flag with a refusal [MQTT-3.2.2-4]. */
    @Test
    void sessionPresentWithARefusalFails() throws Exception {
        try (TinyServer server = new TinyServer((s, n) -> {
            s.getInputStream().read(new byte[4096]);
            s.getOutputStream().write(new byte[] {0x20, 0x02, 0x01, 0x05});
            s.shutdownOutput();
            TinyServer.drain(s);
        })) {
            Result r = byName(run(server.port(), "alice", "alice-secret")).get("auth.wrong-password-refused");
            assertVerdict(Verdict.FAIL, r);
            assertTrue(r.expected().contains("[MQTT-3.2.2-4]"), r.expected());
        }
    }

    @Test
    void withoutUsernameEveryAuthTestSkips() throws Exception {
        try (Broker b = broker(false)) {
            for (Result r : run(b.port(), null, null).results()) {
                assertVerdict(Verdict.SKIP, r);
                assertTrue(r.summary().contains("--username"), r.summary());
            }
        }
    }

    @Test
    void aWrongPasswordEndsInOneLineAndExitTwo() throws Exception {
        try (Broker b = broker(false)) {
            Run r = Run.main("test", "127.0.0.1:" + b.port(), "--username", "alice", "--password", "not-alices");
            assertEquals(2, r.code(), r.out() + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("CONNACK 5: not authorized (--username, --password)"), r.err());
            assertFalse(r.err().contains("not-alices"), r.err());
            assertFalse(r.out().contains("FAIL"), r.out());
        }
    }

    @Test
    void goodCredentialsOnTheCommandLineRunTheAuthTests() throws Exception {
        try (Broker b = broker(false)) {
            Run r = Run.main("test", "127.0.0.1:" + b.port(), "--only", "auth.*", "--username", "bob", "--password",
                    "bob-secret");
            assertEquals(0, r.code(), r.out() + r.err());
            assertFalse(r.out().contains("FAIL") || r.out().contains("SKIP"), r.out());
        }
    }
}
