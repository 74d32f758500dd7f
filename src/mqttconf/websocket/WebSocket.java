package mqttconf.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RFC 6455 constants and the pieces both ends share: the accept key and frame headers. */
public final class WebSocket {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_PROTOCOL_ERROR = 1002;
    public static final int CLOSE_UNSUPPORTED_DATA = 1003;

    /** The subprotocol chapter 6 names [MQTT-6.0.0-3] [MQTT-6.0.0-4]. */
    public static final String SUBPROTOCOL = "mqtt";
    /** Longest payload of a control frame (RFC 6455 5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** Longest frame header: 2 bytes, 8 of extended length, 4 of mask. */
    public static final int MAX_HEADER = 14;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocket() {
    }

    /** {@code Sec-WebSocket-Accept} for a {@code Sec-WebSocket-Key}: base64(SHA-1(key + GUID)) (RFC 6455 4.2.2). */
    public static String acceptKey(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key.strip() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Writes a frame header into {@code out}; {@code mask} is null for an unmasked (server) frame. */
    public static void header(ByteBuffer out, boolean fin, int opcode, long length, byte[] mask) {
        out.put((byte) ((fin ? 0x80 : 0) | opcode));
        int maskBit = mask == null ? 0 : 0x80;
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length < 65536) {
            out.put((byte) (maskBit | 126));
            out.putShort((short) length);
        } else {
            out.put((byte) (maskBit | 127));
            out.putLong(length);
        }
        if (mask != null) out.put(mask);
    }

    /** A whole unmasked frame, as a server sends it. */
    public static ByteBuffer frame(boolean fin, int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(MAX_HEADER + payload.length);
        header(b, fin, opcode, payload.length, null);
        b.put(payload).flip();
        return b;
    }

    /** The payload of a close frame: the status code, then a reason cut to fit a control frame. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, MAX_CONTROL_PAYLOAD - 2);
        ByteBuffer b = ByteBuffer.allocate(2 + n).putShort((short) code).put(text, 0, n);
        return b.array();
    }

    public static String opcodeName(int opcode) {
        return switch (opcode) {
            case CONTINUATION -> "continuation";
            case TEXT -> "text";
            case BINARY -> "binary";
            case CLOSE -> "close";
            case PING -> "ping";
            case PONG -> "pong";
            default -> "reserved opcode 0x" + Integer.toHexString(opcode);
        };
    }
}
