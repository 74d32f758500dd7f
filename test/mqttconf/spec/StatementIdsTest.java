package mqttconf.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Every statement id written in src/ or test/ must exist in statements.tsv. */
class StatementIdsTest {
    /**
     * Anything that looks like an id: MQTT, then '-', ' ', '_' or nothing, then
     * digits, dots and dashes. Catches misprinted forms (a dot for the last
     * dash, a dash for a dot) and draft ids, not just well-formed ones.
     */
    private static final Pattern CANDIDATE = Pattern.compile("MQTT([-_ ]?)(\\d[\\d.-]*)");
    private static final String DASH = "-";

    /** The id-like tokens in a line that are not ids of the table. */
    static List<String> unknownIds(String line) {
        List<String> bad = new ArrayList<>();
        Matcher m = CANDIDATE.matcher(line);
        while (m.find()) {
            String token = m.group().replaceAll("[.-]+$", "");
            boolean dashed = m.group(1).equals(DASH);
            if (!dashed && !token.matches(".*\\d-\\d.*")) {
                continue; // "MQTT 3.1.1" names the protocol version, not a statement
            }
            if (!dashed || !known(token)) {
                bad.add(token);
            }
        }
        return bad;
    }

    private static boolean known(String id) {
        try {
            Statements.get(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void everyIdInSourcesAndTestsIsInTheTable() throws IOException {
        List<String> problems = new ArrayList<>();
        int files = 0;
        for (String root : List.of("src", "test")) {
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(Path.of(root))) {
                paths = walk.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path p : paths) {
                files++;
                // ISO-8859-1 reads any bytes; ids are ASCII.
                List<String> lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
                for (int n = 0; n < lines.size(); n++) {
                    for (String id : unknownIds(lines.get(n))) {
                        problems.add(p + ":" + (n + 1) + ": " + id);
                    }
                }
            }
        }
        assertTrue(files > 10, "scanned only " + files + " files: is the working directory the repository?");
        assertTrue(problems.isEmpty(), "ids not in statements.tsv:\n" + String.join("\n", problems));
    }

    @Test
    void knownIdsPass() {
        assertEquals(List.of(), unknownIds("PUBLISH with QoS 3 [" + "MQTT" + "-3.3.1-4]."));
        assertEquals(List.of(), unknownIds("Statements.get(\"" + "MQTT" + "-3.1.2-24\")"));
        assertEquals(List.of(), unknownIds("an " + "MQTT" + " 3.1.1 conformance kit, " + "MQTT" + " 3.1.1-compliant"));
    }

    @Test
    void unknownAndMisprintedIdsAreReported() {
        String m = "MQTT";
        assertEquals(List.of(m + "-3.1.2-99"), unknownIds("see [" + m + "-3.1.2-99]"));
        assertEquals(List.of(m + "-3.1.2.7"), unknownIds("(" + m + "-3.1.2.7)"));
        assertEquals(List.of(m + "-3-8.3-4"), unknownIds(m + "-3-8.3-4 and"));
        assertEquals(List.of(m + "-3.3.1.-1"), unknownIds(m + "-3.3.1.-1"));
        assertEquals(List.of(m + " 3.1.2-24", m + "_3.1.2-24"), unknownIds(m + " 3.1.2-24, " + m + "_3.1.2-24"));
        assertEquals(List.of(m + "3.1.2-24"), unknownIds(m + "3.1.2-24"));
    }
}
