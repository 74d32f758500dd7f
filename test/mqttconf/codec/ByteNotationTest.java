package mqttconf.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class ByteNotationTest {

    @Test
    void writesThePublishOfTheDocumentation() {
        assertEquals("30 0e 00 05 74 6f 70 69 63 70 61 79 6c 6f 61 64",
                Bytes.hex(ByteNotation.parse("30 r14 s5 'topic' 'payload'")));
    }

    @Test
    void computedLengthAndLengthPrefixedStringsMatchTheEncoder() {
        byte[] byHand = ByteNotation.parse("32 r* u'a/b' s7 'hello world'");
        assertEquals(Bytes.hex(Encoder.encode(Packet.Publish.of("a/b", "hello world", 1, 7))), Bytes.hex(byHand));
    }

    @Test
    void repeatsABytesAndSplitsPackets() {
        List<byte[]> ps = ByteNotation.packets("c0 00 | 30 r* u'x' 61*200");
        assertEquals(2, ps.size());
        assertEquals("c0 00", Bytes.hex(ps.get(0)));
        assertEquals(1 + 2 + 3 + 200, ps.get(1).length);
        assertEquals("30 cb 01", Bytes.hex(ps.get(1), 0, 3));
    }

    @Test
    void multiByteRemainingLengths() {
        assertEquals("ff ff ff 7f", Bytes.hex(ByteNotation.parse("r268435455")));
        assertEquals("80 01", Bytes.hex(ByteNotation.parse("r128")));
    }

    @Test
    void badTokensAreReportedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteNotation.parse("30 zz"));
        assertEquals("bad token 'zz': expected two hex digits", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ByteNotation.parse("30 'open"));
    }
}
