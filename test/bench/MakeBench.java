package bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import mqttconf.bench.BenchConfig;
import mqttconf.bench.BenchResult;
import mqttconf.bench.LoadRun;

/**
 * {@code make bench}: our broker against mosquitto, the same scenarios alternating over several rounds, medians
 * and ratios into build/bench.md. Run from the repository root by test/bench/run.sh. Our broker runs as a user
 * starts it, through bin/mqttconf (the start-up rows also time {@code java -jar}).
 * Environment: BENCH_ROUNDS (default 3), BENCH_SECONDS per throughput run (default 3), MOSQUITTO (binary),
 * BENCH=footprint for the start-up, connect and memory rows only, BENCH_OPTS (JVM options for our broker, passed
 * in MQTTCONF_OPTS, e.g. -Xmx64m).
 */
public final class MakeBench {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final int IDLE_CONNECTIONS = 10_000;
    /** How long the idle connections are held at most: {@link #settledRssKb} ends the run once it has a reading. */
    private static final int IDLE_HOLD_SECONDS = 32;
    /**
     * The window is longer than the 5 s at which bin/mqttconf has the JVM return freed native memory (the JIT's
     * arenas after the connect path is compiled): a plateau between two such returns is not the steady state.
     */
    private static final int SETTLE_STEP_MS = 250, SETTLE_WINDOW_MS = 6000, SETTLE_KB = 512, SETTLE_CPU_TICKS = 30,
            SETTLE_MAX_MS = 28_000;
    private static final int BURST = 500;
    private static final int STARTS = 5;
    private static final int VERSIONS = 9;

    private final Report report = new Report();
    private final int rounds = Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "3"));
    private final int seconds = Integer.parseInt(System.getenv().getOrDefault("BENCH_SECONDS", "3"));
    private final String java = ProcessHandle.current().info().command().orElse("java");
    private final String mosquittoBinary = System.getenv().getOrDefault("MOSQUITTO", "mosquitto");
    private final List<BrokerProcess> brokers = new ArrayList<>();
    private final String javaHome = Path.of(java).getParent().getParent().toString();
    private final String opts = System.getenv().getOrDefault("BENCH_OPTS", "");
    private final boolean footprintOnly = System.getenv().getOrDefault("BENCH", "").equals("footprint");

    /** A load scenario: name, publishers, subscribers, QoS, shared topic. */
    private record Scenario(String name, int publishers, int subscribers, int qos, boolean shared) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("1 -> 1 QoS 0", 1, 1, 0, true),
            new Scenario("1 -> 1 QoS 1", 1, 1, 1, true),
            new Scenario("1 -> 1 QoS 2", 1, 1, 2, true),
            new Scenario("10 -> 1 fan-in QoS 0", 10, 1, 0, true),
            new Scenario("1 -> 50 fan-out QoS 0", 1, 50, 0, true),
            new Scenario("100 -> 100 own topics QoS 0", 100, 100, 0, false));

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(Path.of("build/bench"));
        Files.writeString(BrokerProcess.PIDS, "");
        MakeBench b = new MakeBench();
        int code;
        try {
            code = b.run();
        } finally {
            b.brokers.forEach(BrokerProcess::close);
        }
        System.out.printf(Locale.ROOT, "make bench: %.0f s%n", (System.nanoTime() - t0) / 1e9);
        System.exit(code);
    }

    private int run() throws Exception {
        if (!footprintOnly) {
            say("codec: PUBLISH with 32-byte payload, one thread");
            report.add("codec", "PUBLISH decode", "packets/s", true, 5e6, Report.OURS, CodecBench.decodes(2));
            report.add("codec", "PUBLISH encode", "packets/s", true, Double.NaN, Report.OURS, CodecBench.encodes(2));
        }

        boolean ours = startup();
        if (ours) version();
        BrokerProcess mosq = BrokerProcess.mosquitto(mosquittoBinary);
        brokers.add(mosq);
        BrokerProcess mine = ours ? BrokerProcess.launched(javaHome, opts) : null;
        if (mine != null) brokers.add(mine);
        say("brokers: " + (mine == null ? "" : "mqttconf on " + mine.port + ", ") + "mosquitto on " + mosq.port);

        for (int r = 0; r < rounds; r++) {
            for (BrokerProcess broker : order(r)) connects(broker);
        }
        if (!footprintOnly) {
            for (int r = 0; r < rounds; r++) {
                for (Scenario s : SCENARIOS) {
                    for (BrokerProcess broker : order(r)) throughput(r, s, broker);
                }
            }
            neutral();
            latency();
            ackLatency();
        }
        try (BrokerProcess fresh = BrokerProcess.mosquitto(mosquittoBinary)) {
            idle(fresh);
        }
        if (mine != null) {
            try (BrokerProcess fresh = BrokerProcess.launched(javaHome, opts)) {
                idle(fresh);
            }
            floor();
        }
        if (mine != null && !footprintOnly) suite(mine);

        String md = report.markdown("# make bench: mqttconf broker vs mosquitto\n\n"
                + (footprintOnly ? "Start-up, connect and memory rows only (BENCH=footprint); " : rounds + " rounds of "
                + seconds + " s per throughput run; 32-byte payloads; ")
                + "medians; loopback; " + Runtime.getRuntime().availableProcessors() + " CPUs; our broker through"
                + " bin/mqttconf" + (opts.isBlank() ? " with its default JVM options" : " with MQTTCONF_OPTS='" + opts + "'")
                + (footprintOnly ? "." : "; load from `mqttconf bench` in this JVM unless the group says mosquitto_pub/sub."));
        Files.writeString(Path.of("build/bench.md"), md);
        System.out.println();
        System.out.print(md);
        System.out.println("\nwritten to build/bench.md");
        return 0;
    }

    /** Brokers in alternating order so that neither always runs first in a round. */
    private List<BrokerProcess> order(int round) {
        List<BrokerProcess> l = new ArrayList<>(brokers);
        if (round % 2 == 1) Collections.reverse(l);
        return l;
    }

    /**
     * Process start to the first accepted connection, for {@code java -jar} and for bin/mqttconf, each against
     * mosquitto. A first launcher run, not counted, makes the class-data-sharing archive as {@code make} does.
     */
    private boolean startup() throws IOException {
        boolean ours = true;
        try {
            BrokerProcess.launched(javaHome, opts).stop(30);
        } catch (IOException e) {
            say("our broker does not start, measuring mosquitto only: " + e.getMessage());
            report.note("our broker did not start (" + e.getMessage() + "); mosquitto only");
            ours = false;
        }
        if (ours) report.note(archive());
        String jar = "start to listening, java -jar", launcher = "start to listening, bin/mqttconf";
        String jarCpu = "CPU time to listening, java -jar", launcherCpu = "CPU time to listening, bin/mqttconf";
        double load = loadAverage();
        for (int i = 0; i < STARTS; i++) {
            try (BrokerProcess m = BrokerProcess.mosquitto(mosquittoBinary)) {
                report.add("startup", jar, "ms", false, Double.NaN, Report.MOSQUITTO, m.startupMillis);
                report.add("startup", launcher, "ms", false, 150, Report.MOSQUITTO, m.startupMillis);
                report.add("startup", jarCpu, "ms", false, Double.NaN, Report.MOSQUITTO, m.startupCpuMillis);
                report.add("startup", launcherCpu, "ms", false, Double.NaN, Report.MOSQUITTO, m.startupCpuMillis);
            }
            if (!ours) continue;
            try (BrokerProcess o = BrokerProcess.ours(java)) {
                report.add("startup", jar, "ms", false, Double.NaN, Report.OURS, o.startupMillis);
                report.add("startup", jarCpu, "ms", false, Double.NaN, Report.OURS, o.startupCpuMillis);
            }
            try (BrokerProcess o = BrokerProcess.launched(javaHome, opts)) {
                report.add("startup", launcher, "ms", false, 150, Report.OURS, o.startupMillis);
                report.add("startup", launcherCpu, "ms", false, Double.NaN, Report.OURS, o.startupCpuMillis);
            }
        }
        report.note(String.format(Locale.ROOT, "start-up rows: load average %.2f before and %.2f after (%d CPUs); the"
                + " start-to-listening times grow with it, the CPU times hardly", load, loadAverage(),
                Runtime.getRuntime().availableProcessors()));
        report.add("startup", "jar size (bounded by JarTest)", "KB", false, Double.NaN, Report.OURS, Files.size(Path.of("build/bench/mqttconf.jar")) / 1024.0);
        return ours;
    }

    /** The one-minute load average, or NaN where /proc/loadavg is missing. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Whether the launcher rows ran with a class-data-sharing archive: the JVM ignores one made for another copy of
     * the jar without a word (and never remakes it), so it must be newer than the jar by the time the rows start.
     */
    private static String archive() throws IOException {
        Path dir = Path.of(BrokerProcess.LAUNCHER_ROOT, "build");
        Path jar = dir.resolve("mqttconf.jar");
        try (var files = Files.list(dir)) {
            Path jsa = files.filter(f -> f.getFileName().toString().endsWith(".jsa")).findFirst().orElse(null);
            if (jsa == null) return "bin/mqttconf rows: no class-data-sharing archive next to the jar after the first start";
            boolean fresh = Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) >= 0;
            return String.format(Locale.ROOT, "bin/mqttconf rows: class-data-sharing archive %s (%,d KB), %s", jsa,
                    Files.size(jsa) / 1024, fresh ? "newer than the jar" : "older than the jar, so the JVM ignores it");
        }
    }

    /** {@code bin/mqttconf version} against {@code mosquitto -h} (which prints its version), process start to exit. */
    private void version() throws IOException, InterruptedException {
        String row = "bin/mqttconf version (mosquitto -h)";
        for (int i = 0; i < VERSIONS; i++) {
            report.add("startup", row, "ms", false, 150, Report.OURS,
                    runMillis(List.of(BrokerProcess.LAUNCHER, "version"), BrokerProcess.launcherEnv(javaHome, opts)));
            report.add("startup", row, "ms", false, 150, Report.MOSQUITTO,
                    runMillis(List.of(mosquittoBinary, "-h"), Map.of()));
        }
    }

    private static double runMillis(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": no exit within 30 s");
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** {@value #BURST} clients connecting back to back; a listen drop costs a client a one-second retry. */
    private void connects(BrokerProcess b) throws IOException, InterruptedException {
        ConnectBurst.Result r = ConnectBurst.run(b.port, BURST);
        String row = BURST + " back-to-back connects";
        report.addRatio("connects", row, "s", false, 1.5, b.name, r.seconds());
        if (r.dropped() >= 0)
            report.add("connects", row + ", listen drops (kernel count, whole machine)", "connects", false, 0, b.name, r.dropped());
        if (r.failed() > 0) report.note(b.name + " " + row + ": " + r.failed() + " failed");
        say(String.format(Locale.ROOT, "%s %-9s %.3f s, %d listen drops, %d failed", row, b.name, r.seconds(),
                r.dropped(), r.failed()));
        Thread.sleep(500);
    }

    private BenchResult load(BrokerProcess broker, BenchConfig c) throws IOException, InterruptedException {
        LoadRun run = new LoadRun(c);
        BenchResult r = run.execute(QUIET);
        if (r == null) throw new IOException(broker.name + ": " + (run.failedToConnect() ? "cannot connect" : "failed"));
        if (r.error() != null || r.lost() > 0 || r.duplicates() > 0)
            report.note(broker.name + " " + c.describe() + ": lost " + r.lost() + ", duplicates " + r.duplicates()
                    + (r.error() == null ? "" : ", " + r.error()));
        Thread.sleep(200);
        return r;
    }

    private static BenchConfig config(BrokerProcess b, int pubs, int subs, int qos, boolean shared, int seconds,
                                      int rate, int connections) {
        return new BenchConfig("127.0.0.1", b.port, pubs, subs, qos, 0, seconds, 32, rate, shared, connections, 20, null);
    }

    private void throughput(int round, Scenario s, BrokerProcess broker) throws Exception {
        BenchResult r = load(broker, config(broker, s.publishers, s.subscribers, s.qos, s.shared, seconds, 0, 0));
        report.add("throughput (mqttconf bench)", s.name, "received msg/s", true, broker.name, r.receivedRate());
        say(String.format(Locale.ROOT, "round %d  %-28s %-9s sent %,10.0f/s  received %,10.0f/s  lost %d",
                round + 1, s.name, broker.name, r.sentRate(), r.receivedRate(), r.lost()));
    }

    private void neutral() throws Exception {
        record N(String name, int pubs, int subs, int qos, int perPublisher, boolean separate) {
        }
        List<N> list = List.of(new N("1 -> 1 QoS 0", 1, 1, 0, 100_000, false), new N("1 -> 1 QoS 1", 1, 1, 1, 40_000, false),
                new N("1 -> 1 QoS 2", 1, 1, 2, 20_000, false), new N("10 -> 1 fan-in QoS 0", 10, 1, 0, 10_000, false),
                new N("1 -> 50 fan-out QoS 0", 1, 50, 0, 2_000, false),
                new N("100 -> 100 own topics QoS 0", 100, 100, 0, 1_000, true));
        for (int r = 0; r < rounds; r++) {
            for (N n : list) {
                for (BrokerProcess broker : order(r)) {
                    double rate = NeutralLoad.run(broker.port, n.pubs, n.subs, n.qos, n.perPublisher, n.separate);
                    report.add("throughput (mosquitto_pub/sub)", n.name, "received msg/s", true, broker.name, rate);
                    say(String.format(Locale.ROOT, "round %d  neutral %-28s %-9s received %,10.0f/s", r + 1, n.name,
                            broker.name, rate));
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Latency at half the peak rate that the slower broker reached, the same rate for both. */
    private void latency() throws Exception {
        for (int qos = 0; qos <= 1; qos++) {
            String scenario = "1 -> 1 QoS " + qos;
            double peak = Double.MAX_VALUE;
            for (BrokerProcess b : brokers)
                peak = Math.min(peak, report.median("throughput (mqttconf bench)", scenario, b.name));
            int rate = (int) Math.max(100, peak / 2);
            String name = scenario + " at " + rate + " msg/s";
            for (int r = 0; r < Math.min(rounds, 2); r++) {
                for (BrokerProcess b : order(r)) {
                    BenchResult res = load(b, config(b, 1, 1, qos, true, Math.max(seconds, 4), rate, 0));
                    report.add("latency (half peak)", name + " p50", "ms", false, Double.NaN, b.name, res.p50() / 1e6);
                    report.add("latency (half peak)", name + " p99", "ms", false, b.name, res.p99() / 1e6);
                    report.add("latency (half peak)", name + " p99.9", "ms", false, Double.NaN, b.name, res.p999() / 1e6);
                    say(String.format(Locale.ROOT, "latency %s %-9s p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms", name,
                            b.name, res.p50() / 1e6, res.p99() / 1e6, res.p999() / 1e6));
                }
            }
        }
    }

    /** Request-to-answer time of each acknowledgement at low load (see {@link AckLatency}), the same requests to both. */
    private void ackLatency() throws Exception {
        for (int r = 0; r < rounds; r++) {
            for (BrokerProcess b : order(r)) {
                java.util.Map<String, double[]> m = AckLatency.measure(b.port, 2000);
                StringBuilder line = new StringBuilder("ack latency " + b.name + ":");
                m.forEach((answer, p) -> {
                    report.add("acknowledgement latency (one request at a time)", answer + " p50", "us", false, b.name, p[0]);
                    report.add("acknowledgement latency (one request at a time)", answer + " p99", "us", false, Double.NaN, b.name, p[1]);
                    line.append(String.format(Locale.ROOT, " %s %.0f/%.0f us", answer, p[0], p[1]));
                });
                say(line + " (p50/p99)");
            }
        }
    }

    /**
     * Holds 10,000 idle connections open on a fresh broker and reads its resident memory meanwhile: both rows at
     * steady state ({@link #settledRssKb}), not while the JIT is still compiling the start or connect path.
     */
    private void idle(BrokerProcess b) throws Exception {
        Thread.sleep(1000);
        Settled before = settledRssKb(b);
        LoadRun run = new LoadRun(config(b, 0, 0, 0, true, IDLE_HOLD_SECONDS, 0, IDLE_CONNECTIONS));
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                run.execute(out);
            } catch (IOException | InterruptedException e) {
                out.println("failed: " + e);
            }
        });
        long deadline = System.nanoTime() + 40_000_000_000L;
        while (!text.toString(StandardCharsets.UTF_8).contains("connected ") && t.isAlive() && System.nanoTime() < deadline)
            Thread.sleep(20);
        Thread.sleep(1000);
        Settled during = settledRssKb(b);
        run.interrupt(); // held long enough for the slowest reading; a connection dropped meanwhile is a failure
        t.join(TimeUnit.SECONDS.toMillis(60));
        String err = run.failure();
        if (err != null) {
            report.note(b.name + " with " + IDLE_CONNECTIONS + " idle connections: " + err);
            say(b.name + " idle connections failed: " + err);
            return;
        }
        report.add("memory", "resident, idle broker (settled)", "MB", false, 32, b.name, before.kb / 1024.0);
        report.add("memory", "resident, " + IDLE_CONNECTIONS + " idle connections (settled)", "MB", false, 64, b.name,
                during.kb / 1024.0);
        for (Settled s : List.of(before, during))
            if (!s.settled) report.note(b.name + ": resident memory still moving after " + SETTLE_MAX_MS
                    + " ms; the row has the last sample");
        say(String.format(Locale.ROOT, "idle %s: %.1f MB before (%s), %.1f MB with %d connections (%s)", b.name,
                before.kb / 1024.0, before, during.kb / 1024.0, IDLE_CONNECTIONS, during));
    }

    /**
     * The idle row's floor: a JVM started with the launcher's default options that only listens, read the same way.
     * What the broker adds to a bare JVM is the difference between the two rows.
     */
    private void floor() throws Exception {
        try (BrokerProcess bare = BrokerProcess.listenOnly(java, opts)) {
            Thread.sleep(1000);
            Settled s = settledRssKb(bare);
            report.add("memory", "resident, a JVM that only listens (launcher's default options)", "MB", false,
                    Double.NaN, Report.OURS, s.kb / 1024.0);
            if (!s.settled) report.note("listen-only JVM: resident memory still moving after " + SETTLE_MAX_MS + " ms");
            say(String.format(Locale.ROOT, "idle listen-only JVM: %.1f MB (%s)", s.kb / 1024.0, s));
        }
    }

    /** A resident-memory reading: the last sample, whether it had settled, and after how long. */
    private record Settled(long kb, boolean settled, long millis) {
        @Override
        public String toString() {
            return (settled ? "settled" : "NOT settled") + " after " + millis + " ms";
        }
    }

    /**
     * Resident memory once it stops moving: sampled every {@value #SETTLE_STEP_MS} ms until, over the last
     * {@value #SETTLE_WINDOW_MS} ms, the samples stayed within {@value #SETTLE_KB} kB of each other and the process
     * used at most {@value #SETTLE_CPU_TICKS} clock ticks of CPU (the JIT done with the connect path), for at most
     * {@value #SETTLE_MAX_MS} ms. The last sample, never the smallest seen.
     */
    private static Settled settledRssKb(BrokerProcess b) throws InterruptedException {
        int window = SETTLE_WINDOW_MS / SETTLE_STEP_MS;
        long t0 = System.nanoTime();
        List<long[]> samples = new ArrayList<>();
        while (true) {
            samples.add(new long[] {b.rssKb(), b.cpuTicks()});
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long now = samples.getLast()[0];
            if (samples.size() > window) {
                List<long[]> last = samples.subList(samples.size() - window - 1, samples.size());
                long min = last.stream().mapToLong(x -> x[0]).min().orElseThrow();
                long max = last.stream().mapToLong(x -> x[0]).max().orElseThrow();
                long cpu = last.getLast()[1] - last.getFirst()[1];
                if (max - min < SETTLE_KB && cpu <= SETTLE_CPU_TICKS) return new Settled(now, true, ms);
            }
            if (ms >= SETTLE_MAX_MS) return new Settled(now, false, ms);
            Thread.sleep(SETTLE_STEP_MS);
        }
    }

    private void suite(BrokerProcess b) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(java, "-jar", "build/bench/mqttconf.jar", "test", "127.0.0.1:" + b.port)
                .redirectErrorStream(true).redirectOutput(Path.of("build/bench/suite.log").toFile()).start();
        Files.writeString(BrokerProcess.PIDS, p.pid() + "\n", StandardOpenOption.APPEND);
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        double s = (System.nanoTime() - t0) / 1e9;
        report.add("suite", "mqttconf test against our broker", "s", false, Double.NaN, Report.OURS, s);
        report.note("suite against our broker: " + (done ? "exit " + p.exitValue() : "killed after 180 s")
                + ", output in build/bench/suite.log");
        say(String.format(Locale.ROOT, "suite against mqttconf: %.1f s", s));
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
