package mqttconf.broker.net;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * The one thread that owns every socket and all broker state. It accepts, reads, hands packets to the
 * {@link LinkHandler} (the protocol core), writes pending output once per turn, and expires connections whose
 * deadline passed (keep alive, CONNECT wait, closing, a packet begun and not finished). Other threads only
 * {@link #execute} tasks on it.
 */
public final class EventLoop<C> implements Runnable, Connection.PacketSink<C>, Timers {
    private record Deadline<C>(long at, Connection<C> connection) { }

    private record Timer(long at, long seq, Runnable task) { }

    /**
     * Size of the read buffer every connection of this loop reads into, one at a time: what each connection had
     * of its own before, so that a turn takes as much from each client (a larger one let publishers run further
     * ahead of their subscribers).
     */
    static final int READ_BUFFER = 4096;

    private final Selector selector;
    private final List<Listener> listeners;
    private final NetLimits config;
    private final NetLog log;
    private final ConnectionLimit limit;
    private LinkHandler<C> handler;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Deadline<C>> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::at).thenComparingLong(Timer::seq));
    private long timerSeq;
    private final Set<Connection<C>> dirty = new LinkedHashSet<>();
    /**
     * Connections not yet closed, oldest first: a list through {@link Connection#openNext} and
     * {@link Connection#openPrevious}, two references per connection where a set entry costs five times that.
     */
    private Connection<C> openFirst, openLast;
    private int openCount;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER);
    private long nextConnectionId = 1;
    private volatile boolean running = true;

    public EventLoop(List<Listener> listeners, NetLimits config, NetLog log) throws IOException {
        this.selector = Selector.open();
        this.listeners = List.copyOf(listeners);
        this.config = config;
        this.log = log;
        this.limit = new ConnectionLimit(config.maxConnections(), log);
        for (Listener l : listeners) l.server.register(selector, SelectionKey.OP_ACCEPT, l);
    }

    /** Who hears of connections and packets; set once, before {@link #run}. */
    public void handler(LinkHandler<C> h) {
        this.handler = h;
    }

    /** Runs {@code task} on the loop thread at its next turn; callable from any thread. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Makes {@link #run} return after closing every connection and the listening socket. */
    public void stop() {
        execute(() -> running = false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        try {
            long wait = 0;
            while (running) {
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) continue;
                    if (key.isAcceptable()) accept((Listener) key.attachment());
                    else ready((Connection<C>) key.attachment(), key);
                }
                selector.selectedKeys().clear();
                for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) t.run();
                expire(System.nanoTime());
                runTimers(System.nanoTime());
                flushDirty();
                wait = untilNextDeadline(System.nanoTime());
            }
        } catch (IOException | ClosedSelectorException e) {
            log.error("broker stopped: " + e);
        } finally {
            List<Connection<C>> open = new ArrayList<>(openCount);
            for (Connection<C> c = openFirst; c != null; c = c.openNext) open.add(c);
            for (Connection<C> c : open) close(c, "broker stopping");
            listeners.forEach(Listener::close);
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    private void accept(Listener listener) throws IOException {
        for (SocketChannel ch = listener.server.accept(); ch != null; ch = listener.server.accept()) {
            if (!limit.admit(openCount)) {
                ch.close();
                continue;
            }
            try {
                register(ch, listener);
            } catch (IOException e) {
                // A client may reset between accept and set-up; that costs its own socket only.
                ch.close();
                if (config.verbose()) log.info("connection lost while being set up: " + e);
            }
        }
    }

    private void register(SocketChannel ch, Listener listener) throws IOException {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        Connection<C> c = new Connection<>(nextConnectionId++, ch, key, this, config.maxPacketSize(), listener);
        key.attach(c);
        c.openPrevious = openLast;
        if (openLast != null) openLast.openNext = c;
        else openFirst = c;
        openLast = c;
        openCount++;
        deadline(c, System.nanoTime() + config.connectTimeout().toNanos());
        c.client = handler.accepted(c);
    }

    private void ready(Connection<C> c, SelectionKey key) {
        serve(c, key.isReadable(), key.isWritable());
    }

    private void serve(Connection<C> c, boolean read, boolean write) {
        try {
            if (read && !input(c)) return;
            if (c.state != Connection.State.CLOSED && c.key.isValid() && write) flush(c);
        } catch (Transport.Closing e) {
            log.info("connection " + c.id + " from " + c.remote + ": " + e.getMessage() + "; closing");
            // A WebSocket close after DISCONNECT is the client closing its connection [MQTT-3.14.4-1].
            if (e.byPeer && c.state == Connection.State.HALF_CLOSING) handler.closedByClientAfterDisconnect(c.client);
            closeAfterOutput(c);
        } catch (IOException e) {
            close(c, "network error: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug must cost one connection, never the broker.
            log.error("internal error on connection " + c.id + ": " + e);
            close(c, "internal error: " + e);
        }
    }

    /** Reads what {@code c} has; false when it was closed. */
    private boolean input(Connection<C> c) throws IOException {
        if (!c.read(this)) {
            if (c.state == Connection.State.HALF_CLOSING) handler.closedByClientAfterDisconnect(c.client);
            close(c, switch (c.state) {
                // The server was ending it: a refused CONNECT, an exercise, or a WebSocket close from the client.
                case CLOSING -> "closed by client as the server was closing";
                case HALF_CLOSING -> "closed by client after DISCONNECT";
                default -> "connection closed by client";
            });
            return false;
        }
        if (c.state == Connection.State.CLOSED) return false;
        if (c.packetBegan != 0) wake(c, c.packetBegan + config.packetTimeout().toNanos());
        if (c.hasPendingOutput()) dirty.add(c);
        return true;
    }

    /** Goes on with {@code c} after its transport finished work off the loop (a TLS task); any thread. */
    void resume(Connection<C> c) {
        execute(() -> {
            if (c.state != Connection.State.CLOSED) serve(c, true, true);
        });
    }

    @Override
    public void packet(Connection<C> c, Packet p) {
        c.lastReceived = System.nanoTime();
        try {
            handler.received(c.client, p);
        } catch (RuntimeException e) {
            handler.internalError(c.client, p, e);
        }
    }

    @Override
    public void malformed(Connection<C> c, MalformedPacketException e) {
        handler.malformed(c.client, e);
    }

    @Override
    public void discarded(Connection<C> c) {
        handler.discarded(c.client);
    }

    /** Called by {@link Connection#send}. */
    void sent(Connection<C> c) {
        dirty.add(c);
    }

    /** Sets when {@code c} expires. */
    void deadline(Connection<C> c, long at) {
        c.deadline = at;
        wake(c, at);
    }

    /** Keeps one live queue entry per connection, moved only when earlier. */
    private void wake(Connection<C> c, long at) {
        if (at < c.scheduledAt) {
            c.scheduledAt = at;
            deadlines.add(new Deadline<>(at, c));
        }
    }

    /** Expires the connections whose deadline has passed. */
    private void expire(long now) {
        while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
            Deadline<C> d = deadlines.poll();
            Connection<C> c = d.connection();
            if (c.state == Connection.State.CLOSED || d.at() != c.scheduledAt) continue;
            c.scheduledAt = Long.MAX_VALUE;
            long packetDue = c.packetBegan == 0 ? Long.MAX_VALUE : c.packetBegan + config.packetTimeout().toNanos();
            long due = Math.min(c.deadline == 0 ? Long.MAX_VALUE : c.deadline, packetDue);
            if (due == Long.MAX_VALUE) continue;
            if (due > now) {
                wake(c, due);
            } else if (packetDue <= now) {
                handler.packetTimedOut(c.client);
            } else {
                handler.expired(c.client);
            }
        }
    }

    @Override
    public void schedule(long delayNanos, Runnable task) {
        timers.add(new Timer(System.nanoTime() + delayNanos, timerSeq++, task));
    }

    private void runTimers(long now) {
        while (!timers.isEmpty() && timers.peek().at() <= now) timers.poll().task().run();
    }

    /** Milliseconds select may wait for the next deadline or timer; 0 waits until woken. */
    private long untilNextDeadline(long now) {
        long next = Long.MAX_VALUE;
        if (!deadlines.isEmpty()) next = deadlines.peek().at();
        if (!timers.isEmpty()) next = Math.min(next, timers.peek().at());
        if (next == Long.MAX_VALUE) return 0;
        return Math.max(1, (next - now + 999_999) / 1_000_000);
    }

    private void flushDirty() {
        while (!dirty.isEmpty()) {
            List<Connection<C>> batch = new ArrayList<>(dirty);
            dirty.clear();
            for (Connection<C> c : batch) {
                if (c.state != Connection.State.CLOSED) flush(c);
            }
        }
    }

    private void flush(Connection<C> c) {
        try {
            boolean done = c.flush();
            if (!done && c.pendingOutput() > config.maxOutputBytes()) {
                handler.tooSlow(c.client);
                return;
            }
            if (c.key.isValid()) {
                int ops = c.key.interestOps();
                c.key.interestOps(c.waitsForSocket() ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE);
            }
            if (c.state == Connection.State.OPEN) handler.outputDrained(c.client);
            boolean closing = c.state == Connection.State.CLOSING;
            if (done && (closing || c.state == Connection.State.HALF_CLOSING) && !c.outputShutdown) {
                // Half-close so the client sees our last packet, then wait for its end of stream.
                c.outputShutdown = true;
                c.shutdownOutput();
                if (closing) deadline(c, System.nanoTime() + 1_000_000_000L);
            }
        } catch (IOException e) {
            close(c, "network error: " + e.getMessage());
        }
    }

    /** Sends what is queued, then closes after a short grace period; input is discarded meanwhile. */
    void closeAfterOutput(Connection<C> c) {
        if (c.state == Connection.State.CLOSED) return;
        c.state = Connection.State.CLOSING;
        c.packetBegan = 0;
        dirty.add(c);
        deadline(c, System.nanoTime() + 5_000_000_000L);
    }

    /**
     * After DISCONNECT: sends what is queued, then half-closes (the server SHOULD close, and the client sees it),
     * still reading until the client closes or the deadline the caller set.
     */
    void shutdownOutputAfterDisconnect(Connection<C> c) {
        if (c.state == Connection.State.CLOSED) return;
        c.state = Connection.State.HALF_CLOSING;
        dirty.add(c);
    }

    /** Closes the socket now and tells the handler, which decides about wills and sessions. */
    void close(Connection<C> c, String reason) {
        if (c.state == Connection.State.CLOSED) return;
        c.state = Connection.State.CLOSED;
        if (c.openPrevious != null) c.openPrevious.openNext = c.openNext;
        else openFirst = c.openNext;
        if (c.openNext != null) c.openNext.openPrevious = c.openPrevious;
        else openLast = c.openPrevious;
        c.openPrevious = c.openNext = null;
        openCount--;
        dirty.remove(c);
        c.key.cancel();
        c.closeTransport();
        handler.closed(c.client, reason);
        c.release();
    }

    /** The buffer connections read into; a connection keeps its own copy of only a partial packet's bytes. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    public List<Listener> listeners() {
        return listeners;
    }

    /** Open connections; loop thread only. */
    public int openConnections() {
        return openCount;
    }

    /** Connections closed at accept for the connection limit since the start; any thread. */
    public long refused() {
        return limit.refused();
    }
}
