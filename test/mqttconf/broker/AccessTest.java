package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.auth.PasswordFile;
import mqttconf.cli.Run;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;

/**
 * Who gets in with {@code --allow-anonymous false} and a password file. Every refusal is CONNACK 0x05 and a
 * close, as mosquitto 2.0.11 answers (it never sends 0x04 to a v3.1.1 client).
 */
class AccessTest extends BrokerTestBase {
    /** The $7$ line is what mosquitto_passwd 2.0.11 wrote for the throwaway password 'secret'. */
    static final List<String> PASSWORDS = List.of("carol:carol-plain",
            "dave:$7$101$hLCo0UW1KvOAiXNP$m7m/G5o/TO62NB9lD+tpoXOmWNRenB84uQz0ekjDmL40Z+qoGIbpSd9zBcWI7K2eWE1Jb2keAPonCQNgCPMSXA==");
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @Override
    BrokerConfig config() {
        try {
            return BrokerConfig.ephemeral().withVerbose(true)
                    .withAccess(new Access(false, PasswordFile.parse(PASSWORDS, "test")));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Override
    BrokerLog log() {
        return BrokerLog.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
    }

    private ConnAck connectAs(String clientId, String user, String password) throws Exception {
        TestClient c = open(clientId);
        byte[] pw = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        ConnAck ack = connAck(c, Connect.of(clientId, true, 0).withCredentials(user, pw));
        if (ack.returnCode() != 0) assertClosed(c, "refused with " + ack.returnCode());
        return ack;
    }

    @Test
    void anonymousClientIsRefusedWith5ThenClosed() throws Exception {
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("anon", null, null));
        assertEquals(1, exercised("MQTT-3.2.2-4"));
        assertEquals(1, exercised("MQTT-3.2.2-5"));
    }

    @Test
    void aZeroLengthUserNameIsAnonymousAndRefused() throws Exception {
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("empty", "", "x"));
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("anonymous clients are not allowed"));
    }

    @Test
    void rightPasswordsGetIn() throws Exception {
        assertEquals(0, connectAs("c1", "carol", "carol-plain").returnCode());
        assertEquals(0, connectAs("c2", "dave", "secret").returnCode(), "mosquitto_passwd $7$ hash of 'secret'");
    }

    @Test
    void wrongPasswordUnknownUserAndMissingPasswordAreRefusedWith5() throws Exception {
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("w", "carol", "wrong"));
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("u", "mallory", "carol-plain"));
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("n", "carol", null));
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connectAs("e", "dave", ""));
        assertEquals(4, exercised("MQTT-3.2.2-5"));
    }

    /** Paho retries a refused 3.1.1 CONNECT with MQTT 3.1: the answer must be the same 0x05, as from mosquitto. */
    @Test
    void anMqttV31ConnectIsCheckedAsA311One() throws Exception {
        TestClient bad = open("v31-bad");
        assertEquals(new ConnAck(false, ConnAck.NOT_AUTHORIZED), connAck(bad, new Connect("MQIsdp", 3, true, 0, "v31",
                null, "carol", "wrong".getBytes(StandardCharsets.UTF_8))));
        assertClosed(bad, "refused");
        TestClient good = open("v31-good");
        assertEquals(new ConnAck(false, 0), connAck(good, new Connect("MQIsdp", 3, true, 0, "v31",
                null, "carol", "carol-plain".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aRefusedClientCannotTakeOverTheSessionOfItsClientId() throws Exception {
        TestClient owner = open("owner");
        assertEquals(0, connAck(owner, Connect.of("shared", false, 0)
                .withCredentials("carol", "carol-plain".getBytes(StandardCharsets.UTF_8))).returnCode());
        assertEquals(ConnAck.NOT_AUTHORIZED, connectAs("shared", "carol", "guess").returnCode());
        barrier(owner);
        assertFalse(owner.isClosed(), "the owner keeps its connection");
    }

    @Test
    void passwordsNeverAppearInTheLogEvenVerbose() throws Exception {
        connectAs("c1", "carol", "carol-plain");
        connectAs("c2", "carol", "hunter2-wrong");
        connectAs("c3", "nobody", "hunter3-unknown");
        TestClient probe = connect(Connect.of("probe", true, 0)
                .withCredentials("carol", "carol-plain".getBytes(StandardCharsets.UTF_8)));
        barrier(probe);
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("refused with CONNACK 5: wrong password for user 'carol'"), log);
        assertTrue(log.contains("unknown user 'nobody'"), log);
        for (String secret : List.of("carol-plain", "hunter2", "hunter3")) assertFalse(log.contains(secret), log);
    }

    @Test
    void aBadPasswordFileIsOneLineAndExitCode2() throws Exception {
        Path bad = dir.resolve("passwd");
        Files.writeString(bad, "carol:plain\nbroken line without colon secret\n");
        Run r = Run.main("broker", "--port", "0", "--password-file", bad.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(bad + ":2: expected user:password"), r.err());
        assertFalse(r.err().contains("secret"), r.err());
        Run missing = Run.main("broker", "--password-file", dir.resolve("absent").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }
}
