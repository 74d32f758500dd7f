package mqttconf.broker.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

import mqttconf.codec.Bytes;
import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * One client socket: its decoder, its bounded output, its deadline, and the core's state for it ({@code C}), which
 * it never looks into. It reads into the loop's shared buffer and holds input bytes of its own only while a packet
 * is partial, and output only while some is pending, so an idle connection costs no buffers. Used only by the
 * event loop thread.
 */
final class Connection<C> implements Link {
    enum State {
        /** Reading packets and writing. */
        OPEN,
        /** The core is done (after DISCONNECT): output drains, then half-closes; input is still read. */
        HALF_CLOSING,
        /** Rejected or finished: input is discarded while the last output drains. */
        CLOSING,
        CLOSED
    }

    private static final int MAX_BUFFERS_PER_WRITE = 64;

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final SocketAddress remote;
    private final EventLoop<C> loop;
    /** Neighbours in the loop's list of open connections. */
    Connection<C> openPrevious, openNext;
    /** The core's state for this connection; set right after accept. */
    C client;
    /** Null once released. */
    private Transport transport;
    private final Decoder decoder;
    /**
     * While reading: the buffer being filled and decoded (the loop's shared one, or this connection's own for a
     * packet larger than that). Between reads: the bytes of a partial packet (fill mode), or null when none.
     */
    private ByteBuffer input;
    /** Encoded packets not yet written; null when none. */
    private ArrayDeque<ByteBuffer> output;
    private long pendingOutput;

    State state = State.OPEN;
    /** When this connection expires (System.nanoTime), or 0 for never. */
    long deadline;
    /** The earliest time an entry for this connection sits in the loop's deadline queue; Long.MAX_VALUE when none. */
    long scheduledAt = Long.MAX_VALUE;
    boolean outputShutdown;
    /** When the last bytes from the client arrived (System.nanoTime). */
    long lastReceived = System.nanoTime();
    /** When the first byte of the packet not yet complete arrived (System.nanoTime), or 0 when none is pending. */
    long packetBegan;
    /** Whether a packet was completed since the last {@link #notePartialPacket}. */
    private boolean packetCompleted;

    private int packetStart;
    private int packetEnd;

    Connection(long id, SocketChannel channel, SelectionKey key, EventLoop<C> loop, int maxPacketSize, Listener listener)
            throws IOException {
        this.id = id;
        this.channel = channel;
        this.key = key;
        this.loop = loop;
        this.remote = channel.getRemoteAddress();
        this.decoder = new Decoder(maxPacketSize);
        this.transport = listener.transport(channel, () -> loop.resume(this));
    }

    /** Receives packets in the buffer and the socket. */
    interface PacketSink<C> {
        void packet(Connection<C> c, Packet p);

        void malformed(Connection<C> c, MalformedPacketException e);

        /** Bytes arrived while the connection is closing and were dropped unread. */
        void discarded(Connection<C> c);
    }

    /**
     * Reads what the socket has and hands each complete packet to {@code sink} until the connection stops
     * accepting input. Returns false at end of stream.
     */
    boolean read(PacketSink<C> sink) throws IOException {
        while (true) {
            input = readBuffer();
            int n;
            try {
                n = transport.read(input);
            } catch (Transport.Closing e) {
                // Packets that came before the close in the same read (a DISCONNECT, then a WebSocket close frame)
                // are handled first, as they are when the two arrive in separate reads.
                if (state == State.OPEN || state == State.HALF_CLOSING) decode(sink);
                input = null;
                throw e;
            } catch (IOException e) {
                // The connection closes, at once or after its last output: its input is of no more use, and the
                // shared buffer must not stay its own.
                input = null;
                throw e;
            }
            if (n < 0) {
                input = null;
                return false;
            }
            // A client in the middle of sending a large packet is not silent.
            if (n > 0) lastReceived = System.nanoTime();
            // A full buffer may leave bytes inside the transport (TLS, WebSocket) that no select reports again;
            // bytes still in the socket wait for the next turn, so output is flushed in between.
            boolean filled = !input.hasRemaining() && transport.hasBufferedInput();
            if (state == State.CLOSING) {
                if (input.position() > 0) sink.discarded(this);
                input.clear();
            } else {
                decode(sink);
            }
            if (state == State.CLOSED) return true;
            keepPartialPacket();
            if (!filled) {
                notePartialPacket();
                return true;
            }
        }
    }

    /**
     * Starts the clock of a packet whose first bytes are here but not its last, counting bytes a transport holds
     * (a frame or record cut short) as part of it. After DISCONNECT the grace period bounds the connection already.
     */
    private void notePartialPacket() {
        boolean reading = state == State.OPEN;
        boolean partial = reading && (input != null || transport.hasBufferedInput());
        if (!partial) packetBegan = 0;
        else if (packetBegan == 0 || packetCompleted) packetBegan = System.nanoTime();
        packetCompleted = false;
    }

    private void decode(PacketSink<C> sink) {
        input.flip();
        try {
            while (state == State.OPEN || state == State.HALF_CLOSING) {
                packetStart = input.position();
                Packet p = decoder.decode(input);
                if (p == null) break;
                packetEnd = input.position();
                packetCompleted = true;
                sink.packet(this, p);
            }
        } catch (MalformedPacketException e) {
            packetEnd = Math.min(input.limit(), packetStart + MAX_HEX_BYTES);
            sink.malformed(this, e);
        }
        if (state == State.CLOSING && input.hasRemaining()) {
            // Bytes behind a packet that ended the connection (a refused CONNECT) are dropped unread.
            sink.discarded(this);
            input.position(input.limit());
        }
        // The packet's bytes are gone once this returns (the shared buffer serves the next connection).
        packetEnd = packetStart;
        // A packet handler may have closed the connection, which released its buffers.
        if (state != State.CLOSED) input.compact();
    }

    /**
     * The buffer to read into: the loop's shared one, holding the bytes of this connection's partial packet
     * first, unless that packet is larger than the shared buffer; then this connection's own.
     */
    private ByteBuffer readBuffer() {
        ByteBuffer shared = loop.readBuffer();
        if (input == null) return shared.clear();
        if (decoder.pendingPacketSize() > shared.capacity()) return input;
        shared.clear().put(input.flip());
        return shared;
    }

    /**
     * After decoding: keeps the bytes of a partial packet in a buffer of this connection's own (the next
     * connection reads into the shared one), or none when no bytes are left. A packet larger than the shared
     * buffer gets a buffer that grows as its bytes arrive: doubling, never beyond the size its header announced.
     */
    private void keepPartialPacket() {
        int held = input.position();
        if (held == 0) {
            input = null;
            return;
        }
        ByteBuffer shared = loop.readBuffer();
        int pending = decoder.pendingPacketSize();
        int capacity;
        if (pending <= shared.capacity()) capacity = held;
        else if (input != shared && input.hasRemaining()) return;
        else capacity = Math.min(input.capacity() * 2, Math.max(pending, input.capacity() + 1));
        ByteBuffer own = ByteBuffer.allocate(capacity);
        own.put(input.flip());
        input = own;
    }

    @Override
    public int firstByte() {
        return input != null && packetEnd > packetStart ? input.get(packetStart) & 0xff : -1;
    }

    @Override
    public String packetHex() {
        int n = Math.min(packetEnd - packetStart, MAX_HEX_BYTES);
        if (n <= 0 || input == null) return "";
        byte[] b = new byte[n];
        input.get(packetStart, b);
        return Bytes.hex(b) + (packetEnd - packetStart > n ? " ..." : "");
    }

    @Override
    public void send(Packet p) {
        if (state == State.CLOSED || outputShutdown) return;
        ByteBuffer b = ByteBuffer.allocate(Encoder.size(p));
        Encoder.encode(p, b);
        b.flip();
        if (output == null) output = new ArrayDeque<>();
        output.add(b);
        pendingOutput += b.remaining();
        loop.sent(this);
    }

    @Override
    public long pendingOutput() {
        return pendingOutput;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String remote() {
        return String.valueOf(remote);
    }

    @Override
    public void close(String reason) {
        loop.close(this, reason);
    }

    @Override
    public void closeAfterOutput() {
        loop.closeAfterOutput(this);
    }

    @Override
    public void halfCloseAfterOutput() {
        loop.shutdownOutputAfterDisconnect(this);
    }

    @Override
    public void deadline(long at) {
        if (at == 0) deadline = 0;
        else loop.deadline(this, at);
    }

    @Override
    public boolean closing() {
        return state == State.CLOSING || state == State.CLOSED;
    }

    @Override
    public long lastReceived() {
        return lastReceived;
    }

    /** Writes as much pending output as the transport takes now; true when nothing is left. */
    boolean flush() throws IOException {
        while (output != null) {
            ByteBuffer[] batch = output.stream().limit(MAX_BUFFERS_PER_WRITE).toArray(ByteBuffer[]::new);
            long written = transport.write(batch);
            pendingOutput -= written;
            while (!output.isEmpty() && !output.peek().hasRemaining()) output.poll();
            if (output.isEmpty()) output = null;
            if (written == 0) break;
        }
        return transport.flush() && output == null;
    }

    /** Output waits for the socket to take more (rather than for a TLS handshake, say). */
    boolean waitsForSocket() {
        return transport.waitsForSocket();
    }

    /** Packets or transport bytes (handshake replies, pongs) wait to be written. */
    boolean hasPendingOutput() {
        return output != null || transport.waitsForSocket() || transport.hasOwnOutput();
    }

    void shutdownOutput() throws IOException {
        transport.shutdownOutput();
    }

    void closeTransport() {
        transport.close();
    }

    /**
     * Drops the buffers of a closed connection: its entry in the loop's deadline queue keeps the object itself
     * until that deadline passes (up to the CONNECT timeout), and under churn those add up.
     */
    void release() {
        transport = null;
        input = null;
        output = null;
        pendingOutput = 0;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + remote + " " + state + "]";
    }
}
