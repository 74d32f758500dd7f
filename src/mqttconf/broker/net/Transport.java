package mqttconf.broker.net;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte stream under a {@link Connection}: plain TCP, TLS or WebSocket framing, over one non-blocking
 * channel. Used only by the event loop thread; nothing here ever blocks.
 */
interface Transport {
    /**
     * Moves MQTT bytes into {@code dst}. Returns when {@code dst} is full or nothing more can be had without new
     * network input; -1 at the end of the stream.
     */
    int read(ByteBuffer dst) throws IOException;

    /** True when bytes already taken from the socket wait inside the transport: no select reports them again. */
    boolean hasBufferedInput();

    /** Takes MQTT bytes from {@code srcs} as far as it can now; returns how many it took. */
    long write(ByteBuffer[] srcs) throws IOException;

    /** Writes what the transport itself holds (records, frames, handshake replies); true when nothing is left. */
    boolean flush() throws IOException;

    /** True when bytes are waiting for the socket to become writable. */
    boolean waitsForSocket();

    /** True when the transport holds bytes of its own (handshake replies, pongs, records) not yet written. */
    boolean hasOwnOutput();

    /** Says goodbye at this layer (close frame, close_notify) and half-closes the socket. */
    void shutdownOutput() throws IOException;

    /** Says goodbye if it can without waiting, then closes the socket. */
    void close();

    /** What the listener log and connection names show: {@code tcp}, {@code tls}, {@code ws}, {@code wss}. */
    String scheme();

    /**
     * The transport ended the stream deliberately (a WebSocket close, a protocol error at this layer) and has a
     * last word queued: the loop sends it, then closes.
     */
    final class Closing extends IOException {
        private static final long serialVersionUID = 1L;
        /** Whether the peer asked to close (a WebSocket close frame), not a failure at this layer. */
        final boolean byPeer;

        Closing(String reason) {
            this(reason, false);
        }

        Closing(String reason, boolean byPeer) {
            super(reason);
            this.byPeer = byPeer;
        }
    }
}
