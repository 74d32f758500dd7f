package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerLog;
import mqttconf.broker.ListenerConfig;
import mqttconf.client.Dialer;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.spec.Coverage;

/** Listeners from flags and from mosquitto-style listener blocks: a file with listener lines lists them all. */
class ListenerOptionsTest {
    private static final Duration T = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void flagsAddListenersOnTheBindAddress() {
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of("--bind", "0.0.0.0", "--ws-port", "8080", "--tls-port", "8883",
                "--wss-port", "8081", "--certfile", "s.crt", "--keyfile", "s.key", "--cafile", "ca.crt",
                "--require-certificate", "true"));
        assertEquals(List.of("tcp", "tls", "ws", "wss"), p.listeners().stream().map(ListenerConfig::scheme).toList());
        ListenerConfig wss = p.listeners().get(3);
        assertEquals(8081, wss.port());
        assertEquals("0.0.0.0", wss.bind());
        assertEquals(Path.of("ca.crt"), wss.tls().cafile());
        assertTrue(wss.tls().requireCertificate());
        assertNull(p.listeners().get(2).tls());
    }

    @Test
    void configBlocksAsMosquittoWritesThem() throws Exception {
        Path file = dir.resolve("broker.conf");
        Files.writeString(file, """
                listener 1884 0.0.0.0
                listener 8080
                protocol websockets
                listener 8883 127.0.0.1
                certfile /c/server.crt
                keyfile /c/server.key
                cafile /c/ca.crt
                require_certificate true
                """);
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of("-c", file.toString()));
        assertEquals(1884, p.config().port());
        assertEquals("0.0.0.0", p.config().bind());
        assertEquals(List.of("tcp", "ws", "tls"), p.listeners().stream().map(ListenerConfig::scheme).toList());
        assertEquals(1884, p.listeners().get(0).port());
        assertEquals("0.0.0.0", p.listeners().get(1).bind());
        assertTrue(p.listeners().get(2).tls().requireCertificate());
    }

    @Test
    void configWithOnlyAWebSocketListenerOpensNoPlainPort() throws Exception {
        Path file = dir.resolve("ws.conf");
        Files.writeString(file, "listener 0\nprotocol websockets\n");
        try (Started s = start("-c", file.toString())) {
            assertEquals(-1, s.broker.port("tcp"));
            assertTrue(assertThrows(IllegalStateException.class, s.broker::port).getMessage().contains("no plain MQTT"));
            assertFalse(s.log().contains("Starting the MQTT server on port"), s.log());
            assertTrue(s.log().contains("Starting the MQTT over WebSocket server on 127.0.0.1 port " + s.broker.port("ws")),
                    s.log());
            assertConnects(Dialer.websocket(Dialer.tcp(), "/mqtt"), s.broker.port("ws"));
        }
    }

    @Test
    void configWithPlainAndWebSocketListenersOpensBoth() throws Exception {
        Path file = dir.resolve("both.conf");
        Files.writeString(file, "listener 0\nprotocol websockets\nlistener 0\n");
        try (Started s = start("-c", file.toString())) {
            assertTrue(s.log().contains("Starting the MQTT server on port " + s.broker.port() + "\n"), s.log());
            assertConnects(Dialer.tcp(), s.broker.port());
            assertConnects(Dialer.websocket(Dialer.tcp(), "/mqtt"), s.broker.port("ws"));
        }
    }

    @Test
    void portFlagAddsAPlainListenerToAConfigWithoutOne() throws Exception {
        Path file = dir.resolve("ws.conf");
        Files.writeString(file, "listener 0\nprotocol websockets\n");
        try (Started s = start("-c", file.toString(), "--port", "0")) {
            assertConnects(Dialer.tcp(), s.broker.port());
        }
    }

    @Test
    void withoutAConfigFileThePlainPortAlwaysOpens() throws Exception {
        try (Started s = start("--port", "0", "--ws-port", "0")) {
            assertTrue(s.log().contains("Starting the MQTT server on port " + s.broker.port() + "\n"), s.log());
            assertConnects(Dialer.tcp(), s.broker.port());
        }
        assertEquals(List.of("tcp"), BrokerOptions.parse(List.of()).listeners().stream().map(ListenerConfig::scheme).toList());
    }

    /** A broker started as the broker mode starts it, with its startup lines kept. */
    private record Started(Broker broker, ByteArrayOutputStream lines) implements AutoCloseable {
        String log() {
            return lines.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    private static Started start(String... args) throws IOException {
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of(args));
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(lines, true, StandardCharsets.UTF_8);
        return new Started(Broker.startOn(p.listeners(), p.config(), BrokerLog.to(out), new Coverage()), lines);
    }

    private static void assertConnects(Dialer dialer, int port) throws IOException, InterruptedException {
        try (TestClient c = dialer.open("127.0.0.1", port, T, "listener-" + port)) {
            c.send(Connect.of("listener-" + port, true, 0));
            assertInstanceOf(ConnAck.class, c.receive(T));
        }
    }

    @Test
    void incompleteTlsSettingsAreUsageErrors() throws Exception {
        assertTrue(assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--tls-port", "8883")))
                .getMessage().contains("certfile and keyfile"));
        assertTrue(assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--certfile", "x")))
                .getMessage().contains("--tls-port"));
        assertTrue(assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("--tls-port", "1", "--certfile",
                "a", "--keyfile", "b", "--require-certificate", "true"))).getMessage().contains("cafile"));
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "certfile /x\n");
        assertTrue(assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("-c", file.toString())))
                .getMessage().contains("must follow a 'listener"));
        Files.writeString(file, "listener 1\nprotocol http\n");
        assertTrue(assertThrows(UsageException.class, () -> BrokerOptions.parse(List.of("-c", file.toString())))
                .getMessage().contains("mqtt or websockets"));
    }
}
