package mqttconf.suite;

import java.util.List;
import java.util.Objects;

import mqttconf.spec.Level;
import mqttconf.spec.Statements;

/**
 * One conformance test as a value. {@code level} is what the test reports on: a MUST test ends in PASS or FAIL,
 * a SHOULD or MAY test in OBSERVED (its body calls {@link Context#observe}); any test may FAIL when a MUST it
 * meets on the way is broken. {@code requires} says in one line what the standard requires and allows.
 */
public record TestCase(String name, List<String> statementIds, Level level, String requires, Body body,
                       Schedule schedule) {

    /** When a test runs. */
    public enum Schedule {
        /** Beside the other tests, at most --parallel at once. */
        CONCURRENT,
        /**
         * Beside each other, after the CONCURRENT tests and their re-runs: a malformed or edge-case packet, where some
         * servers lose a worker; whatever such a packet takes down, every other test already has its verdict.
         */
        EDGE,
        /**
         * Alone, after the concurrent tests: it holds half a packet or stalls on purpose, which may stall a server
         * that reads whole packets under one lock, and so fail whatever runs beside it.
         */
        ALONE,
        /** Beside everything, to its end: it mostly waits in silence (keep alive), so nothing waits for it. */
        BACKGROUND,
        /**
         * Alone, after everything else: it sends a re-delivery (DUP 1) of a message the server never received, a path
         * servers rarely take; should that stop the server (or part of it), no other test runs beside it or after it,
         * so every other verdict is the same whether it did or not, and the outage is its own.
         */
        LAST
    }

    /** What the test does; it throws {@link TestFailure} or {@link TestSkipped} to end otherwise than normally. */
    @FunctionalInterface
    public interface Body {
        void run(Context ctx) throws Exception;
    }

    public TestCase(String name, List<String> statementIds, Level level, String requires, Body body) {
        this(name, statementIds, level, requires, body, Schedule.CONCURRENT);
    }

    /** This test with another {@link Schedule}. */
    public TestCase scheduled(Schedule s) {
        return new TestCase(name, statementIds, level, requires, body, s);
    }

    public TestCase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(requires, "requires");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(schedule, "schedule");
        statementIds = List.copyOf(statementIds);
        if (statementIds.isEmpty()) throw new IllegalArgumentException(name + ": no statement id");
        for (String id : statementIds) Statements.get(id);
    }

    public static TestCase must(String name, List<String> ids, String requires, Body body) {
        return new TestCase(name, ids, Level.MUST, requires, body);
    }

    public static TestCase should(String name, List<String> ids, String requires, Body body) {
        return new TestCase(name, ids, Level.SHOULD, requires, body);
    }

    public static TestCase may(String name, List<String> ids, String requires, Body body) {
        return new TestCase(name, ids, Level.MAY, requires, body);
    }

    /** The section of the first statement, e.g. {@code 3.1.2}: where the test sits in the report. */
    public String section() {
        return Statements.get(statementIds.get(0)).section();
    }

    /** True if any statement of the test lies in {@code section} or below it ({@code 3.8} matches 3.8.4). */
    public boolean inSection(String prefix) {
        for (String id : statementIds) {
            String s = Statements.get(id).section();
            if (s.equals(prefix) || s.startsWith(prefix + ".")) return true;
        }
        return false;
    }
}
