package mqttconf.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import mqttconf.spec.Level;
import mqttconf.suite.MalformedCaseRunner.SetupException;
import mqttconf.suite.MalformedTable.Row;

/**
 * Every row of the malformed and edge-case packet table as a test: a MUST row whose expectation is not met
 * fails with what was sent and seen; a SHOULD or MAY row reports what the server did.
 */
final class MalformedTests {
    static final String PREFIX = "malformed.";

    private MalformedTests() {
    }

    static List<TestCase> all() {
        List<TestCase> tests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Row row : MalformedTable.load()) {
            String name = PREFIX + slug(row.name());
            if (!names.add(name)) throw new IllegalStateException("malformed.tsv:" + row.line() + ": test name " + name + " used twice");
            tests.add(new TestCase(name, row.ids(), Level.parse(row.level()),
                    "malformed.tsv line " + row.line() + ": " + row.expectText(), ctx -> run(ctx, row)));
        }
        return tests;
    }

    /** The row name in lower case with every run of other characters as one '-'; wildcards spelt out. */
    static String slug(String name) {
        String words = name.toLowerCase(Locale.ROOT).replace("+", " plus ").replace("#", " hash ");
        return words.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private static void run(Context ctx, Row row) throws Exception {
        if (row.acceptsOwnConnect() && ctx.config().username() != null) {
            throw new TestSkipped("the row sends its own CONNECT without credentials and expects it accepted; "
                    + "this run uses --username");
        }
        MalformedCaseRunner.Result r;
        try {
            r = new MalformedCaseRunner(ctx.config()).run(row, ctx.clientId("row"), ctx.topic("t"), ctx.transcript());
        } catch (SetupException e) {
            throw new TestSkipped(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        if (row.level().equals("MUST")) {
            if (!r.matched()) throw new TestFailure(row.expectText() + " after sending " + r.sent(), r.observed());
            return;
        }
        ctx.observe((r.matched() ? "as the row expects: " : "not as the row expects (" + row.expectText() + "): ")
                + r.observed());
    }
}
