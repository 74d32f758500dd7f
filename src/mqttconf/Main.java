package mqttconf;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import mqttconf.bench.BenchMode;
import mqttconf.broker.BrokerMode;
import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.StatementsMode;
import mqttconf.cli.UsageException;
import mqttconf.cli.VersionMode;
import mqttconf.explore.ExploreMode;
import mqttconf.loss.LossMode;
import mqttconf.suite.TestMode;
import mqttconf.tls.CertsMode;

/**
 * Entry point: {@code mqttconf MODE [ARGS]}. No arguments (or {@code --help})
 * prints the modes to stdout and exits 0. Output is always UTF-8.
 */
public final class Main {
    /** Every mode, in the order the help lists them. */
    static final List<Mode> MODES = List.of(new BrokerMode(), new TestMode(), new ExploreMode(), new BenchMode(), new LossMode(),
            new StatementsMode(), new CertsMode(), new VersionMode());

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its {@link Exit} code; never throws. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(MODES, args, out, err);
    }

    static int run(List<Mode> modes, String[] args, PrintStream out, PrintStream err) {
        String where = "mqttconf";
        try {
            if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
                out.print(usage(modes));
                return Exit.OK;
            }
            Mode mode = modes.stream().filter(m -> m.name().equals(args[0])).findFirst().orElse(null);
            if (mode == null) {
                err.println("mqttconf: unknown " + (args[0].startsWith("-") ? "option " : "mode ") + args[0]
                        + " (see mqttconf --help)");
                return Exit.USAGE;
            }
            where = "mqttconf " + mode.name();
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            int end = rest.indexOf("--");
            if ((end < 0 ? rest : rest.subList(0, end)).contains("--help")) {
                out.print(mode.usage());
                return Exit.OK;
            }
            try {
                return mode.run(rest, out, err);
            } catch (UsageException e) {
                err.println(where + ": " + e.getMessage() + " (see " + where + " --help)");
                return Exit.USAGE;
            }
        } catch (RuntimeException | Error e) {
            err.println(where + ": internal error: " + e + " (please report it)");
            return Exit.INTERNAL;
        }
    }

    static String usage(List<Mode> modes) {
        StringBuilder out = new StringBuilder();
        out.append("mqttconf ").append(VersionMode.version()).append(": MQTT 3.1.1 conformance kit\n\n");
        out.append("usage: mqttconf MODE [OPTIONS]    (mqttconf MODE --help for details)\n\nmodes:\n");
        for (Mode m : modes) {
            out.append(String.format("  %-12s %s\n", m.name(), m.summary()));
        }
        out.append("\nexit codes: 0 ok, 1 failures found, 2 usage or connection error, 3 internal error\n");
        return out.toString();
    }
}
