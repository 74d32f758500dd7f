package mqttconf.broker.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.websocket.WebSocket;

/**
 * MQTT over WebSocket (chapter 6, RFC 6455) on top of TCP or TLS. Frames are streamed, never held whole: the
 * payload of binary and continuation frames is unmasked straight into the MQTT byte stream, so packets may span
 * frames and frames may hold several packets, and the MQTT packet size limit is the only size limit on data.
 * Output goes out one MQTT packet per frame.
 * Control frames (at most 125 bytes) and the request head ({@link WebSocketHandshake#MAX_REQUEST}) are bounded.
 */
final class WebSocketTransport implements Transport {
    /** Largest piece of output copied into a frame at once; a frame holds one MQTT packet, whatever its size. */
    private static final int MAX_FRAME_OUT = 64 * 1024;

    private enum State { HANDSHAKE, OPEN, CLOSED }

    private final Transport lower;
    private final Coverage coverage;
    /** Bytes from the lower transport not yet parsed (fill mode). */
    private ByteBuffer raw = ByteBuffer.allocate(WebSocketHandshake.MAX_REQUEST);
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    /** Pongs to a ping that came while a packet's frame was being sent: they follow that frame. */
    private final ArrayDeque<ByteBuffer> pongs = new ArrayDeque<>();
    private State state = State.HANDSHAKE;
    /** Payload bytes of the current data frame not yet read. */
    private long payloadLeft;
    private final byte[] mask = new byte[4];
    private int maskIndex;
    /** Payload bytes of the frame being sent (one MQTT packet) not yet taken from the output. */
    private long frameLeft;
    /** A fragmented binary message is in progress: the next data frame must be a continuation. */
    private boolean inMessage;

    WebSocketTransport(Transport lower, Coverage coverage) {
        this.lower = lower;
        this.coverage = coverage;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (state == State.CLOSED) return discard();
        int moved = 0;
        while (true) {
            boolean progress;
            raw.flip();
            try {
                if (state == State.HANDSHAKE) {
                    progress = handshake();
                } else {
                    int before = dst.position();
                    progress = frames(dst);
                    moved += dst.position() - before;
                }
            } finally {
                raw.compact();
            }
            if (!dst.hasRemaining()) return moved;
            if (progress) continue;
            if (!raw.hasRemaining()) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "input buffer full without progress");
            int n = lower.read(raw);
            if (n < 0) return moved > 0 ? moved : -1;
            if (n == 0) return moved;
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return raw.position() > 0 || lower.hasBufferedInput();
    }

    /** After a close: input is read and dropped until the peer closes too. */
    private int discard() throws IOException {
        raw.clear();
        int n = lower.read(raw);
        raw.clear();
        return n < 0 ? -1 : 0;
    }

    /** Answers the upgrade request once its head is complete; true when it did. */
    private boolean handshake() throws IOException {
        int end = headEnd(raw);
        if (end < 0) {
            if (raw.limit() >= WebSocketHandshake.MAX_REQUEST) return refused(WebSocketHandshake.tooLarge());
            return false;
        }
        byte[] head = new byte[end - raw.position()];
        raw.get(head);
        raw.position(raw.position() + 4);
        WebSocketHandshake.Reply reply = WebSocketHandshake.answer(new String(head, StandardCharsets.ISO_8859_1), coverage);
        if (!reply.upgraded()) return refused(reply);
        out.add(ByteBuffer.wrap(reply.bytes()));
        state = State.OPEN;
        raw = ByteBuffer.allocate(Math.max(4096, raw.remaining())).put(raw).flip();
        return true;
    }

    private boolean refused(WebSocketHandshake.Reply reply) throws Closing {
        out.add(ByteBuffer.wrap(reply.bytes()));
        state = State.CLOSED;
        throw new Closing(reply.problem());
    }

    /** Parses frames from {@code raw} into {@code dst}; true if anything was consumed. */
    private boolean frames(ByteBuffer dst) throws IOException {
        boolean progress = false;
        while (true) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, Math.min(raw.remaining(), dst.remaining()));
                if (n == 0) return progress;
                for (int i = 0; i < n; i++) dst.put((byte) (raw.get() ^ mask[maskIndex++ & 3]));
                payloadLeft -= n;
                progress = true;
                continue;
            }
            if (raw.remaining() < 2) return progress;
            int p = raw.position();
            int b0 = raw.get(p) & 0xFF;
            int b1 = raw.get(p + 1) & 0xFF;
            int len7 = b1 & 0x7F;
            int headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
            if (raw.remaining() < headerLength) return progress;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if ((b0 & 0x70) != 0) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "reserved bits set without an extension");
            if ((b1 & 0x80) == 0) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "client frame not masked (RFC 6455 5.1)");
            long length = len7 == 126 ? raw.getShort(p + 2) & 0xFFFF : len7 == 127 ? raw.getLong(p + 2) : len7;
            if (length < 0) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "frame length with its top bit set");
            boolean control = opcode >= 0x8;
            if (control && (!fin || length > WebSocket.MAX_CONTROL_PAYLOAD)) {
                throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "fragmented or oversized control frame");
            }
            if (control && raw.remaining() < headerLength + length) return progress;
            raw.get(p + headerLength - 4, mask);
            raw.position(p + headerLength);
            maskIndex = 0;
            progress = true;
            switch (opcode) {
                case WebSocket.BINARY, WebSocket.CONTINUATION -> {
                    if (opcode == WebSocket.BINARY && inMessage) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "binary frame inside a fragmented message");
                    if (opcode == WebSocket.CONTINUATION && !inMessage) throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, "continuation frame without a message to continue");
                    inMessage = !fin;
                    coverage.exercised("MQTT-6.0.0-2");
                    payloadLeft = length;
                }
                case WebSocket.TEXT -> {
                    coverage.exercised("MQTT-6.0.0-1");
                    throw fail(WebSocket.CLOSE_UNSUPPORTED_DATA, "text frame: MQTT is sent in binary frames only [MQTT-6.0.0-1]");
                }
                case WebSocket.PING -> {
                    ByteBuffer pong = WebSocket.frame(true, WebSocket.PONG, control(length));
                    if (frameLeft > 0) pongs.add(pong);
                    else out.add(pong);
                }
                case WebSocket.PONG -> control(length);
                case WebSocket.CLOSE -> {
                    byte[] body = control(length);
                    int code = body.length >= 2 ? (body[0] & 0xFF) << 8 | body[1] & 0xFF : WebSocket.CLOSE_NORMAL;
                    closeFrame(code, "");
                    throw new Closing("WebSocket close " + (body.length >= 2 ? code : "without code") + " from the client", true);
                }
                default -> throw fail(WebSocket.CLOSE_PROTOCOL_ERROR, WebSocket.opcodeName(opcode) + " frame");
            }
        }
    }

    /** Reads and unmasks a whole control frame payload (already known to be in {@code raw}). */
    private byte[] control(long length) {
        byte[] b = new byte[(int) length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (raw.get() ^ mask[i & 3]);
        return b;
    }

    private Closing fail(int code, String reason) {
        closeFrame(code, reason);
        return new Closing("WebSocket protocol error: " + reason + " (close " + code + ")");
    }

    private void closeFrame(int code, String reason) {
        if (state != State.OPEN) return;
        state = State.CLOSED;
        // Inside a packet's frame another frame cannot start: the connection ends without the close frame.
        if (frameLeft > 0) return;
        out.add(WebSocket.frame(true, WebSocket.CLOSE, WebSocket.closePayload(code, reason)));
    }

    /**
     * One MQTT packet per binary frame, as mosquitto sends them. Several packets in a frame are allowed
     * [MQTT-6.0.0-2], but a client that handles one packet per frame received (Paho C) then leaves the rest unread
     * until more bytes arrive. A frame's header announces the whole packet; its payload is copied out in pieces of
     * at most {@link #MAX_FRAME_OUT} bytes, so a large packet is never copied whole.
     */
    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        if (state != State.OPEN || !push()) return 0;
        long taken = 0;
        for (int i = 0; i < srcs.length && taken < MAX_FRAME_OUT; i++) {
            ByteBuffer b = srcs[i];
            while (b.hasRemaining() && taken < MAX_FRAME_OUT) {
                boolean starts = frameLeft == 0;
                if (starts) frameLeft = packetLength(srcs, i);
                int k = (int) Math.min(Math.min(b.remaining(), frameLeft), MAX_FRAME_OUT - taken);
                ByteBuffer piece = ByteBuffer.allocate((starts ? WebSocket.MAX_HEADER : 0) + k);
                if (starts) {
                    coverage.exercised("MQTT-6.0.0-1");
                    WebSocket.header(piece, true, WebSocket.BINARY, frameLeft, null);
                }
                piece.put(piece.position(), b, b.position(), k);
                piece.position(piece.position() + k);
                b.position(b.position() + k);
                out.add(piece.flip());
                frameLeft -= k;
                taken += k;
                if (frameLeft == 0) while (!pongs.isEmpty()) out.add(pongs.poll());
            }
        }
        push();
        return taken;
    }

    /**
     * The size of the MQTT packet starting at {@code srcs[from]}'s position, from its fixed header (which may
     * span buffers); the bytes after a header cut short (never queued by the broker) count as one packet.
     */
    private static long packetLength(ByteBuffer[] srcs, int from) {
        long available = 0;
        long remaining = 0;
        int headerBytes = 0;
        int shift = 0;
        boolean done = false;
        for (int i = from; i < srcs.length; i++) {
            ByteBuffer b = srcs[i];
            for (int j = b.position(); j < b.limit() && !done; j++) {
                int v = b.get(j) & 0xFF;
                if (++headerBytes == 1) continue;
                remaining |= (long) (v & 0x7F) << shift;
                shift += 7;
                done = (v & 0x80) == 0 || headerBytes == 5;
            }
            available += b.remaining();
        }
        return done ? headerBytes + remaining : available;
    }

    /** Writes queued frames through the lower transport; true when they are all gone. */
    private boolean push() throws IOException {
        while (!out.isEmpty()) {
            long n = lower.write(out.toArray(ByteBuffer[]::new));
            while (!out.isEmpty() && !out.peek().hasRemaining()) out.poll();
            if (n == 0) break;
        }
        return out.isEmpty();
    }

    @Override
    public boolean flush() throws IOException {
        return push() & lower.flush();
    }

    @Override
    public boolean waitsForSocket() {
        return lower.waitsForSocket();
    }

    @Override
    public boolean hasOwnOutput() {
        return !out.isEmpty() || lower.hasOwnOutput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        closeFrame(WebSocket.CLOSE_NORMAL, "");
        push();
        lower.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            closeFrame(WebSocket.CLOSE_NORMAL, "");
            push();
        } catch (IOException | RuntimeException ignored) {
            // a goodbye is best effort
        }
        lower.close();
    }

    @Override
    public String scheme() {
        return lower.scheme().equals("tls") ? "wss" : "ws";
    }

    /** The index of the blank line ending an HTTP head in {@code b} (drain mode), or -1. */
    private static int headEnd(ByteBuffer b) {
        for (int i = b.position(); i + 3 < b.limit(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') return i;
        }
        return -1;
    }
}
