package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code broker --run CMD}: the command finds the broker in its environment, the broker stops when it ends, and the
 * exit code is 1 for a client breach, else the command's. The commands are bash speaking MQTT through /dev/tcp.
 */
class BrokerRunTest {
    /** CONNECT (client id "run", clean session), read the 4-byte CONNACK, DISCONNECT, close. */
    private static final String CLEAN = "exec 3<>/dev/tcp/$MQTT_HOST/$MQTT_PORT; "
            + "printf '\\x10\\x0f\\x00\\x04MQTT\\x04\\x02\\x00\\x00\\x00\\x03run' >&3; "
            + "head -c 4 <&3 | od -An -tx1; printf '\\xe0\\x00' >&3; exec 3>&-";

    @TempDir
    Path dir;

    @Test
    void aWellBehavedClientAndASuccessfulCommandExitZero() throws Exception {
        Path report = dir.resolve("report.tsv");
        Run r = Run.main("broker", "--coverage-file", report.toString(), "--run", "bash", "-c",
                "echo \"at $MQTT_HOST:$MQTT_PORT\"; " + CLEAN);
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher started = Pattern.compile("Starting the MQTT server on port (\\d+)").matcher(r.out());
        assertTrue(started.find(), r.out());
        assertTrue(r.out().contains("at 127.0.0.1:" + started.group(1) + "\n"), "the command saw the port: " + r.out());
        assertTrue(r.out().contains(" 20 02 00 00\n"), "CONNACK accepted: " + r.out());
        assertTrue(r.out().contains("command exited with 0\n"), r.out());
        assertTrue(r.out().contains("client run: connections 1"), "report printed after the command: " + r.out());
        assertTrue(Files.readString(report).contains("client:run\t"), "report written");
    }

    @Test
    void aClientBreachExitsOne() {
        // A second CONNECT on one connection [MQTT-3.1.0-2]: the command itself succeeds.
        Run r = Run.main("broker", "--run", "bash", "-c", "exec 3<>/dev/tcp/$MQTT_HOST/$MQTT_PORT; "
                + "printf '\\x10\\x0f\\x00\\x04MQTT\\x04\\x02\\x00\\x00\\x00\\x03bad' >&3; head -c 4 <&3 >/dev/null; "
                + "printf '\\x10\\x0f\\x00\\x04MQTT\\x04\\x02\\x00\\x00\\x00\\x03bad' >&3; cat <&3 >/dev/null; exit 0");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("command exited with 0\n"), r.out());
        assertTrue(r.out().contains("breach bad MQTT-3.1.0-2 "), r.out());
    }

    @Test
    void aFailingCommandGivesItsExitCode() {
        Run r = Run.main("broker", "--run", "bash", "-c", CLEAN + "; exit 7");
        assertEquals(7, r.code(), r.out() + r.err());
    }

    @Test
    void theGivenPortAndListenersAreInTheEnvironment() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = Run.main("broker", "--port", String.valueOf(port), "--ws-port", "0", "--run", "bash", "-c",
                "echo \"env $MQTT_PORT ${MQTT_WS_PORT:-none} ${MQTT_TLS_PORT:-none}\"");
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher ws = Pattern.compile("MQTT over WebSocket server on 127.0.0.1 port (\\d+)").matcher(r.out());
        assertTrue(ws.find(), r.out());
        assertTrue(r.out().contains("env " + port + " " + ws.group(1) + " none\n"), r.out());
    }

    @Test
    void aCommandThatCannotStartIsOneLineAndExitTwo() {
        Run r = Run.main("broker", "--run", "/nonexistent/mqttconf-test-command");
        assertEquals(Exit.USAGE, r.code());
        assertTrue(r.err().startsWith("mqttconf broker: cannot run '/nonexistent/mqttconf-test-command': "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(Exit.USAGE, Run.main("broker", "--run").code());
    }
}
