package mqttconf.suite;

import mqttconf.suite.Runner.Report;
import mqttconf.util.Json;

/** The results as JSON: the run's totals, then per test its name, ids, level, verdict, duration and evidence. */
public final class JsonReport {
    private JsonReport() {
    }

    public static String json(Report report, String target) {
        StringBuilder j = new StringBuilder("{\n  \"target\": ");
        Json.quote(j, target);
        j.append(",\n  \"duration_ms\": ").append(report.wallTime().toMillis());
        j.append(",\n  \"summary\": {");
        Verdict[] all = Verdict.values();
        for (int i = 0; i < all.length; i++) {
            j.append(i == 0 ? "" : ", ");
            Json.quote(j, all[i].name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(report.count(all[i]));
        }
        j.append("},\n  \"tests\": [");
        for (int i = 0; i < report.results().size(); i++) {
            Result r = report.results().get(i);
            TestCase t = r.test();
            j.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ");
            Json.quote(j, t.name()).append(", \"statements\": [");
            for (int k = 0; k < t.statementIds().size(); k++) Json.quote(j.append(k == 0 ? "" : ", "), t.statementIds().get(k));
            j.append("], \"level\": ");
            Json.quote(j, t.level().name()).append(", \"section\": ");
            Json.quote(j, t.section()).append(", \"verdict\": ");
            Json.quote(j, r.verdict().name()).append(", \"duration_ms\": ").append(r.duration().toMillis());
            j.append(", \"requires\": ");
            Json.quote(j, t.requires()).append(", \"summary\": ");
            Json.quote(j, r.summary());
            if (r.expected() != null) {
                Json.quote(j.append(", \"expected\": "), r.expected());
                Json.quote(j.append(", \"observed\": "), r.observed());
            }
            j.append(", \"failed_statements\": [");
            for (int k = 0; k < r.failedStatements().size(); k++) Json.quote(j.append(k == 0 ? "" : ", "), r.failedStatements().get(k));
            j.append(']');
            Json.quote(j.append(", \"evidence\": "), r.evidence()).append('}');
        }
        j.append(report.results().isEmpty() ? "]" : "\n  ]");
        j.append(",\n  \"cleanup_problems\": [");
        for (int i = 0; i < report.cleanupProblems().size(); i++) {
            Json.quote(j.append(i == 0 ? "" : ", "), report.cleanupProblems().get(i));
        }
        j.append(']');
        causes(j, report);
        return j.append("\n}\n").toString();
    }

    /** The distinct deviations and the server events, as {@code root_causes} and {@code events}. */
    private static void causes(StringBuilder j, Report report) {
        j.append(",\n  \"root_causes\": [");
        for (int i = 0; i < report.rootCauses().size(); i++) {
            RootCause c = report.rootCauses().get(i);
            Json.quote(j.append(i == 0 ? "\n    {\"statement\": " : ",\n    {\"statement\": "), c.statementId());
            Json.quote(j.append(", \"behaviour\": "), c.behaviour()).append(", \"tests\": [");
            for (int k = 0; k < c.tests().size(); k++) Json.quote(j.append(k == 0 ? "" : ", "), c.tests().get(k));
            Json.quote(j.append("], \"first_evidence\": "), c.firstEvidence()).append('}');
        }
        j.append(report.rootCauses().isEmpty() ? "]" : "\n  ]").append(",\n  \"events\": [");
        for (int i = 0; i < report.events().size(); i++) {
            ServerEvent e = report.events().get(i);
            Json.quote(j.append(i == 0 ? "\n    {\"description\": " : ",\n    {\"description\": "), e.description());
            Json.quote(j.append(", \"trigger_test\": "), e.triggerTest());
            Json.quote(j.append(", \"bytes_before\": "), e.bytesBefore());
            j.append(", \"recovered\": ").append(e.recovered()).append(", \"down_ms\": ").append(e.downFor().toMillis()).append('}');
        }
        j.append(report.events().isEmpty() ? "]" : "\n  ]");
    }
}
