package mqttconf.explore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import mqttconf.cli.Args;
import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.UsageException;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.suite.RunConfig;

/** {@code mqttconf explore HOST:PORT}: model-based exploration of a server, with shrinking and replay. */
public final class ExploreMode implements Mode {
    static final int DEFAULT_RUNS = 1000;

    @Override
    public String name() {
        return "explore";
    }

    @Override
    public String summary() {
        return "random client traces judged by a model of the standard; shrinks what diverges";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf explore [options] [host[:port]]     (default localhost:1883)
                       mqttconf explore --replay FILE [host[:port]]

                Generates seeded traces over 2 to 5 clients (connect with cleanSession 0 or 1 and wills,
                DISCONNECT, dropped connections, takeovers, overlapping subscriptions, QoS 0/1/2 publishes
                with and without retain, deliveries acknowledged late or never) and judges every packet the
                server sends by a model of MQTT 3.1.1 that allows every choice the standard leaves open. A
                divergence is shrunk to the fewest steps that still show it and replayed three times. Each
                trace uses its own client ids and topics and removes what it created.

                run
                  --seed N                   first trace's seed (default: from the clock; printed)
                  --runs N                   traces to run (default 1000)
                  --time SECONDS             stop starting traces after this long (with --runs: whichever first)
                  --clients N                client slots per trace, 2 to 5 (default 3)
                  --steps N                  longest trace (default 24; the shortest is a quarter of it)
                  --parallel N               traces at once (default 4)
                  --timeout SECONDS          longest wait for any reply or due delivery (default 2)
                connection
                  --username NAME            user name for every CONNECT (password: --password or MQTTCONF_PASSWORD)
                  --password TEXT
                  --client-id-prefix TEXT    start of every client id (default mqc + a random run token)
                  --topic-prefix TEXT        start of every topic (default mqttconf/<run token>/)
                output
                  --save DIR                 write one replay file per distinct divergence into DIR
                  --replay FILE              run a saved trace once: exit 1 if it still diverges
                  --json FILE                write the summary as JSON
                  --coverage                 after the run, each server statement: reached or not, and the
                                             suite tests checking it
                  --quiet, -q                only divergences and the summary

                exit: 0 no divergence, 1 a divergence, 2 bad usage or server unreachable, 3 internal error
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().option("seed").option("runs").option("time").option("clients").option("steps")
                .option("parallel").option("timeout").option("username").option("password").option("client-id-prefix")
                .option("topic-prefix").option("save").option("replay").option("json").flag("coverage").flag("quiet", 'q')
                .parse(argv);
        if (a.positional().size() > 1) throw new UsageException("unexpected argument '" + a.positional().get(1) + "'");
        RunConfig config = config(a, a.positional().isEmpty() ? "localhost:1883" : a.positional().get(0));
        // Every option is checked before the server is contacted.
        a.intValue("clients", 3, 2, 5);
        a.intValue("steps", 24, 2, 1000);
        a.intValue("parallel", 4, 1, 64);
        a.intValue("runs", 1, 1, Integer.MAX_VALUE);
        if (a.has("seed")) parseLong(a.value("seed", ""));
        if (a.has("time")) seconds(a.value("time", ""), "--time", 86_400);
        ReplayFile replay = a.has("replay") ? ReplayFile.read(Path.of(a.value("replay", ""))) : null;
        String problem = preflight(config);
        if (problem != null) {
            err.println("mqttconf explore: " + problem);
            return Exit.USAGE;
        }
        try {
            if (replay != null) return replay(config, replay, out);
            return explore(a, config, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("mqttconf explore: interrupted");
            return Exit.INTERNAL;
        } catch (IOException e) {
            err.println("mqttconf explore: cannot write: " + e.getMessage());
            return Exit.USAGE;
        }
    }

    private static int explore(Args a, RunConfig config, PrintStream out, PrintStream err) throws InterruptedException, IOException {
        long seed = a.has("seed") ? parseLong(a.value("seed", "")) : System.currentTimeMillis() % 1_000_000;
        int runs = a.intValue("runs", a.has("time") ? Integer.MAX_VALUE : DEFAULT_RUNS, 1, Integer.MAX_VALUE);
        Duration time = a.has("time") ? Duration.ofMillis(Math.round(seconds(a.value("time", ""), "--time", 86_400) * 1000)) : null;
        int clients = a.intValue("clients", 3, 2, 5);
        int maxSteps = a.intValue("steps", 24, 2, 1000);
        int parallel = a.intValue("parallel", 4, 1, 64);
        boolean quiet = a.has("quiet");
        out.println("explore " + config.target() + ": seed " + seed + ", " + clients + " clients, up to " + maxSteps
                + " steps per trace" + (time == null ? ", " + runs + " traces" : ", for " + a.value("time", "") + " s"));
        Explorer ex = new Explorer(config, clients, parallel, line -> {
            if (!quiet || !line.startsWith("explore:")) {
                synchronized (out) {
                    out.println(line);
                }
            }
        });
        Explorer.Summary s = ex.explore(seed, runs, time, Math.max(2, maxSteps / 4), maxSteps);
        Map<Explorer.Found, String> files = new IdentityHashMap<>();
        if (a.has("save")) {
            int n = 0;
            for (Explorer.Found f : s.found()) files.put(f, ReplayFile.save(Path.of(a.value("save", "")), ++n, f).toString());
        }
        out.print(Report.summary(s, config.target()));
        for (Explorer.Found f : s.found()) if (files.containsKey(f)) out.println("  saved " + files.get(f));
        if (a.has("coverage")) out.print(Report.coverage(s.reached()));
        if (a.has("json")) Files.writeString(Path.of(a.value("json", "")), Report.json(s, config.target(), seed, files), StandardCharsets.UTF_8);
        if (s.traces() == 0 && s.errors() > 0) {
            err.println("mqttconf explore: no trace could run: " + s.firstError());
            return Exit.USAGE;
        }
        if (!s.found().isEmpty()) return Exit.FAILURES;
        return s.internalErrors() > 0 ? Exit.INTERNAL : Exit.OK;
    }

    private static int replay(RunConfig config, ReplayFile file, PrintStream out) throws InterruptedException {
        Explorer ex = new Explorer(config, file.clients(), 1, out::println);
        Driver.Outcome o;
        try {
            o = ex.run(file.steps(), true);
        } catch (IOException e) {
            out.println("replay: cannot reach " + config.target() + ": " + e.getMessage());
            return Exit.USAGE;
        }
        for (String line : o.transcript()) out.println("  " + line);
        if (o.divergence() == null) {
            out.println("replay: no divergence (" + file.steps().size() + " steps" + (file.statement() == null ? "" : "; saved for " + file.statement()) + ")");
            return Exit.OK;
        }
        out.println("replay: diverges " + (o.step() < 0 ? "at the end" : "at step " + (o.step() + 1)) + ": " + o.divergence());
        return Exit.FAILURES;
    }

    static RunConfig config(Args a, String target) {
        String host = target;
        int port = 1883;
        int colon = target.lastIndexOf(':');
        if (target.startsWith("[")) {
            int close = target.indexOf(']');
            if (close < 0) throw new UsageException("bad address '" + target + "': missing ]");
            host = target.substring(1, close);
            if (close + 1 < target.length()) port = Args.parseInt("port", target.substring(close + 2), 1, 65535);
        } else if (colon >= 0) {
            host = target.substring(0, colon);
            port = Args.parseInt("port", target.substring(colon + 1), 1, 65535);
        }
        if (host.isEmpty() || host.contains("/")) throw new UsageException("bad address '" + target + "': expected host:port");
        RunConfig c = RunConfig.defaults(host, port);
        c = c.withTimeout(Duration.ofMillis(Math.round(seconds(a.value("timeout", "2"), "--timeout", 600) * 1000)));
        String topics = a.value("topic-prefix", c.topicPrefix());
        if (topics.isEmpty() || topics.contains("+") || topics.contains("#") || topics.startsWith("$")) {
            throw new UsageException("--topic-prefix must be a non-empty topic name without wildcards or a leading $");
        }
        if (!topics.endsWith("/")) topics += "/";
        String ids = a.value("client-id-prefix", c.clientIdPrefix());
        if (!ids.matches("[0-9a-zA-Z]{0,15}")) {
            throw new UsageException("--client-id-prefix must be at most 15 letters and digits, so every client id "
                    + "fits the 23 characters all servers accept [MQTT-3.1.3-5]");
        }
        c = c.withPrefixes(ids, topics);
        String password = a.value("password").orElse(System.getenv("MQTTCONF_PASSWORD"));
        if (a.has("password") && !a.has("username")) throw new UsageException("--password needs --username [MQTT-3.1.2-22]");
        if (a.has("username")) c = c.withCredentials(a.value("username", ""), password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        return c;
    }

    /** The server answers a CONNECT with CONNACK 0, or the problem in one line. */
    static String preflight(RunConfig config) {
        try (TestClient c = config.dialer().open(config.host(), config.port(), config.timeout(), "preflight")) {
            Connect connect = Connect.of(config.clientIdPrefix() + "chk", true, 60);
            if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
            c.send(connect);
            ConnAck ack = c.await(ConnAck.class, config.timeout());
            if (ack == null) return config.target() + " did not answer CONNECT within " + config.timeout().toMillis() + " ms";
            if (ack.returnCode() != 0) return config.target() + " refused the connection with CONNACK " + ack.returnCode();
            c.send(new Disconnect());
            return null;
        } catch (IOException e) {
            return "cannot connect to " + config.target() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be an integer, not '" + text + "'");
        }
    }

    private static double seconds(String text, String what, double max) {
        double d;
        try {
            d = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a number of seconds, not '" + text + "'");
        }
        if (!(d >= 0.05 && d <= max)) throw new UsageException(what + " must be between 0.05 and " + (long) max + " seconds, not " + text);
        return d;
    }
}
