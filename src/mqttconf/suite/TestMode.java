package mqttconf.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import mqttconf.cli.Args;
import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.UsageException;
import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.codec.Bytes;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.suite.Runner.Report;

/** {@code mqttconf test [host:port]}: runs the conformance suite against a server. */
public final class TestMode implements Mode {
    static final String PASSWORD_ENV = "MQTTCONF_PASSWORD";
    /** How long an interrupted run may spend removing what it left on the server. */
    static final Duration STOP_BUDGET = Duration.ofSeconds(3);

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
                  --nosubscribe-filter F     a filter the server refuses: enables the subscribe failure test
                tls
                  --tls                      TLS even without ssl:// or wss://
                  --cafile FILE              trust the CA certificates in FILE (PEM) instead of the JDK's
                  --cert FILE, --key FILE    present this client certificate and key (PEM)
                  --insecure                 do not verify the server certificate or host name (loud)
                output
                  --quiet, -q                only failures and the summary line
                  --verbose, -v              print every packet sent and received
                  --junit FILE               write JUnit XML (one testcase per test)
                  --json FILE                write the results as JSON

                exit: 0 no MUST failed, 1 a MUST failed or the server stopped serving, 2 bad usage, server
                      unreachable or not answering a valid CONNECT with a CONNACK,
                      3 a test could not run (internal error)
                """;
    }

    @Override
    public int run(List<String> argv, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().flag("list").flag("coverage").option("only").option("skip").option("statement").option("section")
                .option("username").option("password").option("client-id-prefix").option("topic-prefix")
                .option("timeout").option("late-wait").option("parallel").option("keepalive-seconds").option("nosubscribe-filter")
                .flag("tls").option("cafile").option("cert").option("key").flag("insecure")
                .flag("quiet", 'q').flag("verbose", 'v').option("junit").option("json").parse(argv);
        Selection selection = new Selection(a.values("only"), a.values("skip"), a.values("statement"), a.values("section"));
        List<TestCase> tests = selection.apply(Suite.all());
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
        String problem = preflight(config);
        if (problem != null) {
            err.println("mqttconf test: " + problem);
            return Exit.USAGE;
        }
        ConsoleReport console = new ConsoleReport(out, a.has("quiet"), tests.size());
        Runner runner = new Runner(config, console::progress);
        Thread hook = stopHook(runner, err);
        Runtime.getRuntime().addShutdownHook(hook);
        Report report;
        try {
            report = runner.run(tests);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        console.finish(report, config.target());
        try {
            if (a.has("junit")) write(a.value("junit", ""), JUnitReport.xml(report, config.target()));
            if (a.has("json")) write(a.value("json", ""), JsonReport.json(report, config.target()));
        } catch (IOException e) {
            err.println("mqttconf test: cannot write report: " + e.getMessage());
            return Exit.USAGE;
        }
        return exitCode(report);
    }

    /**
     * On SIGINT or SIGTERM during the run: stop it and remove what it left on the server within
     * {@link #STOP_BUDGET}, then say in one line what was cleaned or left.
     */
    static Thread stopHook(Runner runner, PrintStream err) {
        return new Thread(() -> {
            String line = runner.stop(STOP_BUDGET);
            if (line != null) err.println("mqttconf test: " + line);
        }, "mqttconf-stop");
    }

    /** 1 when a MUST failed or the server stopped serving, else 3 when a test could not run, else 0. */
    static int exitCode(Report report) {
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
                a.value("nosubscribe-filter").orElse(null), a.intValue("parallel", RunConfig.DEFAULT_PARALLEL, 1, 1024), trace);
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
            return "cannot connect to " + config.target() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        try (c) {
            Connect connect = Connect.of(config.clientIdPrefix() + "chk", true, 60);
            if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
            c.send(connect);
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
