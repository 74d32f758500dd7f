package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.MiniJson;
import org.junit.jupiter.api.Test;

class StatementsModeTest {

    @Test
    void tsvForClientsHasAHeaderAnd33Rows() {
        Run r = Run.main("statements", "--format", "tsv", "--applies-to", "client");
        assertEquals(Exit.OK, r.code());
        assertEquals("", r.err());
        String[] lines = r.outLines();
        assertEquals("id\tsection\tapplies_to\tlevel\ttext\tunobservable", lines[0]);
        assertEquals(33, lines.length - 1);
        assertTrue(Arrays.stream(lines).skip(1).allMatch(l -> l.split("\t")[2].equals("client")));
    }

    @Test
    void tsvOfEverythingIsTheTableItself() throws IOException {
        Run r = Run.main("statements", "--format=tsv");
        assertEquals(Files.readString(Path.of("statements.tsv"), StandardCharsets.UTF_8), r.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonListsEveryStatementWithItsFields() {
        Run r = Run.main("statements", "--format", "json");
        assertEquals(Exit.OK, r.code());
        List<Object> rows = (List<Object>) MiniJson.parse(r.out());
        assertEquals(141, rows.size());
        Statement s = Statements.get("MQTT-2.2.2-1");
        assertEquals(Map.of("id", s.id(), "section", "2.2.2", "applies_to", "both", "level", "MUST",
                "text", s.text(), "unobservable", ""), rows.get(s.index()));
        assertEquals("no client can provoke a transient error",
                ((Map<String, Object>) rows.get(Statements.get("MQTT-4.8.0-2").index())).get("unobservable"));
    }

    @Test
    void textWrapsWithin80ColumnsAndShowsEveryId() {
        Run r = Run.main("statements");
        assertEquals(Exit.OK, r.code());
        for (String line : r.outLines()) {
            assertTrue(line.length() <= 80 || !line.strip().contains(" "), line);
        }
        for (Statement s : Statements.all()) {
            assertTrue(r.out().contains("\n" + s.id() + " ") || r.out().startsWith(s.id() + " "), s.id());
        }
        assertTrue(r.out().startsWith("MQTT-1.5.3-1   both    MUST    The character data"), r.out());
    }

    @Test
    void idsSelectStatements() {
        Run r = Run.main("statements", "--format", "tsv", "MQTT-3.1.2-24", "MQTT-1.5.3-2");
        assertEquals(3, r.outLines().length);
        assertTrue(r.outLines()[1].startsWith("MQTT-3.1.2-24\t3.1.2\tserver\tMUST\t"));
        assertTrue(r.outLines()[2].startsWith("MQTT-1.5.3-2\t"));
    }

    @Test
    void badValuesAndUnknownIdsAreOneLineUsageErrors() {
        Run r = Run.main("statements", "--applies-to", "broker");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("mqttconf statements: --applies-to must be server, client or both, not 'broker'"
                + " (see mqttconf statements --help)\n", r.err());
        String noSuchId = "MQTT" + "-3.1.2-99";
        Run unknown = Run.main("statements", noSuchId);
        assertEquals(Exit.USAGE, unknown.code());
        assertEquals("mqttconf statements: unknown statement id " + noSuchId + " (see mqttconf statements --help)\n",
                unknown.err());
        assertEquals("", unknown.out());
    }
}
