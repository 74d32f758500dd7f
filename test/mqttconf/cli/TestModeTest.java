package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.cli.Run;
import mqttconf.suite.Result;
import mqttconf.suite.Runner;
import mqttconf.suite.Suite;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;

/** The command line of test mode: listing, usage errors, an unreachable server (broken servers: BrokenServerTest). */
class TestModeTest {

    @Test
    void listShowsEveryTestWithItsIds() {
        Run r = Run.main("test", "--list");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("keepalive.expiry-closes-and-publishes-will"), r.out());
        assertTrue(r.out().contains("MQTT-3.1.2-24"), r.out());
        assertTrue(r.out().contains(Suite.all().size() + " tests"), r.out());
    }

    @Test
    void badOptionsAreOneLineUsageErrors() {
        for (String[] args : List.of(new String[] {"test", "--bogus"}, new String[] {"test", "--timeout", "x"},
                new String[] {"test", "--statement", "MQTT" + "-0-0"}, new String[] {"test", "--only", "no-such-test"},
                new String[] {"test", "--password", "p"}, new String[] {"test", "--client-id-prefix", "has space"},
                new String[] {"test", "host:99999"}, new String[] {"test", "a:1", "b:2"})) {
            Run r = Run.main(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void unreachableServerIsOneLineAndExitTwo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = Run.main("test", "127.0.0.1:" + port);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("cannot connect to 127.0.0.1:" + port), r.err());
    }

    @Test
    void aReportPathThatCannotBeWrittenStopsTheRunBeforeItStarts() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = Run.main("test", "127.0.0.1:" + port, "--json", "ok.json", "--junit", "/nonexistent/dir/r.xml");
        assertEquals(2, r.code(), r.err());
        assertEquals("mqttconf test: --junit /nonexistent/dir/r.xml: no directory /nonexistent/dir\n", r.err());
    }

    @Test
    void exitCodeIsOneForAFailureOrAnOutageThreeForAnErrorZeroOtherwise() {
        TestCase t = TestCase.must("x", List.of("MQTT-3.1.4-4"), "r", ctx -> { });
        Result pass = new Result(t, Verdict.PASS, Duration.ZERO, "", null, null, List.of(), null);
        Result fail = new Result(t, Verdict.FAIL, Duration.ZERO, "", null, null, List.of(), null);
        Result error = new Result(t, Verdict.ERROR, Duration.ZERO, "", null, null, List.of(), null);
        Result down = new Result(t, Verdict.NOT_SERVING, Duration.ZERO, "", null, null, List.of(), null);
        Result flaky = new Result(t, Verdict.INTERMITTENT, Duration.ZERO, "", null, null, List.of(), null);
        assertEquals(1, TestMode.exitCode(new Runner.Report(List.of(pass, fail, error), Duration.ZERO, List.of())));
        assertEquals(3, TestMode.exitCode(new Runner.Report(List.of(pass, error), Duration.ZERO, List.of())));
        assertEquals(1, TestMode.exitCode(new Runner.Report(List.of(pass, down), Duration.ZERO, List.of())),
                "a server that stopped serving fails the run, though no statement is blamed");
        assertEquals(0, TestMode.exitCode(new Runner.Report(List.of(pass, flaky), Duration.ZERO, List.of())));
    }
}
