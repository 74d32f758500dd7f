package mqttconf.broker.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerStats;

/**
 * Churn without leaks: {@code cycles} connect/disconnect cycles, then {@code concurrent} connections held at once
 * (in a child process when {@code inChild}, for descriptor limits), against an in-process broker. Afterwards its
 * connections and sessions are back to zero and the process's descriptors and heap back to where they were.
 */
public record LeakCheck(int cycles, int concurrent, boolean inChild) {
    private static final Duration T = Duration.ofSeconds(10);
    /**
     * A closed connection stays referenced (without its buffers) from the loop's deadline queue until its CONNECT
     * deadline would have passed; the heap is measured after that.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** What the broker keeps, by design, per client id ever seen (its obligation record): bytes allowed per id. */
    private static final long RECORD_BYTES = 3000;

    /** Returns the report lines; the last one starts with "leaks: OK" or "leaks: FAILED". */
    public List<String> run() throws Exception {
        List<String> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        BrokerConfig config = BrokerConfig.ephemeral().withMaxConnections(concurrent + 100).withConnectTimeout(CONNECT_TIMEOUT);
        try (Broker broker = Broker.start(config)) {
            Soak.cycles(broker.port(), 64, 4);
            settle(broker);
            int fdBefore = Fds.count();
            long heapBefore = FuzzRun.usedHeap();
            long start = System.nanoTime();
            long failed = Soak.cycles(broker.port(), cycles, 8);
            BrokerStats afterCycles = settle(broker);
            out.add(String.format("cycles: %d connect/disconnect in %.1f s, %d failed; open %d, sessions %d after",
                    cycles, (System.nanoTime() - start) / 1e9, failed, afterCycles.openConnections(), afterCycles.sessions()));
            if (failed > 0) problems.add(failed + " cycles failed");
            start = System.nanoTime();
            BrokerStats held = inChild ? holdInChild(broker, out) : holdHere(broker);
            out.add(String.format("concurrent: %d held (broker: %d open, %d sessions) in %.1f s", concurrent,
                    held.openConnections(), held.sessions(), (System.nanoTime() - start) / 1e9));
            if (held.openConnections() != concurrent) problems.add("held " + held.openConnections() + " of " + concurrent);
            BrokerStats after = settle(broker);
            int fdAfter = Fds.count();
            for (long end = System.nanoTime() + T.toNanos(); fdAfter > fdBefore && System.nanoTime() < end; ) {
                Thread.sleep(20);
                fdAfter = Fds.count();
            }
            Thread.sleep(CONNECT_TIMEOUT.toMillis() + 100);
            long heapAfter = FuzzRun.usedHeap();
            out.add(String.format("after: open %d, sessions %d, descriptors %d -> %d, heap after GC %.1f -> %.1f MB",
                    after.openConnections(), after.sessions(), fdBefore, fdAfter, heapBefore / 1048576.0, heapAfter / 1048576.0));
            if (after.openConnections() != 0 || after.sessions() != 0) problems.add("connections or sessions left");
            if (fdBefore >= 0 && fdAfter > fdBefore + FuzzRun.FD_MARGIN) problems.add("descriptors " + fdBefore + " -> " + fdAfter);
            long allowed = (8L << 20) + RECORD_BYTES * concurrent;
            if (heapAfter > heapBefore + allowed) problems.add("heap grew by more than " + allowed / 1048576 + " MB");
            if (!broker.running()) problems.add("broker loop died");
        }
        out.add(problems.isEmpty() ? "leaks: OK" : "leaks: FAILED: " + String.join("; ", problems));
        return out;
    }

    private BrokerStats holdHere(Broker broker) throws Exception {
        var channels = Soak.hold(broker.port(), concurrent);
        try {
            return broker.stats(T);
        } finally {
            Soak.closeAll(channels);
        }
    }

    private BrokerStats holdInChild(Broker broker, List<String> out) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Soak.class.getName(),
                String.valueOf(broker.port()), String.valueOf(concurrent)).redirectErrorStream(true).start();
        try (var lines = child.inputReader(); var stdin = child.outputWriter()) {
            String first = lines.readLine();
            out.add("child: " + first);
            BrokerStats held = broker.stats(T);
            stdin.write("close\n");
            stdin.flush();
            out.add("child: " + lines.readLine());
            return held;
        } finally {
            if (!child.waitFor(T.toSeconds(), TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    /** Waits (bounded) until no connection and no session is left. */
    private static BrokerStats settle(Broker broker) throws InterruptedException {
        long end = System.nanoTime() + T.toNanos();
        BrokerStats s = broker.stats(T);
        while ((s.openConnections() > 0 || s.sessions() > 0) && System.nanoTime() < end) {
            Thread.sleep(20);
            s = broker.stats(T);
        }
        return s;
    }

    /** {@code make soak}: 10,000 cycles and 10,000 concurrent connections (or the numbers given). */
    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        List<String> lines = new LeakCheck(cycles, concurrent, true).run();
        lines.forEach(System.out::println);
        System.exit(lines.get(lines.size() - 1).startsWith("leaks: OK") ? 0 : 1);
    }
}
