package mqttconf.broker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

class ClientRecordTest {

    @Test
    void countsStayWithTheirStatementsWhileTheOftenCountedMoveToTheFront() {
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
}
