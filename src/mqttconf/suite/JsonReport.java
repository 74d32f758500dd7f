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
            Json.quote(j.append(", \"evidence\": "), r.evidence()).append('}');
        }
        j.append(report.results().isEmpty() ? "]" : "\n  ]");
        j.append(",\n  \"cleanup_problems\": [");
        for (int i = 0; i < report.cleanupProblems().size(); i++) {
            Json.quote(j.append(i == 0 ? "" : ", "), report.cleanupProblems().get(i));
        }
        return j.append("]\n}\n").toString();
    }
}
