package mqttconf.suite;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;

/**
 * Knows whether the server is still serving while tests run: every second a few fresh connections (new client
 * ids, since a server may lose only the worker some client ids hash to) must each get a CONNACK, whatever its
 * return code, within the timeout. Once a round was answered, two failed rounds in a row make an outage (from
 * the last round answered in full), reported once as
 * a {@link ServerEvent} naming the test and the packet sent just before; a whole round answered again ends it.
 * A server that never answers the probes (a fake one in a test, say) is never judged.
 */
final class Watchdog implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final int PROBES = 8;
    private static final int MAX_EVENTS = 8;

    /** How much of the server an outage took: all fresh connections, or some of them (per client id). */
    enum Extent { NONE, PARTIAL, TOTAL }

    /**
     * When the server was not serving: from the last round it answered to the first it answered again;
     * {@code total} when some round got no CONNACK at all.
     */
    record Outage(long from, long to, boolean total) {
        /**
         * A test overlaps an outage if it went on after its trigger was sent (or, without one, for a period after the
         * server was last seen serving): one that ended before spent its waits while the server served.
         */
        boolean overlaps(long start, long end) {
            return start <= to && end >= from;
        }
    }

    private final RunConfig config;
    private final Traffic traffic;
    private final Thread thread;
    private final List<Outage> outages = new ArrayList<>();
    private final List<ServerEvent> events = new ArrayList<>();
    private final List<String> triggers = new ArrayList<>();
    /**
     * The triggers of outages that began while the server served fully: the packet is then singled out well. When a
     * server answering some client ids stops answering any, many requests were already going unanswered, so the
     * one named is only the likeliest: its test is judged like the others.
     */
    private final List<String> judged = new ArrayList<>();
    private boolean segmentEscalated;
    /** Tests that sent a request of a new kind left unanswered just before an outage: possible triggers. */
    private final Set<String> suspects = new HashSet<>();
    private volatile boolean closing;
    /** When the last round answered in full ended, and when it started (the trigger came after that). */
    private long lastServed = System.nanoTime();
    private long lastRoundStart = lastServed;
    private long downSince = -1;
    /** Where the current outage starts for the tests: at its trigger's packet when one is named, else the last round served. */
    private long segmentFrom;
    /** The start of the last round with some CONNACK and when it ended; the first round with none. */
    private long lastSomeRoundStart = lastRoundStart;
    private long lastSomeServed = lastServed;
    private long firstNoneRoundStart;
    /** Some round of the current outage was answered in part; the outage went from partial to total. */
    private boolean someAnswered;
    private boolean escalated;
    /** How many outages began with the server answering some client ids (each may call for re-runs). */
    private int partialSegments;
    private String downWhat;
    private Traffic.Trigger downTrigger;
    /** The current outage's trigger window, when the last round served ended, and how many more looks it gets. */
    private long windowFrom;
    private long windowTo;
    private long windowServed;
    private int lookAgain;
    private static final int LOOKS = 4;
    private int probeCount;
    private boolean served;
    /** The last round got no CONNACK at all; some round of the current outage got none. */
    private boolean totalNow;
    private boolean wasTotal;
    private boolean lastRoundNone;
    /** Rounds with a probe unanswered since the last round answered in full. */
    private int failingRounds;
    /** When the last round judged started (nano time). */
    private long lastRecordedRound = Long.MIN_VALUE;

    Watchdog(RunConfig config, Traffic traffic) {
        this.config = config;
        this.traffic = traffic;
        this.thread = Thread.ofVirtual().name("mqttconf-watchdog").start(this::loop);
    }

    private void loop() {
        try (ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor()) {
            while (!closing) {
                long start = System.nanoTime();
                List<Future<String>> round = new ArrayList<>();
                for (int i = 0; i < PROBES; i++) {
                    String id = config.clientIdPrefix() + "wd" + Integer.toString(probeCount++ % 1296, 36);
                    round.add(probes.submit(() -> probe(id)));
                }
                String problem = null;
                int failed = 0;
                for (Future<String> f : round) {
                    String p;
                    try {
                        p = f.get();
                    } catch (Exception e) {
                        p = "probe stopped: " + e;
                    }
                    if (p != null) {
                        failed++;
                        if (problem == null) problem = p;
                    }
                }
                if (closing) return;
                record(start, problem == null ? null : failed + " of " + PROBES + " fresh connections: " + problem,
                        failed == PROBES);
                long next = start + PERIOD.toNanos();
                long sleep = next - System.nanoTime();
                if (sleep > 0) Thread.sleep(Duration.ofNanos(sleep));
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Null when a fresh connection got a CONNACK within the timeout, else what went wrong. */
    private String probe(String clientId) {
        return probe(clientId, false);
    }

    /**
     * As {@link #probe(String)}; with {@code release}, an accepted connection is closed with DISCONNECT and the
     * server's close awaited (within the timeout), so a test taking the id next does not find the server still
     * handing it over from the probe (a takeover race some servers lose).
     */
    private String probe(String clientId, boolean release) {
        Duration t = config.timeout();
        try (TestClient c = config.dialer().open(config.host(), config.port(), t, "watchdog")) {
            Connect connect = Connect.of(clientId, true, 60);
            if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
            c.send(connect);
            Event e = c.next(t);
            if (!(e instanceof Event.Received r && r.packet() instanceof ConnAck ack)) {
                return e == null ? "no CONNACK within " + Runner.seconds(t) : "no CONNACK: " + describe(e);
            }
            if (ack.returnCode() == ConnAck.ACCEPTED) c.send(new Disconnect());
            long until = System.nanoTime() + t.toNanos();
            for (long left = t.toNanos(); release && left > 0; left = until - System.nanoTime()) {
                if (c.next(Duration.ofNanos(left)) instanceof Event.Closed) break;
            }
            return null;
        } catch (IOException e) {
            return "cannot connect: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String describe(Event e) {
        return switch (e) {
            case Event.Received r -> r.packet().toString();
            case Event.Malformed m -> "a malformed packet";
            case Event.Closed c -> "the connection " + c.how();
        };
    }

    private synchronized void record(long roundStart, String problem, boolean none) {
        long now = System.nanoTime();
        lastRecordedRound = Math.max(lastRecordedRound, roundStart);
        notifyAll();
        if (problem == null) {
            served = true;
            // One round with a late CONNACK, answered fully the next second, is a busy server, not an outage.
            if (downSince >= 0 && failingRounds < 2) forget();
            if (downSince >= 0) end(now, true);
            failingRounds = 0;
            lastRoundNone = false;
            lastRoundStart = roundStart;
            lastSomeRoundStart = roundStart;
            lastServed = now;
            lastSomeServed = now;
            notifyAll();
            return;
        }
        if (!served) return;
        failingRounds++;
        if (none && !lastRoundNone) firstNoneRoundStart = roundStart;
        // Two rounds in a row without any CONNACK: with a worker per client-id hash lost, a round of random ids
        // all landing on it is not rare; two are.
        totalNow = none && lastRoundNone;
        lastRoundNone = none;
        if (!none) {
            someAnswered = true;
            lastSomeRoundStart = roundStart;
            lastSomeServed = now;
        }
        if (totalNow) wasTotal = true;
        notifyAll();
        if (downSince >= 0) look();
        if (downSince >= 0) {
            // Partly serving, then not at all: a second event, with the trigger of its own (a second worker lost).
            if (totalNow && someAnswered && !escalated) {
                end(now, false);
                escalated = true;
                wasTotal = true;
                totalNow = true;
                failingRounds = 2;
                begin(now, problem, lastSomeRoundStart, firstNoneRoundStart, lastSomeServed, false);
                return;
            }
            return;
        }
        begin(now, problem, lastRoundStart, roundStart, lastServed, !none);
    }

    /**
     * An outage starts: the trigger is looked for among the packets sent from the start of the last round answered
     * ({@code from}) until the timeout after the first round that was not: a probe's CONNECT may reach the server
     * after a packet sent just after it.
     */
    private void begin(long now, String problem, long from, long firstFailing, long servedUntil, boolean partial) {
        segmentEscalated = escalated;
        downSince = now;
        downWhat = problem;
        windowFrom = from;
        windowTo = firstFailing + config.timeout().toNanos();
        windowServed = servedUntil;
        lookAgain = LOOKS;
        look();
        if (partial) partialSegments++;
        notifyAll();
    }

    /**
     * Names the current outage's trigger from the traffic, again each round for a few rounds: a request sent just
     * before may still be answered (a row's PINGREQ after a packet the server ignored, say), which clears it.
     */
    private void look() {
        if (lookAgain <= 0) return;
        lookAgain--;
        downTrigger = traffic.trigger(windowFrom, windowTo, triggers, System.nanoTime() - config.timeout().toNanos());
        // A test that ended before the trigger was sent, or before the last round served ended, saw a server serving.
        segmentFrom = downTrigger != null ? downTrigger.nanos() : windowServed + PERIOD.toNanos();
        // Serving no one: not before a test last got a CONNACK (a trigger named too early must not take the tests
        // served after it).
        if (wasTotal || totalNow) segmentFrom = Math.max(segmentFrom, traffic.lastConnAck());
    }

    private void forget() {
        downSince = -1;
        totalNow = false;
        wasTotal = false;
        someAnswered = false;
    }

    private void end(long now, boolean recovered) {
        boolean partThenTotal = !recovered && !wasTotal;
        outages.add(new Outage(segmentFrom, recovered ? now : partThenTotal ? now : Long.MAX_VALUE, wasTotal));
        if (downTrigger != null) triggers.add(downTrigger.test());
        if (downTrigger != null) suspects.addAll(downTrigger.suspects());
        if (downTrigger != null && !segmentEscalated) judged.add(downTrigger.test());
        if (events.size() < MAX_EVENTS) {
            events.add(new ServerEvent("at " + LocalTime.now().minusNanos(System.nanoTime() - downSince)
                    .truncatedTo(ChronoUnit.MILLIS) + " the server stopped serving" + (wasTotal ? "" : " some client ids")
                    + ": " + downWhat + (partThenTotal ? " (then none at all: see the next event)" : "") + unanswered(),
                    downTrigger == null ? "" : downTrigger.test(), downTrigger == null ? "" : downTrigger.packet(),
                    recovered, Duration.ofNanos(now - downSince)));
        }
        downSince = -1;
        totalNow = false;
        wasTotal = false;
        someAnswered = false;
        if (recovered) escalated = false;
    }

    private String unanswered() {
        return downTrigger == null || downTrigger.alsoUnanswered().isEmpty() ? ""
                : "; unanswered next: " + String.join("; ", downTrigger.alsoUnanswered());
    }

    /**
     * True while the last round of probes got no CONNACK at all. A server answering some client ids only (one
     * worker lost) is partly serving: tests go on, since most of what they find is still true.
     */
    synchronized boolean down() {
        return downSince >= 0 && totalNow;
    }

    /**
     * Waits until a round of probes that went unanswered is judged (an outage, or a busy moment forgotten), at most
     * two more rounds: a run ending just after a server lost some client ids still knows it.
     */
    synchronized void settle() throws InterruptedException {
        long deadline = System.nanoTime() + config.timeout().plus(PERIOD).multipliedBy(2).toNanos();
        while (downSince >= 0 && failingRounds < 2 && !closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Waits until a round of probes started after now has been judged, then as {@link #settle}: whether a test that
     * just ended stopped the server is known before the run ends. At most two rounds and their timeouts.
     */
    synchronized void awaitFreshRound() throws InterruptedException {
        long after = System.nanoTime();
        long deadline = after + config.timeout().plus(PERIOD).multipliedBy(2).toNanos();
        while (lastRecordedRound < after && !closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            wait(Math.max(1, left / 1_000_000));
        }
        settle();
    }

    /** Waits up to {@code bound} for the server to answer again; true if it does (or never stopped). */
    synchronized boolean awaitServing(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (downSince >= 0 && totalNow) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** How much of the server was lost while a test ran from {@code start} to {@code end} (nano times). */
    synchronized Extent outageDuring(long start, long end) {
        Extent worst = downSince >= 0 && failingRounds >= 2 && end >= segmentFrom
                ? (wasTotal ? Extent.TOTAL : Extent.PARTIAL) : Extent.NONE;
        for (Outage o : outages) {
            if (!o.overlaps(start, end)) continue;
            if (o.total()) return Extent.TOTAL;
            worst = Extent.PARTIAL;
        }
        return worst;
    }

    /**
     * True while some fresh connections get no CONNACK but others do: the server may have lost the worker some
     * client ids hash to, so tests starting now use client ids it was just seen to answer ({@link #liveId}).
     */
    synchronized boolean partlyServing() {
        return downSince >= 0 && !wasTotal && !totalNow;
    }

    /** How many outages so far began with the server answering some client ids but not others. */
    synchronized int partialOutages() {
        return partialSegments;
    }

    /** Where the current outage starts for the tests (nano time); only meaningful during one. */
    synchronized long outageFrom() {
        return segmentFrom;
    }

    /**
     * The first of {@code candidates} (client ids, tried at once) that a fresh CONNECT gets a CONNACK for within
     * the timeout, or null if none does.
     */
    String liveId(List<String> candidates) {
        ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CompletionService<String> answers = new ExecutorCompletionService<>(probes);
            for (String id : candidates) answers.submit(() -> probe(id, true) == null ? id : null);
            for (int i = 0; i < candidates.size(); i++) {
                try {
                    String id = answers.take().get();
                    if (id != null) return id;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                } catch (ExecutionException e) {
                    // that candidate could not be tried: the next answer
                }
            }
            return null;
        } finally {
            // The probes still waiting are not needed: interrupted, they close their connections.
            probes.shutdownNow();
        }
    }

    /**
     * The tests named as triggers of outages that began while the server served fully: their own verdicts stand. The
     * other suspects (a request of a kind never answered, left unanswered at about the same moment) are judged like
     * every test: whether one was sent a little before the trigger or a little after is a matter of scheduling, and
     * a verdict must not depend on it.
     */
    synchronized List<String> judgedTriggers() {
        List<String> all = new ArrayList<>(judged);
        if (downSince >= 0 && failingRounds >= 2 && downTrigger != null && !segmentEscalated) {
            all.add(downTrigger.test());
        }
        return all;
    }

    /** The tests named as triggers, and the other suspects: not run again (they might stop the server again). */
    synchronized List<String> triggers() {
        List<String> all = new ArrayList<>(triggers);
        all.addAll(suspects);
        if (downSince >= 0 && downTrigger != null) {
            all.add(downTrigger.test());
            all.addAll(downTrigger.suspects());
        }
        return all;
    }

    /** The outages seen, one event each; one still going on is reported as not recovered. */
    synchronized List<ServerEvent> events() {
        List<ServerEvent> all = new ArrayList<>(events);
        if (downSince >= 0 && failingRounds >= 2 && all.size() < MAX_EVENTS) {
            all.add(new ServerEvent("at " + LocalTime.now().minusNanos(System.nanoTime() - downSince)
                    .truncatedTo(ChronoUnit.MILLIS) + " the server stopped serving" + (wasTotal ? "" : " some client ids")
                    + ": " + downWhat + " (not recovered by the end of the run)" + unanswered(), downTrigger == null ? ""
                    : downTrigger.test(), downTrigger == null ? "" : downTrigger.packet(), false, Duration.ofNanos(System.nanoTime() - downSince)));
        }
        return all;
    }

    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(config.timeout().multipliedBy(2).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
