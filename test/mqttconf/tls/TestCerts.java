package mqttconf.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Throwaway certificates made once per test run in a temporary directory, deleted when the JVM ends. */
public final class TestCerts {
    private static CertGenerator.Generated made;

    private TestCerts() {
    }

    public static synchronized CertGenerator.Generated get() {
        if (made != null) return made;
        try {
            Path dir = Files.createTempDirectory("mqttconf-certs");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            made = CertGenerator.generate(dir);
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
