package mqttconf.suite;

import java.util.List;

/** What a test that failed among other tests, and then ran again alone, comes to. */
final class RerunVerdicts {
    private RerunVerdicts() {
    }

    /** Which run is reported: the first, the re-run, or the first as INTERMITTENT (see {@link #intermittent}). */
    enum Keep { FIRST, AGAIN, INTERMITTENT }

    /**
     * {@code firstOutage} and {@code againOutage}: what the server was doing while each ran; {@code againRestsOnSilence}:
     * the re-run's outcome rests on the server saying nothing (see {@link Context#restsOnSilence}).
     */
    static Keep decide(Result first, Watchdog.Extent firstOutage, Result again, Watchdog.Extent againOutage,
                       boolean againRestsOnSilence) {
        // Failed in silence (or with no reply to a row) while the server had lost some client ids: the re-run (on ids
        // it still answered) is the verdict, whatever it is; the first run said nothing about the test.
        if (firstOutage == Watchdog.Extent.PARTIAL && again.verdict() != Verdict.ERROR
                && (OutageVerdicts.silence(first) || OutageVerdicts.noReply(first))) {
            return Keep.AGAIN;
        }
        if (again.verdict() != Verdict.PASS && again.verdict() != Verdict.OBSERVED) return Keep.FIRST;
        // Passed on the server's silence (a late close) while it was not serving: the re-run says nothing, and the
        // first run's answer from the server stands.
        if (againRestsOnSilence && againOutage != Watchdog.Extent.NONE) return Keep.FIRST;
        return Keep.INTERMITTENT;
    }

    static Result intermittent(Result first) {
        return new Result(first.test(), Verdict.INTERMITTENT, first.duration(), "failed while other tests ran, "
                + "passed when run again alone: " + first.summary(), first.expected(), first.observed(),
                first.notes(), first.evidence(), List.of());
    }
}
