package mqttconf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import mqttconf.util.Reasons;
import mqttconf.client.Dialer;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;

/**
 * One load run: opens the connections, waits until every client is connected and subscribed, lets the
 * publishers go for the configured time or message count, waits for the tail to arrive, and adds it all up.
 * The fields below are shared with the {@link IoLoop} threads.
 */
public final class LoadRun {
    /**
     * Longest wait for messages still on their way once publishing stops, plus twice the publishing time: at
     * QoS 0 and full speed a broker that does not drop can have seconds of messages queued in socket buffers.
     */
    private static final long DRAIN_NANOS = 10_000_000_000L;
    /** The drain ends early after this long without a new arrival. */
    private static final long QUIET_NANOS = 1_000_000_000L;

    final BenchConfig config;
    final InetSocketAddress address;
    final String runId = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
    final Histogram latency = new Histogram();
    /** From the start of the TCP connect to the CONNACK, per client. */
    final Histogram connectLatency = new Histogram();
    /** Connections begun, against {@code connectRate}. */
    final AtomicInteger connectsBegun = new AtomicInteger();
    volatile long connectStartNanos;
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder acked = new LongAdder();
    final AtomicInteger ready = new AtomicInteger();
    final AtomicInteger publishersDone = new AtomicInteger();
    final AtomicReference<String> failure = new AtomicReference<>();
    volatile boolean publishing;
    volatile boolean stopped;
    /** Set by {@link #interrupt}: the run winds down and reports what it did so far. */
    volatile boolean interrupted;
    private Relay relay;
    volatile long startNanos;
    private volatile boolean started;
    private final List<IoLoop> loops = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<LoadClient> publishers = new ArrayList<>();
    private final List<LoadClient> subscribers = new ArrayList<>();

    public LoadRun(BenchConfig config) {
        this.config = config;
        this.address = new InetSocketAddress(config.host(), config.port());
    }

    /** Stops the run where it stands (Ctrl-C): it still adds up, prints and writes what happened until then. */
    public void interrupt() {
        interrupted = true;
        loops.forEach(IoLoop::wakeup);
    }

    /** Where the clients connect: the target, or the relay that carries TLS and WebSocket to it. */
    InetSocketAddress connectTo() {
        return relay == null ? address : relay.address();
    }

    /** The topic publisher {@code p} publishes on: the pattern with {@code %i} and {@code %r} filled in. */
    String topic(int p) {
        return config.client().topic().replace("%r", runId).replace("%i", config.shared() ? "all" : String.valueOf(p));
    }

    /** Whether a new connection may begin now under --connect-rate; counts it if so. */
    boolean mayConnect(long now) {
        int rate = config.client().connectRate();
        if (rate == 0) return true;
        long allowed = (now - connectStartNanos) * rate / 1_000_000_000L + 1;
        int begun = connectsBegun.get();
        return begun < allowed && connectsBegun.compareAndSet(begun, begun + 1);
    }

    /** The topic filters subscriber {@code s} subscribes to. */
    List<String> filters(int s) {
        if (config.shared()) return List.of(topic(0));
        List<String> f = new ArrayList<>();
        for (int p = 0; p < config.publishers(); p++) if (config.subscribes(s, p)) f.add(topic(p));
        return f;
    }

    void publisherDone() {
        publishersDone.incrementAndGet();
    }

    /** Records the first failure; every loop stops on it. */
    void fail(LoadClient c, Exception e) {
        String what = Reasons.of(e);
        if (what.contains("Too many open files")) what += " (raise ulimit -n)";
        String who = c == null ? "" : " (" + c.role.name().toLowerCase(Locale.ROOT) + " " + c.index + ")";
        String prefix = started ? "connection lost" + who + ": " : "cannot connect to " + config.client().target() + who + ": ";
        if (failure.compareAndSet(null, prefix + what)) loops.forEach(IoLoop::wakeup);
    }

    /** What broke the run, or null. */
    public String failure() {
        return failure.get();
    }

    /** Whether the run failed before publishing began: a connection problem rather than a broken run. */
    public boolean failedToConnect() {
        return !started && failure.get() != null;
    }

    /** Runs the whole thing, printing progress lines to {@code out}. */
    public BenchResult execute(PrintStream out) throws IOException, InterruptedException {
        try {
            return run(out);
        } finally {
            if (relay != null) relay.close();
        }
    }

    private BenchResult run(PrintStream out) throws IOException, InterruptedException {
        int pubs = config.publishers(), subs = config.subscribers();
        if (config.client().dialer() == null && address.isUnresolved())
            throw new IOException("cannot connect to " + config.client().target() + ": unknown host " + config.host());
        if (config.client().dialer() != null) relay = new Relay(config.client().dialer(), config.host(), config.port(), e -> fail(null, e));
        IoLoop first = new IoLoop(this, "bench-io-0");
        IoLoop second = pubs > 0 && subs > 0 ? new IoLoop(this, "bench-io-1") : first;
        loops.add(first);
        if (second != first) loops.add(second);
        for (int i = 0; i < config.connections(); i++) second.add(new LoadClient(this, LoadClient.Role.IDLE, i));
        for (int i = 0; i < subs; i++) {
            LoadClient c = new LoadClient(this, LoadClient.Role.SUBSCRIBER, i);
            subscribers.add(c);
            second.add(c);
        }
        for (int i = 0; i < pubs; i++) {
            LoadClient c = new LoadClient(this, LoadClient.Role.PUBLISHER, i);
            publishers.add(c);
            first.add(c);
        }
        long[] fanOut = new long[pubs];
        for (int p = 0; p < pubs; p++) for (int s = 0; s < subs; s++) if (config.subscribes(s, p)) fanOut[p]++;

        int total = pubs + subs + config.connections();
        long setupStart = System.nanoTime();
        connectStartNanos = setupStart;
        int connectRate = config.client().connectRate();
        long setupDeadline = setupStart + 10_000_000_000L + total * 2_000_000L
                + (connectRate > 0 ? total * 1_000_000_000L / connectRate : 0);
        loops.forEach(IoLoop::start);
        long nextReport = setupStart + 1_000_000_000L;
        while (ready.get() < total && failure.get() == null && !interrupted) {
            long now = System.nanoTime();
            if (now > setupDeadline) {
                fail(null, new IOException("only " + ready.get() + " of " + total + " clients connected in "
                        + (now - setupStart) / 1_000_000_000L + " s"));
                break;
            }
            if (now > nextReport) {
                out.printf("connecting: %d of %d clients ready%n", ready.get(), total);
                nextReport += 1_000_000_000L;
            }
            Thread.sleep(2);
        }
        if (failure.get() != null) {
            stop();
            return null;
        }
        double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
        if (interrupted) {
            stop();
            return BenchResult.of(this, setupSeconds, 0, 0, 0, null);
        }
        out.printf(Locale.ROOT, "connected %d clients in %.2f s (%.0f/s)%n", total, setupSeconds,
                setupSeconds > 0 ? total / setupSeconds : 0);
        if (config.client().hold()) return hold(out, total, setupSeconds);

        started = true;
        startNanos = System.nanoTime();
        publishing = true;
        loops.forEach(IoLoop::wakeup);
        Progress progress = new Progress(out);
        long end = config.messages() > 0 ? Long.MAX_VALUE : startNanos + config.seconds() * 1_000_000_000L;
        while (failure.get() == null && !interrupted) {
            long now = System.nanoTime();
            progress.maybePrint(now);
            if (now >= end || (config.messages() > 0 && publishersDone.get() == pubs)) break;
            Thread.sleep(Math.max(1, Math.min(10, (end - now) / 1_000_000L)));
        }
        // Stopped first, then timed: a publisher decides what to send from a clock read before it sees the flag, so
        // every message sent falls inside the time reported, however late a busy machine runs this thread.
        publishing = false;
        long publishEnd = System.nanoTime();
        loops.forEach(IoLoop::wakeup);

        long sentTotal = 0, expected = 0;
        for (LoadClient p : publishers) {
            sentTotal += p.sent();
            expected += p.sent() * fanOut[p.index];
        }
        long drainEnd = publishEnd + DRAIN_NANOS + 2 * (publishEnd - startNanos);
        long lastCount = -1, lastChange = publishEnd;
        while (failure.get() == null && !interrupted) {
            long now = System.nanoTime();
            long got = received.sum();
            if (got != lastCount) {
                lastCount = got;
                lastChange = now;
            }
            boolean acksIn = config.qos() == 0 || acked.sum() >= sentTotal;
            if ((got >= expected && acksIn) || now > drainEnd || now - lastChange > QUIET_NANOS) break;
            progress.maybePrint(now);
            Thread.sleep(2);
        }
        String error = failure.get();
        stop();
        return BenchResult.of(this, setupSeconds, (publishEnd - startNanos) / 1e9, sentTotal, expected, error);
    }

    /** Conn mode: holds every connection for the configured time (0: until interrupted); a drop fails the run. */
    private BenchResult hold(PrintStream out, int total, double setupSeconds) throws InterruptedException {
        started = true;
        startNanos = System.nanoTime();
        long end = config.seconds() == 0 ? Long.MAX_VALUE : startNanos + config.seconds() * 1_000_000_000L;
        long next = startNanos + 10_000_000_000L;
        while (failure.get() == null && !interrupted && System.nanoTime() < end) {
            long now = System.nanoTime();
            if (now >= next) {
                out.printf("%4d s  holding %d connections%n", (now - startNanos) / 1_000_000_000L, total);
                next += 10_000_000_000L;
            }
            Thread.sleep(Math.max(1, Math.min(50, (end - now) / 1_000_000L)));
        }
        String error = failure.get();
        double held = (System.nanoTime() - startNanos) / 1e9;
        stop();
        return BenchResult.of(this, setupSeconds, held, 0, 0, error);
    }

    private void stop() throws InterruptedException {
        stopped = true;
        loops.forEach(IoLoop::wakeup);
        for (IoLoop l : loops) l.join(5_000);
        if (!config.client().cleanSession()) removeSessions();
    }

    /** With --clean-session false: connects each client id once more with CleanSession 1, so no session is left. */
    private void removeSessions() throws InterruptedException {
        BenchConfig.Client c = config.client();
        Dialer dialer = c.dialer() == null ? Dialer.tcp() : c.dialer();
        Duration timeout = Duration.ofSeconds(5);
        Semaphore slots = new Semaphore(64);
        List<Thread> threads = new ArrayList<>();
        for (IoLoop l : loops) {
            for (LoadClient client : l.clients()) {
                slots.acquire();
                threads.add(Thread.ofVirtual().start(() -> {
                    try (TestClient t = dialer.open(config.host(), config.port(), timeout, client.clientId())) {
                        Connect connect = Connect.of(client.clientId(), true, 0);
                        if (c.username() != null) connect = connect.withCredentials(c.username(), c.password());
                        t.send(connect);
                        if (t.await(ConnAck.class, timeout) != null) t.send(new Disconnect());
                    } catch (IOException | InterruptedException e) {
                        // the server keeps a stale session at worst
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (Thread t : threads) t.join(timeout.multipliedBy(2));
    }

    List<LoadClient> subscribers() {
        return subscribers;
    }

    List<LoadClient> publishers() {
        return publishers;
    }

    /** When the last message arrived at any subscriber, or the start if none did. */
    long lastReceive() {
        long last = startNanos;
        for (IoLoop l : loops) last = Math.max(last, l.lastReceive);
        return last;
    }

    /** One line per second: rates and latency of the second just past. */
    private final class Progress {
        private final PrintStream out;
        private long next = startNanos + 1_000_000_000L;
        private long lastSent, lastReceived;
        private Histogram.Snapshot lastLatency = latency.snapshot();

        Progress(PrintStream out) {
            this.out = out;
        }

        void maybePrint(long now) {
            if (now < next) return;
            long s = sent.sum(), r = received.sum();
            Histogram.Snapshot l = latency.snapshot();
            Histogram.Snapshot interval = l.minus(lastLatency);
            out.printf(Locale.ROOT, "%4d s  sent %9d/s  received %9d/s  p50 %s  p99 %s%n",
                    (next - startNanos) / 1_000_000_000L, s - lastSent, r - lastReceived,
                    BenchResult.millis(interval.percentile(50)), BenchResult.millis(interval.percentile(99)));
            lastSent = s;
            lastReceived = r;
            lastLatency = l;
            next += 1_000_000_000L;
            if (next < now) next = now + 1_000_000_000L;
        }
    }
}
