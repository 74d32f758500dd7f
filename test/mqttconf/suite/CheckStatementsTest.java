package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.suite.FaultProxy.Fault;
import mqttconf.suite.FaultProxy.Link;
import mqttconf.suite.Runner.Report;

/**
 * A FAIL names the statement the server broke, not the test's list: waits that set a test up name the capability
 * they rely on, and a malformed row names the server's duty (to close, to answer) rather than the sender's rule its
 * bytes break on purpose.
 */
class CheckStatementsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static Broker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = Broker.start(BrokerConfig.ephemeral());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) broker.close();
    }

    private static Report run(int port, List<String> only) {
        List<TestCase> tests = new ArrayList<>();
        for (String name : only) tests.addAll(new Selection(List.of(name), List.of(), List.of(), List.of()).apply(Suite.all()));
        RunConfig config = RunConfig.defaults("127.0.0.1", port).withTimeout(TIMEOUT)
                .withOptions(1, null, 4, null).withLateWait(Duration.ofSeconds(2));
        return new Runner(config, r -> { }).run(tests);
    }

    private static Report throughProxy(Fault fault, List<String> only) throws Exception {
        try (FaultProxy proxy = new FaultProxy(broker.port(), () -> fault)) {
            return run(proxy.port(), only);
        }
    }

    private static Result result(Report report, String test) {
        return report.results().stream().filter(r -> r.test().name().equals(test)).findFirst().orElseThrow();
    }

    private static String shown(Report report) {
        return report.results().stream().map(r -> r.verdict() + " " + r.test().name() + " " + r.failedStatements()
                + ": " + r.summary()).collect(Collectors.joining("\n")) + "\n" + report.rootCauses();
    }

    /** Drops every delivery on a topic ending in {@code suffix}. */
    private static Fault dropping(String suffix) {
        return new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return p instanceof Publish x && x.topic().endsWith(suffix) ? List.of() : List.of(p);
            }
        };
    }

    /** A SUBACK carrying another packet id breaks [MQTT-3.8.4-2]; the SUBACK itself came [MQTT-3.8.4-1]. */
    @Test
    void aSubAckWithAnotherPacketIdIsReportedUnder384Dash2Alone() throws Exception {
        subscribingFailsUnder(new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return p instanceof SubAck a ? List.of(new SubAck(a.packetId() + 100, a.returnCodes())) : List.of(p);
            }
        }, "MQTT-3.8.4-2");
    }

    /** A SUBSCRIBE answered by a close got no SUBACK [MQTT-3.8.4-1]; no packet id was wrong [MQTT-3.8.4-2]. */
    @Test
    void aSubscribeAnsweredByACloseIsReportedUnder384Dash1Alone() throws Exception {
        subscribingFailsUnder(new Fault() {
            @Override
            boolean fromClient(Packet p, Link link) {
                if (p instanceof Subscribe) link.close();
                return !(p instanceof Subscribe);
            }
        }, "MQTT-3.8.4-1");
    }

    /** A test that subscribes, run through {@code fault}, fails under {@code id} alone. */
    private static void subscribingFailsUnder(Fault fault, String id) throws Exception {
        String test = "subscribe.unsubscribe-stops-delivery";
        Report report = throughProxy(fault, List.of(test));
        Result r = result(report, test);
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of(id), r.failedStatements(), shown(report));
    }

    /** The marker a test sends to know everything before it arrived never comes: message delivery is broken. */
    @Test
    void aLostMarkerIsADeliveryFailureUnder450Dash1() throws Exception {
        Report report = throughProxy(dropping("/marker"), List.of("will.discarded-on-disconnect"));
        Result r = result(report, "will.discarded-on-disconnect");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-4.5.0-1"), r.failedStatements(), shown(report));
    }

    /** The session taken over by a second connection must go on there: a message for it that never comes. */
    @Test
    void aTakenOverSessionThatDeliversNothingIsReportedUnder312Dash4() throws Exception {
        Report report = throughProxy(dropping("/x"), List.of("session.takeover-closes-existing-connection"));
        Result r = result(report, "session.takeover-closes-existing-connection");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-3.1.2-4"), r.failedStatements(), shown(report));
    }

    /**
     * A server closing, without CONNACK, a cleanSession 0 CONNECT that follows a clean session of the same client
     * id (a real server does so in some rounds, racing its own clean-up): the CONNECT went unanswered
     * [MQTT-3.1.4-4], counted over the rounds; no other packet came first, so not [MQTT-3.2.0-1].
     */
    @Test
    void aValidConnectClosedWithoutConnAckIsReportedUnder314Dash4WithTheRoundsItShowedIn() throws Exception {
        Set<String> clean = ConcurrentHashMap.newKeySet();
        Report report = throughProxy(new Fault() {
            @Override
            boolean fromClient(Packet p, Link link) {
                if (!(p instanceof Connect c)) return true;
                if (c.cleanSession()) {
                    clean.add(c.clientId());
                    return true;
                }
                if (!clean.contains(c.clientId())) return true;
                link.close();
                return false;
            }
        }, List.of("session.clean-session-discards-state"));
        Result r = result(report, "session.clean-session-discards-state");
        assertEquals(Verdict.FAIL, r.verdict(), shown(report));
        assertEquals(List.of("MQTT-3.1.4-4"), r.failedStatements(), shown(report));
        assertTrue(r.observed().matches("(\\d+) of \\1 rounds, first: the connection .*"), r.observed());
    }

    /**
     * A server answering QoS 2 PUBLISHes with PUBACK (a real one does): the wrong response of Table 3.4
     * [MQTT-3.3.4-1], seen at once, one distinct deviation; a test sending its QoS 2 PUBLISH itself follows from it.
     */
    @Test
    void aQos2PublishAnsweredWithPubAckIsOneDeviationUnder334Dash1() throws Exception {
        Report report = throughProxy(FaultProxy.withoutQos2(),
                List.of("publish.qos2-round-trip", "qos.qos2-duplicate-publish-delivered-once"));
        String all = shown(report);
        Result own = result(report, "qos.qos2-duplicate-publish-delivered-once");
        assertEquals(List.of("MQTT-3.3.4-1"), own.failedStatements(), all);
        assertTrue(own.summary().contains("follows from broken QoS 2 flows"), all);
        assertEquals(List.of("MQTT-3.3.4-1"), report.rootCauses().stream().map(RootCause::statementId).toList(), all);
    }

    /** A wait without a statement cannot be written: it throws before waiting, whatever the server does. */
    @Test
    void anExpectationWithoutAStatementIdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Peer.requireIds("PUBLISH on some/topic"));
        assertThrows(IllegalArgumentException.class, () -> Peer.requireIds("PUBLISH [MQTT-" + "9.9.9-9]"));
        Peer.requireIds("PUBLISH on some/topic [MQTT-4.5.0-1]");
    }

    /**
     * A server that validates nothing: CONNACK 0 to every CONNECT (before it, too: PINGRESP to every PINGREQ),
     * SUBACK granting QoS 0 to every SUBSCRIBE; everything else ignored. Packets are framed by their remaining
     * length, read as up to four bytes.
     */
    private static void lax(Socket s, int n) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int length = 0;
                for (int shift = 0, b = 0x80; (b & 0x80) != 0 && shift < 28; shift += 7) {
                    b = in.readUnsignedByte();
                    length |= (b & 0x7f) << shift;
                }
                byte[] body = new byte[length];
                in.readFully(body);
                switch (first >> 4) {
                    case 1 -> out.write(new byte[] {0x20, 0x02, 0x00, 0x00});
                    case 8 -> out.write(new byte[] {(byte) 0x90, 0x03, body[0], body[1], 0x00});
                    case 12 -> out.write(new byte[] {(byte) 0xd0, 0x00});
                    default -> { }
                }
                out.flush();
            }
        } catch (EOFException e) {
            // the client went away
        }
    }

    /**
     * Against a server that closes nothing, each malformed row fails under the server's duty: reserved flags
     * received [MQTT-2.2.2-2] (not the sender's [MQTT-2.2.2-1]); a malformed filter or a wildcard topic name, a
     * protocol violation to close on [MQTT-4.8.0-1] (not the sender's [MQTT-4.7.1-2] / [MQTT-3.3.2-2]), each a
     * distinct deviation of its own; a CONNECT breaking a client's rule accepted [MQTT-3.1.4-1] (not the client's
     * [MQTT-3.1.2-14]); a PINGRESP before any CONNACK [MQTT-3.2.0-1], and no close after that PINGREQ
     * [MQTT-4.8.0-1].
     */
    @Test
    void malformedRowsNameTheServersDutyNotTheSendersRule() throws Exception {
        try (TinyServer server = new TinyServer(CheckStatementsTest::lax)) {
            List<String> rows = List.of("malformed.puback-with-fixed-header-flags-01",
                    "malformed.subscribe-to-malformed-filter-a-hash", "malformed.publish-to-topic-name-plus-with-a-wildcard",
                    "malformed.connect-will-qos-3", "malformed.pingreq-before-connect");
            Report report = run(server.port(), rows);
            String all = shown(report);
            assertEquals(List.of("MQTT-2.2.2-2"), result(report, rows.get(0)).failedStatements(), all);
            assertEquals(List.of("MQTT-4.8.0-1"), result(report, rows.get(1)).failedStatements(), all);
            assertEquals(List.of("MQTT-4.8.0-1"), result(report, rows.get(2)).failedStatements(), all);
            assertEquals(List.of("MQTT-3.1.4-1"), result(report, rows.get(3)).failedStatements(), all);
            assertEquals(List.of("MQTT-3.2.0-1", "MQTT-4.8.0-1"), result(report, rows.get(4)).failedStatements(), all);
            List<RootCause> close = report.rootCauses().stream().filter(c -> c.statementId().equals("MQTT-4.8.0-1")).toList();
            assertEquals(3, close.size(), all);
            assertTrue(close.stream().anyMatch(c -> c.behaviour().contains("[MQTT-3.1.0-1]")
                    && c.tests().equals(List.of(rows.get(4)))), all);
            assertTrue(close.stream().anyMatch(c -> c.behaviour().contains("[MQTT-4.7.1-2]")
                    && c.tests().contains(rows.get(1)) && !c.tests().contains(rows.get(2))), all);
            assertTrue(close.stream().anyMatch(c -> c.behaviour().contains("[MQTT-3.3.2-2]")
                    && c.tests().equals(List.of(rows.get(2)))), all);
            assertTrue(report.rootCauses().stream().noneMatch(c -> List.of("MQTT-2.2.2-1", "MQTT-4.7.1-2", "MQTT-3.3.2-2",
                    "MQTT-3.1.2-14").contains(c.statementId())), all);
        }
    }
}
