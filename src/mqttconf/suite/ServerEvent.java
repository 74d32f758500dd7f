package mqttconf.suite;

import java.time.Duration;

/**
 * A moment the server stopped serving during a run: what was seen, the test running just before and the bytes
 * it had sent (the likely trigger), and whether the server came back, after how long.
 */
public record ServerEvent(String description, String triggerTest, String bytesBefore, boolean recovered,
                          Duration downFor) {
}
