package mqttconf.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import mqttconf.cli.Args;
import mqttconf.cli.UsageException;
import mqttconf.client.Dialer;
import mqttconf.cli.Transports;

/**
 * What one load run does, as the command line of {@code mqttconf bench} says it.
 *
 * @param messages   messages per publisher, or 0 to run for {@code seconds}
 * @param seconds    publishing time (or, in conn mode, holding time); 0 in conn mode holds until interrupted
 * @param rate       messages per second per publisher, 0 for as fast as the broker takes them
 * @param shared     every publisher and subscriber on one topic; otherwise publisher {@code i} has topic {@code i}
 * @param connections idle connections opened first and held for the whole run
 * @param inflight   QoS 1 and 2 messages a publisher may have unacknowledged
 * @param client     how each client connects
 */
public record BenchConfig(String host, int port, int publishers, int subscribers, int qos, int messages,
                          int seconds, int payload, int rate, boolean shared, int connections, int inflight,
                          String json, Client client) {
    /** Timestamp (8 bytes), publisher index (4) and sequence number (4) lead every payload. */
    public static final int MIN_PAYLOAD = 16;
    /** The default topic of publisher {@code %i} in run {@code %r}. */
    public static final String DEFAULT_TOPIC = "mqttconf/bench/%r/%i";
    static final String PASSWORD_ENV = "MQTTCONF_PASSWORD";

    /**
     * How every client of the run connects and publishes.
     *
     * @param target      the URL as given, for messages ({@code ssl://host:8883}) or {@code host:port}
     * @param dialer      TLS and/or WebSocket, or null for plain TCP
     * @param topic       publisher topic pattern: {@code %i} the publisher's index, {@code %r} the run's token
     * @param connectRate new connections per second, 0 for as fast as the broker accepts them
     * @param keepAlive   keep alive in seconds sent in CONNECT (PINGREQ when idle that long), 0 for none
     * @param hold        conn mode: connect, hold the connections, publish nothing
     */
    public record Client(String target, Dialer dialer, String username, byte[] password, String topic,
                         int connectRate, int keepAlive, boolean cleanSession, boolean retain, boolean hold) {
        static Client plain(String target) {
            return new Client(target, null, null, null, DEFAULT_TOPIC, 0, 0, true, false, false);
        }
    }

    public BenchConfig {
        if (payload < MIN_PAYLOAD) throw new IllegalArgumentException("payload below " + MIN_PAYLOAD + " bytes");
    }

    /** A plain TCP run with every other setting at its default (as {@code make bench} builds them). */
    public BenchConfig(String host, int port, int publishers, int subscribers, int qos, int messages, int seconds,
                       int payload, int rate, boolean shared, int connections, int inflight, String json) {
        this(host, port, publishers, subscribers, qos, messages, seconds, payload, rate, shared, connections, inflight,
                json, Client.plain(host + ":" + port));
    }

    static final String USAGE = """
            usage: mqttconf bench [conn] TARGET [OPTIONS]
                   TARGET: HOST:PORT, tcp://, ssl:// (TLS), ws://HOST:PORT/PATH or wss://

            Load generator: publishers send timestamped, numbered messages that
            subscribers receive through the broker. Prints a progress line per
            second, then throughput, end-to-end latency percentiles, losses and
            duplicates. "bench conn" only connects --connections clients (at
            --connect-rate) and holds them for --seconds (default: until Ctrl-C).

              --publishers N     publishing clients (default 1; 0 in conn mode)
              --subscribers N    subscribing clients (default 1; 0 in conn mode)
              --qos Q            0, 1 or 2, for publishing and subscribing (default 0)
              --messages N       messages per publisher, then stop
              --seconds S        publish (conn: hold) for S seconds (default 10 unless --messages)
              --payload BYTES    payload size, at least 16 (default 32)
              --rate R           messages per second per publisher, 0 = max (default 0)
              --topics MODE      spread: publisher i on its own topic, subscribers
                                 share the topics out; shared: one topic (default spread)
              -t, --topic PATTERN  publisher topic, %i its index, %r the run's token
                                 (default mqttconf/bench/%r/%i); without %i: shared
              --connections N    also open N idle connections, held for the run
              --connect-rate R   open at most R connections per second (default: no limit)
              --inflight N       unacknowledged QoS 1/2 messages per publisher (default 20)
              --keepalive S      keep alive in CONNECT, PINGREQ when idle (default 0: none)
              --clean-session B  true (default) or false: persistent sessions, removed at the end
              --retain           publish with RETAIN=1 (cleared at the end)
              -u, --username U   user name for every CONNECT
              -P, --password P   password (or set MQTTCONF_PASSWORD); needs --username
              --tls              TLS even without ssl:// or wss://
              --cafile FILE      trust the CA certificates in FILE (PEM)
              --cert FILE, --key FILE  present this client certificate (PEM)
              --insecure         do not verify the server certificate (loud)
              --json FILE        also write the results as JSON to FILE

            TLS and WebSocket clients go through an in-process relay on 127.0.0.1 (one
            per run): their figures include that extra loopback hop.

            exit: 0 ok; 1 QoS 1/2 messages lost, QoS 2 duplicated, out of order, or a
                  connection dropped mid-run; 2 bad usage or cannot connect; 130/143
                  stopped by SIGINT/SIGTERM (the summary and --json cover what ran)

            examples:
              mqttconf bench 127.0.0.1:1883 --qos 1 --seconds 5
              mqttconf bench 127.0.0.1:1883 --publishers 1 --subscribers 50 --topics shared
              mqttconf bench 127.0.0.1:1883 --rate 1000 --json latency.json
              mqttconf bench ssl://localhost:8883 --cafile ca.crt -u bench -P secret
              mqttconf bench conn 127.0.0.1:1883 --connections 5000 --connect-rate 500
            """;

    /** Parses the arguments after {@code bench}; every problem is a {@link UsageException}. */
    public static BenchConfig parse(List<String> args) {
        return parse(args, new PrintStream(PrintStream.nullOutputStream()));
    }

    /** As {@link #parse(List)}; the --insecure warning goes to {@code out}. */
    public static BenchConfig parse(List<String> args, PrintStream out) {
        Args a = new Args.Parser().option("publishers").option("subscribers").option("qos").option("messages")
                .option("seconds").option("payload").option("rate").option("topics").option("connections")
                .option("inflight").option("json").option("topic", 't').option("connect-rate").option("keepalive")
                .option("clean-session").flag("retain").option("username", 'u').option("password", 'P')
                .flag("tls").option("cafile").option("cert").option("key").flag("insecure").parse(args);
        List<String> pos = a.positional();
        boolean hold = !pos.isEmpty() && pos.get(0).equals("conn");
        if (hold) pos = pos.subList(1, pos.size());
        if (pos.isEmpty()) throw new UsageException("missing HOST:PORT");
        if (pos.size() > 1) throw new UsageException("unexpected argument '" + pos.get(1) + "'");
        String target = pos.get(0);
        Transports.Target t = Transports.target(target, a.has("tls"));
        String hostPort = t.hostPort();
        int colon = hostPort.lastIndexOf(':');
        boolean url = target.contains("://");
        if (!url && (colon <= 0 || colon == hostPort.length() - 1))
            throw new UsageException("expected HOST:PORT, not '" + target + "'");
        String host = colon <= 0 || hostPort.endsWith("]") ? hostPort : hostPort.substring(0, colon);
        int port = colon <= 0 || hostPort.endsWith("]") ? t.defaultPort()
                : Args.parseInt("port", hostPort.substring(colon + 1), 1, 65535);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) throw new UsageException("expected HOST:PORT, not '" + target + "'");
        if (a.has("messages") && a.has("seconds"))
            throw new UsageException("give --messages or --seconds, not both");
        int publishers = a.intValue("publishers", hold ? 0 : 1, 0, 10_000);
        int subscribers = a.intValue("subscribers", hold ? 0 : 1, 0, 10_000);
        int connections = a.intValue("connections", 0, 0, 100_000);
        if (hold && (publishers > 0 || subscribers > 0 || a.has("messages")))
            throw new UsageException("conn mode only connects: use --connections, not publishers, subscribers or messages");
        if (publishers + subscribers + connections == 0)
            throw new UsageException(hold ? "conn mode needs --connections N" : "nothing to do: no publishers, subscribers or connections");
        String topic = a.value("topic", DEFAULT_TOPIC);
        if (topic.isEmpty() || topic.contains("+") || topic.contains("#") || topic.indexOf('\0') >= 0)
            throw new UsageException("--topic must be a topic name without wildcards, not '" + topic + "'");
        String password = a.value("password").orElse(System.getenv(PASSWORD_ENV));
        if (a.has("password") && !a.has("username")) throw new UsageException("--password needs --username");
        Dialer dialer = t.tls() || t.websocket() ? Transports.dialer(t, a, out) : null;
        if (dialer == null && (a.has("cafile") || a.has("cert") || a.has("key") || a.has("insecure")))
            throw new UsageException("--cafile, --cert, --key and --insecure need TLS: ssl://, wss:// or --tls");
        Client client = new Client(url ? target : host + ":" + port, dialer, a.value("username").orElse(null),
                a.has("username") && password != null ? password.getBytes(StandardCharsets.UTF_8) : null, topic,
                a.intValue("connect-rate", 0, 0, 1_000_000), a.intValue("keepalive", 0, 0, 65_535),
                !a.has("clean-session") || bool(a.value("clean-session", ""), "--clean-session"), a.has("retain"), hold);
        boolean shared = a.choice("topics", "spread", "spread", "shared").equals("shared") || !topic.contains("%i");
        return new BenchConfig(host, port, publishers, subscribers,
                a.intValue("qos", 0, 0, 2),
                a.intValue("messages", 0, 1, 1_000_000_000),
                a.has("messages") ? 0 : a.intValue("seconds", hold ? 0 : 10, hold ? 0 : 1, 86_400),
                a.intValue("payload", 32, MIN_PAYLOAD, 16 << 20),
                a.intValue("rate", 0, 0, 10_000_000),
                shared,
                connections,
                a.intValue("inflight", 20, 1, 65_535),
                a.value("json").orElse(null), client);
    }

    private static boolean bool(String v, String what) {
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(what + " must be true or false, not '" + v + "'");
        };
    }

    /**
     * Whether subscriber {@code s} subscribes to publisher {@code p}'s topic. With spread topics and fewer
     * subscribers than publishers each subscriber takes every publisher {@code p} with {@code p % subscribers == s};
     * with more, subscriber {@code s} takes publisher {@code s % publishers} alone.
     */
    public boolean subscribes(int s, int p) {
        if (shared) return true;
        return subscribers <= publishers ? p % subscribers == s : s % publishers == p;
    }

    /** One line describing the run. */
    public String describe() {
        String extras = (client.connectRate() > 0 ? ", " + client.connectRate() + " connects/s" : "")
                + (client.keepAlive() > 0 ? ", keep alive " + client.keepAlive() + " s" : "")
                + (client.cleanSession() ? "" : ", persistent sessions")
                + (client.retain() ? ", retained" : "")
                + (client.username() != null ? ", user " + client.username() : "");
        if (client.hold()) {
            return "conn: " + connections + " connections, held " + (seconds == 0 ? "until interrupted" : seconds + " s")
                    + extras;
        }
        return publishers + " publishers -> " + subscribers + " subscribers, QoS " + qos + ", " + payload
                + "-byte payload, " + (shared ? "shared topic" : "spread topics") + ", "
                + (messages > 0 ? messages + " messages each" : seconds + " s") + ", rate "
                + (rate == 0 ? "max" : rate + "/s per publisher")
                + (qos > 0 ? ", inflight " + inflight : "")
                + (connections > 0 ? ", " + connections + " idle connections" : "") + extras;
    }
}
