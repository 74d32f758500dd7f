package mqttconf.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Delta debugging over the steps of a diverging trace (Zeller's ddmin): remove chunks, then single steps, while
 * the trace still diverges on the same target. Every candidate is first made valid (a step of a slot that is not
 * connected, a hold of a slot already holding, a release of one that is not, goes), so the result is a trace
 * anyone could send. The number of runs is bounded.
 */
final class Shrinker {
    private final Predicate<List<Step>> diverges;
    private final int budget;
    private int runs;

    Shrinker(Predicate<List<Step>> diverges, int budget) {
        this.diverges = diverges;
        this.budget = budget;
    }

    int runs() {
        return runs;
    }

    List<Step> shrink(List<Step> trace) {
        List<Step> t = valid(trace);
        int n = 2;
        while (t.size() >= 2 && runs < budget) {
            int chunk = (t.size() + n - 1) / n;
            boolean reduced = false;
            for (int start = 0; start < t.size() && runs < budget; start += chunk) {
                List<Step> candidate = new ArrayList<>(t.subList(0, start));
                candidate.addAll(t.subList(Math.min(t.size(), start + chunk), t.size()));
                candidate = valid(candidate);
                if (candidate.size() < t.size() && test(candidate)) {
                    t = candidate;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= t.size()) break;
                n = Math.min(t.size(), n * 2);
            }
        }
        return t;
    }

    private boolean test(List<Step> candidate) {
        runs++;
        return diverges.test(candidate);
    }

    /** The trace without the steps that cannot stand where they are. */
    static List<Step> valid(List<Step> trace) {
        boolean[] connected = new boolean[5];
        boolean[] holding = new boolean[5];
        List<Step> out = new ArrayList<>();
        for (Step s : trace) {
            int c = s.client();
            boolean keep = switch (s) {
                case Step.Connect x -> true;
                case Step.Hold x -> connected[c] && !holding[c];
                case Step.Release x -> connected[c] && holding[c];
                default -> connected[c];
            };
            if (!keep) continue;
            switch (s) {
                case Step.Connect x -> {
                    connected[c] = true;
                    holding[c] = false;
                }
                case Step.Disconnect x -> connected[c] = false;
                case Step.Drop x -> connected[c] = false;
                case Step.Hold x -> holding[c] = true;
                case Step.Release x -> holding[c] = false;
                default -> { }
            }
            out.add(s);
        }
        return out;
    }
}
