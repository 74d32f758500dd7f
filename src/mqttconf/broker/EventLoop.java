package mqttconf.broker;

import java.io.IOException;
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
 * {@link ProtocolHandler}, writes pending output once per turn, and expires connections whose deadline passed
 * (keep alive, CONNECT wait, closing, a packet begun and not finished). Other threads only {@link #execute} tasks
 * on it.
 */
final class EventLoop implements Runnable, Connection.PacketSink {
    private record Deadline(long at, Connection connection) { }

    private record Timer(long at, long seq, Runnable task) { }

    private final Selector selector;
    private final List<Listener> listeners;
    private final BrokerConfig config;
    private final BrokerLog log;
    final ConnectionLimit limit;
    private ProtocolHandler handler;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::at).thenComparingLong(Timer::seq));
    private long timerSeq;
    private final Set<Connection> dirty = new LinkedHashSet<>();
    private final Set<Connection> open = new LinkedHashSet<>();
    private long nextConnectionId = 1;
    private volatile boolean running = true;

    EventLoop(List<Listener> listeners, BrokerConfig config, BrokerLog log) throws IOException {
        this.selector = Selector.open();
        this.listeners = List.copyOf(listeners);
        this.config = config;
        this.log = log;
        this.limit = new ConnectionLimit(config.maxConnections(), log);
        for (Listener l : listeners) l.server.register(selector, SelectionKey.OP_ACCEPT, l);
    }

    void handler(ProtocolHandler h) {
        this.handler = h;
    }

    /** Runs {@code task} on the loop thread at its next turn; callable from any thread. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Makes {@link #run} return after closing every connection and the listening socket. */
    void stop() {
        execute(() -> running = false);
    }

    @Override
    public void run() {
        try {
            long wait = 0;
            while (running) {
                selector.select(wait);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) continue;
                    if (key.isAcceptable()) accept((Listener) key.attachment());
                    else ready((Connection) key.attachment(), key);
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
            for (Connection c : List.copyOf(open)) close(c, "broker stopping");
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
            if (!limit.admit(open.size())) {
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
        ch.socket().setTcpNoDelay(true);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        Connection c = new Connection(nextConnectionId++, ch, key, this, config.maxPacketSize(), listener);
        key.attach(c);
        open.add(c);
        deadline(c, System.nanoTime() + config.connectTimeout().toNanos());
        handler.accepted(c);
    }

    private void ready(Connection c, SelectionKey key) {
        serve(c, key.isReadable(), key.isWritable());
    }

    private void serve(Connection c, boolean read, boolean write) {
        try {
            if (read && !input(c)) return;
            if (c.state != Connection.State.CLOSED && c.key.isValid() && write) flush(c);
        } catch (Transport.Closing e) {
            log.info(c.name() + ": " + e.getMessage() + "; closing");
            // A WebSocket close after DISCONNECT is the client closing its connection [MQTT-3.14.4-1].
            if (c.state == Connection.State.AFTER_DISCONNECT) handler.closedByClientAfterDisconnect(c);
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
    private boolean input(Connection c) throws IOException {
        if (!c.read(this)) {
            if (c.state == Connection.State.AFTER_DISCONNECT) handler.closedByClientAfterDisconnect(c);
            close(c, switch (c.state) {
                // No client id: refused at CONNECT; else the server was ending it (a WebSocket close, an exercise).
                case CLOSING -> c.clientId == null ? "closed by client after rejection" : "closed by client as the server was closing";
                case AFTER_DISCONNECT -> "closed by client after DISCONNECT";
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
    void resume(Connection c) {
        execute(() -> {
            if (c.state != Connection.State.CLOSED) serve(c, true, true);
        });
    }

    @Override
    public void packet(Connection c, Packet p) {
        if (config.verbose()) log.info("<- " + c.name() + " " + p);
        long now = System.nanoTime();
        c.lastReceived = now;
        c.silenceRecorded = false;
        if (c.keepAliveSeconds > 0) c.deadline = now + c.keepAliveSeconds * 1_500_000_000L;
        try {
            handler.received(c, p);
        } catch (RuntimeException e) {
            handler.internalError(c, p, e);
        }
    }

    @Override
    public void malformed(Connection c, MalformedPacketException e) {
        handler.malformed(c, e);
    }

    /** Called by {@link Connection#send}. */
    void sent(Connection c, Packet p) {
        if (config.verbose()) log.info("-> " + c.name() + " " + p);
        dirty.add(c);
    }

    /** Sets when {@code c} expires. */
    void deadline(Connection c, long at) {
        c.deadline = at;
        wake(c, at);
    }

    /** Keeps one live queue entry per connection, moved only when earlier. */
    private void wake(Connection c, long at) {
        if (at < c.scheduledAt) {
            c.scheduledAt = at;
            deadlines.add(new Deadline(at, c));
        }
    }

    /** Expires the connections whose deadline has passed. */
    private void expire(long now) {
        while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
            Deadline d = deadlines.poll();
            Connection c = d.connection();
            if (c.state == Connection.State.CLOSED || d.at() != c.scheduledAt) continue;
            c.scheduledAt = Long.MAX_VALUE;
            long packetDue = c.packetBegan == 0 ? Long.MAX_VALUE : c.packetBegan + config.packetTimeout().toNanos();
            long due = Math.min(c.deadline == 0 ? Long.MAX_VALUE : c.deadline, packetDue);
            if (due == Long.MAX_VALUE) continue;
            if (due > now) {
                wake(c, due);
            } else if (packetDue <= now) {
                handler.packetTimedOut(c);
            } else {
                handler.expired(c);
            }
        }
    }

    /** Runs {@code task} on the loop thread once {@code delayNanos} have passed. Loop thread only. */
    void schedule(long delayNanos, Runnable task) {
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
            List<Connection> batch = new ArrayList<>(dirty);
            dirty.clear();
            for (Connection c : batch) {
                if (c.state != Connection.State.CLOSED) flush(c);
            }
        }
    }

    private void flush(Connection c) {
        try {
            boolean done = c.flush();
            if (!done && c.pendingOutput() > config.maxOutputBytes()) {
                handler.tooSlow(c);
                return;
            }
            if (c.key.isValid()) {
                int ops = c.key.interestOps();
                c.key.interestOps(c.waitsForSocket() ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE);
            }
            if (c.state == Connection.State.CONNECTED) handler.outputDrained(c);
            boolean closing = c.state == Connection.State.CLOSING;
            if (done && (closing || c.state == Connection.State.AFTER_DISCONNECT) && !c.outputShutdown) {
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
    void closeAfterOutput(Connection c) {
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
    void shutdownOutputAfterDisconnect(Connection c) {
        c.state = Connection.State.AFTER_DISCONNECT;
        dirty.add(c);
    }

    /** Closes {@code c} later in this turn, when no packet of any connection is being handled. */
    void closeSoon(Connection c, String reason) {
        execute(() -> close(c, reason));
    }

    /** Closes the socket now and tells the handler, which decides about wills and sessions. */
    void close(Connection c, String reason) {
        if (c.state == Connection.State.CLOSED) return;
        c.state = Connection.State.CLOSED;
        open.remove(c);
        dirty.remove(c);
        c.key.cancel();
        c.closeTransport();
        handler.closed(c, reason);
        c.release();
    }

    List<Listener> listeners() {
        return listeners;
    }

    /** The open connections; loop thread only. */
    Set<Connection> connections() {
        return open;
    }

    int openConnections() {
        return open.size();
    }
}
