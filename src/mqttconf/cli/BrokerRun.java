package mqttconf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import mqttconf.broker.Broker;
import mqttconf.broker.observe.ClientRecord;

/**
 * {@code mqttconf broker --run CMD [ARGS...]}: runs a client library's tests against the broker that was just
 * started, then stops it. The command finds the broker in its environment ({@code MQTT_HOST}, {@code MQTT_PORT},
 * and {@code MQTT_TLS_PORT}, {@code MQTT_WS_PORT}, {@code MQTT_WSS_PORT} for the listeners that are open); its
 * output goes where the broker's goes. The exit code is 1 when a client breached an obligation, else the
 * command's own (0 when it succeeded), so a CI job fails on either.
 */
final class BrokerRun {
    /** How long a command stopped by SIGINT or SIGTERM has to end before it is killed. */
    private static final long STOP_GRACE_MS = 3000;
    /** How long to wait for the command's output after it ended (a child it left behind may hold the pipe). */
    private static final long OUTPUT_GRACE_MS = 2000;

    private final Broker broker;
    private final List<String> command;
    private final PrintStream out;
    private final PrintStream err;
    private Integer result;

    BrokerRun(Broker broker, List<String> command, PrintStream out, PrintStream err) {
        this.broker = broker;
        this.command = List.copyOf(command);
        this.out = out;
        this.err = err;
    }

    /** Every breach recorded, kept or not. */
    static long breaches(Broker broker) {
        return broker.clients().all().stream().mapToLong(ClientRecord::breachCount).sum();
    }

    /** The variables the command gets: where the broker listens. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        String bind = broker.config().bind();
        boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]");
        env.put("MQTT_HOST", wildcard ? "127.0.0.1" : bind);
        put(env, "MQTT_PORT", "tcp");
        put(env, "MQTT_TLS_PORT", "tls");
        put(env, "MQTT_WS_PORT", "ws");
        put(env, "MQTT_WSS_PORT", "wss");
        return env;
    }

    private void put(Map<String, String> env, String name, String scheme) {
        int port = broker.port(scheme);
        if (port >= 0) env.put(name, String.valueOf(port));
    }

    /** Runs the command, then {@code stop} (closes the broker, prints and writes the reports); the exit code. */
    int run(Runnable stop) {
        Map<String, String> env = environment();
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            stop.run();
            err.println("mqttconf broker: cannot run '" + command.get(0) + "': " + e.getMessage());
            return Exit.USAGE;
        }
        out.println("Running " + String.join(" ", command) + " with " + describe(env));
        Thread copyOut = copy(process.getInputStream(), out);
        Thread copyErr = copy(process.getErrorStream(), err);
        Thread hook = new Thread(() -> {
            stopCommand(process);
            int code = finishOnce(process, copyOut, copyErr, stop);
            out.flush();
            err.flush();
            Runtime.getRuntime().halt(code);
        }, "mqttconf-broker-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopCommand(process);
        }
        int code = finishOnce(process, copyOut, copyErr, stop);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook exits with the same code.
        }
        return code;
    }

    /** The run's end, once: the thread that comes second (main or the signal's hook) gets the same code. */
    private synchronized int finishOnce(Process process, Thread copyOut, Thread copyErr, Runnable stop) {
        if (result == null) result = finish(process, copyOut, copyErr, stop);
        return result;
    }

    private int finish(Process process, Thread copyOut, Thread copyErr, Runnable stop) {
        join(copyOut);
        join(copyErr);
        int code = process.isAlive() ? Exit.INTERNAL : process.exitValue();
        out.println("command exited with " + code);
        stop.run();
        long breaches = breaches(broker);
        if (breaches > 0) {
            out.println("exit 1: clients breached " + breaches + " obligations (see the breach lines)");
            return Exit.FAILURES;
        }
        return code;
    }

    /** Asks the command and what it started to end, then kills what is left after a grace period. */
    private static void stopCommand(Process process) {
        if (!process.isAlive()) return;
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread copy(InputStream from, PrintStream to) {
        return Thread.ofPlatform().daemon(true).name("mqttconf-broker-run-output").start(() -> {
            byte[] buf = new byte[8192];
            try (from) {
                for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the command's end of the pipe is gone; nothing more to copy
            }
        });
    }

    private static void join(Thread t) {
        try {
            t.join(OUTPUT_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Map<String, String> env) {
        StringBuilder b = new StringBuilder();
        env.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }
}
