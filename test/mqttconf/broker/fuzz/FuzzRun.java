package mqttconf.broker.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerStats;
import mqttconf.spec.Coverage;

/**
 * One fuzz run against an in-process broker: {@link Attack}s over real sockets, {@code concurrency} connections
 * at a time, until {@code packets} packets were sent, with the {@link Canary} running throughout. Afterwards the
 * broker must be running, must have logged no ERROR, and must be back to its open connections, file descriptors
 * and (after GC) heap of before, within small margins.
 */
public final class FuzzRun {
    /**
     * Heap growth tolerated after the run, once the sessions of the client-id pool are cleaned: the sessions of
     * client ids a mutation made up, retained messages, and the per-client-id records the broker keeps by design.
     */
    static final long HEAP_MARGIN = 64L << 20;
    /** Descriptors the JVM may open by itself meanwhile (class loading, a lazily opened jar). */
    static final int FD_MARGIN = 2;
    private static final Duration SETTLE = Duration.ofSeconds(15);
    private static final Duration T = Duration.ofSeconds(5);

    private final long seed;
    private final long packets;
    private final int concurrency;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<Long> suspects = ConcurrentHashMap.newKeySet();

    public FuzzRun(long seed, long packets, int concurrency) {
        this.seed = seed;
        this.packets = packets;
        this.concurrency = concurrency;
    }

    /** The broker a run uses: defaults, with a short CONNECT deadline so half-sent CONNECTs go quickly. */
    static BrokerConfig brokerConfig() {
        return BrokerConfig.ephemeral().withConnectTimeout(Duration.ofSeconds(1));
    }

    public FuzzReport run() throws Exception {
        LogWatch watch = new LogWatch(() -> suspects.addAll(inFlight));
        try (Broker broker = Broker.start(brokerConfig(), watch.log(), new Coverage())) {
            warmUp(broker);
            BrokerStats before = settle(broker, 0);
            long heapBefore = usedHeap();
            int fdBefore = Fds.count();
            List<String> fdsBefore = Fds.targets();
            Canary canary = new Canary(broker.port());
            canary.start();
            long start = System.nanoTime();
            AtomicLong sent = new AtomicLong();
            AtomicLong next = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(concurrency);
            for (int w = 0; w < concurrency; w++) {
                workers.execute(() -> {
                    for (long i = next.getAndIncrement(); sent.get() < packets; i = next.getAndIncrement()) {
                        Attack a = Attack.of(seed, i);
                        inFlight.add(i);
                        send(broker.port(), a);
                        inFlight.remove(i);
                        sent.addAndGet(a.packets().size());
                    }
                });
            }
            workers.shutdown();
            boolean finished = workers.awaitTermination(Math.max(60, packets / 2000), TimeUnit.SECONDS);
            if (!finished) workers.shutdownNow();
            long millis = (System.nanoTime() - start) / 1_000_000;
            canary.stop();
            BrokerStats after = settle(broker, before.openConnections());
            int fdAfter = Fds.count();
            for (long end = System.nanoTime() + SETTLE.toNanos(); fdAfter > fdBefore && System.nanoTime() < end; ) {
                Thread.sleep(20);
                fdAfter = Fds.count();
            }
            int sessionsLeft = after.sessions();
            List<String> pool = new ArrayList<>();
            for (int i = 0; i < Attack.CLIENT_IDS; i++) pool.add("fz" + i);
            Soak.forget(broker.port(), pool);
            Thread.sleep(brokerConfig().connectTimeout().toMillis() + 100);
            BrokerStats cleaned = broker.stats(T);
            long heapAfter = usedHeap();
            if (fdAfter > fdBefore + FD_MARGIN) System.out.println("fuzz: descriptors before " + fdsBefore + ", after " + Fds.targets());
            List<String> suspectNotation = new ArrayList<>();
            for (long i : suspects.stream().sorted().limit(10).toList()) {
                suspectNotation.add("seed " + seed + " connection " + i + ": " + Attack.of(seed, i).notation());
            }
            return new FuzzReport(seed, sent.get(), next.get(), millis, finished, broker.running(), watch.errors(),
                    watch.errorCount(), suspectNotation, canary.sent(), canary.received(), canary.problem(),
                    before.openConnections(), after.openConnections(), fdBefore, fdAfter, heapBefore, heapAfter,
                    sessionsLeft, cleaned.sessions(), cleaned.queuedMessages());
        }
    }

    /** Sends one attack, reads back if it says so, and closes (or resets); any network error ends it quietly. */
    static void send(int port, Attack a) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            byte[] all = a.bytes();
            int from = 0;
            for (int split : a.splits()) {
                out.write(all, from, split - from);
                out.flush();
                from = split;
            }
            out.write(all, from, all.length - from);
            out.flush();
            if (a.readBack()) drain(s.getInputStream());
            if (a.reset()) s.setSoLinger(true, 0);
        } catch (IOException e) {
            // The broker closed first, as it should for most of these.
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        try {
            for (int i = 0; i < 64 && in.read(buf) >= 0; i++) {
                // read what the broker answers until it closes or pauses
            }
        } catch (java.net.SocketTimeoutException e) {
            // a pause: enough
        }
    }

    /**
     * Lets the JDK open what it opens once per process (the pollers behind socket timeouts and virtual threads),
     * so that the descriptor count before the run is the one to come back to.
     */
    private void warmUp(Broker broker) throws Exception {
        new Canary(broker.port()).stop();
        for (long i = 0; i < 4 * concurrency; i++) send(broker.port(), Attack.of(seed, -1 - i));
    }

    /** Waits (bounded) until the broker has no connections but the {@code baseline} ones; returns its stats. */
    private static BrokerStats settle(Broker broker, int baseline) throws InterruptedException {
        long end = System.nanoTime() + SETTLE.toNanos();
        BrokerStats s = broker.stats(T);
        while (s.openConnections() > baseline && System.nanoTime() < end) {
            Thread.sleep(20);
            s = broker.stats(T);
        }
        return s;
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
