package mqttconf.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import mqttconf.suite.Deviation;
import mqttconf.suite.Result;
import mqttconf.suite.RootCause;
import mqttconf.suite.Runner.Report;
import mqttconf.suite.ServerEvent;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;
import mqttconf.util.Json;

/**
 * The results as JSON: the run (target, start, host, version, settings, interrupted), the totals, the distinct
 * deviations and server events, then per test its name, ids, level, verdict, duration, failed checks and evidence.
 */
public final class JsonReport {
    private JsonReport() {
    }

    public static String json(Report report, RunInfo run) {
        StringBuilder j = new StringBuilder("{\n  \"target\": ");
        Json.quote(j, run.target());
        Json.quote(j.append(",\n  \"started\": "), run.started().toString());
        Json.quote(j.append(",\n  \"hostname\": "), run.hostname());
        Json.quote(j.append(",\n  \"version\": "), run.version());
        j.append(",\n  \"interrupted\": ").append(run.interrupted());
        j.append(",\n  \"settings\": {");
        int n = 0;
        for (Map.Entry<String, String> e : run.settings().entrySet()) {
            Json.quote(j.append(n++ == 0 ? "" : ", "), e.getKey()).append(": ");
            Json.quote(j, e.getValue());
        }
        j.append("},\n  \"duration_ms\": ").append(report.wallTime().toMillis());
        j.append(",\n  \"summary\": {");
        Verdict[] all = Verdict.values();
        for (int i = 0; i < all.length; i++) {
            j.append(i == 0 ? "" : ", ");
            Json.quote(j, all[i].name().toLowerCase(Locale.ROOT)).append(": ").append(report.count(all[i]));
        }
        j.append("},\n  \"root_causes\": [");
        for (int i = 0; i < report.rootCauses().size(); i++) {
            RootCause c = report.rootCauses().get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {\"statement\": ");
            Json.quote(j, c.statementId() == null ? "" : c.statementId()).append(", \"behaviour\": ");
            Json.quote(j, c.behaviour()).append(", \"tests\": ");
            strings(j, c.tests()).append(", \"first_evidence\": ");
            Json.quote(j, c.firstEvidence()).append('}');
        }
        j.append(report.rootCauses().isEmpty() ? "]" : "\n  ]").append(",\n  \"events\": [");
        for (int i = 0; i < report.events().size(); i++) {
            ServerEvent e = report.events().get(i);
            j.append(i == 0 ? "\n" : ",\n").append("    {\"description\": ");
            Json.quote(j, e.description()).append(", \"trigger_test\": ");
            Json.quote(j, e.triggerTest() == null ? "" : e.triggerTest()).append(", \"bytes_before\": ");
            Json.quote(j, e.bytesBefore() == null ? "" : e.bytesBefore()).append(", \"recovered\": ").append(e.recovered())
                    .append(", \"down_ms\": ").append(e.downFor() == null ? 0 : e.downFor().toMillis()).append('}');
        }
        j.append(report.events().isEmpty() ? "]" : "\n  ]").append(",\n  \"tests\": [");
        for (int i = 0; i < report.results().size(); i++) {
            Result r = report.results().get(i);
            TestCase t = r.test();
            j.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ");
            Json.quote(j, t.name()).append(", \"statements\": ");
            strings(j, t.statementIds()).append(", \"level\": ");
            Json.quote(j, t.level().name()).append(", \"section\": ");
            Json.quote(j, t.section()).append(", \"verdict\": ");
            Json.quote(j, r.verdict().name()).append(", \"duration_ms\": ").append(r.duration().toMillis());
            j.append(", \"requires\": ");
            Json.quote(j, t.requires()).append(", \"summary\": ");
            Json.quote(j, r.summary());
            if (r.expected() != null) {
                Json.quote(j.append(", \"expected\": "), r.expected());
                Json.quote(j.append(", \"observed\": "), String.valueOf(r.observed()));
            }
            strings(j.append(", \"failed_statements\": "), r.failedStatements()).append(", \"deviations\": [");
            for (int k = 0; k < r.deviations().size(); k++) {
                Deviation d = r.deviations().get(k);
                Json.quote(j.append(k == 0 ? "{\"statement\": " : ", {\"statement\": "), d.statementId());
                Json.quote(j.append(", \"expected\": "), String.valueOf(d.expected()));
                Json.quote(j.append(", \"observed\": "), String.valueOf(d.observed())).append('}');
            }
            Json.quote(j.append("], \"evidence\": "), r.evidence()).append('}');
        }
        j.append(report.results().isEmpty() ? "]" : "\n  ]");
        strings(j.append(",\n  \"cleanup_problems\": "), report.cleanupProblems());
        return j.append("\n}\n").toString();
    }

    private static StringBuilder strings(StringBuilder j, List<String> values) {
        j.append('[');
        for (int i = 0; i < values.size(); i++) Json.quote(j.append(i == 0 ? "" : ", "), values.get(i));
        return j.append(']');
    }
}
