package mqttconf.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import mqttconf.codec.Packet.*;

/**
 * Writes packets to bytes exactly as their fields say, without judging them: a test client may send a QoS 0
 * PUBLISH with DUP set. Strings are written as UTF-8 with a 16-bit length.
 */
public final class Encoder {
    private Encoder() {
    }

    public static byte[] encode(Packet p) {
        ByteBuffer out = ByteBuffer.allocate(size(p));
        encode(p, out);
        return out.array();
    }

    /** The whole encoded size of {@code p}, fixed header included. */
    public static int size(Packet p) {
        int rl = remainingLength(p);
        return 1 + lengthOfLength(rl) + rl;
    }

    /** Writes {@code p} at the buffer's position; throws BufferOverflowException if it has less than {@link #size} room. */
    public static void encode(Packet p, ByteBuffer out) {
        out.put((byte) ((p.type().code << 4) | flags(p)));
        putRemainingLength(out, remainingLength(p));
        switch (p) {
            case Connect c -> connect(c, out);
            case ConnAck a -> out.put((byte) (a.sessionPresent() ? 1 : 0)).put((byte) a.returnCode());
            case Publish m -> {
                putString(out, m.topic());
                if (m.qos() > 0) out.putShort((short) m.packetId());
                out.put(m.payload());
            }
            case PubAck a -> out.putShort((short) a.packetId());
            case PubRec a -> out.putShort((short) a.packetId());
            case PubRel a -> out.putShort((short) a.packetId());
            case PubComp a -> out.putShort((short) a.packetId());
            case Subscribe s -> {
                out.putShort((short) s.packetId());
                for (Subscription sub : s.subscriptions()) {
                    putString(out, sub.filter());
                    out.put((byte) sub.qos());
                }
            }
            case SubAck s -> {
                out.putShort((short) s.packetId());
                for (int code : s.returnCodes()) out.put((byte) code);
            }
            case Unsubscribe u -> {
                out.putShort((short) u.packetId());
                for (String f : u.filters()) putString(out, f);
            }
            case UnsubAck a -> out.putShort((short) a.packetId());
            case PingReq r -> { }
            case PingResp r -> { }
            case Disconnect d -> { }
        }
    }

    private static int flags(Packet p) {
        if (p instanceof Publish m) return (m.dup() ? 0x08 : 0) | (m.qos() << 1) | (m.retain() ? 1 : 0);
        return p.type().requiredFlags;
    }

    private static void connect(Connect c, ByteBuffer out) {
        putString(out, c.protocolName());
        out.put((byte) c.protocolLevel());
        Will w = c.will();
        int f = (c.cleanSession() ? 0x02 : 0) | (w == null ? 0 : 0x04 | (w.qos() << 3) | (w.retain() ? 0x20 : 0))
                | (c.password() == null ? 0 : 0x40) | (c.username() == null ? 0 : 0x80);
        out.put((byte) f);
        out.putShort((short) c.keepAlive());
        putString(out, c.clientId());
        if (w != null) {
            putString(out, w.topic());
            out.putShort((short) w.payload().length).put(w.payload());
        }
        if (c.username() != null) putString(out, c.username());
        if (c.password() != null) out.putShort((short) c.password().length).put(c.password());
    }

    /** The remaining length of {@code p}: everything after the fixed header. */
    public static int remainingLength(Packet p) {
        return switch (p) {
            case Connect c -> {
                int n = stringSize(c.protocolName()) + 4 + stringSize(c.clientId());
                if (c.will() != null) n += stringSize(c.will().topic()) + 2 + c.will().payload().length;
                if (c.username() != null) n += stringSize(c.username());
                if (c.password() != null) n += 2 + c.password().length;
                yield n;
            }
            case ConnAck a -> 2;
            case Publish m -> stringSize(m.topic()) + (m.qos() > 0 ? 2 : 0) + m.payload().length;
            case PubAck a -> 2;
            case PubRec a -> 2;
            case PubRel a -> 2;
            case PubComp a -> 2;
            case Subscribe s -> {
                int n = 2;
                for (Subscription sub : s.subscriptions()) n += stringSize(sub.filter()) + 1;
                yield n;
            }
            case SubAck s -> 2 + s.returnCodes().size();
            case Unsubscribe u -> {
                int n = 2;
                for (String f : u.filters()) n += stringSize(f);
                yield n;
            }
            case UnsubAck a -> 2;
            case PingReq r -> 0;
            case PingResp r -> 0;
            case Disconnect d -> 0;
        };
    }

    private static int stringSize(String s) {
        return 2 + Utf8.length(s);
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) b.length).put(b);
    }

    /** How many bytes (1 to 4) the variable-length encoding of {@code rl} takes. */
    public static int lengthOfLength(int rl) {
        return rl < 128 ? 1 : rl < 16_384 ? 2 : rl < 2_097_152 ? 3 : 4;
    }

    /** Writes the variable-length remaining length (section 2.2.3). */
    public static void putRemainingLength(ByteBuffer out, int rl) {
        if (rl < 0 || rl > Decoder.MAX_REMAINING_LENGTH) throw new IllegalArgumentException("remaining length " + rl + " out of range");
        do {
            int b = rl & 0x7f;
            rl >>>= 7;
            out.put((byte) (rl > 0 ? b | 0x80 : b));
        } while (rl > 0);
    }
}
