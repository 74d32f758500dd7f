package mqttconf.suite;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import mqttconf.suite.Runner.Report;

/** What a person reads: a line per finished test, then a table by chapter, failures with evidence, a summary. */
public final class ConsoleReport {
    private static final Map<String, String> CHAPTERS = new LinkedHashMap<>();

    static {
        String[] titles = {"1.5", "Data representation", "2.2", "Fixed header", "2.3", "Variable header",
            "3.1", "CONNECT", "3.2", "CONNACK", "3.3", "PUBLISH", "3.4", "PUBACK", "3.5", "PUBREC", "3.6", "PUBREL",
            "3.7", "PUBCOMP", "3.8", "SUBSCRIBE", "3.9", "SUBACK", "3.10", "UNSUBSCRIBE", "3.11", "UNSUBACK",
            "3.12", "PINGREQ", "3.13", "PINGRESP", "3.14", "DISCONNECT", "4.1", "Storing state",
            "4.3", "Quality of Service levels and protocol flows", "4.4", "Message delivery retry",
            "4.5", "Message receipt", "4.6", "Message ordering", "4.7", "Topic names and topic filters",
            "4.8", "Handling errors"};
        for (int i = 0; i < titles.length; i += 2) CHAPTERS.put(titles[i], titles[i + 1]);
    }

    private final PrintStream out;
    private final boolean quiet;
    private final int total;
    private int done;

    public ConsoleReport(PrintStream out, boolean quiet, int total) {
        this.out = out;
        this.quiet = quiet;
        this.total = total;
    }

    /** One line as each test finishes (nothing when quiet). */
    public synchronized void progress(Result r) {
        done++;
        if (quiet) return;
        String width = String.valueOf(total).length() + "";
        out.printf("[%" + width + "d/%d] %-8s %s (%d ms)%n", done, total, r.verdict(), r.test().name(),
                r.duration().toMillis());
    }

    /** The table by chapter, the failures with evidence, and the summary line. */
    public void finish(Report report, String target) {
        if (!quiet) table(report.results());
        for (Result r : report.results()) {
            if (r.verdict() != Verdict.FAIL && r.verdict() != Verdict.ERROR) continue;
            out.println();
            out.println(r.verdict() + " " + r.test().name() + " " + (r.failedStatements().isEmpty()
                    ? r.test().statementIds() : r.failedStatements()));
            out.println("  requires: " + r.test().requires());
            if (r.expected() != null) {
                out.println("  expected: " + r.expected());
                out.println("  observed: " + r.observed());
            } else {
                out.println("  " + r.summary());
            }
            if (!r.evidence().isEmpty()) out.print("  packets:\n" + r.evidence().indent(2));
        }
        causes(report);
        for (String p : report.cleanupProblems()) out.println("cleanup: " + p);
        out.println();
        out.println(summary(report) + " (" + Runner.seconds(report.wallTime()) + " against " + target + ")");
    }

    /** The moments the server stopped serving, then the distinct deviations behind the FAILs. */
    private void causes(Report report) {
        for (ServerEvent e : report.events()) {
            out.println();
            out.println("server event: " + e.description() + (e.recovered() ? "; serving again after "
                    + Runner.seconds(e.downFor()) : ""));
            if (!e.triggerTest().isEmpty()) out.println("  last packet before it: " + e.triggerTest() + ": " + e.bytesBefore());
        }
        if (report.rootCauses().isEmpty()) return;
        out.println();
        out.println(report.rootCauses().size() + " distinct deviations:");
        for (RootCause c : report.rootCauses()) {
            out.println("  " + (c.statementId().isEmpty() ? "(no statement)" : c.statementId()) + " " + c.behaviour());
            out.println("    " + c.tests().size() + " tests: " + String.join(", ", c.tests()));
            out.println("    first: " + c.firstEvidence());
        }
    }

    /** {@code N passed, N failed, N observed, N skipped}, with errors when there are any. */
    public static String summary(Report r) {
        String s = r.count(Verdict.PASS) + " passed, " + r.count(Verdict.FAIL) + " failed, "
                + r.count(Verdict.OBSERVED) + " observed, " + r.count(Verdict.SKIP) + " skipped";
        long errors = r.count(Verdict.ERROR);
        if (r.count(Verdict.NOT_SERVING) > 0) s += ", " + r.count(Verdict.NOT_SERVING) + " not serving";
        if (r.count(Verdict.INTERMITTENT) > 0) s += ", " + r.count(Verdict.INTERMITTENT) + " intermittent";
        return errors > 0 ? s + ", " + errors + " errors" : s;
    }

    /** The chapter of a test, e.g. {@code 3.1} for section 3.1.2. */
    public static String chapter(TestCase t) {
        String[] parts = t.section().split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    public static String chapterTitle(String chapter) {
        return chapter + " " + CHAPTERS.getOrDefault(chapter, "");
    }

    private void table(List<Result> results) {
        Map<String, List<Result>> byChapter = new TreeMap<>(ConsoleReport::compareSections);
        for (Result r : results) byChapter.computeIfAbsent(chapter(r.test()), k -> new java.util.ArrayList<>()).add(r);
        int nameWidth = results.stream().mapToInt(r -> r.test().name().length()).max().orElse(10);
        out.println();
        for (var e : byChapter.entrySet()) {
            out.println(chapterTitle(e.getKey()).strip());
            for (Result r : e.getValue()) {
                String why = r.verdict() == Verdict.FAIL ? "expected " + r.expected() : r.summary();
                out.printf("  %-8s %-" + nameWidth + "s %6d ms  %s%n", r.verdict(), r.test().name(),
                        r.duration().toMillis(), why).toString();
            }
        }
    }

    /** Orders section numbers numerically: 3.2 before 3.10. */
    static int compareSections(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
