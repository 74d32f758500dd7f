package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.BrokerConfig;


/** Flags, the -c config file, and how the broker mode reports bad ones. */
class BrokerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreThoseOfPaho() {
        BrokerConfig c = BrokerOptions.parse(List.of()).config();
        assertEquals(BrokerConfig.defaults(), c);
        assertEquals(1883, c.port());
        assertEquals("127.0.0.1", c.bind());
        assertTrue(c.publishOnPubrel() && c.overlappingSingle() && c.dropQos0() && c.zeroLengthClientIds());
    }

    @Test
    void flagsSetEverySetting() {
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of("--port", "1884", "--bind=0.0.0.0",
                "--publish-on-pubrel", "false", "--overlapping-single", "False", "--drop-qos0", "false",
                "--zero-length-clientids", "false", "--max-packet-size", "1000", "-v", "--coverage-file", "c.tsv",
                "--coverage-file", "c.html", "--strict", "--ack-timeout", "3"));
        BrokerConfig c = p.config();
        assertEquals(1884, c.port());
        assertEquals("0.0.0.0", c.bind());
        assertFalse(c.publishOnPubrel() || c.overlappingSingle() || c.dropQos0() || c.zeroLengthClientIds());
        assertEquals(1000, c.maxPacketSize());
        assertTrue(c.verbose());
        assertEquals(List.of(Path.of("c.tsv"), Path.of("c.html")), p.coverageFiles());
        assertTrue(c.strict());
        assertEquals(Duration.ofSeconds(3), c.ackTimeout());
    }

    @Test
    void configFileIsReadFirstAndFlagsWin() throws IOException {
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, """
                # mosquitto style
                listener 1990 0.0.0.0
                drop_qos0 false
                publish-on-pubrel false
                max_packet_size 4096
                verbose true
                """);
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of("-c", file.toString(), "--port", "1991"));
        BrokerConfig c = p.config();
        assertEquals(1991, c.port(), "the flag wins");
        assertEquals("0.0.0.0", c.bind());
        assertFalse(c.dropQos0());
        assertFalse(c.publishOnPubrel());
        assertTrue(c.overlappingSingle(), "untouched settings keep their default");
        assertEquals(4096, c.maxPacketSize());
        assertTrue(c.verbose());
        assertEquals(List.of(), p.coverageFiles());
    }

    @Test
    void badSettingsAreOneClearSentence() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "listener 1883\nfrobnicate true\n");
        UsageException e = assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("-c", file.toString())));
        assertTrue(e.getMessage().contains("line 2: frobnicate is not a setting of mqttconf or mosquitto"), e.getMessage());
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--max-connections", "0")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--connect-timeout", "soon")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--connect-timeout", "0")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--drop-qos0", "yes")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--port", "70000")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--coverage-file", "out.pdf")));
        assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("-c", dir.resolve("missing").toString())));
    }

    @Test
    void guardsAreFlagsAndMosquittoConfigKeys() throws IOException {
        Path passwords = dir.resolve("passwd");
        Files.writeString(passwords, "carol:plain\n");
        BrokerConfig c = BrokerOptions.parse(List.of("--allow-anonymous", "false", "--password-file",
                passwords.toString(), "--max-connections", "50", "--connect-timeout", "0.5", "--max-output-bytes",
                "65536", "--max-queued-messages", "7")).config();
        assertFalse(c.access().allowAnonymous());
        assertTrue(c.access().passwords().contains("carol"));
        assertEquals(50, c.maxConnections());
        assertEquals(Duration.ofMillis(500), c.connectTimeout());
        assertEquals(65536, c.maxOutputBytes());
        assertEquals(7, c.maxQueuedMessages());
        assertEquals(Duration.ofMillis(300), BrokerOptions.parse(List.of("--packet-timeout", "0.3")).config().packetTimeout());

        Path file = dir.resolve("mosquitto.conf");
        Files.writeString(file, "allow_anonymous false\npassword_file " + passwords + "\nmax_connections -1\n"
                + "max_queued_messages 0\npacket_timeout 5\n");
        BrokerConfig m = BrokerOptions.parse(List.of("-c", file.toString())).config();
        assertFalse(m.access().allowAnonymous());
        assertEquals(Integer.MAX_VALUE, m.maxConnections(), "-1 is mosquitto's no limit");
        assertEquals(Integer.MAX_VALUE, m.maxQueuedMessages(), "0 is mosquitto's no limit");
        assertEquals(Duration.ofSeconds(5), m.packetTimeout());

        BrokerConfig d = BrokerConfig.defaults();
        assertTrue(d.access().allowAnonymous());
        assertEquals(Duration.ofSeconds(10), d.connectTimeout());
        assertEquals(1000, d.maxQueuedMessages());
        assertEquals(Duration.ofSeconds(60), d.packetTimeout());
    }

    @Test
    void portInUseIsOneLineAndExitCode2() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Run r = Run.main("broker", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(2, r.code());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("mqttconf broker: cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
        }
    }

    @Test
    void unknownFlagIsExitCode2AndHelpDocumentsEveryFlag() {
        Run bad = Run.main("broker", "--colour", "blue");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown option --colour"), bad.err());
        String help = Run.main("broker", "--help").out();
        for (String flag : List.of("--port", "--bind", "--publish-on-pubrel", "--overlapping-single", "--drop-qos0",
                "--zero-length-clientids", "--max-packet-size", "--verbose", "--config", "--coverage-file", "--strict", "--ack-timeout",
                "--allow-anonymous", "--password-file", "--max-connections", "--connect-timeout", "--max-output-bytes",
                "--max-queued-messages", "--packet-timeout")) {
            assertTrue(help.contains(flag), "help mentions " + flag);
        }
    }
}
