package mqttconf.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/**
 * One non-blocking MQTT client of a load run: a publisher, a subscriber or an idle connection. It lives on one
 * {@link IoLoop} thread. Incoming PUBLISH packets are read in place, without allocating, because they are the
 * measured traffic; every other packet goes through the codec's {@link Decoder}.
 */
final class LoadClient {
    enum Role { PUBLISHER, SUBSCRIBER, IDLE }

    private static final int ACTIVE_BUFFER = 64 * 1024;
    private static final int IDLE_BUFFER = 128;

    final Role role;
    final int index;
    private final LoadRun run;
    private final String clientId;
    private final Decoder decoder = new Decoder();
    private SocketChannel channel;
    private SelectionKey key;
    private IoLoop loop;
    private ByteBuffer in;
    private ByteBuffer out;
    private boolean ready;
    private long connectBegan;
    /** When bytes last went out, for keep alive. */
    private long lastWrite;

    /** Publisher: the whole PUBLISH packet with its packet id, timestamp and sequence number to fill in. */
    private byte[] template;
    private int idOffset;
    private int stampOffset;
    private int sent;
    /** {@link #sent} as other threads may read it. */
    private volatile int sentShared;
    private boolean[] inFlight;
    private int outstanding;
    private int nextId;
    private boolean wantsRoom;

    /** Subscriber: what arrived, and the QoS 2 packet ids received but not yet released. */
    private SequenceTracker tracker;
    private boolean[] awaitingRelease;

    LoadClient(LoadRun run, Role role, int index) {
        this.run = run;
        this.role = role;
        this.index = index;
        this.clientId = "mqttconf-bench-" + run.runId + "-" + role.name().charAt(0) + index;
    }

    void connect(IoLoop owner, Selector selector) throws IOException {
        loop = owner;
        int size = role == Role.IDLE ? IDLE_BUFFER : ACTIVE_BUFFER;
        in = role == Role.IDLE ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        out = role == Role.IDLE ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
        if (role == Role.PUBLISHER) preparePublisher();
        if (role == Role.SUBSCRIBER) {
            tracker = new SequenceTracker(run.config.publishers());
            awaitingRelease = new boolean[65_536];
        }
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        key = channel.register(selector, 0, this);
        connectBegan = System.nanoTime();
        if (channel.connect(run.connectTo())) connected();
        else key.interestOps(SelectionKey.OP_CONNECT);
    }

    private void preparePublisher() {
        BenchConfig c = run.config;
        byte[] topic = run.topic(index).getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + topic.length + (c.qos() > 0 ? 2 : 0) + c.payload();
        ByteBuffer b = ByteBuffer.allocate(1 + Encoder.lengthOfLength(remaining) + remaining);
        b.put((byte) (0x30 | c.qos() << 1 | (c.client().retain() ? 1 : 0)));
        Encoder.putRemainingLength(b, remaining);
        b.putShort((short) topic.length).put(topic);
        idOffset = b.position();
        stampOffset = idOffset + (c.qos() > 0 ? 2 : 0);
        b.putLong(stampOffset + 8, ((long) index << 32));
        template = b.array();
        if (out.capacity() < 2 * template.length) out = ByteBuffer.allocateDirect(2 * template.length);
        inFlight = new boolean[65_536];
    }

    /** Called for each selected key. */
    void onReady(int ops) throws IOException {
        if ((ops & SelectionKey.OP_CONNECT) != 0 && channel.finishConnect()) connected();
        if ((ops & SelectionKey.OP_READ) != 0) read();
        if ((ops & SelectionKey.OP_WRITE) != 0) {
            flush();
            if (wantsRoom) produce(System.nanoTime());
        }
    }

    private void connected() throws IOException {
        BenchConfig.Client c = run.config.client();
        Connect connect = Connect.of(clientId, c.cleanSession(), c.keepAlive());
        if (c.username() != null) connect = connect.withCredentials(c.username(), c.password());
        send(connect);
        flush();
    }

    /** The client id, so that a persistent session can be removed after the run. */
    String clientId() {
        return clientId;
    }

    /** Sends PINGREQ when nothing went out for half the keep alive. */
    void keepAlive(long now) throws IOException {
        int seconds = run.config.client().keepAlive();
        if (seconds == 0 || channel == null || !channel.isConnected() || now - lastWrite < seconds * 500_000_000L) return;
        room(2);
        out.put((byte) 0xc0).put((byte) 0);
        flush();
    }

    private void read() throws IOException {
        for (int i = 0; i < 8; i++) {
            int n = channel.read(in);
            if (n < 0) throw new IOException("connection closed by the broker");
            if (n == 0) break;
            process();
            if (in.hasRemaining()) break;
        }
        flush();
    }

    private void process() throws IOException {
        in.flip();
        int published = 0;
        while (in.remaining() >= 2) {
            int start = in.position();
            int size = packetSize(in, start);
            if (size < 0 || size > in.remaining()) {
                if (size > in.capacity()) grow(size);
                break;
            }
            int b0 = in.get(start) & 0xff;
            if (b0 >>> 4 == 3 && role == Role.SUBSCRIBER) {
                published += onPublish(start, size, b0);
                in.position(start + size);
            } else {
                try {
                    onPacket(decoder.decode(in));
                } catch (MalformedPacketException e) {
                    throw new IOException("malformed packet from the broker: " + e.getMessage());
                }
            }
        }
        in.compact();
        if (published > 0) {
            run.received.add(published);
            loop.lastReceive = System.nanoTime();
        }
    }

    private void grow(int size) {
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(size, 2 * in.capacity()));
        bigger.put(in);
        in = bigger.flip();
    }

    /** The whole size of the packet at {@code start} once its fixed header is in, else -1. */
    static int packetSize(ByteBuffer b, int start) throws IOException {
        int length = 0;
        for (int i = 1; i <= 4; i++) {
            if (start + i >= b.limit()) return -1;
            int x = b.get(start + i) & 0xff;
            length |= (x & 0x7f) << (7 * (i - 1));
            if ((x & 0x80) == 0) return 1 + i + length;
        }
        throw new IOException("malformed packet from the broker: remaining length longer than four bytes");
    }

    /** Counts and acknowledges one PUBLISH; returns 1 if it was a new message of this run, else 0. */
    private int onPublish(int start, int size, int b0) throws IOException {
        long now = System.nanoTime();
        int qos = (b0 >> 1) & 3;
        if (qos == 3) throw new IOException("malformed packet from the broker: PUBLISH with QoS 3");
        int p = bodyStart(start);
        p += 2 + (in.getShort(p) & 0xffff);
        int id = 0;
        if (qos > 0) {
            id = in.getShort(p) & 0xffff;
            p += 2;
        }
        boolean counted = false;
        boolean repeat = qos == 2 && awaitingRelease[id];
        if (!repeat && start + size - p >= BenchConfig.MIN_PAYLOAD) {
            counted = tracker.record(in.getInt(p + 8), in.getInt(p + 12));
            if (counted) run.latency.record(now - in.getLong(p));
        }
        if (qos == 1) sendAck(0x40, id);
        if (qos == 2) {
            awaitingRelease[id] = true;
            sendAck(0x50, id);
        }
        return counted ? 1 : 0;
    }

    private int bodyStart(int start) {
        int i = start + 1;
        while ((in.get(i) & 0x80) != 0) i++;
        return i + 1;
    }

    private void onPacket(Packet p) throws IOException {
        switch (p) {
            case ConnAck a -> {
                if (a.returnCode() != ConnAck.ACCEPTED)
                    throw new IOException("the broker refused CONNECT with return code " + a.returnCode()
                            + (a.returnCode() == 4 || a.returnCode() == 5 ? " (not authorised: see -u and -P)" : ""));
                run.connectLatency.record(System.nanoTime() - connectBegan);
                if (role == Role.SUBSCRIBER) subscribe();
                else becomeReady();
            }
            case SubAck a -> {
                if (a.returnCodes().contains(SubAck.FAILURE))
                    throw new IOException("the broker refused the subscription (SUBACK 0x80)");
                becomeReady();
            }
            case PubAck a -> release(a.packetId(), 1);
            case PubRec a -> {
                if (!inFlight[a.packetId()]) throw new IOException("PUBREC for packet id " + a.packetId() + " not in flight");
                sendAck(0x62, a.packetId());
            }
            case PubComp a -> release(a.packetId(), 2);
            case PubRel a -> {
                awaitingRelease[a.packetId()] = false;
                sendAck(0x70, a.packetId());
            }
            case PingResp r -> { }
            default -> throw new IOException("unexpected " + p.type() + " from the broker");
        }
    }

    private void subscribe() throws IOException {
        List<Subscription> subs = new ArrayList<>();
        for (String filter : run.filters(index)) subs.add(new Subscription(filter, run.config.qos()));
        send(new Subscribe(1, subs));
    }

    private void becomeReady() {
        ready = true;
        loop.clientReady();
    }

    boolean ready() {
        return ready;
    }

    private void release(int id, int qos) throws IOException {
        if (run.config.qos() != qos || !inFlight[id])
            throw new IOException("acknowledgement for packet id " + id + " not in flight at QoS " + qos);
        inFlight[id] = false;
        outstanding--;
        run.acked.increment();
        produce(System.nanoTime());
    }

    /** Publisher: writes as many PUBLISH packets as the message limit, rate, window and buffer allow. */
    void produce(long now) throws IOException {
        if (role != Role.PUBLISHER || !ready) return;
        if (!run.publishing) {
            if (wantsRoom) {
                wantsRoom = false;
                flush();
            }
            return;
        }
        BenchConfig c = run.config;
        long budget = (c.messages() > 0 ? c.messages() : Integer.MAX_VALUE) - sent;
        if (c.rate() > 0) budget = Math.min(budget, (long) ((now - run.startNanos) * (c.rate() / 1e9)) + 1 - sent);
        if (c.qos() > 0) budget = Math.min(budget, c.inflight() - outstanding);
        int n = 0;
        while (n < budget && out.remaining() >= template.length) {
            int at = out.position();
            out.put(template);
            if (c.qos() > 0) out.putShort(at + idOffset, (short) takeId());
            out.putLong(at + stampOffset, System.nanoTime());
            out.putInt(at + stampOffset + 12, sent++);
            n++;
        }
        wantsRoom = n < budget;
        if (n > 0) {
            sentShared = sent;
            run.sent.add(n);
            if (sent == c.messages()) run.publisherDone();
            flush();
        }
    }

    private int takeId() {
        do nextId = nextId == 65_535 ? 1 : nextId + 1;
        while (inFlight[nextId]);
        inFlight[nextId] = true;
        outstanding++;
        return nextId;
    }

    /** Messages this publisher has sent so far. */
    int sent() {
        return sentShared;
    }

    SequenceTracker tracker() {
        return tracker;
    }

    private void sendAck(int header, int id) throws IOException {
        room(4);
        out.put((byte) header).put((byte) 2).putShort((short) id);
    }

    private void send(Packet p) throws IOException {
        room(Encoder.size(p));
        Encoder.encode(p, out);
    }

    private void room(int n) throws IOException {
        if (out.remaining() >= n) return;
        flush();
        if (out.remaining() >= n) return;
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(2 * out.capacity(), out.position() + n));
        out = bigger.put(out.flip());
    }

    /** Writes what the buffer holds; asks for OP_WRITE while bytes are left or a publisher waits for room. */
    private void flush() throws IOException {
        if (out.position() > 0) {
            out.flip();
            if (channel.write(out) > 0) lastWrite = System.nanoTime();
            out.compact();
        }
        int ops = SelectionKey.OP_READ | (out.position() > 0 || wantsRoom ? SelectionKey.OP_WRITE : 0);
        if (key.interestOps() != ops) key.interestOps(ops);
    }

    /** Clears a retained topic it published on, sends DISCONNECT if the socket takes it at once, then closes. */
    void close() {
        if (channel == null) return;
        try {
            if (channel.isConnected() && out.position() == 0) {
                ByteBuffer last = ByteBuffer.allocate(16 + 4 * run.topic(index).length());
                if (role == Role.PUBLISHER && run.config.client().retain() && sent > 0) {
                    byte[] topic = run.topic(index).getBytes(StandardCharsets.UTF_8);
                    last.put((byte) 0x31);
                    Encoder.putRemainingLength(last, 2 + topic.length);
                    last.putShort((short) topic.length).put(topic);
                }
                channel.write(last.put((byte) 0xe0).put((byte) 0).flip());
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with this socket
        }
    }
}
