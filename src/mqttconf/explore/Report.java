package mqttconf.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import mqttconf.spec.AppliesTo;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.suite.Suite;
import mqttconf.suite.SuiteCoverage;

/** How an exploration reads: each divergence as numbered steps, the summary, JSON, and coverage beside the suite's. */
final class Report {
    private Report() {
    }

    static String found(Explorer.Found f, int number) {
        Divergence d = f.divergence();
        StringBuilder out = new StringBuilder();
        out.append("divergence ").append(number).append(": [").append(d.statement()).append("] ")
                .append(Statements.get(d.statement()).text().lines().findFirst().orElse("")).append('\n');
        out.append("  found by seed ").append(f.seed()).append(" (").append(f.original()).append(" steps), shrunk to ")
                .append(f.steps().size()).append(" steps, reproduced ").append(f.reproduced()).append(" of ")
                .append(Explorer.CONFIRMATIONS).append(":\n");
        for (String line : Explorer.numbered(f.steps())) out.append("  ").append(line).append('\n');
        out.append("  ").append(f.shownAt() < 0 ? "at the end (waiting for what was due)" : "at step " + (f.shownAt() + 1)).append('\n');
        out.append("  expected (allowed): ").append(d.expected()).append('\n');
        out.append("  observed:           ").append(d.observed()).append('\n');
        for (String miss : f.misses()) out.append("  a replay that did not reproduce it: ").append(miss).append('\n');
        return out.toString();
    }

    static String summary(Explorer.Summary s, String target) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("explore %s: %d traces, %d steps in %.1f s (%.0f traces/s), %d statements reached, %d distinct divergences%n",
                target, s.traces(), s.steps(), s.wall().toNanos() / 1e9, s.tracesPerSecond(), s.reached().size(), s.found().size()));
        if (s.internalErrors() > 0) out.append("  ").append(s.internalErrors()).append(" traces ended in an internal error (a bug of explore)\n");
        if (s.errors() > 0) out.append("  ").append(s.errors()).append(" traces could not run: ").append(s.firstError()).append('\n');
        for (Explorer.Found f : s.found()) {
            out.append(String.format("  [%s] %s (%d -> %d steps, reproduced %d/%d)%n", f.divergence().statement(),
                    f.divergence().expected(), f.original(), f.steps().size(), f.reproduced(), Explorer.CONFIRMATIONS));
        }
        for (Explorer.Found f : s.unconfirmed()) {
            out.append(String.format("  not claimed (reproduced %d of %d replays): [%s] %s; observed %s%n", f.reproduced(),
                    Explorer.CONFIRMATIONS, f.divergence().statement(), f.divergence().expected(), f.divergence().observed()));
        }
        return out.toString();
    }

    /** Every observable server statement: reached by exploration, checked by suite tests, both or neither. */
    static String coverage(java.util.Set<String> reached) {
        SuiteCoverage suite = new SuiteCoverage(Suite.all());
        StringBuilder out = new StringBuilder();
        int both = 0, exploreOnly = 0, suiteOnly = 0, observable = 0;
        for (Statement st : Statements.all()) {
            if (st.appliesTo() == AppliesTo.CLIENT || !st.observable()) continue;
            observable++;
            boolean e = reached.contains(st.id());
            int tests = suite.testsOf(st.id()).size();
            if (e && tests > 0) both++;
            else if (e) exploreOnly++;
            else if (tests > 0) suiteOnly++;
            out.append(String.format("%-13s  %-8s  %s%n", st.id(), e ? "reached" : "-", tests == 0 ? "no suite test" : tests + " suite tests"));
        }
        int explored = both + exploreOnly;
        out.append(String.format("explore reached %d / suite covers %d / observable %d server and both statements "
                + "(%d by both, %d by explore alone, %d by the suite alone)%n", explored, suite.covered(), observable, both, exploreOnly, suiteOnly));
        return out.toString();
    }

    static String json(Explorer.Summary s, String target, long seed, Map<Explorer.Found, String> files) {
        StringBuilder out = new StringBuilder("{\n");
        out.append("  \"target\": ").append(q(target)).append(",\n");
        out.append("  \"seed\": ").append(seed).append(",\n");
        out.append("  \"traces\": ").append(s.traces()).append(",\n");
        out.append("  \"steps\": ").append(s.steps()).append(",\n");
        out.append("  \"seconds\": ").append(String.format("%.3f", s.wall().toNanos() / 1e9)).append(",\n");
        out.append("  \"traces_per_second\": ").append(String.format("%.1f", s.tracesPerSecond())).append(",\n");
        out.append("  \"errors\": ").append(s.errors()).append(",\n");
        List<String> ids = new ArrayList<>();
        for (String id : s.reached()) ids.add(q(id));
        out.append("  \"statements_reached\": [").append(String.join(", ", ids)).append("],\n");
        out.append("  \"divergences\": [");
        String sep = "\n";
        for (Explorer.Found f : s.found()) {
            List<String> steps = new ArrayList<>();
            for (Step st : f.steps()) steps.add(q(Step.format(st)));
            out.append(sep).append("    {\"statement\": ").append(q(f.divergence().statement()))
                    .append(", \"expected\": ").append(q(f.divergence().expected()))
                    .append(", \"observed\": ").append(q(f.divergence().observed()))
                    .append(", \"seed\": ").append(f.seed())
                    .append(", \"steps_before\": ").append(f.original())
                    .append(", \"steps_after\": ").append(f.steps().size())
                    .append(", \"reproduced\": ").append(f.reproduced())
                    .append(", \"clients\": ").append(f.clients())
                    .append(", \"replay_file\": ").append(files.containsKey(f) ? q(files.get(f)) : "null")
                    .append(", \"steps\": [").append(String.join(", ", steps)).append("]}");
            sep = ",\n";
        }
        out.append(s.found().isEmpty() ? "]\n" : "\n  ]\n").append("}\n");
        return out.toString();
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
