package mqttconf.broker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.spec.Statements;

class ClientRecordsTest {

    @Test
    void theSameClientIdGetsTheSameRecord() {
        ClientRecords records = new ClientRecords(3);
        assertSame(records.of("a"), records.of("a"));
        assertEquals(1, records.all().size());
    }

    @Test
    void pastTheLimitTheOldestRecordGoesAndIsCounted() {
        ClientRecords records = new ClientRecords(3);
        for (String id : List.of("a", "b", "c", "d", "e")) records.of(id);
        assertEquals(List.of("c", "d", "e"), records.all().stream().map(ClientRecord::clientId).toList());
        assertEquals(2, records.dropped());
    }

    @Test
    void recordsWithBreachesOutliveOlderOnesWithout() {
        ClientRecords records = new ClientRecords(2);
        records.of("breaker").breach(new Breach("breaker", 1, Statements.get("MQTT-3.3.1-2"), Instant.now(), "PUBLISH", "",
                "QoS 0 PUBLISH with DUP=1", false));
        records.of("quiet");
        records.of("newcomer");
        assertEquals(List.of("breaker", "newcomer"), records.all().stream().map(ClientRecord::clientId).toList());
    }

    @Test
    void churnStaysWithinTheLimit() {
        ClientRecords records = new ClientRecords(100);
        for (int i = 0; i < 10_000; i++) records.of("mqttconf-" + i);
        assertEquals(100, records.all().size());
        assertTrue(records.dropped() == 9_900, "dropped " + records.dropped());
    }
}
