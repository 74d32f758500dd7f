package mqttconf.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * One way to run mqttconf, chosen by the first argument ({@code mqttconf statements ...}).
 * Main handles {@code --help} for every mode by printing {@link #usage()}.
 */
public interface Mode {
    /** The word that selects this mode. */
    String name();

    /** One line for the list of modes. */
    String summary();

    /** Full help text: synopsis, options, examples. Ends with a newline. */
    String usage();

    /**
     * Runs the mode with the arguments after its name and returns an {@link Exit}
     * code. A bad command line is reported by throwing {@link UsageException}.
     */
    int run(List<String> args, PrintStream out, PrintStream err);
}
