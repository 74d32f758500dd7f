package mqttconf.explore;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import mqttconf.suite.RunConfig;

/**
 * The exploration loop: seeded traces run against the server by a few workers at once, each trace with its own
 * client ids and topics; the first trace of each distinct divergence is shrunk, confirmed three times and kept.
 */
public final class Explorer {
    /** Shrinking runs the trace at most this many times. */
    static final int SHRINK_BUDGET = 150;
    static final int CONFIRMATIONS = 3;
    /** How often a divergence that did not reproduce every time is shrunk again when traces show it. */
    static final int MAX_ATTEMPTS = 3;

    /** A distinct divergence: found by {@code seed} in a trace of {@code original} steps, shrunk to {@code steps}. */
    public record Found(Divergence divergence, long seed, int original, List<Step> steps, int clients, int reproduced,
                        int shownAt, List<String> transcript, List<String> misses) {
    }

    /** What a run did. */
    public record Summary(int traces, long steps, Duration wall, Set<String> reached, List<Found> found,
                          List<Found> unconfirmed, int errors, String firstError, int internalErrors) {
        public double tracesPerSecond() {
            return traces / Math.max(0.001, wall.toNanos() / 1e9);
        }
    }

    private final RunConfig config;
    private final int clients;
    private final int parallel;
    private final Consumer<String> progress;
    private final AtomicInteger names = new AtomicInteger();
    private final Set<String> reached = ConcurrentHashMap.newKeySet();
    private volatile boolean untilFirst;

    /** Stops starting traces once a divergence is found (and shrunk): a budgeted search for one deviation. */
    public Explorer untilFirst() {
        untilFirst = true;
        return this;
    }

    public Explorer(RunConfig config, int clients, int parallel, Consumer<String> progress) {
        this.config = config;
        this.clients = clients;
        this.parallel = parallel;
        this.progress = progress;
    }

    /** Runs traces seeded {@code seed}, {@code seed + 1}, ... until {@code runs} traces or {@code time} has passed. */
    public Summary explore(long seed, int runs, Duration time, int minSteps, int maxSteps) throws InterruptedException {
        long start = System.nanoTime();
        long end = time == null ? Long.MAX_VALUE : start + time.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger internal = new AtomicInteger();
        AtomicLong steps = new AtomicLong();
        Map<String, Found> found = new LinkedHashMap<>();
        List<Found> unconfirmed = new ArrayList<>();
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        Set<String> shrinking = ConcurrentHashMap.newKeySet();
        String[] firstError = new String[1];
        AtomicLong lastReport = new AtomicLong(start);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < parallel; w++) {
                pool.submit(() -> {
                    while (true) {
                        int i = next.getAndIncrement();
                        if (i >= runs || System.nanoTime() >= end || untilFirst && foundAny(found)) return null;
                        long traceSeed = seed + i;
                        try {
                            List<Step> trace = new Generator(traceSeed, clients, reached).trace(minSteps, maxSteps);
                            Driver.Outcome o;
                            try {
                                o = run(trace, false);
                            } catch (IOException e) {
                                errors.incrementAndGet();
                                synchronized (firstError) {
                                    if (firstError[0] == null) firstError[0] = e.getMessage();
                                }
                                continue;
                            }
                            steps.addAndGet(o.stepsRun());
                            done.incrementAndGet();
                            String sig = o.divergence() == null ? null : o.divergence().signature();
                            if (sig != null && attempts.merge(sig, 1, Integer::sum) <= MAX_ATTEMPTS && shrinking.add(sig)) {
                                Found f = shrink(o.divergence(), traceSeed, trace);
                                // Claimed only when every replay shows it; else it may be the machine's timing, and is tried again.
                                if (f.reproduced() == CONFIRMATIONS) {
                                    synchronized (found) {
                                        found.put(sig, f);
                                        progress.accept(Report.found(f, found.size()));
                                    }
                                } else {
                                    synchronized (found) {
                                        unconfirmed.add(f);
                                    }
                                    progress.accept("explore: not claimed, reproduced " + f.reproduced() + " of " + CONFIRMATIONS
                                            + " replays: " + f.divergence());
                                    shrinking.remove(sig);
                                }
                            }
                        } catch (RuntimeException e) {
                            // A bug of explore, not of the server: counted, shown, and the search goes on.
                            internal.incrementAndGet();
                            StackTraceElement[] where = e.getStackTrace();
                            progress.accept("explore: internal error in the trace of seed " + traceSeed + ": " + e
                                    + (where.length > 0 ? " at " + where[0] : ""));
                        }
                        long now = System.nanoTime();
                        long last = lastReport.get();
                        if (now - last > 2_000_000_000L && lastReport.compareAndSet(last, now)) {
                            progress.accept(String.format("explore: %d traces, %d steps, %d statements reached, %d divergences (%.0f traces/s)",
                                    done.get(), steps.get(), reached.size(), shrinking.size(), done.get() / ((now - start) / 1e9)));
                        }
                    }
                });
            }
        }
        List<Found> all;
        List<Found> maybe;
        synchronized (found) {
            all = List.copyOf(found.values());
            maybe = List.copyOf(unconfirmed);
        }
        return new Summary(done.get(), steps.get(), Duration.ofNanos(System.nanoTime() - start), new TreeSet<>(reached),
                all, maybe, errors.get(), firstError[0], internal.get());
    }

    private static boolean foundAny(Map<String, Found> found) {
        synchronized (found) {
            return !found.isEmpty();
        }
    }

    /** Runs one trace with fresh names; the statements it reached count for the run. */
    Driver.Outcome run(List<Step> trace, boolean transcript) throws IOException, InterruptedException {
        String key = Integer.toString(names.incrementAndGet(), 36);
        Driver.Names n = new Driver.Names(config.clientIdPrefix() + key, config.topicPrefix() + "x" + key + "/");
        Driver d = new Driver(config, n, clients, transcript);
        Driver.Outcome o = d.run(trace);
        reached.addAll(d.model().reached());
        return o;
    }

    /**
     * Shrinks the trace to the fewest steps still showing the same divergence, then replays it three times. The
     * shrinker keeps a smaller trace only after a run of it showed the divergence; the replays judge it. (A fourth
     * run deciding between it and the whole trace made one late reply on a busy machine undo the whole shrink.)
     */
    Found shrink(Divergence target, long seed, List<Step> trace) throws InterruptedException {
        Shrinker s = new Shrinker(candidate -> same(target, candidate), SHRINK_BUDGET);
        List<Step> small = s.shrink(trace);
        int reproduced = 0;
        Driver.Outcome last = null;
        List<String> misses = new ArrayList<>();
        for (int i = 0; i < CONFIRMATIONS; i++) {
            try {
                Driver.Outcome o = run(small, true);
                if (o.divergence() != null && o.divergence().signature().equals(target.signature())) {
                    reproduced++;
                    last = o;
                } else {
                    misses.add(o.divergence() == null ? "no divergence" : o.divergence().toString());
                }
            } catch (IOException e) {
                misses.add("could not run: " + e.getMessage());
            }
        }
        Divergence shown = last == null ? target : last.divergence();
        return new Found(shown, seed, trace.size(), small, clients, reproduced, last == null ? -1 : last.step(),
                last == null ? List.of() : last.transcript(), misses);
    }

    private boolean same(Divergence target, List<Step> candidate) {
        try {
            Driver.Outcome o = run(candidate, false);
            return o.divergence() != null && o.divergence().signature().equals(target.signature());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The statements reached so far by this explorer's traces. */
    public Set<String> reached() {
        return new TreeSet<>(reached);
    }

    static List<String> numbered(List<Step> steps) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) out.add(String.format("%3d. %s", i + 1, Step.format(steps.get(i))));
        return out;
    }
}
