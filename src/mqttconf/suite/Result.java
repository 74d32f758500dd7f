package mqttconf.suite;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one test: the verdict, one line saying why (the observed behaviour, the skip reason, or
 * expected vs observed), for FAIL and ERROR the packets exchanged as evidence, and for FAIL every failed check
 * with the statement it checks.
 */
public record Result(TestCase test, Verdict verdict, Duration duration, String summary, String expected,
                     String observed, List<String> notes, String evidence, List<Deviation> deviations) {
    public Result {
        notes = List.copyOf(notes);
        summary = summary == null ? "" : summary;
        evidence = evidence == null ? "" : evidence;
        deviations = List.copyOf(deviations);
    }

    public Result(TestCase test, Verdict verdict, Duration duration, String summary, String expected,
                  String observed, List<String> notes, String evidence) {
        this(test, verdict, duration, summary, expected, observed, notes, evidence, List.of());
    }

    /** The ids of the checks that failed, in the order seen; empty unless the verdict is FAIL. */
    public List<String> failedStatements() {
        return deviations.stream().map(Deviation::statementId).filter(id -> !id.isEmpty()).distinct().toList();
    }
}
