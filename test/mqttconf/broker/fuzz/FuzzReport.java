package mqttconf.broker.fuzz;

import java.util.ArrayList;
import java.util.List;

/** What a fuzz run did and found; {@link #problems()} is empty when the broker came through unharmed. */
public record FuzzReport(long seed, long packets, long connections, long millis, boolean finished, boolean brokerRunning,
                         List<String> errors, int errorCount, List<String> suspects, long canarySent,
                         long canaryReceived, String canaryProblem, int openBefore, int openAfter, int fdBefore,
                         int fdAfter, long heapBefore, long heapAfter, int sessionsAfter,
                         int sessionsMadeUp, long queuedMadeUp) {

    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (!finished) p.add("the fuzzer did not finish in time");
        if (!brokerRunning) p.add("the broker loop thread died");
        if (errorCount > 0) p.add(errorCount + " ERROR lines, first: " + errors);
        if (canaryProblem != null) p.add("canary: " + canaryProblem);
        if (canarySent != canaryReceived) p.add("canary sent " + canarySent + ", received " + canaryReceived);
        if (canaryReceived == 0) p.add("the canary got nothing through");
        if (openAfter != openBefore) p.add("open connections " + openBefore + " before, " + openAfter + " after");
        if (fdBefore >= 0 && fdAfter > fdBefore + FuzzRun.FD_MARGIN) p.add("file descriptors " + fdBefore + " before, " + fdAfter + " after");
        if (heapAfter > heapBefore + FuzzRun.HEAP_MARGIN) p.add("heap " + mb(heapBefore) + " before, " + mb(heapAfter) + " after");
        return p;
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("fuzz: seed %d, %d packets over %d connections in %.1f s (%.0f packets/s)%n", seed,
                packets, connections, millis / 1000.0, packets * 1000.0 / Math.max(1, millis)));
        b.append(String.format("canary: %d QoS 1 messages sent, %d received%s%n", canarySent, canaryReceived,
                canaryProblem == null ? ", none lost" : ": " + canaryProblem));
        b.append(String.format("broker: %s, %d ERROR lines, open connections %d -> %d, sessions left %d%n",
                brokerRunning ? "running" : "DEAD", errorCount, openBefore, openAfter, sessionsAfter));
        b.append(String.format("after cleaning the client-id pool: %d sessions of made-up client ids, %d messages queued for them%n",
                sessionsMadeUp, queuedMadeUp));
        b.append(String.format("process: file descriptors %s -> %s, heap after GC %s -> %s%n",
                fdBefore < 0 ? "n/a" : fdBefore, fdAfter < 0 ? "n/a" : fdAfter, mb(heapBefore), mb(heapAfter)));
        for (String s : suspects) b.append("replay candidate: ").append(s).append('\n');
        List<String> p = problems();
        b.append(p.isEmpty() ? "fuzz: OK\n" : "fuzz: FAILED: " + String.join("; ", p) + "\n");
        return b.toString();
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1048576.0);
    }
}
