package mqttconf.suite;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;

/**
 * Who gets in (3.1.4, 3.2.2), run only when the run has credentials (--username). A server MAY authenticate;
 * when a check fails it SHOULD send CONNACK with a non-zero return code (0x04 bad user name or password, 0x05
 * not authorized: both fit) and MUST then close the connection. So a refusal is judged by its MUSTs, and a
 * server that checks nothing is not a failure.
 */
final class AuthTests {
    private static final String REFUSAL = "refused with CONNACK 0x04 or 0x05 (or a close without CONNACK: the CONNACK "
            + "is a SHOULD), session present 0, then closed; a PINGREQ sent with the CONNECT is not answered";

    private AuthTests() {
    }

    static List<TestCase> all() {
        return List.of(
                TestCase.must("auth.credentials-accepted", List.of("MQTT-3.1.4-4", "MQTT-3.2.0-1", "MQTT-3.2.2-1"),
                        "the run's user name and password get CONNACK 0 with session present 0",
                        AuthTests::credentialsAccepted),
                TestCase.must("auth.wrong-password-refused", List.of("MQTT-3.1.4-5", "MQTT-3.2.2-4", "MQTT-3.2.2-5"),
                        "the run's user name with a wrong password, if the server checks passwords: " + REFUSAL,
                        AuthTests::wrongPasswordRefused),
                TestCase.must("auth.unknown-user-refused", List.of("MQTT-3.1.4-5", "MQTT-3.2.2-4", "MQTT-3.2.2-5"),
                        "a user name the server does not know, if it checks user names: " + REFUSAL,
                        AuthTests::unknownUserRefused),
                TestCase.may("auth.anonymous", List.of("MQTT-3.1.4-5", "MQTT-3.2.2-4", "MQTT-3.2.2-5"),
                        "a CONNECT without user name may be accepted or refused; if refused: " + REFUSAL,
                        AuthTests::anonymous));
    }

    private static void credentialsGiven(Context ctx) throws TestSkipped {
        if (ctx.config().username() == null) {
            throw new TestSkipped("needs credentials: run with --username (and --password or MQTTCONF_PASSWORD)");
        }
    }

    private static void credentialsAccepted(Context ctx) throws Exception {
        credentialsGiven(ctx);
        Peer p = ctx.connect("client");
        p.settle();
        p.disconnect();
    }

    private static void wrongPasswordRefused(Context ctx) throws Exception {
        credentialsGiven(ctx);
        byte[] given = ctx.config().password();
        byte[] wrong = given == null ? Context.utf8("mqttconf-wrong") : Arrays.copyOf(given, given.length + 1);
        if (given != null) wrong[given.length] = 'x';
        String user = ctx.config().username();
        refusedOrSkip(ctx, user, wrong, "wrong password for user '" + user + "'");
    }

    private static void unknownUserRefused(Context ctx) throws Exception {
        credentialsGiven(ctx);
        String user = "mqttconf-unknown-" + RunConfig.runToken();
        refusedOrSkip(ctx, user, ctx.config().password(), "unknown user '" + user + "'");
    }

    /** A server that accepts these credentials does not check them: nothing to judge, so SKIP (not FAIL). */
    private static void refusedOrSkip(Context ctx, String user, byte[] password, String what) throws Exception {
        Peer p = ctx.open("client");
        ConnAck ack = attempt(ctx, p, Connect.of(p.clientId(), true, 60).withCredentials(user, password));
        if (ack != null && ack.returnCode() == ConnAck.ACCEPTED) {
            throw new TestSkipped("the server accepted the " + what + ": it does not check them (authentication "
                    + "is optional in 3.1.4), so there is no refusal to check");
        }
        refused(ctx, p, ack, what);
    }

    private static void anonymous(Context ctx) throws Exception {
        credentialsGiven(ctx);
        Peer p = ctx.open("client");
        ConnAck ack = attempt(ctx, p, Connect.of(p.clientId(), true, 60));
        if (ack != null && ack.returnCode() == ConnAck.ACCEPTED) {
            p.expect(PingResp.class, x -> true, "PINGRESP to the PINGREQ sent with the CONNECT [MQTT-3.12.4-1]");
            p.disconnect();
            ctx.observe("anonymous clients: accepted");
            return;
        }
        refused(ctx, p, ack, "anonymous clients");
    }

    /**
     * Sends {@code connect} and a PINGREQ in one write; returns the CONNACK, or null when the server closed the
     * connection without one.
     */
    private static ConnAck attempt(Context ctx, Peer p, Connect connect) throws TestFailure {
        p.sendTogether(connect, new PingReq());
        Packet first = p.receive(ctx.timeout());
        if (first == null && p.isClosed()) return null;
        ctx.require(first != null, "CONNACK, or a close, in answer to CONNECT [MQTT-3.1.4-4] [MQTT-3.2.2-5]",
                "nothing within " + Runner.seconds(ctx.timeout()) + ", connection still open");
        if (first instanceof ConnAck ack) return ack;
        throw new TestFailure("CONNACK as the first packet from the server [MQTT-3.2.0-1]", first.toString());
    }

    /** Checks the MUSTs of a refusal and records how the server refused. */
    private static void refused(Context ctx, Peer p, ConnAck ack, String what) throws TestFailure {
        if (ack == null) {
            ctx.observe(what + ": closed without CONNACK (a CONNACK 0x04 or 0x05 SHOULD come first)");
            return;
        }
        String code = String.format("0x%02x", ack.returnCode());
        ctx.require(!ack.sessionPresent(), "session present 0 with a non-zero return code [MQTT-3.2.2-4]", ack);
        long deadline = System.nanoTime() + ctx.timeout().toNanos();
        Packet after = p.receive(ctx.timeout());
        ctx.require(after == null, "no answer to the PINGREQ sent after a refused CONNECT: the server processes "
                + "nothing after it [MQTT-3.1.4-5]", after);
        boolean closed = p.isClosed() || p.awaitClosed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
                || p.awaitClose();
        ctx.require(closed, "the server closes the connection after CONNACK " + code + " [MQTT-3.2.2-5]",
                "still open after " + Runner.seconds(ctx.lateWait()));
        boolean fitting = ack.returnCode() == ConnAck.BAD_USERNAME_OR_PASSWORD
                || ack.returnCode() == ConnAck.NOT_AUTHORIZED;
        ctx.observe(what + ": CONNACK " + code + (fitting ? "" : " (0x04 or 0x05 would fit)") + ", then closed");
    }
}
