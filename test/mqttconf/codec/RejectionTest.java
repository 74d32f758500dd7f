package mqttconf.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each wire-level rule the decoder enforces, as bytes and the statement their rejection must name. */
class RejectionTest {
    private static final String CONNECT = "10 r* u'MQTT' 04 ";

    static Stream<Arguments> cases() {
        return Stream.of(new String[][] {
                {"CONNECT reserved fixed-header flag", "11 00", "MQTT-2.2.2-1"},
                {"CONNACK fixed-header flags", "21 02 00 00", "MQTT-2.2.2-1"},
                {"PUBACK fixed-header flags", "41 02 00 01", "MQTT-2.2.2-1"},
                {"PUBREC fixed-header flags", "58 02 00 01", "MQTT-2.2.2-1"},
                {"PUBREL flags 0000", "60 02 00 01", "MQTT-3.6.1-1"},
                {"PUBREL flags 0011", "63 02 00 01", "MQTT-3.6.1-1"},
                {"PUBCOMP fixed-header flags", "74 02 00 01", "MQTT-2.2.2-1"},
                {"SUBSCRIBE flags 0000", "80 r* s1 u'a' 00", "MQTT-3.8.1-1"},
                {"SUBACK fixed-header flags", "92 03 00 01 00", "MQTT-2.2.2-1"},
                {"UNSUBSCRIBE flags 0000", "a0 r* s1 u'a'", "MQTT-3.10.1-1"},
                {"UNSUBACK fixed-header flags", "b1 02 00 01", "MQTT-2.2.2-1"},
                {"PINGREQ fixed-header flags", "c1 00", "MQTT-2.2.2-1"},
                {"PINGRESP fixed-header flags", "d8 00", "MQTT-2.2.2-1"},
                {"DISCONNECT reserved bits", "e1 00", "MQTT-3.14.1-1"},
                {"PUBLISH QoS 3", "36 r* u'a' s1", "MQTT-3.3.1-4"},
                {"PUBLISH QoS 3 with DUP and RETAIN", "3f r* u'a' s1", "MQTT-3.3.1-4"},
                {"PUBLISH QoS 1 packet id 0", "32 r* u'a' s0 'x'", "MQTT-2.3.1-1"},
                {"PUBLISH QoS 2 packet id 0", "34 r* u'a' s0", "MQTT-2.3.1-1"},
                {"SUBSCRIBE packet id 0", "82 r* s0 u'a' 00", "MQTT-2.3.1-1"},
                {"UNSUBSCRIBE packet id 0", "a2 r* s0 u'a'", "MQTT-2.3.1-1"},
                {"PUBLISH topic with +", "30 r* u'a/+' 'x'", "MQTT-3.3.2-2"},
                {"PUBLISH topic #", "30 r* u'#'", "MQTT-3.3.2-2"},
                {"PUBLISH empty topic", "30 r* s0 'x'", "MQTT-4.7.3-1"},
                {"PUBLISH topic truncated UTF-8", "30 r* s2 'a' c3", "MQTT-1.5.3-1"},
                {"PUBLISH topic bad continuation", "30 r* s2 c3 28", "MQTT-1.5.3-1"},
                {"PUBLISH topic overlong encoding", "30 r* s2 c0 af", "MQTT-1.5.3-1"},
                {"PUBLISH topic surrogate U+D800", "30 r* s3 ed a0 80", "MQTT-1.5.3-1"},
                {"PUBLISH topic beyond U+10FFFF", "30 r* s4 f4 90 80 80", "MQTT-1.5.3-1"},
                {"PUBLISH topic byte ff", "30 r* s1 ff", "MQTT-1.5.3-1"},
                {"PUBLISH topic with U+0000", "30 r* s3 'a' 00 'b'", "MQTT-1.5.3-2"},
                {"SUBSCRIBE without topic filters", "82 r* s1", "MQTT-3.8.3-3"},
                {"SUBSCRIBE requested QoS 3", "82 r* s1 u'a' 03", "MQTT-3.8.3-4"},
                {"SUBSCRIBE reserved option bits", "82 r* s1 u'a' 04", "MQTT-3.8.3-4"},
                {"SUBSCRIBE filter a/#/b", "82 r* s1 u'a/#/b' 00", "MQTT-4.7.1-2"},
                {"SUBSCRIBE filter #x", "82 r* s1 u'#x' 00", "MQTT-4.7.1-2"},
                {"SUBSCRIBE filter a#", "82 r* s1 u'a#' 00", "MQTT-4.7.1-2"},
                {"SUBSCRIBE filter a+", "82 r* s1 u'a+' 00", "MQTT-4.7.1-3"},
                {"SUBSCRIBE filter +a/b", "82 r* s1 u'+a/b' 00", "MQTT-4.7.1-3"},
                {"SUBSCRIBE empty filter", "82 r* s1 s0 00", "MQTT-4.7.3-1"},
                {"SUBSCRIBE filter with U+0000", "82 r* s1 s1 00 00", "MQTT-1.5.3-2"},
                {"UNSUBSCRIBE without topic filters", "a2 r* s1", "MQTT-3.10.3-2"},
                {"UNSUBSCRIBE filter a/#/b", "a2 r* s1 u'a/#/b'", "MQTT-4.7.1-2"},
                {"UNSUBSCRIBE filter bad UTF-8", "a2 r* s1 s1 80", "MQTT-1.5.3-1"},
                {"SUBACK reserved return code 3", "90 r* s1 03", "MQTT-3.9.3-2"},
                {"SUBACK reserved return code 0x81", "90 r* s1 00 81", "MQTT-3.9.3-2"},
                {"CONNECT reserved flag", CONNECT + "03 s60 u'c'", "MQTT-3.1.2-3"},
                {"CONNECT will QoS without will flag", CONNECT + "0a s60 u'c'", "MQTT-3.1.2-13"},
                {"CONNECT will retain without will flag", CONNECT + "22 s60 u'c'", "MQTT-3.1.2-15"},
                {"CONNECT will QoS 3", CONNECT + "1e s60 u'c' u'w' s0", "MQTT-3.1.2-14"},
                {"CONNECT password without user name", CONNECT + "42 s60 u'c' u'pw'", "MQTT-3.1.2-22"},
                {"CONNECT without client identifier", CONNECT + "02 s60", "MQTT-3.1.3-3"},
                {"CONNECT will flag without will topic", CONNECT + "06 s60 u'c'", "MQTT-3.1.2-9"},
                {"CONNECT will flag without will message", CONNECT + "06 s60 u'c' u'w'", "MQTT-3.1.2-9"},
                {"CONNECT user name flag without user name", CONNECT + "82 s60 u'c'", "MQTT-3.1.2-19"},
                {"CONNECT password flag without password", CONNECT + "c2 s60 u'c' u'user'", "MQTT-3.1.2-21"},
                {"CONNECT user name present without flag", CONNECT + "02 s60 u'c' u'user'", "MQTT-3.1.4-1"},
                {"CONNECT client id past the end", CONNECT + "02 s60 s5 'ab'", "MQTT-3.1.4-1"},
                {"CONNECT client id with U+0000", CONNECT + "02 s60 s1 00", "MQTT-1.5.3-2"},
                {"CONNECT client id bad UTF-8", CONNECT + "02 s60 s1 fe", "MQTT-1.5.3-1"},
                {"CONNECT will topic with wildcard", CONNECT + "06 s60 u'c' u'a/#' s0", "MQTT-4.7.1-1"},
                {"CONNECT user name bad UTF-8", CONNECT + "82 s60 u'c' s1 c3", "MQTT-1.5.3-1"},
                {"reserved packet type 0", "00 00", null},
                {"reserved packet type 15", "f0 00", null},
                {"five remaining-length bytes", "30 ff ff ff ff 01", null},
                {"PUBACK remaining length 3", "40 03 00 01 00", null},
                {"PUBREL remaining length 0", "62 00", null},
                {"PINGREQ remaining length 1", "c0 01 00", null},
                {"DISCONNECT remaining length 1", "e0 01 00", null},
                {"CONNACK remaining length 3", "20 03 00 00 00", null},
                {"CONNACK reserved acknowledge flags", "20 02 02 00", null},
                {"SUBACK without return codes", "90 r* s1", "MQTT-3.8.4-5"},
                {"PUBLISH shorter than its topic length", "30 r* s9 'abc'", null},
        }).map(c -> Arguments.of(c[0], c[1], c[2]));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("cases")
    void rejectionNamesItsStatement(String name, String notation, String statementId) {
        byte[] wire = ByteNotation.parse(notation);
        MalformedPacketException e = assertThrows(MalformedPacketException.class,
                () -> new Decoder().decode(ByteBuffer.wrap(wire)), name);
        assertEquals(statementId, e.statementId(), name + ": " + e.getMessage());
        if (statementId != null) assertTrue(e.getMessage().endsWith("[" + statementId + "]"), e.getMessage());
    }

    @Test
    void anOversizedPacketIsRejectedAsSoonAsItsHeaderArrives() {
        ByteBuffer header = ByteBuffer.wrap(ByteNotation.parse("30 r268435455"));
        MalformedPacketException e = assertThrows(MalformedPacketException.class, () -> new Decoder(1024).decode(header));
        assertTrue(e.getMessage().contains("exceeds the maximum packet size of 1024"), e.getMessage());
    }

    @Test
    void badFixedHeaderFlagsAreRejectedBeforeTheLengthArrives() {
        assertThrows(MalformedPacketException.class, () -> new Decoder().decode(ByteBuffer.wrap(new byte[] {0x60})));
    }

    @Test
    void aByteOrderMarkIsKeptAsZeroWidthNoBreakSpace() throws Exception {
        Packet.Publish p = (Packet.Publish) new Decoder().decode(ByteBuffer.wrap(ByteNotation.parse("30 r* s4 ef bb bf 'a'")));
        assertEquals("\uFEFFa", p.topic());
    }

    @Test
    void unsupportedProtocolLevelIsDecodedForTheBrokerToRefuse() throws Exception {
        Packet.Connect c = (Packet.Connect) new Decoder().decode(ByteBuffer.wrap(ByteNotation.parse("10 r* u'MQTT' 05 02 s60 00 u'c'")));
        assertEquals(5, c.protocolLevel());
        assertEquals(false, c.isVersion311());
    }
}
