package mqttconf.suite;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    /** The capabilities each test used (from its last run). */
    private final Map<String, Set<Capability>> uses = new ConcurrentHashMap<>();
    /**
     * Tests whose last outcome says nothing about a server not fully serving, and why (see {@link
     * Context#restsOnSilence}).
     */
    private final Map<String, String> silentPasses = new ConcurrentHashMap<>();
    private volatile Watchdog dog;
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

    /**
     * Runs {@code tests} and cleans up after them; a runner runs once. The CONCURRENT tests run together, then the
     * EDGE ones; every FAIL or ERROR of each is run again alone before it is reported (INTERMITTENT when it then
     * passes); tests scheduled ALONE run one at a time after all the others, and those scheduled LAST after them; a
     * failure while the watchdog saw the server not serving is NOT_SERVING. Results that may still change are
     * reported to {@code progress} at the end.
     */
    public Report run(List<TestCase> tests) {
        long start = System.nanoTime();
        int n = tests.size();
        Result[] results = new Result[n];
        long[][] spans = new long[n][2];
        List<Integer> together = new ArrayList<>();
        List<Integer> edge = new ArrayList<>();
        List<Integer> alone = new ArrayList<>();
        List<Integer> background = new ArrayList<>();
        List<Integer> last = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (tests.get(i).schedule()) {
                case CONCURRENT -> together.add(i);
                case EDGE -> edge.add(i);
                case ALONE -> alone.add(i);
                case BACKGROUND -> background.add(i);
                case LAST -> last.add(i);
            }
        }
        Traffic traffic = new Traffic();
        List<ServerEvent> events;
        try (Watchdog dog = new Watchdog(config, traffic)) {
            this.dog = dog;
            // Background tests each hold a slot of their own, beyond --parallel: they wait far more than they work.
            Thread behind = Thread.ofVirtual().name("background-tests").start(() -> phase(tests, background,
                    Math.max(1, background.size()), true, 0, results, spans, dog, traffic));
            // The edge-case rows only once every other concurrent test has its verdict: should one of them stop the
            // server or part of it, what it takes down is other rows only, whatever the timing.
            together(tests, together, results, spans, dog, traffic);
            together(tests, edge, results, spans, dog, traffic);
            // Alone means alone: not beside the background tests or the re-runs either.
            behind.join();
            phase(tests, alone, 1, false, 0, results, spans, dog, traffic);
            phase(tests, last, 1, false, 0, results, spans, dog, traffic);
            // A failure in silence at the end may be the server stopping, which the watchdog has not judged yet (two
            // rounds and a timeout): its next round says so before the verdicts are given.
            long recent = System.nanoTime() - config.timeout().plus(Watchdog.PERIOD.multipliedBy(2)).toNanos();
            for (int i = 0; i < n; i++) {
                Result r = results[i];
                if (r != null && (r.verdict() == Verdict.FAIL || r.verdict() == Verdict.ERROR) && OutageVerdicts.silence(r)
                        && spans[i][1] > recent) {
                    dog.awaitFreshRound();
                    break;
                }
            }
            OutageVerdicts.apply(results, spans, dog, silentPasses);
            events = dog.events();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the background tests ran", e);
        }
        List<Result> all = RootCauses.annotate(List.of(results), uses);
        for (Result r : all) {
            if (r.verdict() != Verdict.PASS && r.verdict() != Verdict.OBSERVED && r.verdict() != Verdict.SKIP) {
                synchronized (progress) {
                    progress.accept(r);
                }
            }
        }
        List<String> problems = List.of();
        if (cleanupTaken.compareAndSet(false, true)) {
            problems = cleanup.run(config);
            cleanedUp.countDown();
        }
        finished = true;
        return new Report(all, Duration.ofNanos(System.nanoTime() - start), problems, RootCauses.of(all, uses), events);
    }

    /**
     * Runs the tests at {@code group} concurrently, then each failure again, one at a time (only waits for a close
     * or a re-send overlap), beside the background tests. Not a test that stopped the server: run again, it would only
     * stop it again.
     */
    private void together(List<TestCase> tests, List<Integer> group, Result[] results, long[][] spans, Watchdog dog,
                          Traffic traffic) throws InterruptedException {
        int n = tests.size();
        phase(tests, group, Math.max(1, config.parallel()), true, 0, results, spans, dog, traffic);
        dog.settle();
        List<String> triggersSoFar = dog.triggers();
        List<Integer> failed = group.stream().filter(i -> (results[i].verdict() == Verdict.FAIL
                || results[i].verdict() == Verdict.ERROR || unansweredSkip(results[i], spans[i], dog))
                && !triggersSoFar.contains(tests.get(i).name())).toList();
        Result[] again = new Result[n];
        long[][] againSpans = new long[n][2];
        if (!cleanup.stopped() && !abandoned) phase(tests, failed, 1, true, 1, again, againSpans, dog, traffic);
        for (int i : failed) {
            Result a = again[i];
            if (a == null || cleanup.stopped()) continue;
            String name = tests.get(i).name();
            switch (RerunVerdicts.decide(results[i], dog.outageDuring(spans[i][0], spans[i][1]), a,
                    dog.outageDuring(againSpans[i][0], againSpans[i][1]), silentPasses.containsKey(name))) {
                case AGAIN -> {
                    results[i] = a;
                    spans[i] = againSpans[i];
                }
                case INTERMITTENT -> results[i] = RerunVerdicts.intermittent(results[i]);
                case FIRST -> {
                    // What the re-run rested on does not describe the first run, which stands.
                    if (a.verdict() == Verdict.PASS || a.verdict() == Verdict.OBSERVED) silentPasses.remove(name);
                }
            }
        }
    }

    /** Set once the server stayed down longer than the recovery bound: the tests not yet started are not run. */
    private volatile boolean abandoned;

    /** How long the run waits for a server that stopped serving before it marks the rest NOT_SERVING. */
    Duration recoveryBound() {
        return config.lateWait().compareTo(config.timeout().multipliedBy(3)) > 0 ? config.lateWait()
                : config.timeout().multipliedBy(3);
    }

    /**
     * Runs the tests at {@code indices}, at most {@code parallel} at once, in their order; with {@code overlapWaits}
     * a test waiting for a close or a re-send gives up its slot meanwhile. Results that are final (PASS, OBSERVED,
     * SKIP) go to the progress listener at once; {@code attempt} 1 is a re-run.
     */
    private void phase(List<TestCase> tests, List<Integer> indices, int parallel, boolean overlapWaits, int attempt,
                       Result[] results, long[][] spans, Watchdog dog, Traffic traffic) {
        Semaphore slots = new Semaphore(parallel);
        Context.Waits waits = !overlapWaits ? Context.Waits.NONE : new Context.Waits() {
            @Override
            public void idle() {
                slots.release();
            }

            @Override
            public void busy() {
                slots.acquireUninterruptibly();
            }
        };
        int partialSeen = dog.partialOutages();
        List<Integer> started = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i : indices) {
                TestCase t = tests.get(i);
                if (attempt == 0 && overlapWaits && dog.partialOutages() != partialSeen && dog.partlyServing()) {
                    partialSeen = dog.partialOutages();
                    rerunAfterPartialOutage(tests, started, pool, slots, waits, results, spans, dog, traffic);
                }
                if (!abandoned && dog.down()) {
                    try {
                        if (!dog.awaitServing(recoveryBound())) abandoned = true;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        abandoned = true;
                    }
                }
                if (abandoned) {
                    results[i] = OutageVerdicts.notServing(new Result(t, Verdict.NOT_SERVING, Duration.ZERO, "", null, null,
                            List.of(), null), "not run: the server stopped serving and did not recover within "
                            + seconds(recoveryBound()) + " (see the run's server events)");
                    continue;
                }
                // Taken here, not in the task, so tests start in their order (each running test ends within its budget).
                slots.acquireUninterruptibly();
                started.add(i);
                pool.submit(() -> {
                    try {
                        Result r = cleanup.stopped() ? new Result(t, Verdict.SKIP, Duration.ZERO,
                                "not started: the run was stopped", null, null, List.of(), null)
                                : timed(t, attempt * tests.size() + i, attempt, waits, traffic, spans[i]);
                        results[i] = r;
                        if (attempt == 0 && (r.verdict() == Verdict.PASS || r.verdict() == Verdict.OBSERVED
                                || r.verdict() == Verdict.SKIP)) {
                            synchronized (progress) {
                                progress.accept(r);
                            }
                        }
                    } catch (InterruptedException e) {
                        results[i] = new Result(t, Verdict.ERROR, Duration.ZERO, "interrupted", null, null, List.of(), null);
                    } finally {
                        slots.release();
                    }
                });
            }
        }
    }

    /** The attempt number of a re-run after a partial outage: its own client ids and topics. */
    private static final int AFTER_PARTIAL_OUTAGE = 2;

    /**
     * The server just lost some client ids (a worker per client-id hash, say): the tests that failed since the
     * outage's trigger may have failed only because their ids were among them, a different set each run. Those that
     * have failed so far run again now, beside the rest, while the server still serves the other ids, with ids it was just seen
     * to answer ({@link Context#clientId}); the trigger itself is not run again (it would take the next worker).
     */
    private void rerunAfterPartialOutage(List<TestCase> tests, List<Integer> started,
                                         ExecutorService pool,
                                         Semaphore slots, Context.Waits waits, Result[] results,
                                         long[][] spans,
                                         Watchdog dog, Traffic traffic) {
        long from = dog.outageFrom();
        List<String> notAgain = dog.triggers();
        for (int i : started) {
            Result r = results[i];
            if (r == null || r.verdict() != Verdict.FAIL && r.verdict() != Verdict.ERROR && !unansweredSkip(r, spans[i], dog)
                    || spans[i][1] < from
                    || notAgain.contains(tests.get(i).name()) || cleanup.stopped()) {
                continue;
            }
            TestCase t = tests.get(i);
            slots.acquireUninterruptibly();
            pool.submit(() -> {
                try {
                    Result a = timed(t, AFTER_PARTIAL_OUTAGE * tests.size() + i, AFTER_PARTIAL_OUTAGE, waits, traffic, spans[i]);
                    results[i] = a;
                    if (a.verdict() == Verdict.PASS || a.verdict() == Verdict.OBSERVED || a.verdict() == Verdict.SKIP) {
                        synchronized (progress) {
                            progress.accept(a);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    slots.release();
                }
            });
        }
    }

    /**
     * A SHOULD or MAY test that could not check because the server did not answer while it had lost some client
     * ids: another run would have met ids it answers, so it runs again like a failure, and that run is its verdict.
     */
    private static boolean unansweredSkip(Result r, long[] span, Watchdog dog) {
        return r.verdict() == Verdict.SKIP && OutageVerdicts.silence(r)
                && dog.outageDuring(span[0], span[1]) == Watchdog.Extent.PARTIAL;
    }

    /** Runs one test and notes when it ran (nano times) in {@code span}. */
    private Result timed(TestCase t, int index, int attempt, Context.Waits waits, Traffic traffic, long[] span)
            throws InterruptedException {
        span[0] = System.nanoTime();
        try {
            return runOne(t, index, attempt, waits, traffic);
        } finally {
            span[1] = System.nanoTime();
        }
    }

    /**
     * Stops a run that has not finished (on Ctrl-C): no test starts any more, running tests lose their
     * connections, and what the run left on the server is cleaned up within {@code budget}. Returns one line
     * saying what was cleaned and what is left, or null when the run had already finished.
     */
    public String stop(Duration budget) {
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

    /** How long one test may take at most: many steps, the longest keep alive wait and two late waits. */
    Duration budget() {
        return config.timeout().multipliedBy(10).plusSeconds(5L * config.keepAliveSeconds() + 15)
                .plus(config.lateWait().multipliedBy(2));
    }

    private Result runOne(TestCase test, int index, int attempt, Context.Waits waits, Traffic traffic)
            throws InterruptedException {
        Context ctx = new Context(config, test, index, cleanup, waits, traffic, attempt, dog);
        running.add(ctx);
        try {
            Result r = runWithinBudget(test, ctx);
            uses.put(test.name(), ctx.uses());
            String silent = ctx.restsOnSilence();
            if (silent != null) silentPasses.put(test.name(), silent);
            else silentPasses.remove(test.name());
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
                    + seconds(budget()) + " (10 x --timeout + 5 x --keepalive-seconds + 2 x --late-wait + 15 s): the "
                    + "server is slow or stalled mid-test", null, null, ctx.notes(), ctx.transcript().tail(EVIDENCE_LINES));
        }
        return out[0];
    }

    private static Result verdict(TestCase test, Context ctx, long start) {
        try {
            test.body().run(ctx);
            List<String> notes = ctx.notes();
            List<Deviation> deviations = ctx.deviations();
            if (!deviations.isEmpty()) return fail(test, ctx, start, deviations);
            if (test.level() == Level.MUST) {
                return new Result(test, Verdict.PASS, elapsed(start), String.join("; ", notes), null, null, notes, null);
            }
            String summary = notes.isEmpty() ? "no optional behaviour recorded" : String.join("; ", notes);
            return new Result(test, Verdict.OBSERVED, elapsed(start), summary, null, null, notes, null);
        } catch (TestFailure f) {
            List<Deviation> checked = ctx.deviations();
            if (sizeLimit(ctx, f)) {
                return new Result(test, Verdict.SKIP, elapsed(start), "the server closed the connection after a "
                        + ctx.largestSent() + "-byte packet: a limit of its own (see limits.packet-size), not a "
                        + "deviation", null, null, ctx.notes(), null);
            }
            // A SHOULD or MAY test whose setup fails has nothing to report: the MUST tests judge that setup. A
            // malformed packet from the server is a deviation wherever it shows.
            boolean malformed = f.observed() != null && f.observed().startsWith("a malformed packet from the server");
            if (test.level() != Level.MUST && checked.isEmpty() && !malformed) {
                return new Result(test, Verdict.SKIP, elapsed(start), "could not check: " + f.getMessage(), null, null,
                        ctx.notes(), null);
            }
            List<Deviation> all = new ArrayList<>(checked);
            for (Deviation d : f.deviations()) if (!all.contains(d)) all.add(d);
            return fail(test, ctx, start, all);
        } catch (TestSkipped s) {
            List<Deviation> deviations = ctx.deviations();
            if (!deviations.isEmpty()) return fail(test, ctx, start, deviations);
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

    /** Packets this large or larger may meet a server's own size limit (8 KB seen), which no statement forbids. */
    static final int LARGE_PACKET = 4096;

    /** The failure is the server closing a connection that had just sent a large packet. */
    private static boolean sizeLimit(Context ctx, TestFailure f) {
        return ctx.largestSent() >= LARGE_PACKET && f.observed() != null
                && (f.observed().contains("closed by peer") || f.observed().contains("connection broken"));
    }

    /** FAIL with every deviation; expected and observed of the first. */
    private static Result fail(TestCase test, Context ctx, long start, List<Deviation> deviations) {
        Deviation first = deviations.get(0);
        long checks = deviations.stream().map(d -> d.expected() + "\n" + d.observed()).distinct().count();
        String summary = "expected " + first.expected() + "; observed " + first.observed()
                + (checks > 1 ? " (and " + (checks - 1) + " more)" : "");
        return new Result(test, Verdict.FAIL, elapsed(start), summary, first.expected(), first.observed(), ctx.notes(),
                ctx.transcript().tail(EVIDENCE_LINES), deviations);
    }

    private static Result error(TestCase test, Context ctx, long start, String message) {
        return new Result(test, Verdict.ERROR, elapsed(start), message, null, null, ctx.notes(),
                ctx.transcript().tail(EVIDENCE_LINES));
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A duration in seconds for messages: {@code 3 s}, {@code 1.5 s}. */
    public static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format("%.1f s", ms / 1000.0);
    }
}
