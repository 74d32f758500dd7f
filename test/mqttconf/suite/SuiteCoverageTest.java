package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.cli.Run;
import mqttconf.spec.Statement;

class SuiteCoverageTest {
    private final SuiteCoverage coverage = new SuiteCoverage(Suite.all());

    @Test
    void everyObservableServerStatementHasATest() {
        assertEquals(List.of(), coverage.uncovered().stream().map(Statement::id).toList());
        assertEquals(coverage.observable(), coverage.covered());
        assertEquals(108, coverage.all());
    }

    @Test
    void unobservableStatementsSayWhyAndCountAsNotObservable() {
        assertEquals(5, coverage.all() - coverage.observable());
        String text = coverage.text();
        assertTrue(text.contains("MQTT-3.3.5-2   server  MUST    unobservable: needs a server-side authorization rule"), text);
        assertTrue(text.endsWith(coverage.totals() + "\n"), text);
    }

    @Test
    void testsAreListedUnderEachStatementTheyCheck() {
        assertTrue(coverage.testsOf("MQTT-3.1.2-24").contains("keepalive.expiry-closes-and-publishes-will"));
        assertTrue(coverage.testsOf("MQTT-3.3.1-4").contains("malformed.publish-with-qos-3-header-36"));
        assertEquals(List.of(), coverage.testsOf("MQTT-4.8.0-2"));
    }

    @Test
    void coverageOptionPrintsWithoutConnecting() {
        Run r = Run.main("test", "--coverage", "--section", "3.12");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("MQTT-3.12.4-1"), r.out());
        assertTrue(r.out().contains("keepalive.pingreq-answered"), r.out());
    }
}
