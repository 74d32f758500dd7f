package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;


class SelectionTest {
    private static List<String> names(Selection s) {
        return s.apply(Suite.all()).stream().map(TestCase::name).toList();
    }

    @Test
    void everythingSelectsEveryTestAndNamesAreUnique() {
        List<String> all = names(Selection.everything());
        assertEquals(Suite.all().size(), all.size());
        assertEquals(all.size(), new HashSet<>(all).size(), "duplicate test names");
    }

    @Test
    void onlyMatchesAnyPartOfTheNameOrAGlob() {
        assertTrue(names(new Selection(List.of("RETAIN"), List.of(), List.of(), List.of())).contains("retain.set-and-clear"));
        List<String> glob = names(new Selection(List.of("publish.qos?-*"), List.of(), List.of(), List.of()));
        assertEquals(List.of("publish.qos0-round-trip", "publish.qos1-round-trip", "publish.qos2-round-trip"), glob);
        assertTrue(names(new Selection(List.of("publish.*"), List.of(), List.of(), List.of())).stream()
                .allMatch(n -> n.startsWith("publish.")));
    }

    @Test
    void skipRemovesMatchingTests() {
        List<String> rest = names(new Selection(List.of(), List.of("keepalive"), List.of(), List.of()));
        assertFalse(rest.stream().anyMatch(n -> n.contains("keepalive")));
        long keepAlive = Suite.all().stream().filter(t -> t.name().startsWith("keepalive.")).count();
        assertEquals(4, keepAlive);
        assertEquals(Suite.all().size() - keepAlive, rest.size());
    }

    @Test
    void statementAndSectionSelectByTheIdsATestChecks() {
        assertEquals(List.of("keepalive.expiry-closes-and-publishes-will", "keepalive.timer-precision",
                "keepalive.pingreq-keeps-connection"),
                names(new Selection(List.of(), List.of(), List.of("MQTT-3.1.2-24"), List.of())));
        List<String> s38 = names(new Selection(List.of(), List.of(), List.of(), List.of("3.8")));
        assertTrue(s38.contains("subscribe.failure-return-code"), s38.toString());
        assertFalse(s38.contains("connect.accepted"));
        // 3.1 must not pick up 3.10 or 3.12
        List<String> s31 = names(new Selection(List.of(), List.of(), List.of(), List.of("3.1")));
        assertTrue(s31.contains("connect.accepted"));
        assertFalse(s31.contains("subscribe.unsubscribe-unknown-filter"));
    }

    @Test
    void unknownStatementOrBadSectionIsAUsageError() {
        assertThrows(IllegalArgumentException.class, () -> new Selection(List.of(), List.of(), List.of("MQTT" + "-9.9.9-9"), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new Selection(List.of(), List.of(), List.of(), List.of("three")));
    }
}
