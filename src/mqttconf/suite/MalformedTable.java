package mqttconf.suite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The malformed and edge-case packet table ({@code malformed.tsv} beside this class): what to send and what a
 * server must do about it. See the table's header for the columns and the expectation syntax.
 */
public final class MalformedTable {
    /** When the row's bytes are sent: after a valid CONNECT and its CONNACK, or as the first bytes. */
    public enum After { CONNECT, NOTHING }

    /**
     * How a connection ends up after the replies; MALFORMED when the server sent bytes that are not a packet (the
     * client stops reading there, so whether the server then closed is unknown: never an outcome a row allows).
     */
    public enum Terminal { CLOSE, OPEN, SILENT, MALFORMED }

    /**
     * One acceptable outcome: these reply packets (byte patterns, -1 = any byte) and then this terminal. Replies
     * may come in any order, since no statement orders the replies of different flows; only a CONNACK must come
     * first [MQTT-3.2.0-1].
     */
    public record Outcome(List<int[]> replies, Terminal terminal) {
        public boolean matches(List<byte[]> observed, Terminal end) {
            if (end != terminal || observed.size() != replies.size()) return false;
            if (!replies.isEmpty() && replies.get(0)[0] == 0x20 && !fits(replies.get(0), observed.get(0))) return false;
            return assign(observed, 0, new boolean[replies.size()]);
        }

        private boolean assign(List<byte[]> observed, int i, boolean[] used) {
            if (i == observed.size()) return true;
            for (int k = 0; k < replies.size(); k++) {
                if (used[k] || !fits(replies.get(k), observed.get(i))) continue;
                used[k] = true;
                if (assign(observed, i + 1, used)) return true;
                used[k] = false;
            }
            return false;
        }

        static boolean fits(int[] want, byte[] got) {
            if (want.length != got.length) return false;
            for (int k = 0; k < want.length; k++) if (want[k] >= 0 && want[k] != (got[k] & 0xff)) return false;
            return true;
        }
    }

    /**
     * One row. {@code ids} are every statement the row covers; {@code context} are those among them written in
     * parentheses in the table: the sender's rule the row's bytes break on purpose, or a rule the packet is valid
     * under. They are never what a failure breaks: the server's obligations are the others ({@link #judged}).
     */
    public record Row(int line, String name, List<String> ids, List<String> context, String level, After after,
                      String send, List<Outcome> expect, String expectText) {
        /** The statements a failure of this row may break: its ids outside the context. */
        public List<String> judged() {
            return ids.stream().filter(id -> !context.contains(id)).toList();
        }

        public int maxReplies() {
            return expect.stream().mapToInt(o -> o.replies().size()).max().orElse(0);
        }

        public boolean allowsOnly(Terminal t) {
            return expect.stream().allMatch(o -> o.terminal() == t);
        }

        public boolean allows(Terminal t) {
            return expect.stream().anyMatch(o -> o.terminal() == t);
        }

        /** True if an outcome has a PUBLISH among its replies. */
        public boolean expectsPublish() {
            return expect.stream().anyMatch(o -> o.replies().stream().anyMatch(r -> r[0] >= 0 && r[0] >> 4 == 3));
        }

        /** True if an outcome is a CONNACK accepting the row's own CONNECT (which carries no credentials). */
        public boolean acceptsOwnConnect() {
            return after == After.NOTHING && expect.stream().anyMatch(o -> !o.replies().isEmpty()
                    && Arrays.equals(o.replies().get(0), new int[] {0x20, 0x02, 0x00, 0x00}));
        }
    }

    private static final String RESOURCE = "malformed.tsv";

    private MalformedTable() {
    }

    /** The table shipped in the jar. */
    public static List<Row> load() {
        try (InputStream in = MalformedTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " missing from the jar");
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Row> parse(List<String> lines) {
        List<Row> rows = new ArrayList<>();
        boolean header = true;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) continue;
            if (header) {
                header = false;
                continue;
            }
            String[] c = line.split("\t", -1);
            if (c.length != 6) throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": expected 6 columns, found " + c.length);
            After after = switch (c[3]) {
                case "connect" -> After.CONNECT;
                case "nothing" -> After.NOTHING;
                default -> throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": after must be connect or nothing");
            };
            List<String> ids = new ArrayList<>();
            List<String> context = new ArrayList<>();
            for (String id : c[1].split(",")) {
                boolean inContext = id.startsWith("(") && id.endsWith(")");
                String bare = inContext ? id.substring(1, id.length() - 1) : id;
                ids.add(bare);
                if (inContext) context.add(bare);
            }
            if (context.size() == ids.size()) {
                throw new IllegalArgumentException(RESOURCE + ":" + (i + 1) + ": every id in parentheses: name the statement a failure breaks");
            }
            rows.add(new Row(i + 1, c[0], List.copyOf(ids), List.copyOf(context), c[2], after, c[4], expectation(c[5], i + 1), c[5]));
        }
        return rows;
    }

    private static List<Outcome> expectation(String text, int line) {
        List<Outcome> out = new ArrayList<>();
        for (String alt : text.split("\\|\\|")) {
            String a = alt.trim();
            int arrow = a.lastIndexOf("->");
            String terminal = (arrow < 0 ? a : a.substring(arrow + 2)).trim();
            List<int[]> replies = new ArrayList<>();
            if (arrow >= 0) for (String p : a.substring(0, arrow).split("\\|")) replies.add(pattern(p.trim(), line));
            Terminal t = switch (terminal) {
                case "close" -> Terminal.CLOSE;
                case "open" -> Terminal.OPEN;
                case "silent" -> Terminal.SILENT;
                default -> throw new IllegalArgumentException(RESOURCE + ":" + line + ": unknown terminal '" + terminal + "'");
            };
            out.add(new Outcome(replies, t));
        }
        return out;
    }

    private static int[] pattern(String hex, int line) {
        String[] tok = hex.split("\\s+");
        int[] p = new int[tok.length];
        for (int i = 0; i < tok.length; i++) {
            if (tok[i].equals("??")) p[i] = -1;
            else if (tok[i].matches("[0-9a-f]{2}")) p[i] = Integer.parseInt(tok[i], 16);
            else throw new IllegalArgumentException(RESOURCE + ":" + line + ": bad reply byte '" + tok[i] + "'");
        }
        return p;
    }
}
