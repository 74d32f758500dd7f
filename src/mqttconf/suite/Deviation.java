package mqttconf.suite;

/** One failed check of a test: the statement it checks, what the standard expected and what was observed. */
public record Deviation(String statementId, String expected, String observed) {
}
