package mqttconf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.cli.UsageException;

class BenchConfigTest {
    private static BenchConfig parse(String... args) {
        return BenchConfig.parse(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsAreOnePublisherToOneSubscriberAtQos0ForTenSeconds() {
        BenchConfig c = parse("127.0.0.1:1883");
        assertEquals("127.0.0.1", c.host());
        assertEquals(1883, c.port());
        assertEquals(1, c.publishers());
        assertEquals(1, c.subscribers());
        assertEquals(0, c.qos());
        assertEquals(0, c.messages());
        assertEquals(10, c.seconds());
        assertEquals(32, c.payload());
        assertEquals(0, c.rate());
        assertFalse(c.shared());
        assertEquals(0, c.connections());
        assertEquals(20, c.inflight());
        assertNull(c.json());
    }

    @Test
    void everyOptionIsRead() {
        BenchConfig c = parse("localhost:1884", "--publishers", "10", "--subscribers=50", "--qos", "2", "--messages",
                "1000", "--payload", "64", "--rate", "500", "--topics", "shared", "--connections", "10000",
                "--inflight", "100", "--json", "out.json");
        assertEquals(new BenchConfig("localhost", 1884, 10, 50, 2, 1000, 0, 64, 500, true, 10_000, 100, "out.json"), c);
    }

    @Test
    void anIpv6HostMayBeBracketed() {
        assertEquals("::1", parse("[::1]:1883").host());
    }

    @Test
    void badCommandLinesAreNamedInPlainWords() {
        assertEquals("missing HOST:PORT", error());
        assertEquals("expected HOST:PORT, not 'localhost'", error("localhost"));
        assertEquals("port must be between 1 and 65535, not 0", error("h:0"));
        assertEquals("unexpected argument 'more'", error("h:1", "more"));
        assertEquals("give --messages or --seconds, not both", error("h:1", "--messages", "5", "--seconds", "5"));
        assertEquals("--qos must be between 0 and 2, not 3", error("h:1", "--qos", "3"));
        assertEquals("--payload must be between 16 and 16777216, not 15", error("h:1", "--payload", "15"));
        assertEquals("--topics must be spread or shared, not 'many'", error("h:1", "--topics", "many"));
        assertEquals("--inflight must be between 1 and 65535, not 0", error("h:1", "--inflight", "0"));
        assertEquals("nothing to do: no publishers, subscribers or connections",
                error("h:1", "--publishers", "0", "--subscribers", "0"));
        assertEquals("unknown option --clients", error("h:1", "--clients", "4"));
    }

    @Test
    void sharedTopicsReachEverySubscriber() {
        BenchConfig c = parse("h:1", "--publishers", "3", "--subscribers", "4", "--topics", "shared");
        for (int s = 0; s < 4; s++) for (int p = 0; p < 3; p++) assertTrue(c.subscribes(s, p));
    }

    @Test
    void spreadTopicsGiveEachPublisherAtLeastOneSubscriberAndEachSubscriberAtLeastOneTopic() {
        for (int[] shape : new int[][] {{1, 1}, {10, 1}, {1, 50}, {100, 100}, {7, 3}, {3, 7}}) {
            BenchConfig c = parse("h:1", "--publishers", "" + shape[0], "--subscribers", "" + shape[1]);
            for (int p = 0; p < shape[0]; p++) {
                int subs = 0;
                for (int s = 0; s < shape[1]; s++) if (c.subscribes(s, p)) subs++;
                assertTrue(subs >= 1, "publisher " + p + " of " + shape[0] + "x" + shape[1]);
                if (shape[1] <= shape[0]) assertEquals(1, subs);
            }
            for (int s = 0; s < shape[1]; s++) {
                int topics = 0;
                for (int p = 0; p < shape[0]; p++) if (c.subscribes(s, p)) topics++;
                assertTrue(topics >= 1, "subscriber " + s + " of " + shape[0] + "x" + shape[1]);
            }
        }
    }
}
