package mqttconf.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import mqttconf.cli.Exit;
import mqttconf.cli.Mode;

/** {@code mqttconf bench HOST:PORT}: load generator measuring throughput, latency, losses and duplicates. */
public final class BenchMode implements Mode {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "load a broker: throughput, latency percentiles, losses, duplicates";
    }

    @Override
    public String usage() {
        return BenchConfig.USAGE;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        BenchConfig config = BenchConfig.parse(args);
        out.println("bench " + config.host() + ":" + config.port() + ": " + config.describe());
        LoadRun run = new LoadRun(config);
        BenchResult result;
        try {
            result = run.execute(out);
        } catch (IOException e) {
            err.println("mqttconf bench: " + e.getMessage());
            return Exit.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mqttconf bench: interrupted");
            return Exit.INTERNAL;
        }
        if (result == null) {
            err.println("mqttconf bench: " + run.failure.get());
            return Exit.USAGE;
        }
        out.print(result.text());
        if (config.json() != null) {
            try {
                Files.writeString(Path.of(config.json()), result.json(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("mqttconf bench: cannot write " + config.json() + ": " + e.getMessage());
                return Exit.USAGE;
            }
        }
        if (result.error() != null) err.println("mqttconf bench: " + result.error());
        return result.exitCode();
    }
}
