package mqttconf.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;

class ClientSessionTest {
    private final List<String> delivered = new ArrayList<>();
    private final List<String> completed = new ArrayList<>();
    private final ClientSession session = new ClientSession(
            p -> delivered.add(new String(p.payload(), StandardCharsets.UTF_8)),
            p -> completed.add(new String(p.payload(), StandardCharsets.UTF_8)));

    private Publish publish(String payload, int qos) {
        return session.publish("t", payload.getBytes(StandardCharsets.UTF_8), qos);
    }

    @Test
    void aReconnectResendsUnacknowledgedPublishWithDupAndPubRelPastPubRecInTheOriginalOrder() {
        Publish a = publish("a", 2);
        Publish b = publish("b", 1);
        Publish c = publish("c", 2);
        Publish d = publish("d", 1);
        assertEquals(List.of(new PubRel(a.packetId())), session.onPacket(new PubRec(a.packetId())));
        assertEquals(List.of(), session.onPacket(new PubAck(d.packetId())));
        // [MQTT-4.4.0-1] same packet ids, [MQTT-4.6.0-1] original order
        assertEquals(List.of(new PubRel(a.packetId()), b.withDup(true), c.withDup(true)), session.resend());
        assertEquals(List.of("d"), completed);
    }

    @Test
    void qos2IsCompleteOnlyAtPubCompAndARepeatedPubRecIsAnsweredAgain() {
        Publish a = publish("a", 2);
        session.onPacket(new PubRec(a.packetId()));
        assertEquals(List.of(), completed);
        assertEquals(List.of(new PubRel(a.packetId())), session.onPacket(new PubRec(a.packetId())));
        session.onPacket(new PubComp(a.packetId()));
        assertEquals(List.of("a"), completed);
        assertEquals(0, session.inFlight());
        assertEquals(List.of(), session.resend());
    }

    @Test
    void aQos2PublishSentAgainBeforePubRelIsAcknowledgedButNotDeliveredTwice() {
        Publish in = new Publish("t", "m".getBytes(StandardCharsets.UTF_8), 2, false, false, 7);
        assertEquals(List.of(new PubRec(7)), session.onPacket(in));
        assertEquals(List.of(new PubRec(7)), session.onPacket(in.withDup(true)));
        assertEquals(List.of("m"), delivered);
        assertEquals(List.of(new PubComp(7)), session.onPacket(new PubRel(7)));
        // PUBREL released the id: the same id now carries a new message.
        session.onPacket(new Publish("t", "n".getBytes(StandardCharsets.UTF_8), 2, false, false, 7));
        assertEquals(List.of("m", "n"), delivered);
    }

    @Test
    void aPubRelForAnUnknownIdIsStillAnsweredWithPubComp() {
        assertEquals(List.of(new PubComp(9)), session.onPacket(new PubRel(9)));
    }

    @Test
    void qos1PublishesAreDeliveredEachTimeAndAcknowledged() {
        Publish in = new Publish("t", "m".getBytes(StandardCharsets.UTF_8), 1, false, false, 3);
        assertEquals(List.of(new PubAck(3)), session.onPacket(in));
        assertEquals(List.of(new PubAck(3)), session.onPacket(in.withDup(true)));
        assertEquals(List.of("m", "m"), delivered);
    }

    @Test
    void acknowledgementsForNothingInFlightAreIgnoredAndCounted() {
        Publish a = publish("a", 1);
        session.onPacket(new PubRec(a.packetId()));
        session.onPacket(new PubComp(a.packetId()));
        session.onPacket(new PubAck(999));
        assertEquals(3, session.unexpectedAcks());
        assertEquals(1, session.inFlight());
        assertEquals(List.<Packet>of(a.withDup(true)), session.resend());
    }

    @Test
    void packetIdsGoRoundAndSkipIdsStillInFlight() {
        Publish first = publish("0", 1);
        for (int i = 1; i < 65535; i++) {
            Publish p = publish(Integer.toString(i), 1);
            session.onPacket(new PubAck(p.packetId()));
        }
        Publish wrapped = publish("x", 1);
        assertEquals(1, first.packetId());
        assertEquals(2, wrapped.packetId());
    }
}
