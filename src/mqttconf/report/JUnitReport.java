package mqttconf.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

import mqttconf.suite.Result;
import mqttconf.suite.RootCause;
import mqttconf.suite.Runner.Report;
import mqttconf.suite.ServerEvent;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;

/**
 * JUnit XML in the shape of Jenkins xunit's junit-10.xsd, the strictest reader, so Jenkins, GitLab and GitHub
 * all take it. Names stay the same across runs and targets, so a CI server's history of a test holds: the
 * testsuite is {@code mqttconf}, a testcase is named by the test alone, its classname is {@code mqttconf.} and
 * the chapter as a word ({@code mqttconf.CONNECT}). The target, version and run settings are testsuite
 * properties; a test's statement ids, level and verdict open its system-out.
 *
 * <p>FAIL is a {@code <failure>} whose message starts with the statements whose checks failed; ERROR an
 * {@code <error>}; SKIP, NOT_SERVING and INTERMITTENT are {@code <skipped>} with the verdict as type (neither of
 * the last two is a failure of the server: the run's events and re-runs explain them); OBSERVED passes.
 */
public final class JUnitReport {
    static final String SUITE = "mqttconf";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private JUnitReport() {
    }

    public static String xml(Report report, RunInfo run) {
        long skipped = report.count(Verdict.SKIP) + report.count(Verdict.NOT_SERVING) + report.count(Verdict.INTERMITTENT);
        String tests = "\" tests=\"" + report.results().size() + "\" failures=\"" + report.count(Verdict.FAIL)
                + "\" errors=\"" + report.count(Verdict.ERROR) + "\"";
        String time = " time=\"" + secs(report.wallTime().toMillis()) + "\"";
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"").append(SUITE).append(tests).append(time).append(">\n");
        x.append("  <testsuite name=\"").append(SUITE).append(tests).append(" skipped=\"").append(skipped).append('"')
                .append(time).append(" timestamp=\"").append(TIMESTAMP.format(run.started())).append("\" hostname=\"")
                .append(attr(run.hostname())).append("\">\n");
        x.append("    <properties>\n");
        property(x, "target", run.target());
        property(x, "mqttconf.version", run.version());
        property(x, "started", run.started().toString());
        property(x, "interrupted", String.valueOf(run.interrupted()));
        for (Map.Entry<String, String> e : run.settings().entrySet()) property(x, e.getKey(), e.getValue());
        x.append("    </properties>\n");
        for (Result r : report.results()) testcase(x, r);
        String out = suiteOut(report, run);
        if (!out.isEmpty()) x.append("    <system-out>").append(esc(out)).append("</system-out>\n");
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static void testcase(StringBuilder x, Result r) {
        TestCase t = r.test();
        x.append("    <testcase name=\"").append(attr(t.name())).append("\" classname=\"").append(SUITE).append('.')
                .append(Chapters.word(Chapters.of(t))).append("\" time=\"").append(secs(r.duration().toMillis()))
                .append("\">\n");
        switch (r.verdict()) {
            case FAIL -> x.append("      <failure type=\"FAIL\" message=\"").append(attr(failMessage(r))).append("\">")
                    .append(esc(details(r))).append("</failure>\n");
            case ERROR -> x.append("      <error type=\"ERROR\" message=\"").append(attr(r.summary())).append("\">")
                    .append(esc(details(r))).append("</error>\n");
            case SKIP, NOT_SERVING, INTERMITTENT -> x.append("      <skipped type=\"").append(r.verdict())
                    .append("\" message=\"").append(attr(skipMessage(r))).append("\"/>\n");
            case PASS, OBSERVED -> { }
        }
        x.append("      <system-out>").append(esc(caseOut(r))).append("</system-out>\n");
        x.append("    </testcase>\n");
    }

    /** {@code [MQTT-3.1.2-2] summary}: the statements whose checks failed, else the test's own. */
    static String failMessage(Result r) {
        var ids = r.failedStatements().isEmpty() ? r.test().statementIds() : r.failedStatements();
        return "[" + String.join(", ", ids) + "] " + r.summary();
    }

    private static String skipMessage(Result r) {
        return switch (r.verdict()) {
            case NOT_SERVING -> "the server was not serving while this test ran (no statement blamed): " + r.summary();
            case INTERMITTENT -> "failed while other tests ran, passed alone (not a failure): " + r.summary();
            default -> r.summary();
        };
    }

    private static String caseOut(Result r) {
        TestCase t = r.test();
        StringBuilder s = new StringBuilder();
        s.append("statements: ").append(String.join(" ", t.statementIds())).append('\n');
        s.append("level: ").append(t.level()).append("; verdict: ").append(r.verdict()).append('\n');
        s.append("requires: ").append(t.requires()).append('\n');
        if (r.verdict() == Verdict.PASS || r.verdict() == Verdict.OBSERVED) {
            if (!r.summary().isEmpty()) s.append(r.verdict()).append(": ").append(r.summary()).append('\n');
        }
        return s.toString();
    }

    private static String details(Result r) {
        StringBuilder s = new StringBuilder();
        if (!r.deviations().isEmpty()) {
            for (var d : r.deviations()) {
                s.append('[').append(d.statementId()).append("] expected: ").append(d.expected())
                        .append("\n  observed: ").append(d.observed()).append('\n');
            }
        } else if (r.expected() != null) {
            s.append("expected: ").append(r.expected()).append("\nobserved: ").append(r.observed()).append('\n');
        } else {
            s.append(r.summary()).append('\n');
        }
        if (!r.evidence().isEmpty()) s.append("packets:\n").append(r.evidence());
        return s.toString();
    }

    /** The run's distinct deviations and server events, and the interruption: once, for the whole suite. */
    private static String suiteOut(Report report, RunInfo run) {
        StringBuilder s = new StringBuilder();
        if (run.interrupted()) s.append("interrupted: the run was stopped (SIGINT or SIGTERM); results are for what ran\n");
        for (RootCause c : report.rootCauses()) {
            s.append("deviation ").append(ConsoleReport.statement(c)).append(' ').append(c.behaviour()).append(" (")
                    .append(c.tests().size()).append(c.tests().size() == 1 ? " test: " : " tests: ")
                    .append(String.join(", ", c.tests())).append(")\n");
        }
        for (ServerEvent e : report.events()) s.append("server event: ").append(ConsoleReport.event(e)).append('\n');
        for (String p : report.cleanupProblems()) s.append("cleanup: ").append(p).append('\n');
        return s.toString();
    }

    private static void property(StringBuilder x, String name, String value) {
        x.append("      <property name=\"").append(attr(name)).append("\" value=\"").append(attr(value)).append("\"/>\n");
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** Text as XML character data; characters XML 1.0 cannot hold become U+FFFD. */
    static String esc(String s) {
        return esc(s, false);
    }

    /** Text as an attribute value: line breaks and tabs kept as references, or a reader turns them into spaces. */
    static String attr(String s) {
        return esc(s, true);
    }

    private static String esc(String s, boolean attribute) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                case '\n' -> b.append(attribute ? "&#10;" : "\n");
                case '\t' -> b.append(attribute ? "&#9;" : "\t");
                case '\r' -> b.append("&#13;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
