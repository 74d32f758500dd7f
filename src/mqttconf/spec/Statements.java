package mqttconf.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
        Statement[] byId = Table.BY_ID;
        int mask = byId.length - 1;
        for (int i = Table.slot(id, mask); byId[i] != null; i = (i + 1) & mask) {
            if (byId[i].id().equals(id)) return byId[i];
        }
        throw new IllegalArgumentException("unknown statement id " + id);
    }

    /** Number of statements in the table (141 for MQTT 3.1.1). */
    public static int size() {
        return Table.ALL.size();
    }

    /**
     * Loaded on first use (lazy holder). The broker looks statements up by the literal id where it counts them,
     * several times a message, so {@code BY_ID} is a table of its own, open-addressed by the id's hash and at
     * most a quarter full: a lookup is a probe or two, and the ids are interned so that a literal id is the very
     * string it meets there.
     */
    private static final class Table {
        static final List<Statement> ALL;
        static final Statement[] BY_ID;

        static {
            try (InputStream in = Statements.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is missing from the classpath");
                }
                ALL = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            BY_ID = new Statement[Integer.highestOneBit(Math.max(1, ALL.size()) * 4 - 1) << 1];
            int mask = BY_ID.length - 1;
            for (Statement s : ALL) {
                int i = slot(s.id(), mask);
                for (; BY_ID[i] != null; i = (i + 1) & mask) {
                    if (BY_ID[i].id().equals(s.id())) {
                        throw new IllegalStateException(RESOURCE + ": duplicate id " + s.id());
                    }
                }
                BY_ID[i] = s;
            }
        }

        static int slot(String id, int mask) {
            int h = id.hashCode();
            return (h ^ h >>> 16) & mask;
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
                rows.add(new Statement(rows.size(), f[0].intern(), f[1], who, Level.parse(f[3]), f[4], f[5]));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(RESOURCE + " line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rows);
    }
}
