package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.cli.UsageException;

/** TLS and WebSocket listeners from flags and from mosquitto-style listener blocks. */
class ListenerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void flagsAddListenersOnTheBindAddress() {
        BrokerOptions.Parsed p = BrokerOptions.parse(List.of("--bind", "0.0.0.0", "--ws-port", "8080", "--tls-port", "8883",
                "--wss-port", "8081", "--certfile", "s.crt", "--keyfile", "s.key", "--cafile", "ca.crt",
                "--require-certificate", "true"));
        assertEquals(List.of("tls", "ws", "wss"), p.listeners().stream().map(ListenerConfig::scheme).toList());
        ListenerConfig wss = p.listeners().get(2);
        assertEquals(8081, wss.port());
        assertEquals("0.0.0.0", wss.bind());
        assertEquals(Path.of("ca.crt"), wss.tls().cafile());
        assertTrue(wss.tls().requireCertificate());
        assertNull(p.listeners().get(1).tls());
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
        assertEquals(List.of("ws", "tls"), p.listeners().stream().map(ListenerConfig::scheme).toList());
        assertEquals("0.0.0.0", p.listeners().get(0).bind());
        assertTrue(p.listeners().get(1).tls().requireCertificate());
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
