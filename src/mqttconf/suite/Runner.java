package mqttconf.suite;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import mqttconf.spec.Level;

/**
 * Runs tests concurrently on virtual threads, at most {@link RunConfig#parallel()} at a time, each with its own
 * client ids and topics; then removes what the run left on the server. A test that overruns its budget (it
 * should not: every wait is bounded) is interrupted and reported as ERROR.
 */
public final class Runner {
    private static final int EVIDENCE_LINES = 30;

    private final RunConfig config;
    private final Consumer<Result> progress;
    private final Cleanup cleanup = new Cleanup();
    private final Set<Context> running = ConcurrentHashMap.newKeySet();
    /** Taken by whoever runs the cleanup: the end of the run or {@link #stop}, never both. */
    private final AtomicBoolean cleanupTaken = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private volatile boolean finished;

    /**
     * The results in test order, the wall time, what could not be cleaned up, the distinct deviations behind
     * the FAILs, and the moments the server stopped serving.
     */
    public record Report(List<Result> results, Duration wallTime, List<String> cleanupProblems,
                         List<RootCause> rootCauses, List<ServerEvent> events) {
        public Report {
            results = List.copyOf(results);
            cleanupProblems = List.copyOf(cleanupProblems);
            rootCauses = List.copyOf(rootCauses);
            events = List.copyOf(events);
        }

        public Report(List<Result> results, Duration wallTime, List<String> cleanupProblems) {
            this(results, wallTime, cleanupProblems, List.of(), List.of());
        }

        public long count(Verdict v) {
            return results.stream().filter(r -> r.verdict() == v).count();
        }
    }

    public Runner(RunConfig config, Consumer<Result> progress) {
        this.config = config;
        this.progress = progress;
    }

    /** Runs {@code tests} and cleans up after them; a runner runs once. */
    public Report run(List<TestCase> tests) {
        long start = System.nanoTime();
        Semaphore slots = new Semaphore(Math.max(1, config.parallel()));
        List<Future<Result>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < tests.size(); i++) {
                TestCase t = tests.get(i);
                int index = i;
                // Taken here, not in the task, so tests start in their order (each running test ends within its budget).
                slots.acquireUninterruptibly();
                futures.add(pool.submit(() -> {
                    try {
                        Result r = cleanup.stopped() ? new Result(t, Verdict.SKIP, Duration.ZERO,
                                "not started: the run was stopped", null, null, List.of(), null) : runOne(t, index);
                        synchronized (progress) {
                            progress.accept(r);
                        }
                        return r;
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        List<Result> results = new ArrayList<>();
        for (Future<Result> f : futures) results.add(f.resultNow());
        List<String> problems = List.of();
        if (cleanupTaken.compareAndSet(false, true)) {
            problems = cleanup.run(config);
            cleanedUp.countDown();
        }
        finished = true;
        return new Report(results, Duration.ofNanos(System.nanoTime() - start), problems);
    }

    /**
     * Stops a run that has not finished (on Ctrl-C): no test starts any more, running tests lose their
     * connections, and what the run left on the server is cleaned up within {@code budget}. Returns one line
     * saying what was cleaned and what is left, or null when the run had already finished.
     */
    String stop(Duration budget) {
        if (finished) return null;
        cleanup.stop();
        for (Context c : running) c.closeAll();
        boolean done;
        try {
            if (cleanupTaken.compareAndSet(false, true)) {
                RunConfig quick = config.withTimeout(budget.compareTo(config.timeout()) < 0 ? budget : config.timeout());
                Thread t = Thread.ofVirtual().name("cleanup-on-stop").start(() -> cleanup.run(quick));
                done = t.join(budget);
                if (!done) t.interrupt();
            } else {
                done = cleanedUp.await(budget.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        return "stopped: " + cleanup.summary() + (done ? "" : " (cleanup cut off after " + seconds(budget) + ")");
    }

    /** How long one test may take at most: many steps plus the longest keep alive wait. */
    Duration budget() {
        return config.timeout().multipliedBy(10).plusSeconds(5L * config.keepAliveSeconds() + 15);
    }

    private Result runOne(TestCase test, int index) throws InterruptedException {
        Context ctx = new Context(config, test, index, cleanup);
        running.add(ctx);
        try {
            Result r = runWithinBudget(test, ctx);
            // A test the stop took the connections from says nothing about the server.
            if (cleanup.stopped() && (r.verdict() == Verdict.FAIL || r.verdict() == Verdict.ERROR)) {
                return new Result(test, Verdict.SKIP, r.duration(), "stopped while running", null, null, r.notes(), null);
            }
            return r;
        } finally {
            running.remove(ctx);
        }
    }

    private Result runWithinBudget(TestCase test, Context ctx) throws InterruptedException {
        long start = System.nanoTime();
        Result[] out = new Result[1];
        Thread body = Thread.ofVirtual().name("test-" + test.name()).start(() -> out[0] = verdict(test, ctx, start));
        if (!body.join(budget())) {
            body.interrupt();
            ctx.closeAll();
            body.join(Duration.ofSeconds(2));
            return new Result(test, Verdict.ERROR, elapsed(start), "the test did not finish within its budget of "
                    + seconds(budget()) + " (10 x --timeout + 5 x --keepalive-seconds + 15 s): the server is slow or "
                    + "stalled mid-test", null, null, ctx.notes(), ctx.transcript().tail(EVIDENCE_LINES));
        }
        return out[0];
    }

    private static Result verdict(TestCase test, Context ctx, long start) {
        try {
            test.body().run(ctx);
            List<String> notes = ctx.notes();
            if (test.level() == Level.MUST) {
                return new Result(test, Verdict.PASS, elapsed(start), String.join("; ", notes), null, null, notes, null);
            }
            String summary = notes.isEmpty() ? "no optional behaviour recorded" : String.join("; ", notes);
            return new Result(test, Verdict.OBSERVED, elapsed(start), summary, null, null, notes, null);
        } catch (TestFailure f) {
            return new Result(test, Verdict.FAIL, elapsed(start), f.getMessage(), f.expected(), f.observed(),
                    ctx.notes(), ctx.transcript().tail(EVIDENCE_LINES));
        } catch (TestSkipped s) {
            return new Result(test, Verdict.SKIP, elapsed(start), s.getMessage(), null, null, ctx.notes(), null);
        } catch (UncheckedIOException e) {
            return error(test, ctx, start, e.getMessage());
        } catch (CancellationException | InterruptedException e) {
            return error(test, ctx, start, "interrupted");
        } catch (Exception | AssertionError e) {
            StackTraceElement[] where = e.getStackTrace();
            return error(test, ctx, start, "internal error: " + e + (where.length > 0 ? " at " + where[0] : ""));
        } finally {
            ctx.closeAll();
        }
    }

    private static Result error(TestCase test, Context ctx, long start, String message) {
        return new Result(test, Verdict.ERROR, elapsed(start), message, null, null, ctx.notes(),
                ctx.transcript().tail(EVIDENCE_LINES));
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A duration in seconds for messages: {@code 3 s}, {@code 1.5 s}. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
    }
}
