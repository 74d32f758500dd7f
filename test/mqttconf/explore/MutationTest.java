package mqttconf.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.suite.FaultProxies;
import mqttconf.suite.RunConfig;

/**
 * Each deviation the suite's fault proxy injects into our broker's replies is found by exploration within a
 * budget of traces, shrunk to at most 10 steps, reproduced three times, and named by the statement it breaks.
 */
class MutationTest {
    private static final int BUDGET = 1500;
    private static final int MAX_STEPS = 10;
    /**
     * The statements each mutation may be reported under (one deviation can show in several ways). A retained copy
     * sent with RETAIN 0 at QoS 1 while a live copy of the same message is still due at QoS 0 is, on the wire, that
     * live copy above its grant [MQTT-3.8.4-6]: which reading the model takes depends on whether the live copy came
     * first, so either may be claimed.
     */
    private static final Map<String, Set<String>> BREAKS = Map.ofEntries(
            Map.entry("clear RETAIN on every PUBLISH", Set.of("MQTT-3.3.1-8", "MQTT-3.3.1-6", "MQTT-3.8.4-6")),
            Map.entry("set RETAIN on every PUBLISH", Set.of("MQTT-3.3.1-9")),
            Map.entry("set DUP on first deliveries", Set.of("MQTT-3.3.1-3")),
            Map.entry("drop every PINGRESP", Set.of("MQTT-3.12.4-1")),
            Map.entry("SUBACK with the wrong packet id", Set.of("MQTT-3.8.4-2")),
            Map.entry("SUBACK grants QoS 2 whatever was asked", Set.of("MQTT-3.8.4-6")),
            Map.entry("deliver QoS 1 and 2 at QoS 0", Set.of("MQTT-3.3.5-1", "MQTT-3.8.4-6")),
            Map.entry("deliver QoS 0 at QoS 1 (above the grant)", Set.of("MQTT-3.8.4-6")),
            Map.entry("deliver each QoS 2 message twice", Set.of("MQTT-4.3.3-2", "MQTT-3.3.5-1")),
            Map.entry("swap consecutive PUBLISHes", Set.of("MQTT-4.6.0-6")),
            Map.entry("CONNACK session present 1 for a clean session", Set.of("MQTT-3.2.2-1", "MQTT-3.2.2-3")),
            Map.entry("keep the connection open when the server closes", Set.of("MQTT-3.1.4-2")),
            Map.entry("PUBACK with the wrong packet id", Set.of("MQTT-4.3.2-2")),
            Map.entry("drop will messages", Set.of("MQTT-3.1.2-8")));
    private static final Map<String, Explorer.Summary> RESULTS = new LinkedHashMap<>();
    private static Broker broker;

    @BeforeAll
    static void exploreEveryMutation() throws Exception {
        broker = Broker.start(BrokerConfig.ephemeral());
        List<String> names = FaultProxies.mutations();
        assertEquals(BREAKS.keySet(), Set.copyOf(names), "every mutation of the suite has its statements here");
        Map<String, Future<Explorer.Summary>> running = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String name : names) {
                running.put(name, pool.submit(() -> {
                    try (FaultProxies.Running proxy = FaultProxies.start(name, broker.port())) {
                        RunConfig config = RunConfig.defaults("127.0.0.1", proxy.port()).withTimeout(Duration.ofSeconds(1));
                        return new Explorer(config, 3, 2, line -> { }).untilFirst().explore(7, BUDGET, null, 4, 20);
                    }
                }));
            }
        }
        for (var e : running.entrySet()) RESULTS.put(e.getKey(), e.getValue().get());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    @Test
    void everyInjectedDeviationIsFoundShrunkAndConfirmed() {
        StringBuilder table = new StringBuilder();
        for (var e : RESULTS.entrySet()) {
            Explorer.Summary s = e.getValue();
            table.append(String.format("  %-48s %s%n", e.getKey(), s.found().isEmpty() ? "not found in " + s.traces() + " traces"
                    : String.format("[%s] after %d traces, %d -> %d steps, reproduced %d/3, %.1f s", s.found().get(0).divergence().statement(),
                    s.traces(), s.found().get(0).original(), s.found().get(0).steps().size(), s.found().get(0).reproduced(),
                    s.wall().toNanos() / 1e9)));
        }
        System.out.print("explore mutations:\n" + table);
        for (var e : RESULTS.entrySet()) {
            Explorer.Summary s = e.getValue();
            assertFalse(s.found().isEmpty(), e.getKey() + " found within " + BUDGET + " traces\n" + table);
            Explorer.Found f = s.found().get(0);
            assertTrue(BREAKS.get(e.getKey()).contains(f.divergence().statement()),
                    e.getKey() + ": reported under " + BREAKS.get(e.getKey()) + "\n" + Report.found(f, 1));
            assertTrue(f.steps().size() <= MAX_STEPS, e.getKey() + ": shrunk to at most " + MAX_STEPS + " steps\n" + Report.found(f, 1));
            assertEquals(Explorer.CONFIRMATIONS, f.reproduced(), e.getKey() + ": reproduced every time\n" + Report.found(f, 1));
        }
    }
}
