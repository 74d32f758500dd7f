package mqttconf.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import mqttconf.util.Reasons;
import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.codec.Bytes;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.report.ConsoleReport;
import mqttconf.report.JUnitReport;
import mqttconf.report.JsonReport;
import mqttconf.report.OutputPaths;
import mqttconf.report.OutputPaths.Output;
import mqttconf.report.RunInfo;
import mqttconf.report.SuiteHtmlReport;
import mqttconf.suite.RunConfig;
import mqttconf.suite.Runner;
import mqttconf.suite.Selection;
import mqttconf.suite.Suite;
import mqttconf.suite.SuiteCoverage;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;
import mqttconf.suite.Runner.Report;

/** {@code mqttconf test [host:port]}: runs the conformance suite against a server. */
public final class TestMode implements Mode {
    static final String PASSWORD_ENV = "MQTTCONF_PASSWORD";
    /** The filter Paho's test broker (and ours) refuses with 0x80; a server that grants it is only observed. */
    static final String DEFAULT_NOSUBSCRIBE_FILTER = "test/nosubscribe";
    /** How long an interrupted run may spend removing what it left on the server. */
    public static final Duration STOP_BUDGET = Duration.ofSeconds(3);
    /** How long the stop waits, after the cleanup, for the summary and the reports of an interrupted run. */
    static final Duration REPORT_BUDGET = Duration.ofSeconds(10);
    /** The exit status of a run cut short by SIGINT (SIGTERM gives 143: the JVM exits with 128 + the signal). */
    static final int INTERRUPTED = 130;

    /** Where the stop hook goes: the runtime's shutdown hooks; a JUnit test passes its own and fires it. */
    interface Hooks {
        void add(Thread hook);

        void remove(Thread hook);
    }

    private static final Hooks RUNTIME = new Hooks() {
        @Override
        public void add(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void remove(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    };

    private final Hooks hooks;
    /** Turns the --replay files into tests; given by Main, so the suite does not depend on explore. */
    private final Function<List<String>, List<TestCase>> replays;

    public TestMode(Function<List<String>, List<TestCase>> replays) {
        this(RUNTIME, replays);
    }

    TestMode(Hooks hooks) {
        this(hooks, files -> List.of());
    }

    private TestMode(Hooks hooks, Function<List<String>, List<TestCase>> replays) {
        this.hooks = hooks;
        this.replays = replays;
    }

    @Override
    public String name() {
        return "test";
    }

    @Override
    public String summary() {
        return "run the conformance suite against an MQTT 3.1.1 server";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf test [options] [host[:port] | URL]     (default localhost:1883)

                URL: tcp://host:port, ssl://host:port (TLS, also mqtts://), ws://host:port/path or
                wss://host:port/path (MQTT over WebSocket; path /mqtt when none; the chapter 6 tests
                run only over WebSocket).

                Runs the MQTT 3.1.1 server conformance tests against a server, concurrently, each with
                its own client ids and topics; removes the retained messages and sessions it created.

                selection
                  --list                     list the selected tests with their statement ids; run nothing
                  --coverage                 for each server statement, the selected tests checking it, and
                                             the totals covered / observable / all; run nothing
                  --only PATTERN             run only tests whose name matches (repeatable; * and ? glob,
                                             otherwise any part of the name)
                  --skip PATTERN             leave out tests whose name matches (repeatable)
                  --statement ID             only tests checking this statement, e.g. MQTT-3.1.2-24
                  --section N                only tests of this section, e.g. 3.8 (repeatable)
                connection
                  --username NAME            user name for every CONNECT
                  --password TEXT            password (or set MQTTCONF_PASSWORD); needs --username
                  --client-id-prefix TEXT    start of every client id (default mqc + a random run token);
                                             keep it short and alphanumeric [MQTT-3.1.3-5]
                  --topic-prefix TEXT        start of every topic (default mqttconf/<run token>/)
                  --timeout SECONDS          longest wait for any single reply (default 3)
                  --late-wait SECONDS        longest wait for what the standard sets no deadline for: a close,
                                             a re-send after reconnecting (default 12; such waits run beside
                                             other tests, so they do not stretch the run)
                  --parallel N               tests running at once (default 16)
                  --keepalive-seconds N      keep alive for the keep alive test (default 2)
                  --nosubscribe-filter F     a filter the server refuses, for the subscribe failure test
                                             (default test/nosubscribe, as Paho's test broker; '' skips it)
                tls
                  --tls                      TLS even without ssl:// or wss://
                  --cafile FILE              trust the CA certificates in FILE (PEM) instead of the JDK's
                  --cert FILE, --key FILE    present this client certificate and key (PEM)
                  --insecure                 do not verify the server certificate or host name (loud)
                output
                  --quiet, -q                only FAIL and ERROR lines and the summary
                  --verbose, -v              print every packet sent and received, and the full table
                  --junit FILE               write JUnit XML (one testcase per test; Jenkins, GitLab)
                  --json FILE                write the results as JSON
                  --html FILE                write one self-contained HTML page (deviations first)
                  --replay FILE              also run a trace saved by mqttconf explore --save (repeatable)
                Report paths are checked before the run. On SIGINT or SIGTERM the run stops, removes
                what it left on the server, prints the summary and writes every report for the tests
                that ran, marked interrupted.

                exit: 0 no MUST failed, 1 a MUST failed or the server stopped serving, 2 bad usage, a report
                      path that cannot be written, server unreachable or not answering a valid CONNECT with a
                      CONNACK, 3 a test could not run (internal error), 130 stopped by SIGINT (Ctrl-C),
                      143 stopped by SIGTERM
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().flag("list").flag("coverage").option("only").option("skip").option("statement").option("section")
                .option("username").option("password").option("client-id-prefix").option("topic-prefix")
                .option("timeout").option("late-wait").option("parallel").option("keepalive-seconds").option("nosubscribe-filter")
                .flag("tls").option("cafile").option("cert").option("key").flag("insecure")
                .flag("quiet", 'q').flag("verbose", 'v').option("junit").option("json").option("html").option("replay").parse(argv);
        Selection selection;
        try {
            selection = new Selection(a.values("only"), a.values("skip"), a.values("statement"), a.values("section"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        List<TestCase> tests = new ArrayList<>(selection.apply(Suite.all()));
        tests.addAll(replays.apply(a.values("replay")));
        if (tests.isEmpty()) throw new UsageException("no test matches the selection (see --list)");
        if (a.has("list")) {
            list(tests, out);
            return Exit.OK;
        }
        if (a.has("coverage")) {
            out.print(new SuiteCoverage(tests).text());
            return Exit.OK;
        }
        if (a.positional().size() > 1) throw new UsageException("unexpected argument '" + a.positional().get(1) + "'");
        RunConfig config = config(a, a.positional().isEmpty() ? "localhost:1883" : a.positional().get(0), out);
        List<Output> outputs = new ArrayList<>();
        for (String o : List.of("junit", "json", "html")) a.value(o).ifPresent(f -> outputs.add(new Output("--" + o, f)));
        String problem = OutputPaths.problem(outputs);
        if (problem == null) problem = preflight(config);
        if (problem != null) {
            err.println("mqttconf test: " + problem);
            return Exit.USAGE;
        }
        RunInfo info = RunInfo.now(config.target(), settings(a, config, tests.size()));
        ConsoleReport console = new ConsoleReport(out, a.has("quiet") ? ConsoleReport.Detail.QUIET
                : a.has("verbose") ? ConsoleReport.Detail.VERBOSE : ConsoleReport.Detail.NORMAL, tests.size());
        Runner runner = new Runner(config, console::progress);
        Stop stop = new Stop(runner, err);
        hooks.add(stop.hook);
        Report report;
        try {
            report = runner.run(tests);
        } finally {
            hooks.remove(stop.hook);
        }
        info = info.interrupted(stop.happened);
        try {
            console.finish(report, info);
            for (Output o : outputs) {
                String content = switch (o.option()) {
                    case "--junit" -> JUnitReport.xml(report, info);
                    case "--json" -> JsonReport.json(report, info);
                    default -> SuiteHtmlReport.html(report, info);
                };
                try {
                    write(o.file(), content);
                } catch (IOException e) {
                    err.println("mqttconf test: cannot write " + o.file() + ": " + e.getMessage());
                    return Exit.USAGE;
                }
            }
        } finally {
            stop.reported.countDown();
        }
        return stop.happened ? INTERRUPTED : exitCode(report);
    }

    /**
     * The run's answer to SIGINT and SIGTERM: stop the run and clean up ({@link #stopHook}), then wait, bounded,
     * until the main thread has printed the summary and written the reports, since the JVM ends when the hook does.
     */
    private static final class Stop {
        final CountDownLatch reported = new CountDownLatch(1);
        final Thread hook;
        volatile boolean happened;

        Stop(Runner runner, PrintStream err) {
            Thread cleanup = stopHook(runner, err);
            hook = new Thread(() -> {
                happened = true;
                cleanup.run();
                try {
                    reported.await(REPORT_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "mqttconf-stop");
        }
    }

    /** The settings that shape the verdicts, for the reports (never the password). */
    private static Map<String, String> settings(Args a, RunConfig c, int tests) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("tests", String.valueOf(tests));
        for (String o : List.of("only", "skip", "statement", "section")) {
            if (!a.values(o).isEmpty()) s.put(o, String.join(" ", a.values(o)));
        }
        s.put("timeout", Runner.seconds(c.timeout()));
        s.put("parallel", String.valueOf(c.parallel()));
        s.put("keepalive-seconds", String.valueOf(c.keepAliveSeconds()));
        s.put("client-id-prefix", c.clientIdPrefix());
        s.put("topic-prefix", c.topicPrefix());
        if (c.username() != null) s.put("username", c.username());
        return s;
    }

    /**
     * On SIGINT or SIGTERM during the run: stop it and remove what it left on the server within
     * {@link #STOP_BUDGET}, then say in one line what was cleaned or left.
     */
    public static Thread stopHook(Runner runner, PrintStream err) {
        return new Thread(() -> {
            String line = runner.stop(STOP_BUDGET);
            if (line != null) err.println("mqttconf test: " + line);
        }, "mqttconf-stop");
    }

    /** 1 when a MUST failed or the server stopped serving, else 3 when a test could not run, else 0. */
    public static int exitCode(Report report) {
        if (report.count(Verdict.FAIL) > 0 || report.count(Verdict.NOT_SERVING) > 0) return Exit.FAILURES;
        if (report.count(Verdict.ERROR) > 0) return Exit.INTERNAL;
        return Exit.OK;
    }

    static RunConfig config(Args a, String url, PrintStream out) {
        Transports.Target parsed = Transports.target(url, a.has("tls"));
        String target = parsed.hostPort();
        int colon = target.lastIndexOf(':');
        String host = target;
        int port = parsed.defaultPort();
        if (target.startsWith("[")) {
            int close = target.indexOf(']');
            if (close < 0) throw new UsageException("bad address '" + target + "': missing ]");
            host = target.substring(1, close);
            if (close + 1 < target.length()) {
                if (target.charAt(close + 1) != ':') throw new UsageException("bad address '" + target + "'");
                port = Args.parseInt("port", target.substring(close + 2), 1, 65535);
            }
        } else if (colon >= 0 && target.indexOf(':') == colon) {
            host = target.substring(0, colon);
            port = Args.parseInt("port", target.substring(colon + 1), 1, 65535);
        }
        if (host.isEmpty()) throw new UsageException("bad address '" + target + "': no host");
        RunConfig c = RunConfig.defaults(host, port).withDialer(Transports.dialer(parsed, a, out));
        c = c.withTimeout(Duration.ofMillis(Math.round(seconds(a.value("timeout", "3"), "--timeout") * 1000)));
        c = c.withLateWait(Duration.ofMillis(Math.round(seconds(a.value("late-wait",
                Long.toString(RunConfig.DEFAULT_LATE_WAIT.toSeconds())), "--late-wait") * 1000)));
        String token = c.clientIdPrefix().substring(3);
        c = c.withPrefixes(a.value("client-id-prefix", c.clientIdPrefix()), a.value("topic-prefix", c.topicPrefix()));
        if (c.topicPrefix().isEmpty() || c.topicPrefix().contains("+") || c.topicPrefix().contains("#")
                || c.topicPrefix().startsWith("$")) {
            throw new UsageException("--topic-prefix must be a non-empty topic name without wildcards or a leading $");
        }
        if (!c.topicPrefix().endsWith("/")) c = c.withPrefixes(c.clientIdPrefix(), c.topicPrefix() + "/");
        if (a.has("client-id-prefix") && !c.clientIdPrefix().matches("[0-9a-zA-Z]{0,19}")) {
            throw new UsageException("--client-id-prefix must be at most 19 letters and digits, so every client id "
                    + "fits the 23 characters all servers accept [MQTT-3.1.3-5] (default mqc" + token + ")");
        }
        String password = a.value("password").orElse(System.getenv(PASSWORD_ENV));
        if (a.has("password") && !a.has("username")) throw new UsageException("--password needs --username [MQTT-3.1.2-22]");
        if (a.has("username")) c = c.withCredentials(a.value("username", ""),
                password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        Consumer<String> trace = a.has("verbose") ? out::println : null;
        return c.withOptions(a.intValue("keepalive-seconds", RunConfig.DEFAULT_KEEP_ALIVE, 1, 600),
                a.value("nosubscribe-filter", DEFAULT_NOSUBSCRIBE_FILTER).transform(f -> f.isEmpty() ? null : f), a.intValue("parallel", RunConfig.DEFAULT_PARALLEL, 1, 1024), trace);
    }

    private static double seconds(String text, String what) {
        double d;
        try {
            d = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be a number of seconds, not '" + text + "'");
        }
        if (!(d >= 0.05 && d <= 600)) throw new UsageException(what + " must be between 0.05 and 600 seconds, not " + text);
        return d;
    }

    /**
     * Checks the server can be reached and answers a valid CONNECT with a well-formed CONNACK accepting it;
     * returns the problem in one line, or null. Bounded by 2 x --timeout in all: one for the TCP (and TLS or
     * WebSocket) connection, one for the CONNACK. A server that is not MQTT (an HTTP server, a port that accepts
     * and never answers) ends the run here, not in hundreds of failures.
     */
    static String preflight(RunConfig config) {
        TestClient c;
        try {
            c = config.dialer().open(config.host(), config.port(), config.timeout(), "preflight");
        } catch (IOException e) {
            return "cannot connect to " + config.target() + ": " + Reasons.of(e);
        }
        try (c) {
            Connect connect = Connect.of(config.clientIdPrefix() + "chk", true, 60);
            if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
            try {
                c.send(connect);
            } catch (IOException closedFirst) {
                // A server that closes at once may beat the CONNECT: the reader tells how the connection ended.
            }
            Event e = c.next(config.timeout());
            String notMqtt = config.target() + " is not answering as an MQTT 3.1.1 server: ";
            if (e == null) return notMqtt + "no CONNACK within " + Runner.seconds(config.timeout()) + " of a valid CONNECT";
            if (e instanceof Event.Closed closed) return notMqtt + "the connection " + closed.how() + " without CONNACK";
            if (e instanceof Event.Malformed m) return notMqtt + "it answered a valid CONNECT with bytes that are not "
                    + "a CONNACK: " + shown(m.bytes());
            Packet first = ((Event.Received) e).packet();
            if (!(first instanceof ConnAck ack)) return notMqtt + "it answered a valid CONNECT with " + first + " before any CONNACK";
            if (ack.returnCode() == ConnAck.ACCEPTED) {
                c.send(new Disconnect());
                return null;
            }
            return config.target() + " refused the connection with " + switch (ack.returnCode()) {
                case ConnAck.UNACCEPTABLE_PROTOCOL_VERSION -> "CONNACK 1: it does not accept MQTT 3.1.1";
                case ConnAck.IDENTIFIER_REJECTED -> "CONNACK 2: identifier rejected (try --client-id-prefix)";
                case ConnAck.SERVER_UNAVAILABLE -> "CONNACK 3: server unavailable";
                case ConnAck.BAD_USERNAME_OR_PASSWORD -> "CONNACK 4: bad user name or password (--username, --password)";
                case ConnAck.NOT_AUTHORIZED -> "CONNACK 5: not authorized (--username, --password)";
                default -> "CONNACK " + ack.returnCode();
            };
        } catch (IOException e) {
            return config.target() + " broke the connection during the first CONNECT: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The first bytes as hex and, where printable, as text: {@code 48 54 54 50 ... "HTTP/1.1 400"}. */
    private static String shown(byte[] b) {
        int n = Math.min(b.length, 16);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) text.append(b[i] >= 0x20 && b[i] < 0x7f ? (char) b[i] : '.');
        return Bytes.hex(b, 0, n) + (b.length > n ? " ..." : "") + " (\"" + text + "\")";
    }

    private static void list(List<TestCase> tests, PrintStream out) {
        int width = tests.stream().mapToInt(t -> t.name().length()).max().orElse(10);
        for (TestCase t : tests) {
            out.printf("%-" + width + "s  %-6s  %s%n", t.name(), t.level(), String.join(" ", t.statementIds()));
            out.println("  " + t.requires());
        }
        out.println(tests.size() + " tests");
    }

    private static void write(String file, String content) throws IOException {
        Files.writeString(Path.of(file), content, StandardCharsets.UTF_8);
    }
}
