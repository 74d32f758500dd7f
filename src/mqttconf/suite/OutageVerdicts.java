package mqttconf.suite;

import java.util.List;
import java.util.Map;

/**
 * What the server's outages mean for each verdict at the end of a run: a test whose outcome the outage explains
 * (silence, a close, a start once no client was served, an outcome resting on the server saying nothing) is
 * NOT_SERVING, with no statement blamed; the triggers' and suspects' own verdicts stand.
 */
final class OutageVerdicts {
    private OutageVerdicts() {
    }

    /**
     * Rewrites {@code results} (spans in nano times, as the runner noted them); {@code restsOnSilence} holds, per
     * test, why its outcome says nothing while the server was not fully serving (see {@link Context#restsOnSilence}).
     */
    static void apply(Result[] results, long[][] spans, Watchdog dog, Map<String, String> restsOnSilence) {
        List<String> triggers = dog.judgedTriggers();
        for (int i = 0; i < results.length; i++) {
            Result r = results[i];
            String silent = restsOnSilence.get(r.test().name());
            if (silent != null && r.verdict() != Verdict.SKIP && r.verdict() != Verdict.NOT_SERVING
                    && dog.outageDuring(spans[i][0], spans[i][1]) != Watchdog.Extent.NONE) {
                results[i] = notServing(r, "not judged: " + silent + ", while the server was not serving (see the "
                        + "run's server events): a server that stopped answering closes the same way");
                continue;
            }
            // Started once no one was served: whatever it saw (a close, silence) the server did to everyone.
            if (r.verdict() != Verdict.SKIP && r.verdict() != Verdict.NOT_SERVING && dog.startedWhileDown(spans[i][0])
                    && !triggers.contains(r.test().name())) {
                results[i] = notServing(r, "started while the server served no client at all (see the run's server "
                        + "events): " + (r.summary().isEmpty() ? r.verdict().name() : r.summary()));
                continue;
            }
            if (r.verdict() != Verdict.FAIL && r.verdict() != Verdict.ERROR || triggers.contains(r.test().name())) continue;
            Watchdog.Extent lost = dog.outageDuring(spans[i][0], spans[i][1]);
            // Partly serving (some client ids lost): only a failure where the server said nothing is its doing.
            if (lost == Watchdog.Extent.TOTAL && (silence(r) || closed(r)) || lost == Watchdog.Extent.PARTIAL && silence(r)) {
                results[i] = notServing(r, "failed while the server was not serving (see the run's server "
                        + "events): " + r.summary());
            }
        }
    }

    /** The failure is the server not answering (no CONNACK, nothing within a wait, no close and no PINGRESP). */
    static boolean silence(Result r) {
        String o = r.observed() == null ? r.summary() : r.observed();
        return r.verdict() == Verdict.ERROR || o.contains("nothing within") || o.contains("no PINGRESP")
                || o.contains("still open after") || unansweredConnect(r);
    }

    /**
     * A malformed row that sent its own CONNECT and expected it accepted, and got no reply at all on a connection
     * that stayed open (observed "open": only our PINGREQ was answered): the CONNECT went unanswered.
     */
    private static boolean unansweredConnect(Result r) {
        return "open".equals(r.observed()) && r.expected() != null && r.expected().contains("20 02 00 00");
    }

    /** The failure is the server closing or breaking a connection. */
    private static boolean closed(Result r) {
        String o = r.observed() == null ? r.summary() : r.observed();
        return o.contains("closed by peer") || o.contains("connection broken") || o.contains("-> close");
    }

    static Result notServing(Result r, String summary) {
        return new Result(r.test(), Verdict.NOT_SERVING, r.duration(), summary, null, null, r.notes(), r.evidence(),
                List.of());
    }
}
