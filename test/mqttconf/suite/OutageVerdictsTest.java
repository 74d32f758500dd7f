package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Which failures say only that the server stayed silent: while it was not serving, those prove nothing about the
 * statement the test checks. A packet that came and was wrong always does.
 */
class OutageVerdictsTest {
    private static final TestCase TEST = TestCase.must("t.t", List.of("MQTT-4.5.0-1"), "", ctx -> { });

    private static Result failed(String observed) {
        return new Result(TEST, Verdict.FAIL, Duration.ZERO, "expected x; observed " + observed, "x", observed,
                List.of(), "");
    }

    @Test
    void missingDeliveriesAreSilence() {
        assertTrue(OutageVerdicts.silence(failed("missing [a/b, a//c], received [a]")));
        assertTrue(OutageVerdicts.silence(failed("nothing within 3 s")));
    }

    @Test
    void aRowAnsweredOnlyByThePingRespGotNoReply() {
        assertTrue(OutageVerdicts.noReply(failed("open")));
        assertFalse(OutageVerdicts.noReply(failed("90 03 00 01 80 -> open")));
        assertFalse(OutageVerdicts.noReply(failed("close")));
    }

    @Test
    void aWrongPacketIsNotSilence() {
        assertFalse(OutageVerdicts.silence(failed("PUBLISH[topic=a, qos=1, packetId=3] with DUP=0")));
        assertFalse(OutageVerdicts.silence(failed("delivered to a subscriber that never asked: missing nothing")));
    }
}
