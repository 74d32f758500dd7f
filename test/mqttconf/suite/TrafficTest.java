package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How the run's traffic names an outage's trigger and when the outage began. */
class TrafficTest {
    /**
     * A valid CONNECT left unanswered is no trigger (a stopped server leaves every new connection so), but it is
     * the first sign of client ids lost: the outage began no later, whichever packet is named, so a test that failed
     * in between met it.
     */
    @Test
    void anUnansweredConnectDatesTheOutageButIsNoTrigger() {
        Traffic traffic = new Traffic();
        traffic.record("early", "sub -> CONNECT[MQTT 4, clientId=a, cleanSession=true, keepAlive=60]");
        long between = System.nanoTime();
        traffic.record("late", "row -> PingReq[]");
        Traffic.Trigger t = traffic.trigger(Long.MIN_VALUE, Long.MAX_VALUE, List.of(), Long.MAX_VALUE);
        assertEquals("late", t.test());
        assertTrue(t.nanos() < between, "the outage dated from the unanswered CONNECT");
    }
}
