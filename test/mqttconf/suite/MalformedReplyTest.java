package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.suite.Runner.Report;

/**
 * A malformed packet from the server is reported as such, with the codec's reason and statement id: never as
 * silence ("nothing within 0.5 s") or as a plain close.
 */
class MalformedReplyTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final String MALFORMED = "expected %s; observed a malformed packet from the server: %s";

    /** A server answering its first read with {@code first}, and each later one with {@code later}. */
    private static TinyServer answering(String first, String later) throws IOException {
        return new TinyServer((s, n) -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            for (String reply = first; in.read(buf) >= 0; reply = later) {
                out.write(HexFormat.of().parseHex(reply.replace(" ", "")));
                out.flush();
            }
        });
    }

    private static Result run(TinyServer server, String test) {
        RunConfig config = RunConfig.defaults("127.0.0.1", server.port()).withTimeout(TIMEOUT);
        List<TestCase> tests = new Selection(List.of(test), List.of(), List.of(), List.of()).apply(Suite.all());
        Report report = new Runner(config, r -> { }).run(tests);
        assertEquals(1, report.results().size(), test);
        return report.results().get(0);
    }

    @Test
    void aConnAckWithReservedFlagBitsFailsAsMalformed() throws IOException {
        try (TinyServer server = answering("20 02 02 00", "")) {
            Result r = run(server, "connect.accepted");
            assertEquals(Verdict.FAIL, r.verdict());
            assertEquals(MALFORMED.formatted("CONNACK as the first packet from the server [MQTT-3.2.0-1]",
                    "CONNACK reserved acknowledge flag bits set: 2"), r.summary());
        }
    }

    @Test
    void aMalformedAnswerWhereAnyPacketOrNoneMayComeIsAFailNotSilence() throws IOException {
        try (TinyServer server = answering("21 02 00 00", "")) {
            Result r = run(server, "connect.wrong-protocol-name");
            assertEquals(Verdict.FAIL, r.verdict(), r.summary());
            assertEquals(MALFORMED.formatted("a well-formed packet from the server",
                    "CONNACK with reserved flags 0001, must be 0000 [MQTT-2.2.2-1]"), r.summary());
            assertEquals(List.of("MQTT-2.2.2-1"), r.failedStatements(), "the sender's rule, not the receiver's duty");
        }
    }

    @Test
    void aSubAckWithoutReturnCodesFailsUnderTheRuleItBreaks() throws IOException {
        try (TinyServer server = answering("20 02 00 00", "90 02 00 01")) {
            Result r = run(server, "subscribe.unsubscribe-stops-delivery");
            assertEquals(Verdict.FAIL, r.verdict(), r.summary());
            assertEquals(List.of("MQTT-3.8.4-5"), r.failedStatements(), r.summary());
        }
    }

    @Test
    void aMalformedSubAckFailsTheWaitForIt() throws IOException {
        try (TinyServer server = answering("20 02 00 00", "90 03 00 01 03")) {
            Result r = run(server, "subscribe.unsubscribe-stops-delivery");
            assertEquals(Verdict.FAIL, r.verdict(), r.summary());
            assertEquals(MALFORMED.formatted("SUBACK with packet id 1 [MQTT-3.8.4-1]",
                    "SUBACK reserved return code 0x3 [MQTT-3.9.3-2]"), r.summary());
        }
    }
}
