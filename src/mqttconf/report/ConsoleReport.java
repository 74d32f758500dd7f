package mqttconf.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import mqttconf.suite.Result;
import mqttconf.suite.RootCause;
import mqttconf.suite.Runner.Report;
import mqttconf.suite.ServerEvent;
import mqttconf.suite.Verdict;

/**
 * What a person reads: a line per test as it finishes, then the summary: counts by chapter, the distinct
 * deviations (each once, with the tests that show it), errors, server events, and the counts line. The full
 * table by chapter and every FAIL's packets only with {@code --verbose}; with {@code --quiet} only the FAIL and
 * ERROR lines and the summary.
 */
public final class ConsoleReport {
    /** How much a person asked to see. */
    public enum Detail { QUIET, NORMAL, VERBOSE }

    private static final int NAMES_SHOWN = 4;

    private final PrintStream out;
    private final Detail detail;
    private final int total;
    private int done;

    public ConsoleReport(PrintStream out, Detail detail, int total) {
        this.out = out;
        this.detail = detail;
        this.total = total;
    }

    /** One line as each test finishes; when quiet, only for FAIL and ERROR; none for tests a stop kept from starting. */
    public synchronized void progress(Result r) {
        done++;
        if (notStarted(r)) return;
        if (detail == Detail.QUIET && r.verdict() != Verdict.FAIL && r.verdict() != Verdict.ERROR) return;
        String width = String.valueOf(total).length() + "";
        String line = String.format("[%" + width + "d/%d] %-8s %s (%d ms)", done, total, r.verdict(), r.test().name(),
                r.duration().toMillis());
        String why = switch (r.verdict()) {
            case PASS -> "";
            case FAIL -> JUnitReport.failMessage(r);
            default -> r.summary();
        };
        out.println(oneLine(why.isEmpty() ? line : line + " " + why));
    }

    /** The summary after the progress lines: chapters, deviations, errors, events, and the counts line. */
    public void finish(Report report, RunInfo run) {
        if (detail == Detail.VERBOSE) table(report.results());
        if (detail != Detail.QUIET) chapters(report.results());
        deviations(report);
        for (ServerEvent e : report.events()) {
            out.println();
            out.println(oneLine("server stopped serving: " + event(e)));
        }
        for (String p : report.cleanupProblems()) out.println(oneLine("cleanup: " + p));
        out.println();
        if (run.interrupted()) {
            out.println("interrupted: " + report.results().stream().filter(r -> !notStarted(r)).count() + " of "
                    + report.results().size() + " tests ran before the stop (SIGINT or SIGTERM)");
        }
        out.println(summary(report) + " (" + seconds(report.wallTime()) + " against " + run.target() + ")");
    }

    /** {@code N passed, N failed, N observed, N skipped}, and errors, not serving, intermittent when there are any. */
    public static String summary(Report r) {
        StringBuilder s = new StringBuilder().append(r.count(Verdict.PASS)).append(" passed, ")
                .append(r.count(Verdict.FAIL)).append(" failed, ").append(r.count(Verdict.OBSERVED)).append(" observed, ")
                .append(r.count(Verdict.SKIP)).append(" skipped");
        long errors = r.count(Verdict.ERROR), down = r.count(Verdict.NOT_SERVING), flaky = r.count(Verdict.INTERMITTENT);
        if (errors > 0) s.append(", ").append(errors).append(" errors");
        if (down > 0) s.append(", ").append(down).append(" not serving");
        if (flaky > 0) s.append(", ").append(flaky).append(" intermittent");
        return s.toString();
    }

    /** A server event in one line: what was seen, the likely trigger, whether it came back. */
    static String event(ServerEvent e) {
        StringBuilder s = new StringBuilder(e.description());
        if (e.triggerTest() != null && !e.triggerTest().isEmpty()) {
            s.append("; after ").append(e.triggerTest());
            if (e.bytesBefore() != null && !e.bytesBefore().isEmpty()) s.append(" sent ").append(e.bytesBefore());
        }
        s.append(e.recovered() ? "; serving again after " + seconds(e.downFor()) : "; did not come back");
        return s.toString();
    }

    /** A duration for people: {@code 3 s}, {@code 1.5 s}. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    static boolean notStarted(Result r) {
        return r.verdict() == Verdict.SKIP && r.duration().isZero() && r.summary().startsWith("not started");
    }

    private void chapters(List<Result> results) {
        Map<String, Map<Verdict, Integer>> byChapter = new TreeMap<>(Chapters::compare);
        for (Result r : results) {
            if (notStarted(r)) continue;
            byChapter.computeIfAbsent(Chapters.of(r.test()), k -> new EnumMap<>(Verdict.class)).merge(r.verdict(), 1, Integer::sum);
        }
        int width = byChapter.keySet().stream().mapToInt(c -> Chapters.heading(c).length()).max().orElse(10);
        out.println();
        for (var e : byChapter.entrySet()) {
            List<String> counts = new ArrayList<>();
            for (var v : e.getValue().entrySet()) counts.add(v.getValue() + " " + word(v.getKey()));
            out.println(oneLine(String.format("%-" + width + "s  %s", Chapters.heading(e.getKey()), String.join(", ", counts))));
        }
    }

    /** The distinct deviations; FAILs no root cause accounts for; ERRORs (ours or the environment's, not the server's). */
    private void deviations(Report report) {
        Set<String> explained = new HashSet<>();
        if (!report.rootCauses().isEmpty()) {
            out.println();
            out.println("distinct deviations (" + report.rootCauses().size() + "):");
            for (RootCause c : report.rootCauses()) {
                explained.addAll(c.tests());
                out.println(oneLine("  " + statement(c) + " " + c.behaviour() + ": " + names(c.tests())));
                if (!c.firstEvidence().isEmpty()) out.println(oneLine("    first seen: " + c.firstEvidence().strip().lines().findFirst().orElse("")));
            }
        }
        Map<List<String>, List<Result>> groups = FailGroups.of(report.results(), explained);
        if (!groups.isEmpty()) {
            long n = groups.values().stream().mapToLong(List::size).sum();
            out.println();
            out.println((report.rootCauses().isEmpty() ? "failed" : "other failures") + " (" + n + "), by statement:");
            for (var g : groups.entrySet()) {
                List<Result> rs = g.getValue();
                String head = "  [" + String.join(", ", g.getKey()) + "] ";
                if (rs.size() == 1) {
                    out.println(oneLine(head + rs.get(0).test().name() + ": " + rs.get(0).summary()));
                } else {
                    out.println(oneLine(head + names(rs.stream().map(r -> r.test().name()).toList()) + "; first: "
                            + rs.get(0).summary()));
                }
                if (detail == Detail.VERBOSE) {
                    for (Result r : rs) if (!r.evidence().isEmpty()) out.print(trimLines((r.test().name() + "\n" + r.evidence()).indent(4)));
                }
            }
        }
        List<Result> errors = report.results().stream().filter(r -> r.verdict() == Verdict.ERROR).toList();
        if (!errors.isEmpty()) {
            out.println();
            out.println("errors (" + errors.size() + ", the test could not run; not the server's fault):");
            for (Result r : errors) out.println(oneLine("  " + r.test().name() + ": " + r.summary()));
        }
    }

    /** {@code [MQTT-3.1.2-2]}, or {@code (no statement)} for a cause no numbered statement covers. */
    static String statement(RootCause c) {
        return c.statementId() == null || c.statementId().isEmpty() ? "(no statement)" : "[" + c.statementId() + "]";
    }

    private static String names(List<String> tests) {
        String n = tests.size() + (tests.size() == 1 ? " test (" : " tests (");
        List<String> shown = tests.subList(0, Math.min(NAMES_SHOWN, tests.size()));
        String more = tests.size() > NAMES_SHOWN ? ", +" + (tests.size() - NAMES_SHOWN) + " more" : "";
        return n + String.join(", ", shown) + more + ")";
    }

    private void table(List<Result> results) {
        Map<String, List<Result>> byChapter = new TreeMap<>(Chapters::compare);
        for (Result r : results) byChapter.computeIfAbsent(Chapters.of(r.test()), k -> new ArrayList<>()).add(r);
        int nameWidth = results.stream().mapToInt(r -> r.test().name().length()).max().orElse(10);
        for (var e : byChapter.entrySet()) {
            out.println();
            out.println(Chapters.heading(e.getKey()));
            for (Result r : e.getValue()) {
                String why = r.verdict() == Verdict.FAIL ? JUnitReport.failMessage(r) : r.summary();
                out.println(oneLine(String.format("  %-8s %-" + nameWidth + "s %6d ms  %s", r.verdict(), r.test().name(),
                        r.duration().toMillis(), why)));
            }
        }
    }

    static String word(Verdict v) {
        return switch (v) {
            case PASS -> "passed";
            case FAIL -> "failed";
            case OBSERVED -> "observed";
            case SKIP -> "skipped";
            case ERROR -> "errors";
            case NOT_SERVING -> "not serving";
            case INTERMITTENT -> "intermittent";
        };
    }

    /**
     * Line breaks folded into spaces, other control characters (a server's bytes may hold terminal escapes)
     * shown as U+FFFD, no trailing blanks: one line on the console.
     */
    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").replaceAll("[\\p{Cntrl}\\p{Cs}&&[^\\t]]", "\uFFFD").stripTrailing();
    }

    private static String trimLines(String block) {
        StringBuilder b = new StringBuilder();
        block.lines().forEach(l -> b.append(l.stripTrailing()).append('\n'));
        return b.toString();
    }
}
