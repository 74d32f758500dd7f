package mqttconf.cli;

import java.io.PrintStream;
import java.util.List;

import mqttconf.util.Version;

/** {@code mqttconf version}: prints {@code mqttconf <version>}. */
public final class VersionMode implements Mode {

    @Override
    public String name() {
        return "version";
    }

    @Override
    public String summary() {
        return "print the version of mqttconf";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf version

                Prints "mqttconf <version>".
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        new Args.Parser().parse(args).rejectPositional();
        out.println("mqttconf " + Version.current());
        return Exit.OK;
    }
}
