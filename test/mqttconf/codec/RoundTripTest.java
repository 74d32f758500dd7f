package mqttconf.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import mqttconf.codec.Packet.*;

class RoundTripTest {

    static Stream<Packet> everyTypeAtEdgeValues() {
        String longTopic = "t".repeat(65_535);
        byte[] pw = {0, 1, 2, (byte) 0xff};
        List<Packet> ps = new ArrayList<>(List.of(
                Connect.of("c", true, 0),
                Connect.of("", true, 65_535),
                Connect.of("client-\uFEFF-ü", false, 60)
                        .withWill(new Will("will/topic", new byte[0], 2, true))
                        .withCredentials("user", pw),
                Connect.of("u", false, 1).withCredentials("only-user", null),
                new Connect("MQTT", 4, true, 10, "w", new Will(longTopic, new byte[65_535], 1, false), null, null),
                new ConnAck(false, 0), new ConnAck(true, 0), new ConnAck(false, 5),
                new Publish("a", new byte[0], 0, false, false, 0),
                new Publish(longTopic, "x".getBytes(StandardCharsets.UTF_8), 1, true, true, 1),
                new Publish("a/b", new byte[] {1, 2, 3}, 2, false, false, 65_535),
                new PubAck(1), new PubRec(65_535), new PubRel(1), new PubComp(65_535),
                Subscribe.of(1, "a/+/#", 2),
                new Subscribe(65_535, List.of(new Subscription("#", 0), new Subscription("+", 1), new Subscription(longTopic, 2))),
                new SubAck(1, List.of(0, 1, 2, 0x80)), new SubAck(65_535, List.of(0)),
                new Unsubscribe(1, List.of("a")), new Unsubscribe(65_535, List.of("a/#", "+/b")),
                new UnsubAck(1), new UnsubAck(65_535),
                new PingReq(), new PingResp(), new Disconnect()));
        return ps.stream();
    }

    @ParameterizedTest
    @MethodSource("everyTypeAtEdgeValues")
    void decodingTheEncodingGivesThePacketBack(Packet p) throws Exception {
        assertEquals(p, decodeOne(Encoder.encode(p)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455})
    void remainingLengthEdgesRoundTrip(int remaining) throws Exception {
        // A QoS 0 PUBLISH to "t" has 3 bytes of topic; the payload fills the rest.
        int payload = Math.max(0, remaining - 3);
        Publish p = new Publish("t", new byte[payload], 0, false, false, 0);
        byte[] wire = Encoder.encode(p);
        int rl = Encoder.remainingLength(p);
        assertEquals(Math.max(3, remaining), rl);
        assertEquals(1 + Encoder.lengthOfLength(rl) + rl, wire.length);
        assertEquals(p, decodeOne(wire));
    }

    @ParameterizedTest
    @ValueSource(ints = {127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455})
    void aHeaderAloneAnnouncesThePacketSizeWithoutDecodingIt(int remaining) throws Exception {
        ByteBuffer header = ByteBuffer.allocate(5).put((byte) 0x30);
        Encoder.putRemainingLength(header, remaining);
        int headerSize = header.position();
        assertEquals(1 + Encoder.lengthOfLength(remaining), headerSize);
        Decoder d = new Decoder();
        assertEquals(null, d.decode(header.flip()));
        assertEquals(headerSize + remaining, d.pendingPacketSize());
        assertEquals(0, header.position(), "need-more must not consume bytes");
    }

    @ParameterizedTest
    @MethodSource("everyTypeAtEdgeValues")
    void decodingByteByByteGivesTheSamePacketAsAllAtOnce(Packet p) throws Exception {
        if (Encoder.size(p) > 5000) return; // byte-by-byte of 64 KB topics is slow and adds nothing
        byte[] wire = Encoder.encode(p);
        Decoder d = new Decoder();
        ByteBuffer buf = ByteBuffer.allocate(wire.length);
        Packet got = null;
        for (int i = 0; i < wire.length; i++) {
            assertEquals(null, got, "packet complete before its last byte");
            buf.put(wire[i]).flip();
            got = d.decode(buf);
            buf.compact();
        }
        assertEquals(p, got);
        assertEquals(0, buf.position(), "bytes left over");
    }

    @org.junit.jupiter.api.Test
    void severalPacketsInOneBufferComeOutInOrder() throws Exception {
        List<Packet> all = everyTypeAtEdgeValues().toList();
        int size = all.stream().mapToInt(Encoder::size).sum();
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (Packet p : all) Encoder.encode(p, buf);
        buf.flip();
        Decoder d = new Decoder();
        List<Packet> got = new ArrayList<>();
        Packet p;
        while ((p = d.decode(buf)) != null) got.add(p);
        assertEquals(all, got);
        assertFalse(buf.hasRemaining());
    }

    static Packet decodeOne(byte[] wire) throws MalformedPacketException {
        ByteBuffer buf = ByteBuffer.wrap(wire);
        Packet p = new Decoder().decode(buf);
        assertEquals(wire.length, buf.position(), "decoder did not consume the whole packet");
        return p;
    }
}
