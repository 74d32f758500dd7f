package mqttconf.suite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * A TCP proxy on 127.0.0.1 in front of a server, injecting one fault per connection. Server to client, every
 * packet is decoded, handed to the {@link Fault} and the packets it returns are re-encoded; client to server,
 * packets pass as their original bytes unless the fault swallows them. Bytes that do not decode pass raw from
 * there on (the malformed table sends such bytes on purpose). A fault may also shape how the packets it
 * passes are written to the client: in pieces, together, or late.
 */
final class FaultProxy implements AutoCloseable {
    private static final Duration HOLD = Duration.ofMillis(40);

    /**
     * A server without QoS 2, as one real server is: a client's QoS 2 PUBLISH reaches it as QoS 1, so it answers
     * with PUBACK.
     */
    static Fault withoutQos2() {
        return new Fault() {
            @Override
            boolean fromClient(Packet p, Link link) throws IOException {
                if (!(p instanceof Packet.Publish x) || x.qos() != 2) return true;
                link.toServer(x.withQos(1, x.packetId()));
                return false;
            }
        };
    }

    /** One connection's fault; it may keep state across the packets of its connection. */
    abstract static class Fault {
        /** What the client gets instead of {@code p} from the server. */
        List<Packet> fromServer(Packet p, Link link) throws IOException {
            return List.of(p);
        }

        /** False to keep {@code p} from the server. */
        boolean fromClient(Packet p, Link link) throws IOException {
            return true;
        }

        /** Packets held back by {@link #fromServer}, released after a short pause with nothing new from the server. */
        List<Packet> release() {
            return List.of();
        }

        boolean holding() {
            return false;
        }

        /** How long the server must stay quiet before {@link #release} while {@link #holding}. */
        Duration hold() {
            return HOLD;
        }

        /** How the packets of one {@link #fromServer} or {@link #release} reach the client: in one write. */
        void toClient(List<Packet> packets, Link link) throws IOException {
            if (!packets.isEmpty()) link.toClient(encode(packets));
        }

        /** When the server closes: true keeps the client's side open (its bytes go nowhere). */
        boolean keepsClientOpen() {
            return false;
        }

        /** Whether the client's side holds the start of a packet not yet complete (called as bytes arrive). */
        void partial(boolean pending) {
        }

        /** Packets the client gets when the server has closed, just before the proxy closes the client's side. */
        List<Packet> lastWords() {
            return List.of();
        }

        /** How long the client's side stays open after the server closed (its bytes go nowhere meanwhile). */
        Duration closeDelay() {
            return Duration.ZERO;
        }

        /** Pause before forwarding each chunk the server sent: a slow server (or a slow path to it). */
        Duration delay() {
            return Duration.ZERO;
        }
    }

    /** The two sides of one proxied connection, for faults that inject packets. */
    static final class Link {
        private final Socket client;
        private final Socket server;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void toClient(Packet p) throws IOException {
            write(client, Encoder.encode(p));
        }

        void toClient(byte[] b) throws IOException {
            write(client, b);
        }

        /** Writes {@code b} in pieces, each its own write, with no other write to the client in between. */
        void toClientInPieces(byte[] b, IntUnaryOperator pieceAt) throws IOException {
            OutputStream out = client.getOutputStream();
            synchronized (client) {
                for (int off = 0; off < b.length; ) {
                    int n = Math.min(b.length - off, Math.max(1, pieceAt.applyAsInt(off)));
                    out.write(b, off, n);
                    out.flush();
                    off += n;
                }
            }
        }

        void toServer(Packet p) throws IOException {
            write(server, Encoder.encode(p));
        }

        private static void write(Socket s, byte[] b) throws IOException {
            OutputStream out = s.getOutputStream();
            synchronized (s) {
                out.write(b);
                out.flush();
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private final ServerSocket listener;
    private final int upstreamPort;
    private final Supplier<Fault> faults;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Thread acceptor;

    FaultProxy(int upstreamPort, Supplier<Fault> faults) throws IOException {
        this.upstreamPort = upstreamPort;
        this.faults = faults;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("faultproxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket();
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(server);
                }
                try {
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000);
                    client.setTcpNoDelay(true);
                    server.setTcpNoDelay(true);
                } catch (IOException e) {
                    closeQuietly(client);
                    closeQuietly(server);
                    continue;
                }
                Link link = new Link(client, server);
                Fault fault = faults.get();
                synchronized (this) {
                    threads.add(Thread.ofVirtual().name("faultproxy-up").start(() -> upstream(link, fault)));
                    threads.add(Thread.ofVirtual().name("faultproxy-down").start(() -> downstream(link, fault)));
                }
            }
        } catch (IOException closed) {
            // the proxy is closed
        }
    }

    /** Client to server: original bytes of each packet the fault lets through; raw once something does not decode. */
    private void upstream(Link link, Fault fault) {
        Decoder decoder = new Decoder();
        boolean raw = false;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try {
            InputStream in = link.client.getInputStream();
            OutputStream out = link.server.getOutputStream();
            byte[] chunk = new byte[1 << 16];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (raw) {
                    toServer(link, fault, out, chunk, 0, n);
                    continue;
                }
                buf = append(buf, chunk, n);
                buf.flip();
                try {
                    while (true) {
                        int start = buf.position();
                        Packet p = decoder.decode(buf);
                        if (p == null) break;
                        if (fault.fromClient(p, link)) toServer(link, fault, out, buf.array(), start, buf.position() - start);
                    }
                } catch (MalformedPacketException e) {
                    raw = true;
                    toServer(link, fault, out, buf.array(), buf.position(), buf.remaining());
                    buf.position(buf.limit());
                }
                fault.partial(buf.hasRemaining());
                buf.compact();
            }
        } catch (IOException ended) {
            // either side went away
        }
        fault.partial(false);
        link.close();
    }

    /** Server to client: decoded, rewritten by the fault, re-encoded. */
    private void downstream(Link link, Fault fault) {
        Decoder decoder = new Decoder();
        boolean raw = false;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        try {
            InputStream in = link.server.getInputStream();
            byte[] chunk = new byte[1 << 16];
            while (true) {
                link.server.setSoTimeout(fault.holding() ? (int) Math.max(1, fault.hold().toMillis()) : 0);
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException quiet) {
                    fault.toClient(fault.release(), link);
                    continue;
                }
                if (n < 0) break;
                if (!fault.delay().isZero()) Thread.sleep(fault.delay());
                if (raw) {
                    writeRaw(link.client, link.client.getOutputStream(), chunk, 0, n);
                    continue;
                }
                buf = append(buf, chunk, n);
                buf.flip();
                try {
                    Packet p;
                    while ((p = decoder.decode(buf)) != null) fault.toClient(fault.fromServer(p, link), link);
                } catch (MalformedPacketException e) {
                    raw = true;
                    writeRaw(link.client, link.client.getOutputStream(), buf.array(), buf.position(), buf.remaining());
                    buf.position(buf.limit());
                }
                buf.compact();
            }
            fault.toClient(fault.release(), link);
            fault.toClient(fault.lastWords(), link);
            Duration late = fault.closeDelay();
            if (!late.isZero()) {
                closeQuietly(link.server);
                Thread.sleep(late);
            }
        } catch (IOException | InterruptedException ended) {
            // either side went away, or the proxy is closing
        }
        if (fault.keepsClientOpen() && fault.closeDelay().isZero()) closeQuietly(link.server);
        else link.close();
    }

    /** Writes to the server; once it has gone, a fault keeping the client open lets the client's bytes vanish. */
    private static void toServer(Link link, Fault fault, OutputStream out, byte[] b, int off, int len) throws IOException {
        boolean keep = fault.keepsClientOpen() || !fault.closeDelay().isZero();
        if (keep && link.server.isClosed()) return;
        try {
            writeRaw(link.server, out, b, off, len);
        } catch (IOException e) {
            if (!keep) throw e;
            closeQuietly(link.server);
        }
    }

    private static void writeRaw(Socket s, OutputStream out, byte[] b, int off, int len) throws IOException {
        synchronized (s) {
            out.write(b, off, len);
            out.flush();
        }
    }

    static byte[] encode(List<Packet> packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Packet p : packets) out.writeBytes(Encoder.encode(p));
        return out.toByteArray();
    }

    private static ByteBuffer append(ByteBuffer buf, byte[] chunk, int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        return buf.put(chunk, 0, n);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Closes the listener and every connection, and waits for the forwarding threads. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // best effort
        }
        joinQuietly(acceptor);
        List<Thread> all;
        synchronized (this) {
            for (Socket s : sockets) closeQuietly(s);
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.interrupt();
            joinQuietly(t);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
