package mqttconf.codec;

import java.nio.charset.StandardCharsets;

/** Printing bytes for logs and test evidence. */
public final class Bytes {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int PREVIEW = 32;

    private Bytes() {
    }

    /** Space-separated lower-case hex, e.g. {@code 30 0e 00 05}. */
    public static String hex(byte[] b) {
        return hex(b, 0, b.length);
    }

    public static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len * 3);
        for (int i = off; i < off + len; i++) {
            if (i > off) s.append(' ');
            s.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
        }
        return s.toString();
    }

    /** A short human-readable rendering: quoted text when printable, hex otherwise, cut after 32 bytes. */
    public static String preview(byte[] b) {
        int n = Math.min(b.length, PREVIEW);
        boolean printable = true;
        for (int i = 0; i < n && printable; i++) printable = b[i] >= 0x20 && b[i] < 0x7f;
        String shown = printable ? "'" + new String(b, 0, n, StandardCharsets.US_ASCII) + "'" : hex(b, 0, n);
        return b.length > n ? shown + "...(" + b.length + " bytes)" : shown;
    }
}
