package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A broker under test as a child process on a free loopback port. */
final class BrokerProcess implements AutoCloseable {
    /** Every child's pid goes here too, so that run.sh can kill them if this JVM dies. */
    static final Path PIDS = Path.of("build/bench/pids");

    final String name;
    final int port;
    private final Process process;
    /** From process start to the first accepted connection. */
    final double startupMillis;
    /**
     * CPU time the process had used by then, all its threads: what the start costs, whatever else the machine is
     * doing (the wall time above grows with the load average; this hardly does).
     */
    final double startupCpuMillis;

    private BrokerProcess(String name, int port, Process process, double startupMillis, double startupCpuMillis) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.startupMillis = startupMillis;
        this.startupCpuMillis = startupCpuMillis;
    }

    /** Our broker started with {@code java -jar}: the JVM's own defaults. */
    static BrokerProcess ours(String java) throws IOException {
        int port = freePort();
        return start("mqttconf", port, List.of(java, "-jar", "build/bench/mqttconf.jar", "broker", "--port", "" + port),
                Map.of());
    }

    /**
     * Our broker started as a user does, through the launcher (copied with the jar under {@link #LAUNCHER_ROOT}),
     * on the runtime {@code javaHome}, with {@code opts} in MQTTCONF_OPTS.
     */
    static BrokerProcess launched(String javaHome, String opts) throws IOException {
        int port = freePort();
        return start("mqttconf", port, List.of(LAUNCHER, "broker", "--port", "" + port), launcherEnv(javaHome, opts));
    }

    /** The JVM options bin/mqttconf starts every run with on Java 23+ (see its "Defaults for a small process"). */
    static final List<String> LAUNCHER_DEFAULTS = List.of("-XX:+UseSerialGC", "-Xms8m", "-Xmx256m",
            "-XX:TrimNativeHeapInterval=5000");

    /**
     * {@link ListenOnly} on {@code java} with the launcher's default options and the JDK's own class-data-sharing
     * archive, then {@code opts} as MQTTCONF_OPTS would add them: the resident memory of a JVM that only listens.
     */
    static BrokerProcess listenOnly(String java, String opts) throws IOException {
        int port = freePort();
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(LAUNCHER_DEFAULTS);
        if (!opts.isBlank()) command.addAll(List.of(opts.strip().split("\\s+")));
        command.addAll(List.of("-cp", "build/bench/classes", ListenOnly.class.getName(), "" + port));
        return start("listen-only", port, command, Map.of());
    }

    static final String LAUNCHER_ROOT = "build/bench/root";
    static final String LAUNCHER = LAUNCHER_ROOT + "/bin/mqttconf";

    static Map<String, String> launcherEnv(String javaHome, String opts) {
        return Map.of("JAVA_HOME", javaHome, "MQTTCONF_OPTS", opts);
    }

    static BrokerProcess mosquitto(String binary) throws IOException {
        int port = freePort();
        Path conf = Path.of("build/bench/mosquitto-" + port + ".conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
        return start("mosquitto", port, List.of(binary, "-c", conf.toString()), Map.of());
    }

    private static BrokerProcess start(String name, int port, List<String> command, Map<String, String> env)
            throws IOException {
        Path log = Path.of("build/bench/" + name + "-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        Files.writeString(PIDS, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long deadline = t0 + 15_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 100);
                double wall = (System.nanoTime() - t0) / 1e6;
                return new BrokerProcess(name, port, p, wall, cpuMillis(p.pid()));
            } catch (IOException notYet) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    String out = Files.exists(log) ? Files.readString(log).strip() : "";
                    throw new IOException(name + " did not accept connections on port " + port
                            + (p.isAlive() ? " within 15 s" : " (exited)") + (out.isEmpty() ? "" : ": " + out.lines().findFirst().orElse("")));
                }
                Thread.onSpinWait();
            }
        }
    }

    /** CPU time of every thread of process {@code pid} so far (Linux schedstat), or NaN. */
    static double cpuMillis(long pid) {
        double ms = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks) {
                try {
                    ms += Long.parseLong(Files.readString(t.resolve("schedstat")).split(" ")[0]) / 1e6;
                } catch (IOException | NumberFormatException threadGone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ms;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory in kB from /proc, or -1. */
    long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time the process used so far, user and system, in clock ticks (usually 10 ms) from /proc; or -1. */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stop(3);
    }

    /** SIGTERM, then SIGKILL if it has not exited within {@code seconds}. */
    void stop(int seconds) {
        process.destroy();
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
