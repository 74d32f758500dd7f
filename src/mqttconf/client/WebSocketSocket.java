package mqttconf.client;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

import mqttconf.websocket.WebSocket;

/**
 * An open WebSocket connection seen as a socket carrying the MQTT byte stream, for {@link TestClient#over}: each
 * write goes out as one masked binary frame; reads return the payload of binary and continuation frames. Pings are
 * answered; a close frame ends the stream; a text frame from the server breaks it [MQTT-6.0.0-1].
 * {@link #sendFrame} writes any frame, for tests of the framing itself.
 */
public final class WebSocketSocket extends Socket {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket lower;
    private final InputStream in;
    private final OutputStream out;
    private final String subprotocol;
    private final FrameInput frames = new FrameInput();
    private volatile int closeCode = -1;
    private boolean closeSent;

    WebSocketSocket(Socket lower, String subprotocol) throws IOException {
        this.lower = lower;
        this.in = lower.getInputStream();
        this.out = lower.getOutputStream();
        this.subprotocol = subprotocol;
    }

    /** The subprotocol the server selected (its Sec-WebSocket-Protocol header), or null when it named none. */
    public String subprotocol() {
        return subprotocol;
    }

    /** The status code of the server's close frame; 1005 for one without code; -1 before any. */
    public int closeCode() {
        return closeCode;
    }

    /** Writes one frame, masked as a client must unless {@code masked} is false. */
    public synchronized void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(WebSocket.MAX_HEADER + payload.length);
        byte[] mask = null;
        if (masked) {
            mask = new byte[4];
            RANDOM.nextBytes(mask);
        }
        WebSocket.header(b, fin, opcode, payload.length, mask);
        for (int i = 0; i < payload.length; i++) b.put((byte) (mask == null ? payload[i] : payload[i] ^ mask[i & 3]));
        out.write(b.array(), 0, b.position());
        out.flush();
        if (opcode == WebSocket.CLOSE) closeSent = true;
    }

    @Override
    public InputStream getInputStream() {
        return frames;
    }

    @Override
    public OutputStream getOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                byte[] payload = new byte[len];
                System.arraycopy(b, off, payload, 0, len);
                sendFrame(true, WebSocket.BINARY, payload, true);
            }
        };
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        lower.setTcpNoDelay(on);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        lower.setSoTimeout(timeout);
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return lower.getRemoteSocketAddress();
    }

    @Override
    public boolean isClosed() {
        return lower.isClosed();
    }

    @Override
    public boolean isConnected() {
        return lower.isConnected();
    }

    @Override
    public void shutdownOutput() throws IOException {
        lower.shutdownOutput();
    }

    /** Drops the connection without a close frame, as a crashing client does. */
    @Override
    public synchronized void close() throws IOException {
        lower.close();
    }

    /** The payload bytes of data frames, in order; control frames are handled on the way. */
    private final class FrameInput extends InputStream {
        private long left;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (left == 0) {
                if (ended || !nextFrame()) return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("connection closed inside a WebSocket frame");
            left -= n;
            return n;
        }

        /** Reads frame headers until a data frame starts; false at a close frame or the end of the stream. */
        private boolean nextFrame() throws IOException {
            int b0 = in.read();
            if (b0 < 0) return false;
            int b1 = readByte();
            int opcode = b0 & 0x0F;
            long length = b1 & 0x7F;
            if (length == 126) length = (readByte() << 8) | readByte();
            else if (length == 127) length = ByteBuffer.wrap(readBytes(8)).getLong();
            if ((b1 & 0x80) != 0) throw new IOException("masked frame from the server (RFC 6455 5.1)");
            switch (opcode) {
                case WebSocket.BINARY, WebSocket.CONTINUATION -> left = length;
                case WebSocket.TEXT -> throw new IOException("text frame from the server: MQTT needs binary frames [MQTT-6.0.0-1]");
                case WebSocket.PING -> sendFrame(true, WebSocket.PONG, readBytes((int) length), true);
                case WebSocket.PONG -> readBytes((int) length);
                case WebSocket.CLOSE -> {
                    byte[] body = readBytes((int) length);
                    closeCode = body.length >= 2 ? (body[0] & 0xFF) << 8 | body[1] & 0xFF : 1005;
                    synchronized (WebSocketSocket.this) {
                        if (!closeSent) sendFrame(true, WebSocket.CLOSE, body.length >= 2 ? new byte[] {body[0], body[1]} : new byte[0], true);
                    }
                    ended = true;
                    return false;
                }
                default -> throw new IOException("WebSocket " + WebSocket.opcodeName(opcode) + " frame from the server");
            }
            return true;
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed inside a WebSocket frame header");
            return b;
        }

        private byte[] readBytes(int n) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(n);
            for (int i = 0; i < n; i++) b.write(readByte());
            return b.toByteArray();
        }
    }
}
