package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import mqttconf.util.Version;

class VersionModeTest {

    @Test
    void printsMqttconfAndTheVersion() {
        Run r = Run.main("version");
        assertEquals(Exit.OK, r.code());
        assertEquals("mqttconf " + Version.current() + "\n", r.out());
        assertTrue(r.out().matches("mqttconf \\S+\n"), r.out());
    }

    @Test
    void takesNoArguments() {
        Run r = Run.main("version", "now");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("mqttconf version: unexpected argument 'now' (see mqttconf version --help)\n", r.err());
    }
}
