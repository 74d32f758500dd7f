package mqttconf.broker.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@code make soak} with small numbers: churn leaves no connection, session, descriptor or heap behind. */
class LeakTest {
    @Test
    void connectDisconnectCyclesAndManyConcurrentConnectionsLeaveNothingBehind() throws Exception {
        List<String> lines = new LeakCheck(1000, 500, false).run();
        lines.forEach(System.out::println);
        assertEquals("leaks: OK", lines.get(lines.size() - 1), String.join("\n", lines));
    }
}
