package mqttconf.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Just enough DER (X.690) to write an X.509 certificate: each method returns one whole encoded value. */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

    private Der() {
    }

    /** A value with {@code tag} around {@code content}, the length in the shortest form. */
    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    static byte[] integer(BigInteger n) {
        return tlv(0x02, n.toByteArray());
    }

    static byte[] bool(boolean b) {
        return tlv(0x01, new byte[] {(byte) (b ? 0xff : 0)});
    }

    static byte[] octets(byte[] b) {
        return tlv(0x04, b);
    }

    /** A BIT STRING of whole bytes, or of {@code unusedBits} fewer bits. */
    static byte[] bits(byte[] b, int unusedBits) {
        byte[] content = new byte[b.length + 1];
        content[0] = (byte) unusedBits;
        System.arraycopy(b, 0, content, 1, b.length);
        return tlv(0x03, content);
    }

    static byte[] utf8(String s) {
        return tlv(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utcTime(ZonedDateTime t) {
        return tlv(0x17, UTC_TIME.format(t.withZoneSameInstant(ZoneOffset.UTC)).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] nul() {
        return new byte[] {0x05, 0x00};
    }

    /** An OBJECT IDENTIFIER from its dotted form. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) base128(out, Long.parseLong(arcs[i]));
        return tlv(0x06, out.toByteArray());
    }

    private static void base128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        while (v >>> (7 * groups) != 0) groups++;
        for (int g = groups - 1; g >= 0; g--) out.write((int) ((v >>> (7 * g)) & 0x7f) | (g > 0 ? 0x80 : 0));
    }

    /** A constructed context-specific tag {@code [n]} around whole values (EXPLICIT tagging). */
    static byte[] explicit(int n, byte[]... parts) {
        return tlv(0xa0 | n, concat(parts));
    }

    /** A primitive context-specific tag {@code [n]} around raw content (IMPLICIT tagging of a primitive). */
    static byte[] implicit(int n, byte[] content) {
        return tlv(0x80 | n, content);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
