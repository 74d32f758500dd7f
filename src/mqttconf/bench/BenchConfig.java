package mqttconf.bench;

import java.util.List;

import mqttconf.cli.Args;
import mqttconf.cli.UsageException;

/**
 * What one load run does, as the command line of {@code mqttconf bench} says it.
 *
 * @param messages   messages per publisher, or 0 to run for {@code seconds}
 * @param rate       messages per second per publisher, 0 for as fast as the broker takes them
 * @param shared     every publisher and subscriber on one topic; otherwise publisher {@code i} has topic {@code i}
 * @param connections idle connections opened first and held for the whole run
 * @param inflight   QoS 1 and 2 messages a publisher may have unacknowledged
 */
public record BenchConfig(String host, int port, int publishers, int subscribers, int qos, int messages,
                          int seconds, int payload, int rate, boolean shared, int connections, int inflight,
                          String json) {
    /** Timestamp (8 bytes), publisher index (4) and sequence number (4) lead every payload. */
    public static final int MIN_PAYLOAD = 16;

    public BenchConfig {
        if (payload < MIN_PAYLOAD) throw new IllegalArgumentException("payload below " + MIN_PAYLOAD + " bytes");
    }

    static final String USAGE = """
            usage: mqttconf bench HOST:PORT [OPTIONS]

            Load generator: publishers send timestamped, numbered messages that
            subscribers receive through the broker. Prints a progress line per
            second, then throughput, end-to-end latency percentiles, losses and
            duplicates. Exits 1 when QoS 1/2 messages were lost, QoS 2 messages
            duplicated or a connection dropped mid-run; 2 when it cannot connect.

              --publishers N     publishing clients (default 1)
              --subscribers N    subscribing clients (default 1)
              --qos Q            0, 1 or 2, for publishing and subscribing (default 0)
              --messages N       messages per publisher, then stop
              --seconds S        publish for S seconds (default 10 unless --messages)
              --payload BYTES    payload size, at least 16 (default 32)
              --rate R           messages per second per publisher, 0 = max (default 0)
              --topics MODE      spread: publisher i on its own topic, subscribers
                                 share the topics out; shared: one topic (default spread)
              --connections N    also open N idle connections, held for the run
              --inflight N       unacknowledged QoS 1/2 messages per publisher (default 20)
              --json FILE        also write the results as JSON to FILE

            examples:
              mqttconf bench 127.0.0.1:1883 --qos 1 --seconds 5
              mqttconf bench 127.0.0.1:1883 --publishers 1 --subscribers 50 --topics shared
              mqttconf bench 127.0.0.1:1883 --rate 1000 --json latency.json
            """;

    /** Parses the arguments after {@code bench}; every problem is a {@link UsageException}. */
    public static BenchConfig parse(List<String> args) {
        Args a = new Args.Parser().option("publishers").option("subscribers").option("qos").option("messages")
                .option("seconds").option("payload").option("rate").option("topics").option("connections")
                .option("inflight").option("json").parse(args);
        List<String> pos = a.positional();
        if (pos.isEmpty()) throw new UsageException("missing HOST:PORT");
        if (pos.size() > 1) throw new UsageException("unexpected argument '" + pos.get(1) + "'");
        String target = pos.get(0);
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1)
            throw new UsageException("expected HOST:PORT, not '" + target + "'");
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port = Args.parseInt("port", target.substring(colon + 1), 1, 65535);
        if (a.has("messages") && a.has("seconds"))
            throw new UsageException("give --messages or --seconds, not both");
        int publishers = a.intValue("publishers", 1, 0, 10_000);
        int subscribers = a.intValue("subscribers", 1, 0, 10_000);
        int connections = a.intValue("connections", 0, 0, 100_000);
        if (publishers + subscribers + connections == 0)
            throw new UsageException("nothing to do: no publishers, subscribers or connections");
        return new BenchConfig(host, port, publishers, subscribers,
                a.intValue("qos", 0, 0, 2),
                a.intValue("messages", 0, 1, 1_000_000_000),
                a.has("messages") ? 0 : a.intValue("seconds", 10, 1, 86_400),
                a.intValue("payload", 32, MIN_PAYLOAD, 16 << 20),
                a.intValue("rate", 0, 0, 10_000_000),
                a.choice("topics", "spread", "spread", "shared").equals("shared"),
                connections,
                a.intValue("inflight", 20, 1, 65_535),
                a.value("json").orElse(null));
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
        return publishers + " publishers -> " + subscribers + " subscribers, QoS " + qos + ", " + payload
                + "-byte payload, " + (shared ? "shared topic" : "spread topics") + ", "
                + (messages > 0 ? messages + " messages each" : seconds + " s") + ", rate "
                + (rate == 0 ? "max" : rate + "/s per publisher")
                + (qos > 0 ? ", inflight " + inflight : "")
                + (connections > 0 ? ", " + connections + " idle connections" : "");
    }
}
