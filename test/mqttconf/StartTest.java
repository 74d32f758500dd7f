package mqttconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Java 8 entry point: reads every runtime's version and tells an old one what to do. */
class StartTest {

    @Test
    void readsOldAndNewVersionStrings() {
        assertEquals(8, Start.major("1.8"));
        assertEquals(17, Start.major("17"));
        assertEquals(21, Start.major("21.0.1"));
        assertEquals(0, Start.major("x"));
    }

    @Test
    void anOldRuntimeGetsOneLineNamingWhatWorks() {
        String line = Start.tooOld(17, "/usr/lib/jvm/java-17-openjdk-amd64");
        assertEquals(1, line.lines().count());
        assertTrue(line.startsWith("mqttconf: needs Java 21 or newer, but this is Java 17 (/usr/lib/jvm/"), line);
        assertTrue(line.contains("JAVA_HOME") && line.contains("Debian 12"), line);
        assertTrue(!line.contains("Exception") && !line.contains("Error"), line);
    }

    @Test
    void theEntryPointIsCompiledForJava8() throws Exception {
        try (var in = Start.class.getResourceAsStream("Start.class")) {
            byte[] head = in.readNBytes(8);
            assertEquals(52, ((head[6] & 0xff) << 8) | (head[7] & 0xff), "class file major version of Start");
        }
    }
}
