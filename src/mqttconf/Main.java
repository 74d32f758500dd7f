package mqttconf;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import mqttconf.bench.BenchMode;
import mqttconf.cli.BrokerMode;
import mqttconf.cli.CertsMode;
import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.StatementsMode;
import mqttconf.cli.TestMode;
import mqttconf.cli.UsageException;
import mqttconf.cli.VersionMode;
import mqttconf.explore.ExploreMode;
import mqttconf.explore.ReplayCases;
import mqttconf.loss.LossMode;
import mqttconf.util.Version;

/**
 * Entry point: {@code mqttconf MODE [ARGS]}, reached through {@link Start}, which checks the Java version first.
 * {@code --help}, {@code -h} and {@code help} print the modes to stdout and exit 0; no arguments print them to
 * stderr and exit 2, since nothing was asked for. {@code MODE --help} (or {@code -h}, or {@code help MODE})
 * explains one mode; {@code --version} is the version mode. Output is always UTF-8.
 */
public final class Main {
    /** Every mode, in the order the help lists them. */
    static final List<Mode> MODES = List.of(new BrokerMode(), new TestMode(ReplayCases::of), new ExploreMode(), new BenchMode(), new LossMode(),
            new StatementsMode(), new CertsMode(), new VersionMode());

    /** The words that ask for help, alone or after a mode. */
    private static final List<String> HELP = List.of("--help", "-h", "help");
    /** After a mode only the flags ask for help: "help" there may be a value (a topic, a host). */
    private static final List<String> FLAGS_FOR_HELP = List.of("--help", "-h");

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
            if (args.length == 0) {
                err.print(usage(modes));
                return Exit.USAGE;
            }
            if (HELP.contains(args[0]) && args.length == 1) {
                out.print(usage(modes));
                return Exit.OK;
            }
            if (args[0].equals("--version")) {
                return run(modes, new String[] {"version"}, out, err);
            }
            boolean helpFor = args[0].equals("help");
            if (helpFor && args.length > 2) {
                err.println("mqttconf: help takes one mode (see mqttconf --help)");
                return Exit.USAGE;
            }
            String name = helpFor ? args[1] : args[0];
            Mode mode = modes.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
            if (mode == null) {
                err.println("mqttconf: unknown " + (name.startsWith("-") ? "option " : "mode ") + name
                        + " (see mqttconf --help)");
                return Exit.USAGE;
            }
            where = "mqttconf " + mode.name();
            List<String> rest = Arrays.asList(args).subList(1, args.length);
            int end = rest.indexOf("--");
            if (helpFor || (end < 0 ? rest : rest.subList(0, end)).stream().anyMatch(FLAGS_FOR_HELP::contains)) {
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
        out.append("mqttconf ").append(Version.current()).append(": MQTT 3.1.1 conformance kit\n\n");
        out.append("usage: mqttconf MODE [OPTIONS]    (mqttconf MODE --help, or -h, for details)\n\nmodes:\n");
        for (Mode m : modes) {
            out.append(String.format("  %-12s %s\n", m.name(), m.summary()));
        }
        out.append("\nexit codes: 0 ok, 1 failures found, 2 usage or connection error, 3 internal error,\n"
                + "            130 / 143 stopped by SIGINT / SIGTERM (after printing what ran)\n");
        out.append("mqttconf --version prints the version; mqttconf alone prints this list and exits 2\n");
        return out.toString();
    }
}
