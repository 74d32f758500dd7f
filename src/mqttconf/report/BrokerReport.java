package mqttconf.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;

import mqttconf.broker.observe.Breach;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.broker.observe.ClientRecords;
import mqttconf.spec.AppliesTo;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.Json;

/**
 * What a broker run shows about the clients that used it: the server statements it exercised (Paho's coverage
 * lines) and, per client id, the client obligations checked and breached with their evidence. Rendered as text,
 * TSV or JSON here and as HTML by {@link HtmlReport}. A snapshot: later traffic does not change it.
 */
public final class BrokerReport {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    final Instant taken = Instant.now();
    final CoverageReport server;
    final long[] exercised = new long[Statements.size()];
    final long[] violated = new long[Statements.size()];
    final long[] checkedCounts = new long[Statements.size()];
    final List<ClientRecord> clients;
    final long droppedClients;
    /** The broker's command line, shown on the HTML page. */
    final List<String> options;

    public BrokerReport(Coverage coverage, ClientRecords records) {
        this(coverage, records, List.of());
    }

    public BrokerReport(Coverage coverage, ClientRecords records, List<String> options) {
        this.server = new CoverageReport(coverage, EnumSet.of(AppliesTo.SERVER, AppliesTo.BOTH), false);
        for (Statement s : Statements.all()) {
            exercised[s.index()] = coverage.exercisedCount(s);
            violated[s.index()] = coverage.violatedCount(s);
            checkedCounts[s.index()] = coverage.checkedCount(s);
        }
        this.clients = records.all();
        this.droppedClients = records.dropped();
        this.options = List.copyOf(options);
    }

    /** The statements that bind clients (applies_to client or both). */
    static List<Statement> clientStatements() {
        return Statements.all().stream().filter(s -> s.appliesTo() != AppliesTo.SERVER).toList();
    }

    static long checked(ClientRecord r) {
        long n = 0;
        for (Statement s : clientStatements()) n += r.checkedCount(s) > 0 ? 1 : 0;
        return n;
    }

    /** Client obligations checked on any client's traffic at least once. */
    long obligationsChecked() {
        return clientStatements().stream().filter(s -> checkedCounts[s.index()] > 0 || violated[s.index()] > 0).count();
    }

    /** Client obligations some client breached. */
    long obligationsBreached() {
        return clientStatements().stream().filter(s -> violated[s.index()] > 0).count();
    }

    /** The two totals, kept apart: what the broker did, and what it checked its clients against. */
    String totals() {
        return "server statements exercised " + server.found().size() + " of " + server.statements().size() + "\n"
                + "client obligations checked " + obligationsChecked() + " of " + clientStatements().size()
                + ", breached " + obligationsBreached() + "\n";
    }

    static String time(Instant t) {
        return TIME.format(t);
    }

    /**
     * Paho's coverage lines for the server statements, then a line per client id and one per breach:
     * {@code breach CLIENT MQTT-x.y.z-n TIME: reason | packet | hex}.
     */
    public String text() {
        StringBuilder out = new StringBuilder(server.text()).append(totals());
        int total = clientStatements().size();
        out.append("clients ").append(clients.size()).append(", client obligations ").append(total);
        if (droppedClients > 0) out.append(" (").append(droppedClients).append(" older client records without breaches dropped at the limit)");
        out.append('\n');
        for (ClientRecord r : clients) {
            out.append("client ").append(r.clientId()).append(": connections ").append(r.connections())
                    .append(", obligations checked ").append(checked(r)).append(" out of ").append(total)
                    .append(", breaches ").append(r.breachCount()).append('\n');
        }
        for (ClientRecord r : clients) {
            for (Breach b : r.breaches()) {
                out.append("breach ").append(r.clientId()).append(' ').append(b.statementId()).append(' ')
                        .append(time(b.time())).append(": ").append(b.reason()).append(" | ").append(b.packet());
                if (!b.hex().isEmpty()) out.append(" | ").append(b.hex());
                out.append('\n');
            }
        }
        return out.toString();
    }

    /**
     * One row per server statement (scope {@code server}: times exercised), one per client obligation (scope
     * {@code clients}: times checked and breached over all clients), then one per client id and obligation it was
     * checked on (scope {@code client:ID}: checked and breached, with the first breach's reason).
     */
    public String tsv() {
        StringBuilder out = new StringBuilder("scope\tid\tapplies_to\tcount\tbreached\tfirst_breach\n");
        for (Statement s : server.statements()) {
            out.append("server\t").append(s.id()).append('\t').append(s.appliesTo().label()).append('\t')
                    .append(exercised[s.index()]).append("\t\t\n");
        }
        for (Statement s : clientStatements()) {
            out.append("clients\t").append(s.id()).append('\t').append(s.appliesTo().label()).append('\t')
                    .append(checkedCounts[s.index()]).append('\t').append(violated[s.index()]).append("\t\n");
        }
        for (ClientRecord r : clients) {
            String scope = "client:" + r.clientId().replaceAll("[\\t\\n\\r]", " ");
            for (Statement s : Statements.all()) {
                long checked = r.checkedCount(s), breached = r.breachedCount(s);
                if (checked == 0 && breached == 0) continue;
                String first = r.breaches().stream().filter(b -> b.statement() == s).map(Breach::reason).findFirst().orElse("");
                out.append(scope).append('\t').append(s.id()).append('\t').append(s.appliesTo().label()).append('\t')
                        .append(checked).append('\t').append(breached).append('\t')
                        .append(first.replaceAll("[\\t\\n\\r]", " ")).append('\n');
            }
        }
        return out.toString();
    }

    /** The server coverage object of {@link CoverageReport#json()} under "coverage", then "clients". */
    public String json() {
        StringBuilder out = new StringBuilder("{\n  \"coverage\": ");
        out.append(server.json().strip().replace("\n", "\n  "));
        out.append(",\n  \"obligations\": {\"statements\": ").append(clientStatements().size())
                .append(", \"checked\": ").append(obligationsChecked()).append(", \"breached\": ")
                .append(obligationsBreached()).append(", \"counts\": [");
        boolean firstCount = true;
        for (Statement s : clientStatements()) {
            out.append(firstCount ? "\n" : ",\n").append("    {\"id\": ");
            Json.quote(out, s.id()).append(", \"applies_to\": ");
            Json.quote(out, s.appliesTo().label()).append(", \"checked\": ").append(checkedCounts[s.index()])
                    .append(", \"breached\": ").append(violated[s.index()]).append('}');
            firstCount = false;
        }
        out.append("\n  ]}");
        out.append(",\n  \"clients\": [");
        for (int i = 0; i < clients.size(); i++) {
            ClientRecord r = clients.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("    {\"client_id\": ");
            Json.quote(out, r.clientId()).append(", \"connections\": ").append(r.connections())
                    .append(", \"obligations_checked\": ").append(checked(r))
                    .append(", \"breaches\": ").append(r.breachCount()).append(",\n     \"obligations\": [");
            boolean first = true;
            for (Statement s : Statements.all()) {
                long checked = r.checkedCount(s), breached = r.breachedCount(s);
                if (checked == 0 && breached == 0) continue;
                out.append(first ? "" : ", ").append("{\"id\": ");
                Json.quote(out, s.id()).append(", \"checked\": ").append(checked).append(", \"breached\": ")
                        .append(breached).append('}');
                first = false;
            }
            out.append("],\n     \"evidence\": [");
            List<Breach> breaches = r.breaches();
            for (int j = 0; j < breaches.size(); j++) {
                Breach b = breaches.get(j);
                out.append(j == 0 ? "\n" : ",\n").append("       {\"id\": ");
                Json.quote(out, b.statementId()).append(", \"time\": ");
                Json.quote(out, b.time().toString()).append(", \"connection\": ").append(b.connectionId())
                        .append(", \"reason\": ");
                Json.quote(out, b.reason()).append(", \"packet\": ");
                Json.quote(out, b.packet()).append(", \"hex\": ");
                Json.quote(out, b.hex()).append(", \"closed\": ").append(b.closed()).append('}');
            }
            out.append(breaches.isEmpty() ? "]}" : "\n     ]}");
        }
        out.append(clients.isEmpty() ? "]\n" : "\n  ]\n");
        return out.append("}\n").toString();
    }

    /** The rendering a file name asks for: .txt, .tsv, .json or .html; null for another extension. */
    public String render(String fileName) {
        if (fileName.endsWith(".txt")) return text();
        if (fileName.endsWith(".tsv")) return tsv();
        if (fileName.endsWith(".json")) return json();
        if (fileName.endsWith(".html")) return new HtmlReport(this).html();
        return null;
    }
}
