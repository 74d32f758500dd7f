package mqttconf.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class StatementsTest {
    /** Well-formed but not in the standard (written in two parts so the id scan passes over it). */
    static final String NO_SUCH_ID = "MQTT" + "-3.1.2-99";
    /** The source data, beside the repository (tests run with the repository as working directory). */
    static final Path SHARED = Path.of("..", "shared", "statements", "mqtt-3.1.1-appendix-b.tsv");

    @Test
    void tableHas141StatementsInIndexOrderWithUniqueIds() {
        List<Statement> all = Statements.all();
        assertEquals(141, all.size());
        assertEquals(141, Statements.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).index());
            assertTrue(ids.add(all.get(i).id()), "duplicate " + all.get(i).id());
        }
    }

    @Test
    void idsAreWellFormedAndMatchTheirSection() {
        Pattern shape = Pattern.compile("MQTT-(\\d+\\.\\d+\\.\\d+)-\\d+");
        for (Statement s : Statements.all()) {
            Matcher m = shape.matcher(s.id());
            assertTrue(m.matches(), s.id());
            assertEquals(m.group(1), s.section(), s.id());
            assertTrue(!s.text().isBlank(), s.id());
        }
    }

    @Test
    void appliesToSplitsAs69Server33Client39Both() {
        Map<AppliesTo, Integer> counts = new EnumMap<>(AppliesTo.class);
        Statements.all().forEach(s -> counts.merge(s.appliesTo(), 1, Integer::sum));
        assertEquals(Map.of(AppliesTo.SERVER, 69, AppliesTo.CLIENT, 33, AppliesTo.BOTH, 39), counts);
    }

    @Test
    void levelIsTheStrongestKeywordOfTheText() {
        Pattern ref = Pattern.compile("\\[(MQTT-[\\d.]+-\\d+)]");
        for (Statement s : Statements.all()) {
            Level expected;
            if (s.text().matches(".*\\bMUST\\b.*")) {
                expected = Level.MUST;
            } else if (s.text().matches(".*\\bSHOULD\\b.*")) {
                expected = Level.SHOULD;
            } else if (s.text().matches(".*\\bMAY\\b.*")) {
                expected = Level.MAY;
            } else {
                Matcher m = ref.matcher(s.text());
                assertTrue(m.find(), s.id() + " has no keyword and refers to no statement");
                expected = Statements.get(m.group(1)).level();
            }
            assertEquals(expected, s.level(), s.id());
        }
    }

    @Test
    void getFindsByIdAndRejectsUnknownIds() {
        Statement keepAlive = Statements.get("MQTT-3.1.2-24");
        assertEquals("3.1.2", keepAlive.section());
        assertEquals(AppliesTo.SERVER, keepAlive.appliesTo());
        assertEquals(3, keepAlive.chapter());
        assertEquals("MQTT-3.1.2-24", keepAlive.toString());
        assertSame(keepAlive, Statements.all().get(keepAlive.index()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Statements.get(NO_SUCH_ID));
        assertEquals("unknown statement id " + NO_SUCH_ID, e.getMessage());
    }

    @Test
    void unobservableGivesAReasonForServerStatementsOnly() {
        List<String> unobservable = Statements.all().stream().filter(s -> !s.observable()).map(Statement::id).toList();
        assertEquals(List.of("MQTT-3.2.2-6", "MQTT-3.3.5-2", "MQTT-4.8.0-2", "MQTT-7.0.0-1", "MQTT-7.0.0-2"), unobservable);
        for (Statement s : Statements.all()) {
            if (s.appliesTo() == AppliesTo.CLIENT) assertTrue(s.observable(), s.id());
        }
        assertEquals("no client can provoke a transient error", Statements.get("MQTT-4.8.0-2").unobservable());
    }

    @Test
    void aReasonOnAClientStatementIsRejected() {
        String text = Statements.HEADER + "\nMQTT-3.1.2-11\t3.1.2\tclient\tMUST\tx\tno reason\n";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Statements.parse(new java.io.BufferedReader(new java.io.StringReader(text))));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void chapterIsTheFirstNumberOfTheSection() {
        assertEquals(1, Statements.get("MQTT-1.5.3-1").chapter());
        assertEquals(4, Statements.get("MQTT-4.7.1-1").chapter());
    }

    @Test
    void tableMatchesTheSharedAppendixBData() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(SHARED),
                "shared statements data not found at " + SHARED.toAbsolutePath().normalize());
        List<String> lines = Files.readAllLines(SHARED, StandardCharsets.UTF_8);
        assertEquals("id\tsection\tapplies_to\ttext", lines.get(0));
        List<String> expected = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            expected.add(f[0] + " | " + f[1] + " | " + f[2] + " | " + f[3]);
        }
        List<String> actual = Statements.all().stream()
                .map(s -> s.id() + " | " + s.section() + " | " + s.appliesTo().label() + " | " + s.text())
                .toList();
        assertEquals(expected, actual);
    }
}
