package mqttconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/** The jar built by make: runnable, self-contained and small. */
class JarTest {
    private static final Path JAR = Path.of("build", "mqttconf.jar");

    @Test
    void jarHasMainClassVersionAndTheStatementsTable() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("mqttconf.Start", main.getValue(Attributes.Name.MAIN_CLASS));
            assertNotNull(main.getValue(Attributes.Name.IMPLEMENTATION_VERSION));
            byte[] packed = jar.getInputStream(jar.getEntry("statements.tsv")).readAllBytes();
            assertEquals(Files.readString(Path.of("statements.tsv"), StandardCharsets.UTF_8),
                    new String(packed, StandardCharsets.UTF_8));
            assertNotNull(jar.getEntry("mqttconf/Main.class"));
        }
    }

    /**
     * Raised from 300 KB when the conformance suite grew to ~275 tests and its 225-row packet table (issue 6), and
     * from 400 KB for the TLS and WebSocket transports on both sides (issue 7), and from 480 KB when the library
     * interoperability work (issue 18: MQTT 3.1, --close-wait, one packet per WebSocket frame) met the split broker
     * (issue 15), which had left 1.4 KB: 492,238 bytes together.
     */
    @Test
    void jarStaysUnder500KB() throws IOException {
        long size = Files.size(JAR);
        assertTrue(size <= 500 * 1024, "build/mqttconf.jar is " + size + " bytes");
    }
}
