package mqttconf.suite;

import java.util.List;

/**
 * One failed check of a test: the statement it checks, what the standard expected and what was observed.
 * {@code context} names, where the statement alone does not say what went wrong, the statements that do (the rule
 * a packet broke on purpose, for a server's duty to close after any protocol violation [MQTT-4.8.0-1]; a retained
 * will [MQTT-3.1.2-17], for a retained message not sent): deviations of one statement in different contexts are
 * distinct.
 */
public record Deviation(String statementId, String expected, String observed, List<String> context) {
    public Deviation {
        context = List.copyOf(context);
    }

    public Deviation(String statementId, String expected, String observed) {
        this(statementId, expected, observed, List.of());
    }
}
