package mqttconf.suite;

import java.util.List;

/**
 * One distinct deviation of the server, however many tests show it: the statement broken, one line of
 * behaviour, the tests that show it (in test order), and the first evidence seen.
 */
public record RootCause(String statementId, String behaviour, List<String> tests, String firstEvidence) {
    public RootCause {
        tests = List.copyOf(tests);
        firstEvidence = firstEvidence == null ? "" : firstEvidence;
    }
}
