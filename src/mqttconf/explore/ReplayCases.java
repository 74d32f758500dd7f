package mqttconf.explore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mqttconf.cli.UsageException;
import mqttconf.spec.Statements;
import mqttconf.suite.Context;
import mqttconf.suite.RunConfig;
import mqttconf.suite.TestCase;
import mqttconf.suite.TestFailure;

/** Saved explore traces as suite tests ({@code mqttconf test --replay FILE...}): each runs with the test's own names. */
public final class ReplayCases {
    private ReplayCases() {
    }

    /** One MUST test per file, named {@code explore.<file name>}; a bad file is a {@link UsageException}. */
    public static List<TestCase> of(List<String> files) {
        List<TestCase> out = new ArrayList<>();
        for (String f : files) {
            Path path = Path.of(f);
            ReplayFile r = ReplayFile.read(path);
            String statement = r.statement() == null ? "MQTT-4.5.0-1" : r.statement();
            try {
                Statements.get(statement);
            } catch (RuntimeException e) {
                throw new UsageException(f + ": unknown statement " + statement);
            }
            String name = "explore." + path.getFileName().toString().replaceFirst("\\.replay$", "").replaceAll("[^A-Za-z0-9.-]", "-");
            out.add(TestCase.must(name, List.of(statement), "the trace saved in " + path.getFileName()
                    + " runs with no packet the model of the standard forbids and nothing due missing", ctx -> run(ctx, r)));
        }
        return out;
    }

    private static void run(Context ctx, ReplayFile r) throws Exception {
        RunConfig c = ctx.config();
        String first = ctx.clientId("a");
        // The trace's topics and filters go below a level of their own: a filter such as "+/x" or "#" must stay
        // whole levels (".../x/+/x", not ".../x+/x", which a server must refuse [MQTT-4.7.1-3]).
        Driver.Names names = new Driver.Names(first.substring(0, first.length() - 1), ctx.topic("x/"));
        Driver.Outcome o = new Driver(c, names, r.clients(), false).run(r.steps());
        Divergence d = o.divergence();
        if (d != null) {
            throw new TestFailure(d.expected() + " [" + d.statement() + "]", d.observed()
                    + (o.step() < 0 ? " (at the end of the " + r.steps().size() + " steps)" : " (at step " + (o.step() + 1) + ")"));
        }
    }
}
