package mqttconf.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.suite.RunConfig;

/**
 * The model against our broker: explore drives the in-process broker over a socket through the test client, as
 * it would any server. A correct server gives no divergence on any trace; the statements reached show the traces
 * went where they should.
 */
class DifferentialTest {
    static final long SEED = 20_261_202L;
    static final int TRACES = 2000;

    @Test
    void twoThousandSeededTracesAgainstOurBrokerShowNoDivergence() throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            RunConfig config = RunConfig.defaults("127.0.0.1", broker.port()).withTimeout(Duration.ofSeconds(3));
            Explorer explorer = new Explorer(config, 3, 4, line -> { });
            Explorer.Summary s = explorer.explore(SEED, TRACES, null, 4, 20);
            System.out.printf("explore differential: %d traces, %d steps in %.1f s (%.0f traces/s), %d statements reached%n",
                    s.traces(), s.steps(), s.wall().toNanos() / 1e9, s.tracesPerSecond(), s.reached().size());
            assertEquals(0, s.errors(), "traces that could not run: " + s.firstError());
            assertEquals(TRACES, s.traces());
            assertTrue(s.found().isEmpty(), () -> "divergences from a correct server: " + Report.summary(s, "our broker")
                    + (s.found().isEmpty() ? "" : Report.found(s.found().get(0), 1)));
            // A trace that did not diverge on every replay can only be the machine's timing (a reply later than the
            // timeout on a busy machine), never a packet the model forbids.
            for (Explorer.Found f : s.unconfirmed()) {
                assertTrue(f.divergence().observed().contains(" within "), "only late replies may fail to reproduce: " + f.divergence());
            }
            for (String id : new String[] {"MQTT-3.3.5-1", "MQTT-3.3.1-6", "MQTT-3.1.2-5", "MQTT-4.4.0-1", "MQTT-3.1.2-8",
                    "MQTT-3.1.4-2", "MQTT-4.3.3-1", "MQTT-3.8.4-3", "MQTT-4.6.0-6", "MQTT-3.2.2-2"}) {
                assertTrue(s.reached().contains(id), id + " reached by some trace; reached " + s.reached());
            }
        }
    }
}
