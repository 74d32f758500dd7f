package mqttconf.suite;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one test: the verdict, one line saying why (the observed behaviour, the skip reason, or
 * expected vs observed), and for FAIL and ERROR the packets exchanged as evidence.
 */
public record Result(TestCase test, Verdict verdict, Duration duration, String summary, String expected,
                     String observed, List<String> notes, String evidence) {
    public Result {
        notes = List.copyOf(notes);
        summary = summary == null ? "" : summary;
        evidence = evidence == null ? "" : evidence;
    }
}
