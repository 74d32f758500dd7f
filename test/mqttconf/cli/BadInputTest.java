package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import mqttconf.tls.CertGenerator;
import mqttconf.tls.TestCerts;

/**
 * Every mode fed bad input: a bad host, a bad port, a missing file, an unreadable key, a bad config line, unknown
 * keys, an output that cannot be written. Each answer is one line on stderr naming the mode, with no Java class
 * name in it, and the documented exit code (2 for all of these).
 */
@Timeout(60)
class BadInputTest {
    /** A qualified Java class name, or a bare exception type: internals that must not reach the user. */
    private static final Pattern JAVA = Pattern.compile("\\b(java|javax|sun|jdk)\\.[a-z]|[A-Za-z]+(Exception|Error)\\b");

    @TempDir
    static Path dir;
    private static int refused;
    private static Map<String, String> paths;

    /** One bad command line: {@code {name}} stands for a prepared path or the refused port. */
    record Case(String what, String line, String says) {
        @Override
        public String toString() {
            return what;
        }
    }

    @BeforeAll
    static void prepare() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refused = s.getLocalPort();
        }
        CertGenerator.Generated certs = TestCerts.get();
        Path file = Files.writeString(dir.resolve("file.txt"), "not a certificate\n");
        Files.writeString(dir.resolve("badline.conf"), "port not-a-number\n");
        Files.writeString(dir.resolve("unknown.conf"), "frobnicate 1\n");
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/ca.crt"), "exists\n");
        paths = Map.of("{missing}", dir.resolve("missing.conf").toString(), "{file}", file.toString(),
                "{dir}", dir.toString(), "{cert}", certs.serverCert().toString(), "{key}", certs.serverKey().toString(),
                "{refused}", String.valueOf(refused), "{nodir}", dir.resolve("nodir/out.json").toString(),
                "{badline}", dir.resolve("badline.conf").toString(), "{unknown}", dir.resolve("unknown.conf").toString(),
                "{certs}", dir.resolve("certs").toString());
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("broker: bad bind address", "broker --port 0 --bind 999.1.1.1", "cannot listen on 999.1.1.1: not an address"),
                new Case("broker: bad port", "broker --port 70000", "--port must be between 0 and 65535"),
                new Case("broker: missing config file", "broker -c {missing}", "no such file"),
                new Case("broker: bad config line", "broker -c {badline}", "line 1: port must be an integer"),
                new Case("broker: unknown config key", "broker -c {unknown}", "frobnicate is not a setting of mqttconf or mosquitto"),
                new Case("broker: missing certificate", "broker --port 0 --tls-port 0 --certfile {missing} --keyfile {key}", "no such file"),
                new Case("broker: unreadable key (a directory)", "broker --port 0 --tls-port 0 --certfile {cert} --keyfile {dir}", "cannot read"),
                new Case("broker: key file that is no key", "broker --port 0 --tls-port 0 --certfile {cert} --keyfile {file}", "not a PEM file"),
                new Case("test: bad host", "test nohost.invalid:1883", "unknown host"),
                new Case("test: bad port", "test 127.0.0.1:70000", "port must be between 1 and 65535"),
                new Case("test: nothing listening", "test 127.0.0.1:{refused}", "cannot connect to 127.0.0.1:{refused}: connection refused"),
                new Case("test: missing CA file", "test ssl://127.0.0.1:{refused} --cafile {missing}", "no such file"),
                new Case("bench: bad host", "bench nohost.invalid:1883 --messages 1", "unknown host"),
                new Case("bench: bad port", "bench 127.0.0.1:0", "port must be between 1 and 65535"),
                new Case("bench: nothing listening", "bench 127.0.0.1:{refused} --messages 1", "connection refused"),
                new Case("bench: TLS target, nothing listening", "bench ssl://127.0.0.1:{refused} --insecure --messages 1", "connection refused"),
                new Case("bench: missing CA file", "bench ssl://127.0.0.1:{refused} --cafile {missing}", "no such file"),
                new Case("bench: unwritable --json", "bench 127.0.0.1:{refused} --json {nodir}", "--json {nodir}: no directory"),
                new Case("loss: bad host", "loss nohost.invalid:1883", "unknown host"),
                new Case("loss: nothing listening", "loss 127.0.0.1:{refused}", "connection refused"),
                new Case("loss: unwritable --json", "loss --json {nodir} 127.0.0.1:{refused}", "--json {nodir}: no directory"),
                new Case("certs: unwritable directory", "certs {file}/sub", "cannot write"),
                new Case("certs: files already there", "certs {certs}", "already exists (--force overwrites it)"),
                new Case("statements: unknown id", "statements no-such-id", "no-such-id"),
                new Case("statements: bad format", "statements --format xml", "--format must be"),
                new Case("version: extra argument", "version extra", "unexpected argument 'extra'"));
    }

    private static String fill(String s) {
        for (Map.Entry<String, String> e : paths.entrySet()) s = s.replace(e.getKey(), e.getValue());
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void oneLineNoJavaInternalsExitTwo(Case c) {
        Run r = Run.main(fill(c.line()).split(" "));
        String mode = c.line().split(" ")[0];
        assertEquals(Exit.USAGE, r.code(), c + ": " + r.err());
        assertEquals(1, r.err().lines().count(), c + ": " + r.err());
        assertTrue(r.err().startsWith("mqttconf " + mode + ": "), c + ": " + r.err());
        assertTrue(r.err().contains(fill(c.says())), c + ": expected '" + fill(c.says()) + "' in " + r.err());
        assertFalse(JAVA.matcher(r.err()).find(), c + ": Java internals in " + r.err());
    }

    @Test
    void mosquittoKeysAreWarnedOnceEachAndIgnoredWhileUnknownKeysStayErrors() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n", "persistence true",
                "persistence_location /var/lib/mosquitto/", "log_type error", "log_type warning", "persistence true",
                "port 0", "bind 999.1.1.1", ""));
        Run r = Run.main("broker", "-c", conf.toString());
        assertEquals(Exit.USAGE, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(4, lines.size(), r.err());
        List<String> warned = new ArrayList<>();
        for (String l : lines.subList(0, 3)) {
            assertTrue(l.matches("mqttconf broker: .*mosquitto\\.conf line \\d+: (\\S+) \\(mosquitto\\) is not implemented and ignored: .+"), l);
            warned.add(l.replaceAll(".* line \\d+: (\\S+) .*", "$1"));
        }
        assertEquals(List.of("persistence", "persistence_location", "log_type"), warned);
        assertTrue(lines.get(3).startsWith("mqttconf broker: cannot listen on 999.1.1.1"), lines.get(3));
        for (String l : lines) assertFalse(JAVA.matcher(l).find(), l);
    }

    @Test
    void everyIgnoredMosquittoKeySaysWhatWeDoInstead() {
        for (String k : MosquittoKeys.keys()) {
            assertTrue(MosquittoKeys.instead(k).orElseThrow().length() > 10, k);
        }
        assertTrue(MosquittoKeys.instead("plugin_opt_foo").isPresent());
        assertTrue(MosquittoKeys.instead("frobnicate").isEmpty());
    }
}
