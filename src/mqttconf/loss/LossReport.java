package mqttconf.loss;

import java.util.List;

import mqttconf.util.Json;

/** The results of a connection-loss run as text for people and as JSON for scripts. */
final class LossReport {
    private LossReport() {
    }

    static String text(LossMode.Settings s, LossRun.Result r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("loss: %s:%d, %d publisher(s) per QoS level, %d subscriber(s), seed %d, "
                        + "mean %d ms between cuts%n", s.host(), s.port(), s.publishers(), s.subscribers(), s.seed(),
                s.cutIntervalMs()));
        if (r.interrupted()) out.append("interrupted: publishing stopped early; flows still open are not counted as lost\n");
        out.append(String.format("publishing %.1f s, draining %.1f s%s%n", seconds(r.publishing()),
                seconds(r.draining()), r.drained() ? "" : " (drain timeout: not every flow finished)"));
        out.append(String.format("cuts: %d (%d mid-packet), proxy connections %d, reconnects %d%n", r.cuts(),
                r.midPacketCuts(), r.proxyConnections(), r.reconnects()));
        for (Ledger.Totals t : r.totals()) {
            out.append(String.format("QoS %d: sent %d, completed %d, unacknowledged %d, received %d, lost %d, "
                            + "duplicated %d, out of order %d  %s%n", t.qos(), t.sent(), t.completed(), t.unfinished(),
                    t.received(), t.lost(), t.duplicated(), t.outOfOrder(), t.perfect() ? "ok" : "FAIL"));
        }
        if (r.sessionsLost() > 0) {
            out.append("reconnects answered with Session Present 0 although the session existed [MQTT-3.2.2-2]: ")
                    .append(r.sessionsLost()).append('\n');
        }
        if (r.unexpectedAcks() > 0) {
            out.append("acknowledgements for nothing in flight (ignored): ").append(r.unexpectedAcks()).append('\n');
        }
        if (r.foreign() > 0) {
            out.append("messages outside this run's streams (ignored): ").append(r.foreign()).append('\n');
        }
        for (String l : r.examples()) {
            out.append("  ").append(l).append('\n');
        }
        for (String f : r.failures()) {
            out.append("client stopped: ").append(f).append('\n');
        }
        out.append("result: ").append(r.interrupted() ? "interrupted (the counts cover what ran)" : r.perfect()
                ? "perfect (QoS 1 nothing lost, QoS 2 exactly once, order kept per publisher)"
                : "FAIL").append('\n');
        out.append("re-run: ").append(s.rerun()).append('\n');
        return out.toString();
    }

    static String json(LossMode.Settings s, LossRun.Result r) {
        StringBuilder out = new StringBuilder("{");
        out.append("\"target\":");
        Json.quote(out, s.host() + ":" + s.port());
        out.append(",\"seed\":").append(s.seed())
                .append(",\"interrupted\":").append(r.interrupted())
                .append(",\"publishers\":").append(s.publishers())
                .append(",\"subscribers\":").append(s.subscribers())
                .append(",\"cutIntervalMs\":").append(s.cutIntervalMs())
                .append(",\"cuts\":").append(r.cuts())
                .append(",\"midPacketCuts\":").append(r.midPacketCuts())
                .append(",\"proxyConnections\":").append(r.proxyConnections())
                .append(",\"reconnects\":").append(r.reconnects())
                .append(",\"sessionsLost\":").append(r.sessionsLost())
                .append(",\"unexpectedAcks\":").append(r.unexpectedAcks())
                .append(",\"foreign\":").append(r.foreign())
                .append(",\"drained\":").append(r.drained())
                .append(",\"publishingSeconds\":").append(String.format("%.3f", seconds(r.publishing())))
                .append(",\"drainingSeconds\":").append(String.format("%.3f", seconds(r.draining())))
                .append(",\"qos\":[");
        List<Ledger.Totals> totals = r.totals();
        for (int i = 0; i < totals.size(); i++) {
            Ledger.Totals t = totals.get(i);
            out.append(i == 0 ? "" : ",").append("{\"qos\":").append(t.qos())
                    .append(",\"sent\":").append(t.sent())
                    .append(",\"completed\":").append(t.completed())
                    .append(",\"unacknowledged\":").append(t.unfinished())
                    .append(",\"received\":").append(t.received())
                    .append(",\"lost\":").append(t.lost())
                    .append(",\"duplicated\":").append(t.duplicated())
                    .append(",\"outOfOrder\":").append(t.outOfOrder())
                    .append(",\"ok\":").append(t.perfect()).append('}');
        }
        out.append("],\"failures\":[");
        for (int i = 0; i < r.failures().size(); i++) {
            out.append(i == 0 ? "" : ",");
            Json.quote(out, r.failures().get(i));
        }
        out.append("],\"perfect\":").append(r.perfect()).append("}\n");
        return out.toString();
    }

    private static double seconds(java.time.Duration d) {
        return d.toNanos() / 1e9;
    }
}
