package mqttconf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.StopOnSignal;
import mqttconf.cli.UsageException;
import mqttconf.report.OutputPaths;
import mqttconf.util.Reasons;

/** {@code mqttconf bench HOST:PORT}: load generator measuring throughput, latency, losses and duplicates. */
public final class BenchMode implements Mode {
    /** How long Ctrl-C waits for the summary and the JSON file before the JVM goes. */
    private static final long STOP_SECONDS = 15;

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "load a broker: throughput, latency percentiles, losses, duplicates; conn: hold N connections";
    }

    @Override
    public String usage() {
        return BenchConfig.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        BenchConfig config = BenchConfig.parse(args, out);
        String unwritable = config.json() == null ? null
                : OutputPaths.problem(List.of(new OutputPaths.Output("--json", config.json().toString())));
        if (unwritable != null) throw new UsageException(unwritable);
        LoadRun run = new LoadRun(config);
        return StopOnSignal.run("mqttconf-bench-stop", run::interrupt, STOP_SECONDS, () -> run(run, config, out, err));
    }

    /** Runs and reports; {@link LoadRun#interrupt} ends it early with the same summary, marked interrupted. */
    static int run(LoadRun run, BenchConfig config, PrintStream out, PrintStream err) {
        out.println("bench " + config.client().target() + ": " + config.describe());
        BenchResult result;
        try {
            result = run.execute(out);
        } catch (IOException e) {
            err.println("mqttconf bench: " + Reasons.of(e));
            return Exit.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mqttconf bench: interrupted");
            return Exit.INTERRUPTED;
        }
        if (result == null) {
            err.println("mqttconf bench: " + run.failure());
            return Exit.USAGE;
        }
        out.print(result.text());
        if (config.json() != null) {
            try {
                Files.writeString(Path.of(config.json()), result.json(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("mqttconf bench: cannot write " + config.json() + ": " + Reasons.of(e));
                return Exit.USAGE;
            }
        }
        if (result.error() != null) err.println("mqttconf bench: " + result.error());
        return result.exitCode();
    }
}
