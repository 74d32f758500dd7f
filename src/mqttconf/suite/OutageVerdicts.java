package mqttconf.suite;

import java.util.List;
import java.util.Map;

/**
 * What the server's outages mean for each verdict at the end of a run: a test whose outcome the outage explains
 * (silence, a close while no client was served, an outcome resting on the server saying nothing) is NOT_SERVING,
 * with no statement blamed; the own verdict of a trigger that ran alone stands. What a server decides before any
 * worker is involved (closing at once on bytes it cannot read) is still judged.
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
            if (r.verdict() != Verdict.FAIL && r.verdict() != Verdict.ERROR || ownOutage(r.test(), triggers)) continue;
            Watchdog.Extent lost = dog.outageDuring(spans[i][0], spans[i][1]);
            // Partly serving (some client ids lost): a failure where the server said nothing, or dropped the
            // connection, may be the lost worker's doing as well as a refusal.
            if (lost != Watchdog.Extent.NONE && (silence(r) || closed(r))) {
                results[i] = notServing(r, "failed while the server was not serving (see the run's server "
                        + "events): " + r.summary());
            }
        }
    }

    /**
     * The test is the named trigger of an outage that began while the server served fully, and it ran alone: its
     * silence then was the server's answer to it, not another test's doing. Among other tests, which of several
     * requests left unanswered at about the same moment stopped the server is a matter of scheduling (another run
     * names another), and a verdict must not depend on it: such a trigger is judged like every test, and the run's
     * server event names it with its bytes.
     */
    private static boolean ownOutage(TestCase t, List<String> triggers) {
        return triggers.contains(t.name())
                && (t.schedule() == TestCase.Schedule.ALONE || t.schedule() == TestCase.Schedule.LAST);
    }

    /**
     * The failure is the server not answering (no CONNACK, nothing within a wait, deliveries missing, no close and
     * no PINGRESP).
     */
    static boolean silence(Result r) {
        String o = r.observed() == null ? r.summary() : r.observed();
        return r.verdict() == Verdict.ERROR || o.contains("nothing within") || o.startsWith("missing ")
                || o.contains("no PINGRESP")
                || o.contains("still open after") || unansweredConnect(r);
    }

    /**
     * A malformed row that sent its own CONNECT and expected it accepted, and got no reply at all on a connection
     * that stayed open (observed "open": only our PINGREQ was answered): the CONNECT went unanswered.
     */
    private static boolean unansweredConnect(Result r) {
        return "open".equals(r.observed()) && r.expected() != null && r.expected().contains("20 02 00 00");
    }

    /**
     * A row's bytes got no reply and no close, only our PINGREQ was answered (observed "open"): a server that lost
     * the worker of that connection's client id after its CONNACK answers the same way (a PINGREQ may be answered
     * without it), so during a partial outage the row's re-run on ids the server answers is its verdict.
     */
    static boolean noReply(Result r) {
        return "open".equals(r.observed());
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
