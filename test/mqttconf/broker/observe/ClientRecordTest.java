package mqttconf.broker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

class ClientRecordTest {

    @Test
    void countsStayWithTheirStatementsAsTheTableGrows() {
        ClientRecord record = new ClientRecord("c");
        List<Statement> all = Statements.all();
        Map<Statement, Long> expected = new HashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // Skewed: a few statements are counted far more often than the rest, in a shifting order.
            Statement s = all.get(random.nextInt(4) == 0 ? random.nextInt(all.size()) : random.nextInt(8));
            record.checked(s);
            expected.merge(s, 1L, Long::sum);
        }
        for (Statement s : all) assertEquals(expected.getOrDefault(s, 0L), record.checkedCount(s), s.id());
    }

    @Test
    void breachCountsAreKeptApartFromCheckedCounts() {
        ClientRecord record = new ClientRecord("c");
        Statement dup = Statements.get("MQTT-3.3.1-2");
        for (int i = 0; i < 3; i++) record.checked(dup);
        record.breach(new Breach("c", 1, dup, java.time.Instant.now(), "PUBLISH", "", "QoS 0 PUBLISH with DUP=1", false));
        assertEquals(3, record.checkedCount(dup));
        assertEquals(1, record.breachedCount(dup));
        assertEquals(1, record.breachCount());
    }

    @Test
    void aReaderOnAnotherThreadSeesEveryCountNeverLowerThanBeforeWhileTheTableGrows() throws Exception {
        ClientRecord record = new ClientRecord("c");
        List<Statement> all = Statements.all();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            long[] seen = new long[all.size()];
            while (!done.get() && wrong.get() == null) {
                for (Statement s : all) {
                    long n = record.checkedCount(s);
                    if (n < seen[s.index()]) wrong.set(s + " went from " + seen[s.index()] + " to " + n);
                    seen[s.index()] = n;
                }
            }
        });
        // Every statement joins in turn, so the table is replaced several times while the earlier ones count on.
        for (int round = 1; round <= 200; round++) {
            for (Statement s : all.subList(0, Math.min(all.size(), round))) record.checked(s);
        }
        done.set(true);
        reader.join(10_000);
        assertNull(wrong.get());
        for (Statement s : all) assertEquals(200 - Math.min(s.index(), 199), record.checkedCount(s), s.id());
    }
}
