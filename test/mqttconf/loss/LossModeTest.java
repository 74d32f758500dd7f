package mqttconf.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.Main;
import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Exit;

class LossModeTest {
    private record Outcome(int code, String out, String err) { }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(15)
    void ourBrokerLosesNothingAndDuplicatesNoQos2MessageWhileConnectionsAreCut(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("loss.json");
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            Outcome o = run("loss", "--seed", "3", "--messages", "120", "--rate", "300", "--cut-interval-ms", "40",
                    "--drain-seconds", "5", "--json", json.toString(), "127.0.0.1:" + broker.port());
            assertEquals(Exit.OK, o.code(), o.out() + o.err());
            assertTrue(o.out().contains("result: perfect"), o.out());
            assertTrue(o.out().matches("(?s).*cuts: [1-9]\\d* .*"), "some connections were cut: " + o.out());
            String j = Files.readString(json);
            assertTrue(j.contains("\"perfect\":true") && j.contains("\"seed\":3"), j);
        }
    }

    @Test
    @Timeout(10)
    void anUnreachableTargetIsAConnectionErrorInOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Outcome o = run("loss", "127.0.0.1:" + port);
        assertEquals(Exit.USAGE, o.code());
        assertTrue(o.err().startsWith("mqttconf loss: cannot connect to 127.0.0.1:" + port), o.err());
        assertEquals(1, o.err().lines().count(), o.err());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        for (List<String> args : List.of(List.of("loss"), List.of("loss", "nohost"), List.of("loss", "h:99999"),
                List.of("loss", "--qos", "3", "h:1"), List.of("loss", "--seed", "x", "h:1"), List.of("loss", "a:1", "b:2"))) {
            Outcome o = run(args.toArray(String[]::new));
            assertEquals(Exit.USAGE, o.code(), args.toString());
            assertEquals(1, o.err().lines().count(), o.err());
            assertFalse(o.err().contains("Exception"), o.err());
        }
    }
}
