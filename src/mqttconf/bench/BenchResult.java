package mqttconf.bench;

import java.util.Locale;

import mqttconf.cli.Exit;
import mqttconf.util.Json;

/**
 * The outcome of a load run. Rates are per second: sent over the publishing time, received over the time from
 * the start to the last arrival. Latencies are in nanoseconds.
 *
 * @param expected messages the subscribers should have received given what was sent and who subscribed to what
 * @param error    what broke the run, or null
 */
public record BenchResult(BenchConfig config, double setupSeconds, double seconds, long sent, long received,
                          long expected, long lost, long duplicates, long outOfOrder, double sentRate,
                          double receivedRate, long p50, long p90, long p99, long p999, long max, String error,
                          long connected, long connectP50, long connectP99, long connectMax, boolean interrupted) {

    static BenchResult of(LoadRun run, double setupSeconds, double seconds, long sent, long expected, String error) {
        long received = 0, lost = 0, duplicates = 0, outOfOrder = 0;
        for (LoadClient s : run.subscribers()) {
            SequenceTracker t = s.tracker();
            if (t == null) continue;
            long want = 0;
            for (LoadClient p : run.publishers()) if (run.config.subscribes(s.index, p.index)) want += p.sent();
            received += t.received();
            lost += t.lost(want);
            duplicates += t.duplicates();
            outOfOrder += t.outOfOrder();
        }
        double receiveSeconds = (run.lastReceive() - run.startNanos) / 1e9;
        Histogram.Snapshot l = run.latency.snapshot();
        Histogram.Snapshot c = run.connectLatency.snapshot();
        return new BenchResult(run.config, setupSeconds, seconds, sent, received, expected, lost, duplicates,
                outOfOrder, seconds > 0 ? sent / seconds : 0, receiveSeconds > 0 ? received / receiveSeconds : 0,
                l.percentile(50), l.percentile(90), l.percentile(99), l.percentile(99.9), l.max(), error,
                run.ready.get(), c.percentile(50), c.percentile(99), c.max(), run.interrupted);
    }

    /**
     * 0, or 1 when the broker broke a promise: a QoS 1 or 2 message lost, a QoS 2 message delivered twice, one
     * publisher's messages out of order [MQTT-4.6.0-6], or a connection dropped mid-run.
     */
    public int exitCode() {
        if (interrupted) return mqttconf.cli.Exit.INTERRUPTED;
        boolean broken = error != null || (config.qos() > 0 && lost > 0) || (config.qos() == 2 && duplicates > 0)
                || outOfOrder > 0;
        return broken ? Exit.FAILURES : Exit.OK;
    }

    /** Nanoseconds as milliseconds with three significant decimals. */
    static String millis(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.3f ms" : ms < 100 ? "%.2f ms" : "%.1f ms", ms);
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        if (interrupted) b.append("interrupted: the figures cover what ran until then\n");
        if (connected > 0) {
            b.append(String.format(Locale.ROOT, "connected  %10d clients in %.2f s", connected, setupSeconds))
                    .append("  connect to CONNACK p50 ").append(millis(connectP50)).append("  p99 ")
                    .append(millis(connectP99)).append("  max ").append(millis(connectMax)).append('\n');
        }
        if (config.client().hold()) {
            b.append(String.format(Locale.ROOT, "held       %10d connections for %.2f s%n", connected, seconds));
            if (error != null) b.append("error: ").append(error).append('\n');
            return b.toString();
        }
        b.append(String.format(Locale.ROOT, "sent       %10d msgs in %.2f s  %10.0f msg/s%n", sent, seconds, sentRate));
        b.append(String.format(Locale.ROOT, "received   %10d msgs of %d expected  %10.0f msg/s%n", received, expected,
                receivedRate));
        if (received > 0) {
            b.append("latency    p50 ").append(millis(p50)).append("  p90 ").append(millis(p90)).append("  p99 ")
                    .append(millis(p99)).append("  p99.9 ").append(millis(p999)).append("  max ").append(millis(max))
                    .append('\n');
        }
        b.append("lost ").append(lost).append("  duplicates ").append(duplicates).append("  out of order ")
                .append(outOfOrder).append('\n');
        if (error != null) b.append("error: ").append(error).append('\n');
        return b.toString();
    }

    public String json() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"host\": ");
        Json.quote(b, config.host());
        b.append(", \"port\": ").append(config.port())
                .append(", \"publishers\": ").append(config.publishers())
                .append(", \"subscribers\": ").append(config.subscribers())
                .append(", \"qos\": ").append(config.qos())
                .append(", \"payload\": ").append(config.payload())
                .append(", \"rate\": ").append(config.rate())
                .append(", \"topics\": \"").append(config.shared() ? "shared" : "spread").append('"')
                .append(", \"connections\": ").append(config.connections())
                .append(", \"inflight\": ").append(config.inflight())
                .append(", \"mode\": \"").append(config.client().hold() ? "conn" : "pubsub").append('"')
                .append(", \"interrupted\": ").append(interrupted)
                .append(", \"connected\": ").append(connected)
                .append(", \"connect_ns\": {\"p50\": ").append(connectP50).append(", \"p99\": ").append(connectP99)
                .append(", \"max\": ").append(connectMax).append('}')
                .append(", \"setup_seconds\": ").append(num(setupSeconds))
                .append(", \"seconds\": ").append(num(seconds))
                .append(", \"sent\": ").append(sent)
                .append(", \"received\": ").append(received)
                .append(", \"expected\": ").append(expected)
                .append(", \"lost\": ").append(lost)
                .append(", \"duplicates\": ").append(duplicates)
                .append(", \"out_of_order\": ").append(outOfOrder)
                .append(", \"sent_per_second\": ").append(num(sentRate))
                .append(", \"received_per_second\": ").append(num(receivedRate))
                .append(", \"latency_ns\": {\"p50\": ").append(p50).append(", \"p90\": ").append(p90)
                .append(", \"p99\": ").append(p99).append(", \"p99_9\": ").append(p999)
                .append(", \"max\": ").append(max).append('}')
                .append(", \"error\": ");
        if (error == null) b.append("null");
        else Json.quote(b, error);
        return b.append("}\n").toString();
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
