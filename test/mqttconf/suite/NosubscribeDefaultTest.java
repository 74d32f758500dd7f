package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Exit;
import mqttconf.cli.Run;

/** subscribe.failure-return-code finds the refusal of Paho's test/nosubscribe without a flag; '' skips it. */
@Timeout(30)
class NosubscribeDefaultTest {

    private static Run failureTest(int port, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "test";
        args[1] = "127.0.0.1:" + port;
        args[2] = "--only";
        args[3] = "subscribe.failure-return-code";
        System.arraycopy(more, 0, args, 4, more.length);
        return Run.main(args);
    }

    @Test
    void ourBrokerRefusesTheDefaultFilterAndTheTestSaysSo() throws IOException {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            Run r = failureTest(broker.port());
            assertEquals(Exit.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("refuses the subscription to test/nosubscribe with 0x80"), r.out());
        }
    }

    @Test
    void anotherFilterIsObservedAndAnEmptyOneSkips() throws IOException {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            Run granted = failureTest(broker.port(), "--nosubscribe-filter", "a/b");
            assertEquals(Exit.OK, granted.code(), granted.out() + granted.err());
            assertTrue(granted.out().contains("grants QoS 2 for a/b"), granted.out());
            Run skipped = failureTest(broker.port(), "--nosubscribe-filter", "");
            assertTrue(skipped.out().contains("--nosubscribe-filter '' skips it"), skipped.out());
        }
    }
}
