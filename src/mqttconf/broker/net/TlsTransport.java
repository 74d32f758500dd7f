package mqttconf.broker.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a non-blocking channel with an {@link SSLEngine}. The engine's delegated tasks (certificate checks,
 * key agreement) run on a virtual thread; when they are done, {@code resume} asks the loop to carry on with this
 * connection, so the loop thread never waits for them.
 */
final class TlsTransport implements Transport {
    private static final ByteBuffer[] NONE = new ByteBuffer[0];

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Runnable resume;
    /** Records read from the socket, not yet unwrapped (fill mode). */
    private ByteBuffer netIn;
    /** Records wrapped, not yet written (drain mode). */
    private ByteBuffer netOut;
    /** Unwrapped bytes not yet handed over (drain mode). */
    private ByteBuffer appIn;
    private volatile boolean taskRunning;
    private boolean blocked;

    TlsTransport(SocketChannel channel, SSLEngine engine, Runnable resume) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.resume = resume;
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet);
        netOut = ByteBuffer.allocate(packet).flip();
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        engine.beginHandshake();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int moved = 0;
        while (true) {
            moved += drain(appIn, dst);
            if (!dst.hasRemaining() || taskRunning) return moved;
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                return moved;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                write(NONE);
                if (blocked || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) return moved;
                continue;
            }
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            switch (r.getStatus()) {
                case CLOSED -> {
                    return moved > 0 ? moved : -1;
                }
                case BUFFER_OVERFLOW -> appIn = bigger(appIn, engine.getSession().getApplicationBufferSize(), true);
                case BUFFER_UNDERFLOW, OK -> {
                    if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) continue;
                    if (!netIn.hasRemaining()) netIn = bigger(netIn, engine.getSession().getPacketBufferSize(), false);
                    int n = channel.read(netIn);
                    if (n < 0) return moved > 0 ? moved : -1;
                    if (n == 0) return moved;
                }
            }
        }
    }

    @Override
    public boolean hasBufferedInput() {
        return appIn.hasRemaining() || netIn.position() > 0;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        long taken = 0;
        while (true) {
            if (netOut.hasRemaining()) channel.write(netOut);
            blocked = netOut.hasRemaining();
            if (blocked || taskRunning) return taken;
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                return taken;
            }
            boolean handshaking = hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
            if (handshaking && hs != HandshakeStatus.NEED_WRAP) return taken;
            if (!handshaking && !hasRemaining(srcs)) return taken;
            netOut.clear();
            SSLEngineResult r;
            try {
                r = engine.wrap(handshaking ? NONE : srcs, netOut);
            } finally {
                netOut.flip();
            }
            taken += r.bytesConsumed();
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> netOut = bigger(netOut, engine.getSession().getPacketBufferSize(), true);
                case CLOSED -> {
                    if (netOut.hasRemaining()) channel.write(netOut);
                    blocked = netOut.hasRemaining();
                    return taken;
                }
                default -> {
                    // keep wrapping: more handshake records or more application data
                }
            }
        }
    }

    @Override
    public boolean flush() throws IOException {
        write(NONE);
        if (blocked) return false;
        HandshakeStatus hs = engine.getHandshakeStatus();
        // Output stalled the handshake while the peer's next flight sat unread: carry on reading.
        if (hs == HandshakeStatus.NEED_UNWRAP && netIn.position() > 0 && !taskRunning) resume.run();
        return true;
    }

    @Override
    public boolean waitsForSocket() {
        return blocked;
    }

    @Override
    public boolean hasOwnOutput() {
        return netOut.hasRemaining();
    }

    @Override
    public void shutdownOutput() throws IOException {
        engine.closeOutbound();
        write(NONE);
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            engine.closeOutbound();
            if (!taskRunning) write(NONE);
        } catch (IOException | RuntimeException ignored) {
            // a goodbye is best effort
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public String scheme() {
        return "tls";
    }

    private void runTasks() {
        if (taskRunning) return;
        taskRunning = true;
        Thread.ofVirtual().name("tls-task").start(() -> {
            try {
                for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) t.run();
            } finally {
                taskRunning = false;
                resume.run();
            }
        });
    }

    private static int drain(ByteBuffer from, ByteBuffer to) {
        int n = Math.min(from.remaining(), to.remaining());
        if (n == 0) return 0;
        ByteBuffer slice = from.slice(from.position(), n);
        to.put(slice);
        from.position(from.position() + n);
        return n;
    }

    private static boolean hasRemaining(ByteBuffer[] bs) {
        for (ByteBuffer b : bs) if (b.hasRemaining()) return true;
        return false;
    }

    /** A larger copy; {@code drainMode} says whether {@code b} is flipped for reading. */
    private static ByteBuffer bigger(ByteBuffer b, int atLeast, boolean drainMode) {
        ByteBuffer n = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        if (drainMode) {
            n.put(b).flip();
        } else {
            b.flip();
            n.put(b);
        }
        return n;
    }
}
