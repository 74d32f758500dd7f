package mqttconf.suite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** Every packet a test's peers sent and received, time-stamped from the start of the test: the evidence. */
final class Transcript implements Consumer<String> {
    private static final int KEPT = 200;

    private final long start = System.nanoTime();
    private final Deque<String> lines = new ArrayDeque<>();
    private final Consumer<String> echo;
    private final String testName;
    private final Traffic traffic;
    private int dropped;

    Transcript(Consumer<String> echo, String testName) {
        this(echo, testName, null);
    }

    Transcript(Consumer<String> echo, String testName, Traffic traffic) {
        this.echo = echo;
        this.testName = testName;
        this.traffic = traffic;
    }

    @Override
    public void accept(String line) {
        String stamped = String.format("%6d ms  %s", (System.nanoTime() - start) / 1_000_000, line);
        synchronized (this) {
            lines.addLast(stamped);
            if (lines.size() > KEPT) {
                lines.removeFirst();
                dropped++;
            }
        }
        if (traffic != null) traffic.record(testName, line);
        if (echo != null) echo.accept(testName + ": " + stamped);
    }

    /** The last {@code n} lines, oldest first, and how many came before. */
    synchronized String tail(int n) {
        List<String> all = new ArrayList<>(lines);
        int from = Math.max(0, all.size() - n);
        StringBuilder s = new StringBuilder();
        if (from + dropped > 0) s.append("  (").append(from + dropped).append(" earlier lines)\n");
        for (String l : all.subList(from, all.size())) s.append("  ").append(l).append('\n');
        return s.toString();
    }
}
