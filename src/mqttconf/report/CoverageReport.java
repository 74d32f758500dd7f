package mqttconf.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import mqttconf.spec.AppliesTo;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.Json;

/**
 * A snapshot of a {@link Coverage}, limited to the statements that apply to
 * the given parties, rendered as text, TSV or JSON. A statement counts as
 * found when it was exercised or violated at least once.
 */
public final class CoverageReport {
    private final List<Statement> statements;
    private final long[] exercised;
    private final long[] violated;

    /** Over all statements. */
    public CoverageReport(Coverage coverage) {
        this(coverage, EnumSet.allOf(AppliesTo.class));
    }

    /** Over the statements whose applies_to is in {@code appliesTo}. */
    public CoverageReport(Coverage coverage, Set<AppliesTo> appliesTo) {
        this(coverage, appliesTo, true);
    }

    /**
     * Without {@code violations}, only what was exercised counts as found and no violation is shown: a broker's
     * view of its own statements, whose violations are its clients' breaches, reported apart.
     */
    public CoverageReport(Coverage coverage, Set<AppliesTo> appliesTo, boolean violations) {
        statements = Statements.all().stream().filter(s -> appliesTo.contains(s.appliesTo())).toList();
        exercised = new long[statements.size()];
        violated = new long[statements.size()];
        for (int i = 0; i < statements.size(); i++) {
            exercised[i] = coverage.exercisedCount(statements.get(i));
            violated[i] = violations ? coverage.violatedCount(statements.get(i)) : 0;
        }
    }

    /** The statements in this report, in table order. */
    public List<Statement> statements() {
        return statements;
    }

    public List<Statement> found() {
        return select(true);
    }

    public List<Statement> notFound() {
        return select(false);
    }

    /** Whole percent of statements found, rounded down (0 when there are none). */
    public int percent() {
        return statements.isEmpty() ? 0 : (int) (found().size() * 100L / statements.size());
    }

    /**
     * Paho style: {@code coverage statements N out of M = P%}, then a line
     * {@code found: ids} and a line {@code not found: ids}.
     */
    public String text() {
        return "coverage statements " + found().size() + " out of " + statements.size() + " = " + percent() + "%\n"
                + "found: " + ids(found()) + "\n"
                + "not found: " + ids(notFound()) + "\n";
    }

    /** Header {@code id applies_to exercised violated}, then one row per statement. */
    public String tsv() {
        StringBuilder out = new StringBuilder("id\tapplies_to\texercised\tviolated\n");
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            out.append(s.id()).append('\t').append(s.appliesTo().label()).append('\t')
                    .append(exercised[i]).append('\t').append(violated[i]).append('\n');
        }
        return out.toString();
    }

    /** Totals, then {@code counts}: one object per statement. */
    public String json() {
        long exercisedTotal = Arrays.stream(exercised).sum();
        long violatedTotal = Arrays.stream(violated).sum();
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"statements\": ").append(statements.size()).append(",\n");
        out.append("  \"found\": ").append(found().size()).append(",\n");
        out.append("  \"percent\": ").append(percent()).append(",\n");
        out.append("  \"exercised\": ").append(exercisedTotal).append(",\n");
        out.append("  \"violated\": ").append(violatedTotal).append(",\n");
        out.append("  \"counts\": [");
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            out.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ");
            Json.quote(out, s.id()).append(", \"applies_to\": ");
            Json.quote(out, s.appliesTo().label())
                    .append(", \"exercised\": ").append(exercised[i])
                    .append(", \"violated\": ").append(violated[i]).append('}');
        }
        out.append(statements.isEmpty() ? "]\n" : "\n  ]\n");
        return out.append("}\n").toString();
    }

    private List<Statement> select(boolean wantFound) {
        List<Statement> out = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            if ((exercised[i] > 0 || violated[i] > 0) == wantFound) {
                out.add(statements.get(i));
            }
        }
        return out;
    }

    private static String ids(List<Statement> list) {
        if (list.isEmpty()) {
            return "none";
        }
        StringJoiner j = new StringJoiner(" ");
        list.forEach(s -> j.add(s.id()));
        return j.toString();
    }
}
