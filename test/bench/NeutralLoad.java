package bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same scenarios with Debian's mosquitto_pub and mosquitto_sub as the load, so neither broker is measured
 * only by our own client: {@code mosquitto_pub -l} publishes one message per line of a prepared file and
 * {@code mosquitto_sub -C N} prints each 32-byte payload as a line, whose newlines we count. mosquitto_sub
 * cannot say when it has subscribed through a pipe (its stdout is block-buffered), so the publishers start
 * after a grace period; a subscriber that was late shows as missing messages.
 */
final class NeutralLoad {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private static final long MAX_NANOS = 60_000_000_000L;
    private static int runs;

    private NeutralLoad() {
    }

    /** Received messages per second, from the first publisher's start to the last arrival. */
    static double run(int port, int publishers, int subscribers, int qos, int perPublisher, boolean separate)
            throws IOException, InterruptedException {
        if (separate && publishers != subscribers) throw new IllegalArgumentException("separate topics need pairs");
        String topic = "mqttconf/neutral/" + ProcessHandle.current().pid() + "/" + (runs++);
        Path lines = Path.of("build/bench/lines-" + perPublisher + ".txt");
        if (!Files.exists(lines)) Files.writeString(lines, payloadLines(perPublisher));
        List<Process> all = new ArrayList<>();
        AtomicLong received = new AtomicLong();
        AtomicLong lastArrival = new AtomicLong();
        try {
            for (int s = 0; s < subscribers; s++) {
                Process p = start(all, new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", "" + port,
                        "-t", separate ? topic + "/" + s : topic, "-q", "" + qos,
                        "-C", "" + (long) (separate ? 1 : publishers) * perPublisher)
                        .redirectError(ProcessBuilder.Redirect.DISCARD));
                Thread.ofPlatform().daemon().start(() -> count(p, received, lastArrival));
            }
            Thread.sleep(500 + 10L * subscribers);
            long start = System.nanoTime();
            for (int i = 0; i < publishers; i++) {
                start(all, new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", "" + port,
                        "-t", separate ? topic + "/" + i : topic,
                        "-q", "" + qos, "-l").redirectInput(lines.toFile())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true));
            }
            long expected = (long) perPublisher * (separate ? publishers : publishers * subscribers);
            long last = -1, lastChange = System.nanoTime();
            while (true) {
                long now = System.nanoTime(), got = received.get();
                if (got != last) {
                    last = got;
                    lastChange = now;
                }
                if (got >= expected || now - lastChange > QUIET_NANOS || now - start > MAX_NANOS) break;
                Thread.sleep(5);
            }
            double seconds = (lastArrival.get() - start) / 1e9;
            return seconds > 0 ? received.get() / seconds : 0;
        } finally {
            for (Process p : all) p.destroyForcibly();
            for (Process p : all) p.waitFor(3, TimeUnit.SECONDS);
        }
    }

    private static String payloadLines(int n) {
        StringBuilder b = new StringBuilder(n * 33);
        String line = "0123456789abcdef0123456789abcdef\n";
        for (int i = 0; i < n; i++) b.append(line);
        return b.toString();
    }

    private static Process start(List<Process> all, ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        all.add(p);
        Files.writeString(BrokerProcess.PIDS, p.pid() + "\n", java.nio.file.StandardOpenOption.APPEND);
        return p;
    }

    private static void count(Process p, AtomicLong received, AtomicLong lastArrival) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = p.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                int lines = 0;
                for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
                if (lines > 0) {
                    received.addAndGet(lines);
                    lastArrival.set(System.nanoTime());
                }
            }
        } catch (IOException ignored) {
            // the process was killed at the end of the run
        }
    }
}
