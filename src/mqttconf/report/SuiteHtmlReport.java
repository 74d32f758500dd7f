package mqttconf.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.suite.Deviation;
import mqttconf.suite.Result;
import mqttconf.suite.RootCause;
import mqttconf.suite.Runner.Report;
import mqttconf.suite.ServerEvent;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;

/**
 * A test-mode run as one self-contained HTML page (no external assets), to read in a browser or print: the
 * target, date, version and counts; the distinct deviations first; then chapter by chapter each test with its
 * verdict, statement ids linked to their text at the end of the page, and the packets of each FAIL and ERROR
 * folded under it. The only script opens the folds for printing.
 */
public final class SuiteHtmlReport {
    private static final String CSS = """
            body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;color:#222;max-width:1180px;padding:0 16px}
            h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:30px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
            .meta{color:#444}.meta b{color:#222;font-weight:600}.settings{color:#666;font-size:12px;margin:4px 0 12px}
            .banner{background:#fff3cd;border:1px solid #e0c060;padding:8px 12px;margin:10px 0;border-radius:4px}
            .counts span{display:inline-block;padding:2px 10px;border-radius:12px;margin:0 6px 6px 0;font-weight:600}
            .v{display:inline-block;white-space:nowrap;overflow-wrap:normal;min-width:64px;text-align:center;padding:1px 6px;border-radius:10px;font-size:12px;font-weight:600}
            .PASS{background:#2e7d32;color:#fff}.FAIL{background:#c62828;color:#fff}.OBSERVED{background:#1565c0;color:#fff}
            .SKIP{background:#9e9e9e;color:#fff}.ERROR{background:#6a1b9a;color:#fff}.NOT_SERVING{background:#ef6c00;color:#fff}
            .INTERMITTENT{background:#f9a825;color:#222}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;vertical-align:top}
            th{background:#f0f0f0;font-weight:600;font-size:13px}table.tests{table-layout:fixed}col.c-v{width:136px}col.c-n{width:27%}
            col.c-s{width:120px}col.c-t{width:70px}td{overflow-wrap:anywhere}tr.t td{border-bottom:1px solid #eee}
            tr.t.FAILrow{background:#fdecea}tr.t.ERRORrow{background:#f3e5f5}
            td.name{font-family:ui-monospace,monospace;font-size:13px;word-break:break-word}
            .req{font-family:system-ui,sans-serif;color:#666;font-size:12px}.ms{color:#666;font-size:12px;white-space:nowrap}
            a.id{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap;color:#0d47a1}
            .dev{border-left:6px solid #c62828;background:#fdecea;margin:6px 0;padding:6px 10px}
            .dev .tests{font-size:12px;color:#444}.ev{font-size:12px}
            pre{background:#fafafa;border:1px solid #ddd;padding:6px 8px;font-size:12px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
            details summary{cursor:pointer;color:#0d47a1;font-size:12px}
            .exp{font-size:13px}.exp b{font-weight:600}
            dl.st dt{font-family:ui-monospace,monospace;font-weight:600;margin-top:8px}dl.st dd{margin:2px 0 0 20px}
            dl.st dt:target,dl.st dt:target+dd{background:#fff59d}
            .filter{font-size:13px;color:#444;margin:8px 0}
            body:has(#only-problems:checked) tr.t.quiet{display:none}
            @media print{body{margin:0;max-width:none;font-size:11px}.filter{display:none}tr.t{break-inside:avoid}
              a{color:inherit;text-decoration:none}details::details-content{content-visibility:visible;display:block}}
            """;

    private final Report report;
    private final RunInfo run;
    private final Set<String> statementsShown = new LinkedHashSet<>();

    private SuiteHtmlReport(Report report, RunInfo run) {
        this.report = report;
        this.run = run;
    }

    public static String html(Report report, RunInfo run) {
        return new SuiteHtmlReport(report, run).page();
    }

    private String page() {
        StringBuilder out = new StringBuilder(256 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>mqttconf test ").append(esc(run.target())).append("</title><style>").append(CSS)
                .append("</style></head><body>\n");
        out.append("<h1>mqttconf test report: ").append(esc(run.target())).append("</h1>\n");
        out.append("<div class=\"meta\"><b>started</b> ").append(esc(run.startedLocal())).append(" &middot; <b>took</b> ")
                .append(ConsoleReport.seconds(report.wallTime())).append(" &middot; <b>host</b> ").append(esc(run.hostname()))
                .append(" &middot; <b>mqttconf</b> ").append(esc(run.version())).append("</div>\n");
        if (!run.settings().isEmpty()) {
            List<String> s = new ArrayList<>();
            run.settings().forEach((k, v) -> s.add(esc(k) + " " + esc(v)));
            out.append("<div class=\"settings\">settings: ").append(String.join(" &middot; ", s)).append("</div>\n");
        }
        if (run.interrupted()) {
            long ran = report.results().stream().filter(r -> !ConsoleReport.notStarted(r)).count();
            out.append("<div class=\"banner\"><b>Interrupted</b> (SIGINT or SIGTERM): ").append(ran).append(" of ")
                    .append(report.results().size()).append(" tests ran; the results below are for what ran.</div>\n");
        }
        counts(out);
        deviations(out);
        events(out);
        out.append("<div class=\"filter\"><label><input type=\"checkbox\" id=\"only-problems\"> show only FAIL, ERROR, ")
                .append("NOT_SERVING and INTERMITTENT</label></div>\n");
        chapters(out);
        statements(out);
        for (String p : report.cleanupProblems()) out.append("<p>cleanup: ").append(esc(p)).append("</p>\n");
        out.append("<script>addEventListener('beforeprint',()=>document.querySelectorAll('details')")
                .append(".forEach(d=>d.open=true))</script>\n");
        return out.append("</body></html>\n").toString();
    }

    private void counts(StringBuilder out) {
        out.append("<div class=\"counts\">");
        for (Verdict v : Verdict.values()) {
            long n = report.count(v);
            if (n == 0 && v != Verdict.PASS && v != Verdict.FAIL) continue;
            out.append("<span class=\"").append(v).append("\">").append(n).append(' ').append(ConsoleReport.word(v)).append("</span>");
        }
        out.append("</div>\n");
    }

    private void deviations(StringBuilder out) {
        List<RootCause> causes = report.rootCauses();
        Set<String> explained = new LinkedHashSet<>();
        out.append(causes.isEmpty() && report.count(Verdict.FAIL) > 0 ? "<h2>Failures</h2>\n"
                : "<h2>Distinct deviations (" + causes.size() + ")</h2>\n");
        if (causes.isEmpty() && report.count(Verdict.FAIL) == 0) out.append("<p>None: no MUST was seen broken.</p>\n");
        for (RootCause c : causes) {
            explained.addAll(c.tests());
            out.append("<div class=\"dev\">").append(c.statementId() == null || c.statementId().isEmpty() ? "(no statement)"
                    : idLink(c.statementId())).append(' ').append(esc(c.behaviour()))
                    .append("<div class=\"tests\">").append(c.tests().size()).append(c.tests().size() == 1 ? " test: " : " tests: ");
            List<String> links = new ArrayList<>();
            for (String t : c.tests()) links.add(ran(t) ? "<a href=\"#" + anchor(t) + "\">" + esc(t) + "</a>" : esc(t));
            out.append(String.join(", ", links)).append("</div>");
            if (!c.firstEvidence().isEmpty()) {
                out.append("<details class=\"ev\"><summary>first evidence</summary><pre>").append(esc(c.firstEvidence()))
                        .append("</pre></details>");
            }
            out.append("</div>\n");
        }
        Map<List<String>, List<Result>> groups = FailGroups.of(report.results(), explained);
        if (!groups.isEmpty()) {
            long n = groups.values().stream().mapToLong(List::size).sum();
            out.append("<p>").append(causes.isEmpty() ? "Failed tests" : "Failures no deviation above accounts for")
                    .append(" (").append(n).append("), by the statements they report:</p>\n");
            for (var g : groups.entrySet()) {
                List<Result> rs = g.getValue();
                out.append("<div class=\"dev\">");
                for (String id : g.getKey()) out.append(idLink(id)).append(' ');
                if (rs.size() > 1) out.append(rs.size()).append(" tests; first: ");
                out.append(esc(rs.get(0).summary())).append("<div class=\"tests\">");
                List<String> links = new ArrayList<>();
                for (Result r : rs) links.add("<a href=\"#" + anchor(r.test().name()) + "\">" + esc(r.test().name()) + "</a>");
                out.append(String.join(", ", links)).append("</div></div>\n");
            }
        }
    }

    private void events(StringBuilder out) {
        if (report.events().isEmpty()) return;
        out.append("<h2>The server stopped serving (").append(report.events().size()).append(")</h2>\n");
        for (ServerEvent e : report.events()) {
            out.append("<div class=\"dev\">").append(esc(ConsoleReport.event(e)));
            if (ran(e.triggerTest())) {
                out.append(" &middot; <a href=\"#").append(anchor(e.triggerTest())).append("\">the trigger</a>");
            }
            out.append("</div>\n");
        }
    }

    private void chapters(StringBuilder out) {
        Map<String, List<Result>> byChapter = new TreeMap<>(Chapters::compare);
        for (Result r : report.results()) byChapter.computeIfAbsent(Chapters.of(r.test()), k -> new ArrayList<>()).add(r);
        for (var e : byChapter.entrySet()) {
            Map<Verdict, Integer> counts = new LinkedHashMap<>();
            for (Result r : e.getValue()) counts.merge(r.verdict(), 1, Integer::sum);
            List<String> c = new ArrayList<>();
            counts.forEach((v, n) -> c.add(n + " " + ConsoleReport.word(v)));
            out.append("<h2 id=\"ch-").append(e.getKey()).append("\">").append(esc(Chapters.heading(e.getKey())))
                    .append(" <span class=\"ms\">").append(String.join(", ", c)).append("</span></h2>\n");
            out.append("<table class=\"tests\"><colgroup><col class=\"c-v\"><col class=\"c-n\"><col class=\"c-s\">")
                    .append("<col class=\"c-t\"><col></colgroup>")
                    .append("<tr><th>verdict</th><th>test</th><th>statements</th><th>time</th><th>result</th></tr>\n");
            for (Result r : e.getValue()) test(out, r);
            out.append("</table>\n");
        }
    }

    private void test(StringBuilder out, Result r) {
        TestCase t = r.test();
        Verdict v = r.verdict();
        boolean problem = v == Verdict.FAIL || v == Verdict.ERROR || v == Verdict.NOT_SERVING || v == Verdict.INTERMITTENT;
        out.append("<tr class=\"t ").append(v).append("row").append(problem ? "" : " quiet").append("\" id=\"")
                .append(anchor(t.name())).append("\"><td><span class=\"v ").append(v).append("\">").append(v)
                .append("</span></td><td class=\"name\">").append(esc(t.name())).append("<div class=\"req\">")
                .append(t.level()).append(": ").append(esc(t.requires())).append("</div></td><td>");
        Set<String> failed = new LinkedHashSet<>(r.failedStatements());
        for (String id : t.statementIds()) out.append(failed.contains(id) ? "<b>" + idLink(id) + "</b>" : idLink(id)).append("<br>");
        for (String id : failed) if (!t.statementIds().contains(id)) out.append("<b>").append(idLink(id)).append("</b><br>");
        out.append("</td><td class=\"ms\">").append(r.duration().toMillis()).append(" ms</td><td>");
        if (v == Verdict.FAIL) {
            if (!r.deviations().isEmpty()) {
                for (Deviation d : r.deviations()) {
                    out.append("<div class=\"exp\">").append(idLink(d.statementId())).append(" <b>expected</b> ")
                            .append(esc(String.valueOf(d.expected()))).append("<br><b>observed</b> ")
                            .append(esc(String.valueOf(d.observed()))).append("</div>");
                }
            } else if (r.expected() != null) {
                out.append("<div class=\"exp\"><b>expected</b> ").append(esc(r.expected())).append("<br><b>observed</b> ")
                        .append(esc(String.valueOf(r.observed()))).append("</div>");
            } else {
                out.append(esc(r.summary()));
            }
        } else {
            out.append(esc(r.summary()));
        }
        if (!r.evidence().isEmpty()) {
            long lines = r.evidence().lines().count();
            out.append("<details><summary>packets (").append(lines).append(lines == 1 ? " line" : " lines")
                    .append(")</summary><pre>").append(esc(r.evidence().stripTrailing())).append("</pre></details>");
        }
        out.append("</td></tr>\n");
    }

    /** True when the page has a row for this test, so a link to it leads somewhere. */
    private boolean ran(String testName) {
        return testName != null && report.results().stream().anyMatch(r -> r.test().name().equals(testName));
    }

    /** The text of every statement the page links to, in table order: where the id links lead. */
    private void statements(StringBuilder out) {
        if (statementsShown.isEmpty()) return;
        out.append("<h2 id=\"statements\">Statements</h2>\n<dl class=\"st\">\n");
        for (Statement s : Statements.all()) {
            if (!statementsShown.contains(s.id())) continue;
            out.append("<dt id=\"").append(s.id()).append("\">").append(s.id()).append(" <span class=\"ms\">")
                    .append(s.level()).append(", section ").append(esc(s.section())).append(", ")
                    .append(s.appliesTo().label()).append("</span></dt><dd>").append(esc(s.text())).append("</dd>\n");
        }
        out.append("</dl>\n");
    }

    private String idLink(String id) {
        boolean known = Statements.all().stream().anyMatch(s -> s.id().equals(id));
        if (!known) return "<span class=\"id\">" + esc(id) + "</span>";
        statementsShown.add(id);
        return "<a class=\"id\" href=\"#" + id + "\">" + id + "</a>";
    }

    /** An element id for a test: its name, which holds letters, digits, dots and dashes. */
    static String anchor(String testName) {
        StringBuilder a = new StringBuilder("t-");
        for (char c : testName.toCharArray()) a.append(Character.isLetterOrDigit(c) || c == '.' || c == '-' ? c : '_');
        return a.toString().toLowerCase(Locale.ROOT);
    }

    static String esc(String s) {
        return HtmlReport.esc(s);
    }
}
