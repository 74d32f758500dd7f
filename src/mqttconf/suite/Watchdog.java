package mqttconf.suite;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
 * return code, within the timeout. Once a round was answered, a failed round starts an outage, reported once as
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
    private volatile boolean closing;
    private long lastServed = System.nanoTime();
    private long downSince = -1;
    private String downWhat;
    private Traffic.Trigger downTrigger;
    private int probeCount;
    private boolean served;
    /** The last round got no CONNACK at all; some round of the current outage got none. */
    private boolean totalNow;
    private boolean wasTotal;
    private boolean lastRoundNone;

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
        if (problem == null) {
            served = true;
            if (downSince >= 0) end(now, true);
            lastRoundNone = false;
            lastServed = roundStart;
            notifyAll();
            return;
        }
        if (!served) return;
        // Two rounds in a row without any CONNACK: with a worker per client-id hash lost, a round of random ids
        // all landing on it is not rare; two are.
        totalNow = none && lastRoundNone;
        lastRoundNone = none;
        if (totalNow) wasTotal = true;
        notifyAll();
        if (downSince >= 0) return;
        downSince = now;
        downWhat = problem;
        downTrigger = traffic.trigger(lastServed, roundStart);
        notifyAll();
    }

    private void end(long now, boolean recovered) {
        outages.add(new Outage(lastServed, recovered ? now : Long.MAX_VALUE, wasTotal));
        if (downTrigger != null) triggers.add(downTrigger.test());
        if (events.size() < MAX_EVENTS) {
            events.add(new ServerEvent("at " + LocalTime.now().minusNanos(System.nanoTime() - downSince)
                    .truncatedTo(ChronoUnit.MILLIS) + " the server stopped serving" + (wasTotal ? "" : " some client ids")
                    + ": " + downWhat + unanswered(), downTrigger == null ? "" : downTrigger.test(),
                    downTrigger == null ? "" : downTrigger.packet(), recovered, Duration.ofNanos(now - downSince)));
        }
        downSince = -1;
        totalNow = false;
        wasTotal = false;
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
        Extent worst = downSince >= 0 && end >= lastServed ? (wasTotal ? Extent.TOTAL : Extent.PARTIAL) : Extent.NONE;
        for (Outage o : outages) {
            if (!o.overlaps(start, end)) continue;
            if (o.total()) return Extent.TOTAL;
            worst = Extent.PARTIAL;
        }
        return worst;
    }

    /** The tests named as triggers: their own verdicts stand. */
    synchronized List<String> triggers() {
        List<String> all = new ArrayList<>(triggers);
        if (downSince >= 0 && downTrigger != null) all.add(downTrigger.test());
        return all;
    }

    /** The outages seen, one event each; one still going on is reported as not recovered. */
    synchronized List<ServerEvent> events() {
        List<ServerEvent> all = new ArrayList<>(events);
        if (downSince >= 0 && all.size() < MAX_EVENTS) {
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
