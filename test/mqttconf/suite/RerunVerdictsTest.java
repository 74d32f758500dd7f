package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.suite.RerunVerdicts.Keep;
import mqttconf.suite.Watchdog.Extent;

/** A failure among other tests, run again alone: which run is reported. */
class RerunVerdictsTest {
    private static final TestCase ROW = TestCase.must("malformed.subscribe-to-malformed-filter-hash-x",
            List.of("MQTT-4.8.0-1"), "", ctx -> { });

    private static Result result(Verdict v, String observed) {
        return new Result(ROW, v, Duration.ZERO, "expected close; observed " + observed, "close", observed, List.of(), "");
    }

    private static final Result ANSWERED = result(Verdict.FAIL, "90 03 00 01 80 -> open");
    private static final Result PASSED = result(Verdict.PASS, "close");

    @Test
    void aPassAloneOnAServingServerMakesTheFailureIntermittent() {
        assertEquals(Keep.INTERMITTENT, RerunVerdicts.decide(ANSWERED, Extent.NONE, PASSED, Extent.NONE, false));
        assertEquals(Keep.INTERMITTENT, RerunVerdicts.decide(ANSWERED, Extent.NONE, PASSED, Extent.NONE, true));
    }

    /** A re-run met only by a late close while the server had lost workers says nothing: the server's answer stands. */
    @Test
    void aPassRestingOnSilenceDuringAnOutageLeavesTheAnsweredFailure() {
        assertEquals(Keep.FIRST, RerunVerdicts.decide(ANSWERED, Extent.NONE, PASSED, Extent.PARTIAL, true));
        assertEquals(Keep.FIRST, RerunVerdicts.decide(ANSWERED, Extent.NONE, PASSED, Extent.TOTAL, true));
        assertEquals(Keep.INTERMITTENT, RerunVerdicts.decide(ANSWERED, Extent.NONE, PASSED, Extent.PARTIAL, false));
    }

    @Test
    void aFailureInSilenceDuringAPartialOutageTakesTheReRunsVerdict() {
        Result silent = result(Verdict.FAIL, "nothing within 3 s");
        assertEquals(Keep.AGAIN, RerunVerdicts.decide(silent, Extent.PARTIAL, ANSWERED, Extent.PARTIAL, false));
        assertEquals(Keep.AGAIN, RerunVerdicts.decide(result(Verdict.FAIL, "open"), Extent.PARTIAL, PASSED, Extent.NONE,
                false));
        assertEquals(Keep.INTERMITTENT, RerunVerdicts.decide(silent, Extent.NONE, PASSED, Extent.NONE, false));
    }

    @Test
    void aFailureAgainAloneStands() {
        assertEquals(Keep.FIRST, RerunVerdicts.decide(ANSWERED, Extent.NONE, ANSWERED, Extent.NONE, false));
        assertEquals(Keep.FIRST, RerunVerdicts.decide(ANSWERED, Extent.NONE, result(Verdict.ERROR, "x"), Extent.NONE,
                false));
    }
}
