package mqttconf.suite;

import java.util.List;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;

/** Chapter 3.1 and 3.2: CONNECT and CONNACK. */
final class ConnectTests {
    private ConnectTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // A valid CONNECT MUST get CONNACK 0 first, session present 0 for a clean session; nothing else allowed.
                // The run's client ids are at most 23 letters and digits, over TCP: every server must accept them.
                TestCase.must("connect.accepted", List.of("MQTT-3.1.4-4", "MQTT-3.2.0-1", "MQTT-3.2.2-1",
                                "MQTT-3.1.3-5", "MQTT-7.1.1-1"),
                        "a valid clean-session CONNECT gets CONNACK 0 with session present 0 as the first packet",
                        ctx -> ctx.connect("client").disconnect()),
                // A second CONNECT on one connection MUST be treated as a protocol violation: the server closes.
                TestCase.must("connect.second-connect-closes", List.of("MQTT-3.1.0-2"),
                        "a second CONNECT on the same connection makes the server close it",
                        ConnectTests::secondConnect),
                // A wrong protocol name: the server MAY disconnect or MAY go on under another specification.
                TestCase.may("connect.wrong-protocol-name", List.of("MQTT-3.1.2-1"),
                        "protocol name 'hj': the server may disconnect or continue under some other specification",
                        ConnectTests::wrongProtocolName),
                // An empty client id with cleanSession 0 MUST get CONNACK 0x02, session present 0, then close.
                TestCase.must("connect.zero-length-id-persistent-rejected",
                        List.of("MQTT-3.1.3-8", "MQTT-3.2.2-4", "MQTT-3.2.2-5"),
                        "a zero-length client id with cleanSession 0 gets CONNACK 0x02 and the connection closes",
                        ConnectTests::zeroLengthPersistent),
                // An empty client id with cleanSession 1: MAY be accepted (then a unique id is assigned) or MUST
                // be rejected with 0x02.
                TestCase.may("connect.zero-length-id-clean", List.of("MQTT-3.1.3-6", "MQTT-3.1.3-7", "MQTT-3.1.3-9"),
                        "a zero-length client id with cleanSession 1 may be accepted with a unique id, else rejected with 0x02",
                        ConnectTests::zeroLengthClean));
    }

    private static void secondConnect(Context ctx) throws Exception {
        Peer p = ctx.connect("client");
        p.send(ctx.connectPacket(p.clientId(), true));
        if (!p.awaitClose()) {
            throw new TestFailure("the server closes the connection after a second CONNECT [MQTT-3.1.0-2]",
                    "still open after " + Runner.seconds(ctx.lateWait()));
        }
    }

    private static void wrongProtocolName(Context ctx) throws Exception {
        Peer p = ctx.open("client");
        Connect c = ctx.connectPacket(p.clientId(), true);
        p.send(new Connect("hj", Connect.PROTOCOL_LEVEL, true, c.keepAlive(), c.clientId(), null, c.username(), c.password()));
        Packet reply = p.receive(ctx.timeout());
        if (reply == null) {
            ctx.observe("protocol name 'hj': " + (p.isClosed() ? "disconnects without CONNACK"
                    : "neither answers nor closes within " + Runner.seconds(ctx.timeout())));
            return;
        }
        boolean closed = p.awaitClosed(ctx.timeout());
        ctx.observe("protocol name 'hj': answers " + reply + (closed ? " and disconnects" : " and stays connected"));
    }

    private static void zeroLengthPersistent(Context ctx) throws Exception {
        Peer p = ctx.open("client");
        Connect c = ctx.connectPacket("", false);
        ConnAck ack = p.connect(c, "MQTT-3.1.3-8");
        ctx.require(ack.returnCode() == ConnAck.IDENTIFIER_REJECTED,
                "CONNACK 0x02 (identifier rejected) for a zero-length client id with cleanSession 0 [MQTT-3.1.3-8]", ack);
        ctx.require(!ack.sessionPresent(), "session present 0 with a non-zero return code [MQTT-3.2.2-4]", ack);
        ctx.require(p.awaitClose(), "the server closes the connection after CONNACK 0x02 [MQTT-3.2.2-5]",
                "still open after " + Runner.seconds(ctx.lateWait()));
    }

    private static void zeroLengthClean(Context ctx) throws Exception {
        Peer first = ctx.open("first");
        ConnAck ack = first.connect(ctx.connectPacket("", true), "MQTT-3.1.3-9");
        if (ack.returnCode() != ConnAck.ACCEPTED) {
            ctx.require(ack.returnCode() == ConnAck.IDENTIFIER_REJECTED,
                    "CONNACK 0 (accepted) or 0x02 (identifier rejected) for a zero-length client id [MQTT-3.1.3-9]", ack);
            ctx.require(first.awaitClose(), "the server closes the connection after CONNACK 0x02 [MQTT-3.2.2-5]",
                    "still open after " + Runner.seconds(ctx.lateWait()));
            ctx.observe("zero-length client ids: rejected with 0x02");
            return;
        }
        ctx.require(!ack.sessionPresent(), "session present 0 for cleanSession 1 [MQTT-3.2.2-1]", ack);
        Peer second = ctx.open("second");
        ConnAck ack2 = second.connect(ctx.connectPacket("", true), "MQTT-3.1.3-6");
        ctx.require(ack2.returnCode() == ConnAck.ACCEPTED,
                "the second zero-length client id accepted as the first was [MQTT-3.1.3-6]", ack2);
        // Both must hold distinct assigned ids: had they the same, the second would have taken over the first.
        try {
            first.settle();
        } catch (TestFailure f) {
            throw new TestFailure("the first client stays connected: each zero-length client id is replaced by a "
                    + "unique one [MQTT-3.1.3-6]", f.observed());
        }
        second.settle();
        ctx.observe("zero-length client ids: accepted, each client gets its own id");
    }
}
