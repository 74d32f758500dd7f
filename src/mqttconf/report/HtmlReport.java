package mqttconf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * A {@link BrokerReport} as one self-contained HTML page (no scripts, no external assets): a summary per client
 * id, then the statements chapter by chapter, coloured breached / exercised / not reached, with the evidence of
 * every breach under its statement.
 */
final class HtmlReport {
    private static final Map<Integer, String> CHAPTERS = Map.of(1, "Introduction", 2, "MQTT Control Packet format",
            3, "MQTT Control Packets", 4, "Operational behavior", 5, "Security", 6, "Using WebSocket as a network transport",
            7, "Conformance");
    private static final String CSS = """
            body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
            .meta{color:#666;margin-bottom:16px}
            table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;vertical-align:top}
            th{background:#f0f0f0;font-weight:600}tr.client td{border-bottom:1px solid #eee}
            .legend span,.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;margin-right:6px}
            .st{border-left:6px solid #bbb;margin:4px 0;padding:4px 10px;background:#f7f7f7}
            .st.breached{border-color:#c62828;background:#fdecea}.st.exercised{border-color:#2e7d32;background:#edf7ee}
            .st.unreached{border-color:#9e9e9e;background:#f5f5f5;color:#666}
            .b-breached{background:#c62828;color:#fff}.b-exercised{background:#2e7d32;color:#fff}.b-unreached{background:#9e9e9e;color:#fff}
            .id{font-weight:600;font-family:ui-monospace,monospace}.who{color:#555;font-size:12px;margin-left:6px}
            .counts{float:right;color:#444;font-size:12px}.text{font-size:13px;margin-top:2px}
            .ev{margin:6px 0 2px 0;padding:6px 8px;background:#fff;border:1px solid #e3b5b1;border-radius:4px;font-size:12px}
            .ev code{font-family:ui-monospace,monospace;word-break:break-all}.ok{color:#2e7d32}.bad{color:#c62828;font-weight:600}
            """;

    private final BrokerReport r;

    HtmlReport(BrokerReport report) {
        this.r = report;
    }

    private enum Status { BREACHED, EXERCISED, UNREACHED }

    private Status status(Statement s, List<Breach> evidence) {
        if (r.violated[s.index()] > 0 || !evidence.isEmpty()) return Status.BREACHED;
        if (r.exercised[s.index()] > 0 || checked(s) > 0) return Status.EXERCISED;
        return Status.UNREACHED;
    }

    private long checked(Statement s) {
        long n = 0;
        for (ClientRecord c : r.clients) n += c.checkedCount(s);
        return n;
    }

    String html() {
        StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>mqttconf broker report</title><style>").append(CSS).append("</style></head><body>\n");
        out.append("<h1>mqttconf broker report</h1><div class=\"meta\">").append(BrokerReport.time(r.taken))
                .append(" &middot; server statements exercised ").append(r.server.found().size()).append(" of ")
                .append(r.server.statements().size()).append(" (").append(r.server.percent()).append("%)")
                .append(" &middot; client obligations checked ").append(r.obligationsChecked()).append(" of ")
                .append(BrokerReport.clientStatements().size()).append("</div>\n");
        out.append("<div class=\"legend\"><span class=\"b-breached\">breached</span><span class=\"b-exercised\">")
                .append("exercised or checked</span><span class=\"b-unreached\">not reached</span></div>\n");
        clients(out);
        List<Statement> all = Statements.all();
        int chapter = 0;
        for (Statement s : all) {
            if (s.chapter() != chapter) {
                chapter = s.chapter();
                out.append("<h2>").append(chapter).append(". ").append(esc(CHAPTERS.getOrDefault(chapter, ""))).append("</h2>\n");
            }
            statement(out, s);
        }
        List<Breach> unnumbered = new ArrayList<>();
        for (ClientRecord c : r.clients) for (Breach b : c.breaches()) if (b.statement() == null) unnumbered.add(b);
        if (!unnumbered.isEmpty()) {
            out.append("<h2>Breaches of rules without a statement number</h2><div class=\"st breached\">");
            for (Breach b : unnumbered) evidence(out, b);
            out.append("</div>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private void clients(StringBuilder out) {
        out.append("<h2>Clients</h2>");
        if (r.clients.isEmpty()) {
            out.append("<p>No client connected.</p>\n");
            return;
        }
        int total = BrokerReport.clientStatements().size();
        out.append("<table><tr><th>client id</th><th>connections</th><th>obligations checked</th><th>breaches</th>")
                .append("<th>statements breached</th></tr>\n");
        for (ClientRecord c : r.clients) {
            StringBuilder ids = new StringBuilder();
            for (Statement s : Statements.all()) if (c.breachedCount(s) > 0) ids.append(s.id()).append(' ');
            if (c.unnumberedCount() > 0) ids.append("unnumbered");
            long n = c.breachCount();
            out.append("<tr class=\"client\"><td class=\"id\">").append(esc(c.clientId())).append("</td><td>")
                    .append(c.connections()).append("</td><td>").append(BrokerReport.checked(c)).append(" of ").append(total)
                    .append("</td><td class=\"").append(n == 0 ? "ok\">0 &#10003;" : "bad\">" + n).append("</td><td>")
                    .append(esc(ids.toString().strip())).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private void statement(StringBuilder out, Statement s) {
        List<Breach> evidence = new ArrayList<>();
        for (ClientRecord c : r.clients) for (Breach b : c.breaches()) if (b.statement() == s) evidence.add(b);
        Status st = status(s, evidence);
        String cls = st.name().toLowerCase(Locale.ROOT);
        out.append("<div class=\"st ").append(cls).append("\" id=\"").append(s.id()).append("\">")
                .append("<span class=\"counts\">");
        if (r.exercised[s.index()] > 0) out.append("exercised ").append(r.exercised[s.index()]).append(" &middot; ");
        long checked = checked(s);
        if (checked > 0) out.append("checked on clients ").append(checked).append(" &middot; ");
        out.append("breached ").append(Math.max(r.violated[s.index()], evidence.size())).append("</span>")
                .append("<span class=\"badge b-").append(cls).append("\">").append(label(st)).append("</span>")
                .append("<span class=\"id\">").append(s.id()).append("</span><span class=\"who\">")
                .append(s.appliesTo().label()).append(" &middot; ").append(s.level()).append("</span>")
                .append("<div class=\"text\">").append(esc(s.text())).append("</div>");
        for (Breach b : evidence) evidence(out, b);
        out.append("</div>\n");
    }

    private static String label(Status st) {
        return switch (st) {
            case BREACHED -> "breached";
            case EXERCISED -> "exercised";
            case UNREACHED -> "not reached";
        };
    }

    private static void evidence(StringBuilder out, Breach b) {
        out.append("<div class=\"ev\"><b>").append(esc(b.clientId())).append("</b> &middot; connection ")
                .append(b.connectionId()).append(" &middot; ").append(BrokerReport.time(b.time()))
                .append(b.closed() ? " &middot; connection closed" : "").append("<br>").append(esc(b.reason()))
                .append("<br>packet: <code>").append(esc(b.packet())).append("</code>");
        if (!b.hex().isEmpty()) out.append("<br>bytes: <code>").append(esc(b.hex())).append("</code>");
        out.append("</div>");
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c < 0x20 && c != '\n' ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
