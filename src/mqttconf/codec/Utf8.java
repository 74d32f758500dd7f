package mqttconf.codec;

import java.nio.charset.StandardCharsets;

/** The UTF-8 rules of section 1.5.3: well-formed, no surrogates, no U+0000, a BOM is kept as U+FEFF. */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Decodes {@code len} bytes at {@code off} as an MQTT UTF-8 string, rejecting ill-formed data.
     *
     * @param field what the string is, for the error message (e.g. "topic name")
     */
    public static String decode(byte[] b, int off, int len, String field) throws MalformedPacketException {
        check(b, off, len, field);
        // U+FEFF survives: the JDK's UTF-8 decoder does not strip a byte order mark [MQTT-1.5.3-3]
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** Throws unless the bytes are well-formed UTF-8 without U+0000. */
    public static void check(byte[] b, int off, int len, String field) throws MalformedPacketException {
        int i = off, end = off + len;
        while (i < end) {
            int c = b[i] & 0xff;
            if (c >= 0x01 && c < 0x80) {
                i++;
                continue;
            }
            if (c == 0) throw new MalformedPacketException("MQTT-1.5.3-2", field + " contains U+0000");
            int need, min, cp;
            if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; cp = c & 0x1f; }
            else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; cp = c & 0x0f; }
            else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; cp = c & 0x07; }
            else throw illFormed(field, i - off);
            for (int k = 1; k <= need; k++) {
                if (i + k >= end) throw illFormed(field, i - off);
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) throw illFormed(field, i - off);
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff) throw illFormed(field, i - off);
            if (cp >= 0xd800 && cp <= 0xdfff)
                throw new MalformedPacketException("MQTT-1.5.3-1", field + " encodes surrogate U+" + Integer.toHexString(cp).toUpperCase());
            i += need + 1;
        }
    }

    private static MalformedPacketException illFormed(String field, int at) {
        return new MalformedPacketException("MQTT-1.5.3-1", field + " is not well-formed UTF-8 (byte " + at + ")");
    }

    /** The number of bytes {@code s} takes in UTF-8, without allocating. */
    public static int length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
