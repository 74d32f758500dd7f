package mqttconf.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import mqttconf.codec.Bytes;
import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * A small blocking MQTT client for tests: it sends exactly what it is told (packets or raw bytes) and records
 * every packet it receives, in order, for the test to inspect. A virtual thread reads the socket. Every wait
 * takes a timeout. It never answers anything by itself: acknowledgements are the test's business.
 */
public final class TestClient implements AutoCloseable {
    /** What the reader saw, in order: a packet, a malformed packet, or the end of the stream. */
    public sealed interface Event {
        record Received(Packet packet) implements Event { }
        record Malformed(MalformedPacketException error, byte[] bytes) implements Event { }
        record Closed(String how) implements Event { }
    }

    /** The largest packet accepted from a server: a hostile one cannot make the suite buffer 256 MB. */
    public static final int MAX_PACKET_SIZE = 64 * 1024 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread reader;
    private final String name;
    private volatile Consumer<String> trace;

    private TestClient(Socket socket, String name) throws IOException {
        this.socket = socket;
        this.name = name;
        this.out = socket.getOutputStream();
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        this.reader = Thread.ofVirtual().name("testclient-" + name).start(() -> readLoop(in));
    }

    /** Opens a TCP connection; fails after {@code timeout}. */
    public static TestClient open(String host, int port, Duration timeout, String name) throws IOException {
        return Dialer.tcp().open(host, port, timeout, name);
    }

    /** Wraps an already connected socket (e.g. a TLS or WebSocket adapter). */
    public static TestClient over(Socket connected, String name) throws IOException {
        return new TestClient(connected, name);
    }

    /** Prints every packet in and out through {@code sink} (for --verbose). */
    public TestClient traced(Consumer<String> sink) {
        this.trace = sink;
        return this;
    }

    public String name() {
        return name;
    }

    public void send(Packet p) throws IOException {
        Consumer<String> t = trace;
        if (t != null) t.accept(name + " -> " + p);
        write(Encoder.encode(p));
    }

    /** Sends {@code packets} in one write, so the server may read them all at once. */
    public void sendTogether(List<Packet> packets) throws IOException {
        Consumer<String> t = trace;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Packet p : packets) {
            if (t != null) t.accept(name + " -> " + p);
            all.writeBytes(Encoder.encode(p));
        }
        write(all.toByteArray());
    }

    public void sendRaw(byte[] bytes) throws IOException {
        Consumer<String> t = trace;
        if (t != null) t.accept(name + " -> raw " + Bytes.hex(bytes, 0, Math.min(bytes.length, 64)));
        write(bytes);
    }

    private synchronized void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** The next event, or null if none came within {@code timeout}. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The next packet, or null on timeout or when the connection ended (the end event stays queued). */
    public Packet receive(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Event e = events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        while (e != null) {
            if (e instanceof Event.Received r) return r.packet();
            if (e instanceof Event.Closed || e instanceof Event.Malformed) {
                pushBack(e);
                return null;
            }
            e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return null;
    }

    /**
     * Waits for the first packet of type {@code type} matching {@code filter}; packets that do not match are
     * kept in {@code skipped} (if not null). Null on timeout or connection end.
     */
    public <T extends Packet> T await(Class<T> type, Predicate<T> filter, Duration timeout, List<Packet> skipped)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            Packet p = receive(Duration.ofNanos(left));
            if (p == null) return null;
            if (type.isInstance(p) && filter.test(type.cast(p))) return type.cast(p);
            if (skipped != null) skipped.add(p);
        }
    }

    public <T extends Packet> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, x -> true, timeout, null);
    }

    /** Packets that arrive within {@code window}, stopping early at connection end. */
    public List<Packet> drain(Duration window) throws InterruptedException {
        List<Packet> got = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return got;
            Packet p = receive(Duration.ofNanos(left));
            if (p == null) {
                if (isClosed()) return got;
                continue;
            }
            got.add(p);
        }
    }

    /** True if the peer closed the connection (or it broke) within {@code timeout}. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Ends the client's direction of the connection without DISCONNECT (the server reads end of stream); reading goes on. */
    public void shutdownOutput() {
        try {
            synchronized (this) {
                socket.shutdownOutput();
            }
        } catch (IOException ignored) {
            // already closed: the server sees the end either way
        }
    }

    /** Drops the TCP connection without DISCONNECT (as a crashing client would). */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
        try {
            reader.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pushBack(Event e) {
        // Only end-of-stream events are pushed back; they are last, so order is kept.
        events.add(e);
    }

    private void readLoop(InputStream in) {
        Decoder decoder = new Decoder(MAX_PACKET_SIZE);
        ByteBuffer buf = ByteBuffer.allocate(8192);
        byte[] chunk = new byte[65536];
        String how = "closed by peer";
        try {
            while (true) {
                int n = in.read(chunk);
                if (n < 0) break;
                if (buf.remaining() < n) buf = grow(buf, n);
                buf.put(chunk, 0, n);
                buf.flip();
                try {
                    Packet p;
                    while ((p = decoder.decode(buf)) != null) {
                        Consumer<String> t = trace;
                        if (t != null) t.accept(name + " <- " + p);
                        events.add(new Event.Received(p));
                    }
                } catch (MalformedPacketException e) {
                    byte[] rest = new byte[buf.remaining()];
                    buf.get(rest);
                    events.add(new Event.Malformed(e, rest));
                    how = "stopped reading after a malformed packet";
                    break;
                }
                // Nothing taken yet (a large packet arriving): keep the bytes where they are instead of moving them
                // all for every read, which made a 20 MiB packet take seconds.
                if (buf.position() == 0) buf.position(buf.limit()).limit(buf.capacity());
                else buf.compact();
            }
        } catch (IOException e) {
            how = socket.isClosed() ? "closed locally" : "connection broken: " + e.getMessage();
        } finally {
            events.add(new Event.Closed(how));
            closed.countDown();
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static ByteBuffer grow(ByteBuffer buf, int extra) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + extra));
        buf.flip();
        bigger.put(buf);
        return bigger;
    }
}
