package mqttconf.suite;

import java.util.Locale;

import mqttconf.suite.Runner.Report;

/**
 * JUnit XML as Jenkins, GitLab and GitHub read it: one testsuite, one testcase per test named with its
 * statement ids, the ids, level and verdict as properties, FAIL as {@code <failure>} with expected, observed and
 * the packets, ERROR as {@code <error>}, SKIP as {@code <skipped>}, OBSERVED as a passing case with its note.
 */
public final class JUnitReport {
    private JUnitReport() {
    }

    public static String xml(Report report, String target) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        String counts = " tests=\"" + report.results().size() + "\" failures=\"" + report.count(Verdict.FAIL)
                + "\" errors=\"" + report.count(Verdict.ERROR) + "\" skipped=\"" + report.count(Verdict.SKIP)
                + "\" time=\"" + secs(report.wallTime().toMillis()) + "\"";
        x.append("<testsuites name=\"mqttconf\"").append(counts).append(">\n");
        x.append("  <testsuite name=\"").append(esc("mqttconf test " + target)).append('"').append(counts).append(">\n");
        for (Result r : report.results()) {
            TestCase t = r.test();
            x.append("    <testcase classname=\"mqttconf.").append(esc(ConsoleReport.chapter(t))).append("\" name=\"")
                    .append(esc(t.name() + " " + t.statementIds())).append("\" time=\"")
                    .append(secs(r.duration().toMillis())).append("\">\n");
            x.append("      <properties>\n");
            for (String id : t.statementIds()) property(x, "statement", id);
            property(x, "level", t.level().name());
            property(x, "verdict", r.verdict().name());
            x.append("      </properties>\n");
            switch (r.verdict()) {
                case FAIL -> x.append("      <failure message=\"").append(esc(r.summary())).append("\" type=\"FAIL\">")
                        .append(esc(details(r))).append("</failure>\n");
                case ERROR -> x.append("      <error message=\"").append(esc(r.summary())).append("\" type=\"ERROR\">")
                        .append(esc(details(r))).append("</error>\n");
                case SKIP -> x.append("      <skipped message=\"").append(esc(r.summary())).append("\"/>\n");
                case PASS, OBSERVED -> {
                    if (!r.summary().isEmpty()) {
                        x.append("      <system-out>").append(esc(r.verdict() + ": " + r.summary())).append("</system-out>\n");
                    }
                }
            }
            x.append("    </testcase>\n");
        }
        return x.append("  </testsuite>\n</testsuites>\n").toString();
    }

    private static String details(Result r) {
        String head = r.expected() != null ? "expected: " + r.expected() + "\nobserved: " + r.observed() : r.summary();
        return "requires: " + r.test().requires() + "\n" + head + (r.evidence().isEmpty() ? "" : "\npackets:\n" + r.evidence());
    }

    private static void property(StringBuilder x, String name, String value) {
        x.append("        <property name=\"").append(esc(name)).append("\" value=\"").append(esc(value)).append("\"/>\n");
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }

    /** Text as XML character data or attribute value; characters XML 1.0 cannot hold become U+FFFD. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                case '\n', '\t' -> b.append(c);
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
