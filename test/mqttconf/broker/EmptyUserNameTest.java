package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import mqttconf.auth.PasswordFile;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;

/**
 * A zero-length user name with a password file and anonymous clients allowed is an anonymous client, as mosquitto
 * 2.0.11 answers it (CONNACK 0 with and without a password, probed on raw sockets); the standard leaves
 * authentication to the server.
 */
class EmptyUserNameTest extends BrokerTestBase {
    @Override
    BrokerConfig config() {
        try {
            return BrokerConfig.ephemeral().withAccess(new Access(true, PasswordFile.parse(AccessTest.PASSWORDS, "test")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aZeroLengthUserNameIsAnonymousAndAccepted() throws Exception {
        assertEquals(new ConnAck(false, 0), connAck(open("e1"), Connect.of("e1", true, 0).withCredentials("", null)));
        assertEquals(new ConnAck(false, 0), connAck(open("e2"), Connect.of("e2", true, 0)
                .withCredentials("", "any".getBytes(StandardCharsets.UTF_8))));
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connAck(open("e3"), Connect.of("e3", true, 0)
                .withCredentials("carol", "wrong".getBytes(StandardCharsets.UTF_8))), "the password file still counts");
    }
}
