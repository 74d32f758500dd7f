package mqttconf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.ZoneId;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.Version;

/**
 * A {@link BrokerReport} as one self-contained HTML page (no scripts, no external assets): the version, command
 * line and time zone; the statements chapter by chapter, coloured breached / exercised / not reached, with the
 * evidence of every breach under its statement; then the table of client ids (folded when long), whose
 * statement ids link to the statements above.
 */
final class HtmlReport {
    private static final Map<Integer, String> CHAPTERS = Map.of(1, "Introduction", 2, "MQTT Control Packet format",
            3, "MQTT Control Packets", 4, "Operational behavior", 5, "Security", 6, "Using WebSocket as a network transport",
            7, "Conformance");
    /** A client table longer than this starts folded, so the statements stay in view. */
    static final int CLIENTS_UNFOLDED = 20;
    /** Breaches shown under a statement before the rest are folded. */
    static final int EVIDENCE_UNFOLDED = 3;
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
            a.id{color:#0d47a1;text-decoration:none}a.id:hover{text-decoration:underline}.st:target{outline:3px solid #f9a825}
            .opts{color:#666;font-size:12px;margin-bottom:10px}.opts code{font-family:ui-monospace,monospace}
            details.more summary{cursor:pointer;color:#0d47a1;font-size:12px;margin:4px 0}
            details.clients summary{cursor:pointer;font-size:17px;font-weight:600;margin:28px 0 8px}
            .filter{font-size:13px;color:#444;margin:8px 0}body:has(#hide-unreached:checked) .st.unreached{display:none}
            @media print{.filter{display:none}.st{break-inside:avoid}}
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
        long breaches = r.clients.stream().mapToLong(ClientRecord::breachCount).sum();
        out.append("<h1>mqttconf broker report</h1><div class=\"meta\">").append(BrokerReport.time(r.taken)).append(' ')
                .append(esc(ZoneId.systemDefault().getId())).append(" &middot; mqttconf ").append(esc(Version.current()))
                .append(" &middot; server statements exercised ").append(r.server.found().size()).append(" of ")
                .append(r.server.statements().size()).append(" (").append(r.server.percent()).append("%) &middot; ")
                .append("client obligations checked ").append(r.obligationsChecked()).append(" of ")
                .append(BrokerReport.clientStatements().size()).append(" &middot; ")
                .append("<a href=\"#clients\">").append(r.clients.size()).append(r.clients.size() == 1 ? " client" : " clients")
                .append("</a>, ").append(breaches).append(breaches == 1 ? " breach" : " breaches").append("</div>\n");
        out.append("<div class=\"opts\">command line: <code>mqttconf broker")
                .append(r.options.isEmpty() ? "" : " " + esc(String.join(" ", r.options))).append("</code> &middot; all times ")
                .append(esc(ZoneId.systemDefault().getId())).append("</div>\n");
        out.append("<div class=\"legend\"><span class=\"b-breached\">breached</span><span class=\"b-exercised\">")
                .append("exercised or checked</span><span class=\"b-unreached\">not reached</span></div>\n");
        out.append("<div class=\"filter\"><label><input type=\"checkbox\" id=\"hide-unreached\"> hide statements not ")
                .append("reached</label></div>\n");
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
        clients(out);
        return out.append("</body></html>\n").toString();
    }

    private void clients(StringBuilder out) {
        if (r.clients.isEmpty()) {
            out.append("<h2 id=\"clients\">Clients</h2><p>No client connected.</p>\n");
            return;
        }
        boolean fold = r.clients.size() > CLIENTS_UNFOLDED;
        String heading = "Clients (" + r.clients.size() + (r.droppedClients > 0 ? ", " + r.droppedClients
                + " older records without breaches dropped at the limit" : "") + ")";
        if (fold) {
            out.append("<details class=\"clients\" id=\"clients\"><summary>").append(heading)
                    .append(" <span class=\"who\">long table, folded: click to open</span></summary>");
        } else {
            out.append("<h2 id=\"clients\">").append(heading).append("</h2>");
        }
        int total = BrokerReport.clientStatements().size();
        out.append("<table><tr><th>client id</th><th>connections</th><th>obligations checked</th><th>breaches</th>")
                .append("<th>statements breached</th></tr>\n");
        for (int i = 0; i < r.clients.size(); i++) {
            ClientRecord c = r.clients.get(i);
            StringBuilder ids = new StringBuilder();
            for (Statement s : Statements.all()) {
                if (c.breachedCount(s) > 0) ids.append("<a class=\"id\" href=\"#").append(s.id()).append("\">").append(s.id()).append("</a> ");
            }
            if (c.unnumberedCount() > 0) ids.append("unnumbered");
            long n = c.breachCount();
            out.append("<tr class=\"client\" id=\"client-").append(i).append("\"><td class=\"id\">").append(esc(c.clientId())).append("</td><td>")
                    .append(c.connections()).append("</td><td>").append(BrokerReport.checked(c)).append(" of ").append(total)
                    .append("</td><td class=\"").append(n == 0 ? "ok\">0 &#10003;" : "bad\">" + n).append("</td><td>")
                    .append(ids.toString().strip()).append("</td></tr>\n");
        }
        out.append("</table>\n").append(fold ? "</details>\n" : "");
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
                .append("<a class=\"id\" href=\"#").append(s.id()).append("\">").append(s.id()).append("</a><span class=\"who\">")
                .append(s.appliesTo().label()).append(" &middot; ").append(s.level()).append("</span>")
                .append("<div class=\"text\">").append(esc(s.text())).append("</div>");
        for (Breach b : evidence.subList(0, Math.min(EVIDENCE_UNFOLDED, evidence.size()))) evidence(out, b);
        if (evidence.size() > EVIDENCE_UNFOLDED) {
            out.append("<details class=\"more\"><summary>").append(evidence.size() - EVIDENCE_UNFOLDED)
                    .append(" more breaches of ").append(s.id()).append("</summary>");
            for (Breach b : evidence.subList(EVIDENCE_UNFOLDED, evidence.size())) evidence(out, b);
            out.append("</details>");
        }
        out.append("</div>\n");
    }

    private static String label(Status st) {
        return switch (st) {
            case BREACHED -> "breached";
            case EXERCISED -> "exercised";
            case UNREACHED -> "not reached";
        };
    }

    /** A breach under its statement; the client id links to its row in the client table. */
    private void evidence(StringBuilder out, Breach b) {
        int row = -1;
        for (int i = 0; i < r.clients.size() && row < 0; i++) if (r.clients.get(i).clientId().equals(b.clientId())) row = i;
        String who = "<b>" + esc(b.clientId()) + "</b>";
        out.append("<div class=\"ev\">").append(row < 0 ? who : "<a href=\"#client-" + row + "\">" + who + "</a>")
                .append(" &middot; connection ")
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
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else {
                        // A lone surrogate cannot be written as UTF-8: the page would not be written at all.
                        out.append(c < 0x20 && c != '\n' || Character.isSurrogate(c) ? '\uFFFD' : c);
                    }
                }
            }
        }
        return out.toString();
    }
}
