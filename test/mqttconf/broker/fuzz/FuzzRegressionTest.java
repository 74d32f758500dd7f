package mqttconf.broker.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerStats;
import mqttconf.codec.ByteNotation;
import mqttconf.spec.Coverage;

/** Replays {@code fuzz-regressions.txt}: each row over its own connection, the broker unharmed after each. */
class FuzzRegressionTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void everyRegressionRowLeavesTheBrokerRunningWithoutErrorsOrConnections() throws Exception {
        LogWatch watch = new LogWatch(() -> { });
        List<String> failures = new ArrayList<>();
        try (Broker broker = Broker.start(FuzzRun.brokerConfig().withConnectTimeout(Duration.ofMillis(300)),
                watch.log(), new Coverage())) {
            for (String[] row : rows()) {
                List<byte[]> packets = ByteNotation.packets(row[1]);
                FuzzRun.send(broker.port(), new Attack(packets, new int[0], false, true));
                BrokerStats s = broker.stats(T);
                for (long end = System.nanoTime() + T.toNanos(); s.openConnections() > 0 && System.nanoTime() < end; ) {
                    Thread.sleep(10);
                    s = broker.stats(T);
                }
                if (!broker.running() || watch.errorCount() > 0 || s.openConnections() > 0) {
                    failures.add(row[0] + ": running " + broker.running() + ", errors " + watch.errors() + ", open "
                            + s.openConnections());
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    private static List<String[]> rows() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = FuzzRegressionTest.class.getResourceAsStream("fuzz-regressions.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int colon = line.indexOf(':');
                rows.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1).strip()});
            }
        }
        assertTrue(rows.size() >= 10, "rows read");
        return rows;
    }
}
