package mqttconf.spec;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters per statement for one run (one broker, one suite run): how often a
 * rule was exercised (checked or acted on) and how often it was found violated.
 * Safe across threads; a call is one atomic increment at {@code statement.index()}.
 */
public final class Coverage {
    private final AtomicLongArray exercisedCounts = new AtomicLongArray(Statements.size());
    private final AtomicLongArray violatedCounts = new AtomicLongArray(Statements.size());

    /** The rule of this statement was checked or acted on. */
    public void exercised(Statement statement) {
        exercisedCounts.incrementAndGet(statement.index());
    }

    /** The peer broke the rule of this statement. */
    public void violated(Statement statement) {
        violatedCounts.incrementAndGet(statement.index());
    }

    public long exercisedCount(Statement statement) {
        return exercisedCounts.get(statement.index());
    }

    public long violatedCount(Statement statement) {
        return violatedCounts.get(statement.index());
    }

    /** Sets every counter back to zero. */
    public void reset() {
        for (int i = 0; i < exercisedCounts.length(); i++) {
            exercisedCounts.set(i, 0);
            violatedCounts.set(i, 0);
        }
    }
}
