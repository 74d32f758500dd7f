package mqttconf.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compact notation for writing packet bytes by hand, valid or deliberately malformed. Tokens, separated by
 * spaces:
 * <pre>
 *   30        a byte in hex              00*300   a byte repeated 300 times
 *   r14       remaining length 14 (1-4 bytes, variable-length encoding)
 *   r*        remaining length of everything after it up to the next | (or the end)
 *   s5        a 16-bit big-endian number (a string length or a packet identifier)
 *   'topic'   the UTF-8 bytes of the text       u'topic'  the same with its 16-bit length in front
 *   |         ends one packet and starts the next
 * </pre>
 * Example: {@code 30 r14 s5 'topic' 'payload'} is a QoS 0 PUBLISH of "payload" to "topic".
 */
public final class ByteNotation {
    private ByteNotation() {
    }

    /** All packets of the text, concatenated. */
    public static byte[] parse(String text) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : packets(text)) all.writeBytes(p);
        return all.toByteArray();
    }

    /** The bytes of each {@code |}-separated packet. */
    public static List<byte[]> packets(String text) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteArrayOutputStream tail = null;
        int i = 0, n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) i++;
            if (i >= n || text.charAt(i) == '|') {
                out.add(join(head, tail));
                if (i >= n) return out;
                head = new ByteArrayOutputStream();
                tail = null;
                i++;
                continue;
            }
            ByteArrayOutputStream sink = tail != null ? tail : head;
            char c = text.charAt(i);
            if (c == '\'' || (c == 'u' && i + 1 < n && text.charAt(i + 1) == '\'')) {
                int open = c == 'u' ? i + 1 : i;
                int close = text.indexOf('\'', open + 1);
                if (close < 0) throw new IllegalArgumentException("unterminated quote at " + i + " in: " + text);
                byte[] b = text.substring(open + 1, close).getBytes(StandardCharsets.UTF_8);
                if (c == 'u') put16(sink, b.length);
                sink.writeBytes(b);
                i = close + 1;
                continue;
            }
            int j = i;
            while (j < n && !Character.isWhitespace(text.charAt(j)) && text.charAt(j) != '|') j++;
            String tok = text.substring(i, j);
            i = j;
            if (tok.equals("r*")) {
                if (tail != null) throw new IllegalArgumentException("two r* in one packet: " + text);
                tail = new ByteArrayOutputStream();
            } else if (tok.startsWith("r")) {
                ByteBuffer b = ByteBuffer.allocate(4);
                Encoder.putRemainingLength(b, number(tok.substring(1), tok));
                sink.write(b.array(), 0, b.position());
            } else if (tok.startsWith("s")) {
                put16(sink, number(tok.substring(1), tok));
            } else {
                int star = tok.indexOf('*');
                int value = hexByte(star < 0 ? tok : tok.substring(0, star), tok);
                int count = star < 0 ? 1 : number(tok.substring(star + 1), tok);
                for (int k = 0; k < count; k++) sink.write(value);
            }
        }
    }

    private static byte[] join(ByteArrayOutputStream head, ByteArrayOutputStream tail) {
        if (tail == null) return head.toByteArray();
        ByteBuffer len = ByteBuffer.allocate(4);
        Encoder.putRemainingLength(len, tail.size());
        head.write(len.array(), 0, len.position());
        head.writeBytes(tail.toByteArray());
        return head.toByteArray();
    }

    private static void put16(ByteArrayOutputStream out, int v) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException("16-bit value out of range: " + v);
        out.write(v >> 8);
        out.write(v & 0xff);
    }

    private static int number(String s, String tok) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in token '" + tok + "'");
        }
    }

    private static int hexByte(String s, String tok) {
        if (s.length() != 2) throw new IllegalArgumentException("bad token '" + tok + "': expected two hex digits");
        try {
            return Integer.parseInt(s, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad token '" + tok + "': expected two hex digits");
        }
    }
}
