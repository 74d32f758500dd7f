package mqttconf.spec;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters per statement for one run (one broker, one suite run): how often a
 * rule was exercised (the party under test did what it governs, its condition
 * present), how often a peer's obligation was checked against a packet that
 * could have broken it, and how often it was found violated. Exercised and
 * checked are kept apart: a broker counts its own statements as exercised and
 * its clients' obligations as checked, and reports them separately.
 * Safe across threads; a call is one atomic increment at {@code statement.index()}.
 */
public final class Coverage {
    private final AtomicLongArray exercisedCounts = new AtomicLongArray(Statements.size());
    private final AtomicLongArray violatedCounts = new AtomicLongArray(Statements.size());
    private final AtomicLongArray checkedCounts = new AtomicLongArray(Statements.size());

    /** The rule of this statement was checked or acted on. */
    public void exercised(Statement statement) {
        exercisedCounts.incrementAndGet(statement.index());
    }

    /** The rule of the statement with this id was acted on; the id written where it is decided. */
    public void exercised(String id) {
        exercised(Statements.get(id));
    }

    /** A peer's obligation was checked against a packet (or silence) that could have broken it. */
    public void checked(Statement statement) {
        checkedCounts.incrementAndGet(statement.index());
    }

    public long checkedCount(Statement statement) {
        return checkedCounts.get(statement.index());
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
            checkedCounts.set(i, 0);
        }
    }
}
