package mqttconf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Exit;
import mqttconf.cli.Run;

/** Short runs of {@code mqttconf bench} against the in-process broker. */
@Timeout(20)
class BenchModeTest {
    private static Broker broker;
    private static String target;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = Broker.start(BrokerConfig.ephemeral());
        target = "127.0.0.1:" + broker.port();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    private static void assertAllArrived(Run r, long expected) {
        assertEquals(Exit.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*\\nreceived +" + expected + " msgs of " + expected + " expected.*"), r.out());
        assertTrue(r.out().contains("lost 0  duplicates 0  out of order 0"), r.out());
        assertTrue(r.out().contains("latency    p50 "), r.out());
    }

    @Test
    void qos0MessagesAllArriveOnAnIdleLoopback() {
        assertAllArrived(Run.main("bench", target, "--messages", "500"), 500);
    }

    @Test
    void qos1AndQos2FlowsAreAcknowledgedBothWays() {
        assertAllArrived(Run.main("bench", target, "--messages", "300", "--qos", "1", "--inflight", "5"), 300);
        assertAllArrived(Run.main("bench", target, "--messages", "300", "--qos", "2", "--inflight", "5"), 300);
    }

    @Test
    void fanInAndFanOutCountEveryDelivery() {
        assertAllArrived(Run.main("bench", target, "--messages", "100", "--publishers", "3", "--subscribers", "4",
                "--topics", "shared", "--qos", "1"), 1200);
        assertAllArrived(Run.main("bench", target, "--messages", "100", "--publishers", "4", "--subscribers", "2"), 400);
    }

    @Test
    void aRateLimitedRunTakesItsTimeAndPrintsProgress() {
        Run r = Run.main("bench", target, "--seconds", "1", "--rate", "200", "--connections", "20");
        assertEquals(Exit.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("connected 22 clients"), r.out());
        assertTrue(r.out().matches("(?s).*\\n   1 s  sent +\\d+/s  received +\\d+/s  p50 .*"), r.out());
        // The limit is a ceiling: a busy machine may send fewer in the second, never more (200/s, one tick late).
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("sent +(\\d+) msgs in (\\d+\\.\\d\\d) s").matcher(r.out());
        assertTrue(m.find(), r.out());
        int sent = Integer.parseInt(m.group(1));
        double seconds = Double.parseDouble(m.group(2));
        assertTrue(seconds >= 1.0, "the run took its second: " + r.out());
        assertTrue(sent > 0 && sent <= 200 * seconds + 10, "at most 200/s: " + r.out());
    }

    @Test
    void jsonCarriesTheNumbers(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("r.json");
        Run r = Run.main("bench", target, "--messages", "50", "--json", json.toString());
        assertEquals(Exit.OK, r.code(), r.err());
        String text = Files.readString(json);
        assertTrue(text.startsWith("{\"host\": \"127.0.0.1\", \"port\": " + broker.port()), text);
        assertTrue(text.contains("\"sent\": 50, \"received\": 50, \"expected\": 50, \"lost\": 0"), text);
        assertTrue(text.contains("\"latency_ns\": {\"p50\": "), text);
        assertTrue(text.endsWith("\"error\": null}\n"), text);
    }

    @Test
    void aRefusedConnectionIsOneLineAndExit2() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = Run.main("bench", "127.0.0.1:" + port, "--messages", "1");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("mqttconf bench: cannot connect to 127.0.0.1:" + port + " (publisher 0): connection refused\n",
                r.err().replaceAll("\\((subscriber|publisher) 0\\)", "(publisher 0)"));
    }

    @Test
    void aBadOptionIsAUsageError() {
        Run r = Run.main("bench", target, "--qos", "5");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("mqttconf bench: --qos must be between 0 and 2, not 5 (see mqttconf bench --help)\n", r.err());
    }
}
