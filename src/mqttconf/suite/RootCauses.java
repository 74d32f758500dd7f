package mqttconf.suite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The distinct deviations behind a run's FAILs: one per statement broken (and per {@link Deviation#context}, where
 * the statement is a general one), with the tests that show it. A test that fails only where a capability it uses
 * is broken (its failed statements are among those of the test that establishes the capability) follows from that
 * capability and is listed under it, not as a cause of its own.
 */
final class RootCauses {
    private static final int EVIDENCE_CHARS = 300;

    private RootCauses() {
    }

    /** For each FAIL that follows from a broken capability, its summary says so and names the test to look at. */
    static List<Result> annotate(List<Result> results, Map<String, Set<Capability>> uses) {
        Map<String, Result> byName = new HashMap<>();
        for (Result r : results) byName.put(r.test().name(), r);
        List<Result> out = new ArrayList<>();
        for (Result r : results) {
            Capability c = followsFrom(r, byName, uses);
            out.add(c == null ? r : new Result(r.test(), r.verdict(), r.duration(), r.summary() + " (follows from "
                    + "broken " + c.title + ": see " + c.test + ")", r.expected(), r.observed(), r.notes(),
                    r.evidence(), r.deviations()));
        }
        return out;
    }

    /** The broken capability {@code r}'s failure follows from, or null. */
    static Capability followsFrom(Result r, Map<String, Result> byName, Map<String, Set<Capability>> uses) {
        if (r.verdict() != Verdict.FAIL) return null;
        for (Capability c : uses.getOrDefault(r.test().name(), EnumSet.noneOf(Capability.class))) {
            Result ref = byName.get(c.test);
            if (ref == null || ref.verdict() != Verdict.FAIL || ref.test().name().equals(r.test().name())) continue;
            if (ref.failedStatements().containsAll(r.failedStatements()) && !r.failedStatements().isEmpty()) return c;
        }
        return null;
    }

    /**
     * One root cause per statement broken and context, in the order first seen; followers listed under their
     * capability.
     */
    static List<RootCause> of(List<Result> results, Map<String, Set<Capability>> uses) {
        Map<String, Result> byName = new HashMap<>();
        for (Result r : results) byName.put(r.test().name(), r);
        Map<String, String> behaviour = new LinkedHashMap<>();
        Map<String, List<String>> tests = new LinkedHashMap<>();
        Map<String, String> evidence = new HashMap<>();
        for (Result r : results) {
            if (r.verdict() != Verdict.FAIL) continue;
            Capability c = followsFrom(r, byName, uses);
            Result owner = c == null ? r : byName.get(c.test);
            for (Deviation d : owner.deviations()) {
                if (d.statementId().isEmpty() && c != null) continue;
                String key = d.statementId().isEmpty() ? "(no statement) " + d.expected()
                        : d.statementId() + (d.context().isEmpty() ? "" : " " + d.context());
                if (!behaviour.containsKey(key)) {
                    behaviour.put(key, (d.context().isEmpty() ? "" : "with "
                            + d.context().stream().map(id -> "[" + id + "]").collect(Collectors.joining(" ")) + ": ")
                            + "expected " + d.expected());
                    evidence.put(key, shorten(owner.test().name() + ": observed " + d.observed()));
                }
                List<String> names = tests.computeIfAbsent(key, k -> new ArrayList<>());
                if (!names.contains(r.test().name())) names.add(r.test().name());
            }
        }
        List<RootCause> causes = new ArrayList<>();
        for (String key : behaviour.keySet()) {
            String id = key.startsWith("(") ? "" : key.split(" ", 2)[0];
            causes.add(new RootCause(id, behaviour.get(key), tests.get(key), evidence.get(key)));
        }
        return causes;
    }

    private static String shorten(String s) {
        return s.length() <= EVIDENCE_CHARS ? s : s.substring(0, EVIDENCE_CHARS) + "...";
    }
}
