package mqttconf.loss;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import mqttconf.cli.Args;
import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.StopOnSignal;
import mqttconf.report.OutputPaths;
import mqttconf.util.Reasons;
import mqttconf.cli.UsageException;

/** {@code mqttconf loss host:port}: publishers and subscribers with persistent sessions through a cutting proxy. */
public final class LossMode implements Mode {

    @Override
    public String name() {
        return "loss";
    }

    @Override
    public String summary() {
        return "connection-loss test: QoS 1/2 delivery through a proxy that cuts connections";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf loss [OPTIONS] HOST:PORT

                Runs publishers and subscribers with persistent sessions (CleanSession 0, client ids
                mqloss<run token>-*, new each run) through a proxy on 127.0.0.1 that cuts their connections at random
                moments, mid-packet included. Clients reconnect, re-send unacknowledged PUBLISH (DUP=1)
                and PUBREL with their packet ids, and acknowledge the server's redeliveries. At the end
                each subscriber must hold every message its publishers completed: QoS 1 without loss
                (duplicates counted), QoS 2 exactly once, and each publisher's messages in order.

                options:
                  --publishers N       publishers per QoS level (default 2)
                  --subscribers N      subscribers, each taking every stream (default 2)
                  --qos 1|2|both       QoS levels to test (default both)
                  --messages N         messages per publisher (default 1000)
                  --rate N             messages per second per publisher, 0 = as fast as acks allow (default 200)
                  --seconds N          stop publishing after N seconds (default 30)
                  --drain-seconds N    after publishing, time allowed without cuts to finish (default 10)
                  --cut-interval-ms N  mean time between cuts (default 200)
                  --seed N             seed of the cut schedule (default random; printed for re-runs)
                  --json FILE          also write the results as JSON

                It prints the seed and the whole command to repeat the run first, a progress line
                every second, and at the end removes the sessions it created (also when stopped with
                Ctrl-C, which prints the results so far and writes --json, marked interrupted).

                exit: 0 perfect; 1 a message was lost, duplicated at QoS 2, reordered or left
                      unacknowledged; 2 usage or connection error; 130/143 stopped by SIGINT/SIGTERM
                """;
    }

    /** The run's settings, checked. */
    record Settings(String host, int port, int publishers, int subscribers, List<Integer> levels, int messages,
                    int rate, int seconds, int drainSeconds, int cutIntervalMs, long seed, Path json, String runId) {
        /** The whole command that repeats this run: every option spelled out, the seed included. */
        String rerun() {
            String target = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
            return "mqttconf loss --publishers " + publishers + " --subscribers " + subscribers + " --qos "
                    + (levels.size() == 2 ? "both" : levels.get(0)) + " --messages " + messages + " --rate " + rate
                    + " --seconds " + seconds + " --drain-seconds " + drainSeconds + " --cut-interval-ms "
                    + cutIntervalMs + " --seed " + seed + (json == null ? "" : " --json " + json) + " " + target;
        }
    }

    /** How long Ctrl-C waits for the results and the session clean-up before the JVM goes. */
    private static final long STOP_SECONDS = 20;

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Settings s = parse(args);
        String unwritable = s.json() == null ? null
                : OutputPaths.problem(List.of(new OutputPaths.Output("--json", s.json().toString())));
        if (unwritable != null) throw new UsageException(unwritable);
        LossRun run = new LossRun(s);
        return StopOnSignal.run("mqttconf-loss-stop", run::interrupt, STOP_SECONDS, () -> run(run, s, out, err));
    }

    /** Runs and reports; {@link LossRun#interrupt} ends it early with the results so far, marked interrupted. */
    static int run(LossRun run, Settings s, PrintStream out, PrintStream err) {
        out.println("loss " + s.host() + ":" + s.port() + ": seed " + s.seed() + ", run " + s.runId());
        out.println("re-run: " + s.rerun());
        try {
            LossRun.Result r = run.execute(out);
            out.print(LossReport.text(s, r));
            if (s.json() != null) {
                Files.writeString(s.json(), LossReport.json(s, r), StandardCharsets.UTF_8);
            }
            if (r.interrupted()) return Exit.INTERRUPTED;
            return r.perfect() ? Exit.OK : Exit.FAILURES;
        } catch (LossRun.SetupException e) {
            err.println("mqttconf loss: " + e.getMessage());
            return Exit.USAGE;
        } catch (IOException e) {
            err.println("mqttconf loss: cannot write " + s.json() + ": " + Reasons.of(e));
            return Exit.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mqttconf loss: interrupted");
            return Exit.INTERRUPTED;
        }
    }

    static Settings parse(List<String> args) {
        Args a = new Args.Parser().option("publishers").option("subscribers").option("qos").option("messages")
                .option("rate").option("seconds").option("drain-seconds").option("cut-interval-ms").option("seed")
                .option("json").parse(args);
        if (a.positional().size() != 1) {
            throw new UsageException(a.positional().isEmpty() ? "missing HOST:PORT"
                    : "unexpected argument '" + a.positional().get(1) + "'");
        }
        String target = a.positional().get(0);
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException("target must be HOST:PORT, not '" + target + "'");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Args.parseInt("port", target.substring(colon + 1), 1, 65535);
        String qos = a.choice("qos", "both", "1", "2", "both");
        List<Integer> levels = qos.equals("both") ? List.of(1, 2) : List.of(Integer.parseInt(qos));
        long seed;
        String seedText = a.value("seed", null);
        if (seedText == null) {
            seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        } else {
            try {
                seed = Long.parseLong(seedText.strip());
            } catch (NumberFormatException e) {
                throw new UsageException("--seed must be an integer, not '" + seedText + "'");
            }
        }
        return new Settings(host, port, a.intValue("publishers", 2, 1, 100), a.intValue("subscribers", 2, 1, 100),
                levels, a.intValue("messages", 1000, 1, 1_000_000), a.intValue("rate", 200, 0, 1_000_000),
                a.intValue("seconds", 30, 1, 3600), a.intValue("drain-seconds", 10, 1, 600),
                a.intValue("cut-interval-ms", 200, 1, 3_600_000), seed, a.value("json").map(Path::of).orElse(null),
                Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000)));
    }
}
