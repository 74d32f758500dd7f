package mqttconf.suite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mqttconf.spec.AppliesTo;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * Which tests check each statement a server must keep (applies_to server or both): the answer to "what does
 * this suite cover", with the statements no client can observe and why.
 */
public final class SuiteCoverage {
    private static final int WIDTH = 100;

    private final Map<Statement, List<String>> tests = new LinkedHashMap<>();

    public SuiteCoverage(List<TestCase> suite) {
        for (Statement s : Statements.all()) {
            if (s.appliesTo() != AppliesTo.CLIENT) tests.put(s, new ArrayList<>());
        }
        for (TestCase t : suite) {
            for (String id : t.statementIds()) {
                List<String> names = tests.get(Statements.get(id));
                if (names != null && !names.contains(t.name())) names.add(t.name());
            }
        }
    }

    /** The names of the tests checking {@code id}, in suite order. */
    public List<String> testsOf(String id) {
        return List.copyOf(tests.getOrDefault(Statements.get(id), List.of()));
    }

    /** Observable server and both statements no test checks. */
    public List<Statement> uncovered() {
        return tests.entrySet().stream().filter(e -> e.getKey().observable() && e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList();
    }

    public int covered() {
        return (int) tests.values().stream().filter(l -> !l.isEmpty()).count();
    }

    public int observable() {
        return (int) tests.keySet().stream().filter(Statement::observable).count();
    }

    public int all() {
        return tests.size();
    }

    public String totals() {
        return "covered " + covered() + " / observable " + observable() + " / all " + all()
                + " server and both statements";
    }

    /** One block per statement: id, who, level, number of tests, then their names (or why it is unobservable). */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (var e : tests.entrySet()) {
            Statement s = e.getKey();
            List<String> names = e.getValue();
            out.append(String.format("%-13s  %-6s  %-6s  ", s.id(), s.appliesTo().label(), s.level().name()));
            if (!s.observable()) {
                out.append("unobservable: ").append(s.unobservable()).append('\n');
                continue;
            }
            out.append(names.isEmpty() ? "NOT COVERED" : names.size() + (names.size() == 1 ? " test" : " tests")).append('\n');
            StringBuilder line = new StringBuilder("    ");
            for (String n : names) {
                if (line.length() > 4 && line.length() + n.length() + 1 > WIDTH) {
                    out.append(line).append('\n');
                    line.setLength(0);
                    line.append("    ");
                }
                line.append(line.length() > 4 ? " " : "").append(n);
            }
            if (line.length() > 4) out.append(line).append('\n');
        }
        return out.append(totals()).append('\n').toString();
    }
}
