package mqttconf.cli;

import java.io.PrintStream;
import java.util.List;

/** {@code mqttconf version}: prints {@code mqttconf <version>}. */
public final class VersionMode implements Mode {

    /** The Implementation-Version of the jar's manifest, or {@code dev} outside a jar. */
    public static String version() {
        String v = VersionMode.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

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
        out.println("mqttconf " + version());
        return Exit.OK;
    }
}
