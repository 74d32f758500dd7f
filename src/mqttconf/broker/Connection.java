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
 * One client socket: its read buffer and decoder, its bounded output, its protocol state and its deadline.
 * Used only by the event loop thread.
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

    private static final int INITIAL_INPUT = 4096;
    private static final int MAX_BUFFERS_PER_WRITE = 64;

    final long id;
    final SocketChannel channel;
    final SelectionKey key;
    final SocketAddress remote;
    private final EventLoop loop;
    /** Null once released. */
    private Transport transport;
    private final Decoder decoder;
    private ByteBuffer input = ByteBuffer.allocate(INITIAL_INPUT);
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
    private long pendingOutput;

    State state = State.AWAITING_CONNECT;
    /** The client id once CONNECT is accepted (assigned by the server for a zero-length one). */
    String clientId;
    Session session;
    /** The will of an accepted CONNECT until it is published or discarded; else null. */
    Will will;
    /** Whether CONNECT was refused with a CONNACK return code: what follows it is not processed. */
    boolean refused;
    /** Whether the accepted CONNECT had the will flag set. */
    boolean willFlag;
    int keepAliveSeconds;
    /** When CONNECT was accepted (System.nanoTime). */
    long connectedAt;
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

        /** Bytes arrived while the connection is closing and were dropped unread. */
        void discarded(Connection c);
    }

    /**
     * Reads what the socket has and hands each complete packet to {@code sink} until the connection stops
     * accepting input. Returns false at end of stream.
     */
    boolean read(PacketSink sink) throws IOException {
        while (true) {
            int n = transport.read(input);
            if (n < 0) return false;
            if (n > 0) {
                // A client in the middle of sending a large packet is not silent [MQTT-3.1.2-23].
                lastReceived = System.nanoTime();
                silenceRecorded = false;
            }
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
        boolean partial = reading && (input.position() > 0 || transport.hasBufferedInput());
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
        if (state == State.CLOSING && input.hasRemaining()) {
            // Bytes behind a packet that ended the connection (a refused CONNECT) are dropped unread.
            sink.discarded(this);
            input.position(input.limit());
        }
        input.compact();
        if (!input.hasRemaining()) {
            // Grow only as bytes arrive: double, but never beyond the size the packet header announced.
            int wanted = Math.max(decoder.pendingPacketSize(), input.capacity() + 1);
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(input.capacity() * 2, wanted));
            input.flip();
            bigger.put(input);
            input = bigger;
        } else if (input.position() == 0 && input.capacity() > 16 * INITIAL_INPUT) {
            input = ByteBuffer.allocate(INITIAL_INPUT);
        }
    }

    /** The first byte of the packet being handled (or of the malformed one), or -1; valid only meanwhile. */
    int firstByte() {
        return packetEnd > packetStart ? input.get(packetStart) & 0xff : -1;
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
        output.add(b);
        pendingOutput += b.remaining();
        loop.sent(this, p);
    }

    long pendingOutput() {
        return pendingOutput;
    }

    /** Writes as much pending output as the transport takes now; true when nothing is left. */
    boolean flush() throws IOException {
        while (!output.isEmpty()) {
            ByteBuffer[] batch = output.stream().limit(MAX_BUFFERS_PER_WRITE).toArray(ByteBuffer[]::new);
            long written = transport.write(batch);
            pendingOutput -= written;
            while (!output.isEmpty() && !output.peek().hasRemaining()) output.poll();
            if (written == 0) break;
        }
        return transport.flush() && output.isEmpty();
    }

    /** Output waits for the socket to take more (rather than for a TLS handshake, say). */
    boolean waitsForSocket() {
        return transport.waitsForSocket();
    }

    /** Packets or transport bytes (handshake replies, pongs) wait to be written. */
    boolean hasPendingOutput() {
        return !output.isEmpty() || transport.waitsForSocket() || transport.hasOwnOutput();
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
        input = ByteBuffer.allocate(0);
        output.clear();
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
