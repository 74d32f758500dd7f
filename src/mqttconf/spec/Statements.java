package mqttconf.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of statements, loaded once from {@code /statements.tsv} on the
 * classpath (packed at the root of the jar).
 *
 * <p>Resolve ids once, into static final fields, and count with the object:
 * <pre>{@code
 * private static final Statement KEEP_ALIVE_EXPIRED = Statements.get("MQTT-3.1.2-24");
 * }</pre>
 */
public final class Statements {
    static final String RESOURCE = "/statements.tsv";
    static final String HEADER = "id\tsection\tapplies_to\tlevel\ttext\tunobservable";

    private Statements() {
    }

    /** Every statement in table order; {@code all().get(i).index() == i}. */
    public static List<Statement> all() {
        return Table.ALL;
    }

    /** The statement with this id, e.g. {@code MQTT-3.1.2-24}. */
    public static Statement get(String id) {
        Statement s = Table.BY_ID.get(id);
        if (s == null) {
            throw new IllegalArgumentException("unknown statement id " + id);
        }
        return s;
    }

    /** Number of statements in the table (141 for MQTT 3.1.1). */
    public static int size() {
        return Table.ALL.size();
    }

    /** Loaded on first use (lazy holder). */
    private static final class Table {
        static final List<Statement> ALL;
        static final Map<String, Statement> BY_ID;

        static {
            try (InputStream in = Statements.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                }
                ALL = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            Map<String, Statement> byId = new LinkedHashMap<>();
            for (Statement s : ALL) {
                if (byId.put(s.id(), s) != null) {
                    throw new IllegalStateException(RESOURCE + ": duplicate id " + s.id());
                }
            }
            BY_ID = Collections.unmodifiableMap(byId);
        }
    }

    /** Parses the table: a header line, then one statement per line, tab-separated. */
    static List<Statement> parse(BufferedReader in) throws IOException {
        String header = in.readLine();
        if (!HEADER.equals(header)) {
            throw new IllegalStateException(RESOURCE + ": header must be '" + HEADER + "', not '" + header + "'");
        }
        List<Statement> rows = new ArrayList<>();
        int lineNo = 1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            String[] f = line.split("\t", -1);
            if (f.length != 6) {
                throw new IllegalStateException(RESOURCE + " line " + lineNo + ": " + f.length + " columns, expected 6");
            }
            try {
                AppliesTo who = AppliesTo.parse(f[2]);
                if (who == AppliesTo.CLIENT && !f[5].isEmpty()) {
                    throw new IllegalArgumentException(f[0] + " binds clients only: unobservable must be empty");
                }
                rows.add(new Statement(rows.size(), f[0], f[1], who, Level.parse(f[3]), f[4], f[5]));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(RESOURCE + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rows);
    }
}
