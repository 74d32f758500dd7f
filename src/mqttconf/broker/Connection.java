package mqttconf.broker;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import mqttconf.codec.Bytes;
import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Will;

/**
 * One client socket: its decoder, its bounded output, its protocol state and its deadline. It reads into the
 * loop's shared buffer and holds input bytes of its own only while a packet is partial, and output only while
 * some is pending, so an idle connection costs no buffers. Used only by the event loop thread.
 */
final class Connection {
    enum State {
        /** Accepted; the first packet must be CONNECT. */
        AWAITING_CONNECT,
        /** CONNECT accepted; a session is attached. */
        CONNECTED,
        /** DISCONNECT received and the session detached; waiting for the client to close, watching for more input. */
        AFTER_DISCONNECT,
        /** Rejected or finished: input is discarded while the last output drains. */
        CLOSING,
        CLOSED
    }

    private static final int MAX_BUFFERS_PER_WRITE = 64;

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final SocketAddress remote;
    private final EventLoop loop;
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

    State state = State.AWAITING_CONNECT;
    /** The client id once CONNECT is accepted (assigned by the server for a zero-length one). */
    String clientId;
    Session session;
    /** The will of an accepted CONNECT until it is published or discarded; else null. */
    Will will;
    /** Whether the accepted CONNECT had the will flag set. */
    boolean willFlag;
    int keepAliveSeconds;
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
    /** Whether the current silence was already recorded as a keep alive breach. */
    boolean silenceRecorded;
    /** Where breaches of this connection's client are recorded; set at accept, replaced at CONNECT. */
    ClientRecord record;
    /** Obligations already found overdue on this connection (see {@link ClientObligations}), so each counts once. */
    final Set<Long> overdueRecorded = new HashSet<>();
    /**
     * Client packet ids whose last answer (PUBACK or PUBCOMP) the broker holds back (exercise topic): still in use
     * by the client. The value is the PUBLISH for a held PUBACK, null for a held PUBCOMP.
     */
    final Map<Integer, Publish> idsHeld = new HashMap<>();

    private int packetStart;
    private int packetEnd;

    Connection(long id, SocketChannel channel, SelectionKey key, EventLoop loop, int maxPacketSize, Listener listener)
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
    interface PacketSink {
        void packet(Connection c, Packet p);

        void malformed(Connection c, MalformedPacketException e);
    }

    /**
     * Reads what the socket has and hands each complete packet to {@code sink} until the connection stops
     * accepting input. Returns false at end of stream.
     */
    boolean read(PacketSink sink) throws IOException {
        while (true) {
            input = readBuffer();
            int n;
            try {
                n = transport.read(input);
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
            if (n > 0) {
                // A client in the middle of sending a large packet is not silent [MQTT-3.1.2-23].
                lastReceived = System.nanoTime();
                silenceRecorded = false;
            }
            // A full buffer may leave bytes inside the transport (TLS, WebSocket) that no select reports again;
            // bytes still in the socket wait for the next turn, so output is flushed in between.
            boolean filled = !input.hasRemaining() && transport.hasBufferedInput();
            if (state == State.CLOSING) input.clear();
            else decode(sink);
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
        boolean reading = state == State.AWAITING_CONNECT || state == State.CONNECTED;
        boolean partial = reading && (input != null || transport.hasBufferedInput());
        if (!partial) packetBegan = 0;
        else if (packetBegan == 0 || packetCompleted) packetBegan = System.nanoTime();
        packetCompleted = false;
    }

    private void decode(PacketSink sink) {
        input.flip();
        try {
            while (state == State.AWAITING_CONNECT || state == State.CONNECTED || state == State.AFTER_DISCONNECT) {
                packetStart = input.position();
                Packet p = decoder.decode(input);
                if (p == null) break;
                packetEnd = input.position();
                packetCompleted = true;
                sink.packet(this, p);
            }
        } catch (MalformedPacketException e) {
            packetEnd = Math.min(input.limit(), packetStart + Breach.MAX_HEX_BYTES);
            sink.malformed(this, e);
        }
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

    /**
     * The bytes of the packet being handled (or of the malformed one), up to {@link Breach#MAX_HEX_BYTES}, in
     * hex; valid only while the sink handles it.
     */
    String currentPacketHex() {
        int n = Math.min(packetEnd - packetStart, Breach.MAX_HEX_BYTES);
        if (n <= 0) return "";
        byte[] b = new byte[n];
        input.get(packetStart, b);
        return Bytes.hex(b) + (packetEnd - packetStart > n ? " ..." : "");
    }

    /** Queues {@code p} for sending; the loop writes it at the end of this turn. */
    void send(Packet p) {
        if (state == State.CLOSED || outputShutdown) return;
        ByteBuffer b = ByteBuffer.allocate(Encoder.size(p));
        Encoder.encode(p, b);
        b.flip();
        if (output == null) output = new ArrayDeque<>();
        output.add(b);
        pendingOutput += b.remaining();
        loop.sent(this, p);
    }

    long pendingOutput() {
        return pendingOutput;
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

    /** The client id if known, else the remote address: how logs name this connection. */
    String name() {
        return clientId != null ? clientId : String.valueOf(remote);
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + name() + " " + state + "]";
    }
}
