package mqttconf.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MUST broken by the server: the statement(s) the failed check enforces, what the standard expected and what
 * was observed on the wire. Without explicit ids, the ids written in brackets in {@code expected} are the check's.
 */
public final class TestFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("\\[(MQTT-[0-9.]+-[0-9]+)\\]");
    private final String expected;
    private final String observed;
    private final transient List<String> statementIds;

    public TestFailure(String expected, String observed) {
        this(idsIn(expected), expected, observed);
    }

    public TestFailure(String statementId, String expected, String observed) {
        this(List.of(statementId), expected, observed);
    }

    public TestFailure(List<String> statementIds, String expected, String observed) {
        super("expected " + expected + "; observed " + observed);
        this.expected = expected;
        this.observed = observed;
        this.statementIds = List.copyOf(statementIds);
    }

    public String expected() {
        return expected;
    }

    public String observed() {
        return observed;
    }

    /** The statements the failed check enforces; empty when no statement covers it (e.g. a malformed reply). */
    public List<String> statementIds() {
        return statementIds;
    }

    /** One deviation per statement of the check (one without a statement when it has none). */
    List<Deviation> deviations() {
        if (statementIds.isEmpty()) return List.of(new Deviation("", expected, observed));
        return statementIds.stream().map(id -> new Deviation(id, expected, observed)).toList();
    }

    /** The ids written as {@code [MQTT-x.y.z-n]} in {@code text}, in order, each once. */
    static List<String> idsIn(String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(text == null ? "" : text);
        while (m.find()) if (!ids.contains(m.group(1))) ids.add(m.group(1));
        return ids;
    }
}
