package mqttconf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mqttconf.spec.AppliesTo;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.MiniJson;

class CoverageReportTest {
    private static final Statement FIRST_PACKET_CONNECT = Statements.get("MQTT-3.1.0-1");
    private static final Statement WILL_FIELDS_PRESENT = Statements.get("MQTT-3.1.2-9");
    private static final Statement KEEP_ALIVE = Statements.get("MQTT-3.1.2-24");

    /** Two client statements found (one exercised twice, one violated), one server statement exercised. */
    private static Coverage sample() {
        Coverage c = new Coverage();
        c.exercised(FIRST_PACKET_CONNECT);
        c.exercised(FIRST_PACKET_CONNECT);
        c.violated(WILL_FIELDS_PRESENT);
        c.exercised(KEEP_ALIVE);
        return c;
    }

    @Test
    void textIsPahoStyleOverTheSelectedStatements() {
        String[] lines = new CoverageReport(sample(), EnumSet.of(AppliesTo.CLIENT)).text().split("\n");
        assertEquals(3, lines.length);
        assertEquals("coverage statements 2 out of 33 = 6%", lines[0]);
        assertEquals("found: MQTT-3.1.0-1 MQTT-3.1.2-9", lines[1]);
        assertTrue(lines[2].startsWith("not found: MQTT-2.3.1-2 MQTT-2.3.1-3 MQTT-3.1.2-11 "), lines[2]);
        assertEquals(31, lines[2].substring("not found: ".length()).split(" ").length);
    }

    @Test
    void unfilteredReportCoversAll141() {
        CoverageReport r = new CoverageReport(sample());
        assertEquals(141, r.statements().size());
        assertEquals(List.of(FIRST_PACKET_CONNECT, WILL_FIELDS_PRESENT, KEEP_ALIVE), r.found());
        assertTrue(r.text().startsWith("coverage statements 3 out of 141 = 2%\n"));
    }

    @Test
    void tsvHasAHeaderAndOneRowPerStatement() {
        String[] lines = new CoverageReport(sample(), EnumSet.of(AppliesTo.CLIENT)).tsv().split("\n");
        assertEquals(34, lines.length);
        assertEquals("id\tapplies_to\texercised\tviolated", lines[0]);
        assertEquals("MQTT-2.3.1-2\tclient\t0\t0", lines[1]);
        assertEquals("MQTT-3.1.0-1\tclient\t2\t0", lines[3]);
        assertEquals("MQTT-3.1.2-9\tclient\t0\t1", lines[4]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTotalsAndCountsPerId() {
        String json = new CoverageReport(sample(), EnumSet.of(AppliesTo.CLIENT, AppliesTo.SERVER)).json();
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(json);
        assertEquals(List.of("statements", "found", "percent", "exercised", "violated", "counts"),
                List.copyOf(root.keySet()));
        assertEquals(102L, root.get("statements"));
        assertEquals(3L, root.get("found"));
        assertEquals(2L, root.get("percent"));
        assertEquals(3L, root.get("exercised"));
        assertEquals(1L, root.get("violated"));
        List<Object> counts = (List<Object>) root.get("counts");
        assertEquals(102, counts.size());
        assertTrue(counts.contains(Map.of("id", "MQTT-3.1.2-24", "applies_to", "server",
                "exercised", 1L, "violated", 0L)));
        assertTrue(counts.contains(Map.of("id", "MQTT-3.1.2-9", "applies_to", "client",
                "exercised", 0L, "violated", 1L)));
    }

    @Test
    void emptySelectionRendersWithoutDividingByZero() {
        CoverageReport r = new CoverageReport(new Coverage(), EnumSet.noneOf(AppliesTo.class));
        assertEquals("coverage statements 0 out of 0 = 0%\nfound: none\nnot found: none\n", r.text());
        assertEquals("id\tapplies_to\texercised\tviolated\n", r.tsv());
        assertEquals("""
                {
                  "statements": 0,
                  "found": 0,
                  "percent": 0,
                  "exercised": 0,
                  "violated": 0,
                  "counts": []
                }
                """, r.json());
    }

    @Test
    void reportIsASnapshot() {
        Coverage c = new Coverage();
        CoverageReport r = new CoverageReport(c);
        c.exercised(KEEP_ALIVE);
        assertEquals(List.of(), r.found());
    }
}
