package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.cli.Run;

/** The command line of test mode: listing, usage errors, unreachable and silent servers. */
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
    void silentServerEndsInFailuresWithinTheTimeoutsAndNeverHangs(@TempDir Path dir) throws Exception {
        List<Socket> held = new ArrayList<>();
        ServerSocket server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        try {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            long start = System.nanoTime();
            Path json = dir.resolve("r.json");
            Run r = Run.main("test", "127.0.0.1:" + server.getLocalPort(), "--timeout", "0.3", "--keepalive-seconds", "1",
                    "--quiet", "--json", json.toString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(millis < 15_000, "took " + millis + " ms");
            assertTrue(r.out().contains("0 passed"), r.out());
            assertTrue(r.out().contains("expected: CONNACK as the first packet from the server [MQTT-3.2.0-1]"), r.out());
            assertTrue(r.out().contains("observed: nothing within 0.3 s"), r.out());
            assertTrue(Files.readString(json).contains("\"verdict\": \"FAIL\""));
            server.close();
            acceptor.join();
        } finally {
            server.close();
            synchronized (held) {
                for (Socket s : held) s.close();
            }
        }
    }
}
