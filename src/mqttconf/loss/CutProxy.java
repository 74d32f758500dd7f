package mqttconf.loss;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 that forwards to a target and, while cutting is on, breaks connections at random
 * moments. The gaps between cuts are exponential with the given mean; which connection, which direction and
 * where in the next chunk of bytes the cut falls all come from one seeded {@link Random}, so a seed gives the
 * same schedule of cuts (thread timing still decides which bytes are in flight at that moment). A cut
 * forwards a prefix of the next chunk, often ending inside a packet, then closes both sockets.
 */
final class CutProxy implements AutoCloseable {
    /** How long an armed cut waits for bytes to flow before the connection is closed where it stands. */
    private static final Duration ARM_WAIT = Duration.ofMillis(100);
    private static final int MAX_LINKS = 1024;

    private final InetSocketAddress target;
    private final Random random;
    private final int meanCutMillis;
    private final ServerSocket listener;
    private final Map<Integer, Link> links = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextLinkId = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger midPacketCuts = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Object cutting = new Object();
    private volatile boolean cuttingOn;
    private volatile boolean closed;
    private final List<Thread> threads = new ArrayList<>();

    CutProxy(InetSocketAddress target, long seed, int meanCutMillis) throws IOException {
        this.target = target;
        this.random = new Random(seed);
        this.meanCutMillis = meanCutMillis;
        this.listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.add(Thread.ofVirtual().name("cutproxy-accept").start(this::acceptLoop));
        threads.add(Thread.ofVirtual().name("cutproxy-cutter").start(this::cutLoop));
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Starts or stops cutting; the schedule continues where it stopped. */
    void cutting(boolean on) {
        synchronized (cutting) {
            cuttingOn = on;
            cutting.notifyAll();
        }
    }

    int cuts() {
        return cuts.get();
    }

    int midPacketCuts() {
        return midPacketCuts.get();
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (links.size() >= MAX_LINKS) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("cutproxy-connect").start(() -> open(client));
        }
    }

    private void open(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(target, 2000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        Link link = new Link(nextLinkId.incrementAndGet(), client, server);
        links.put(link.id, link);
        if (closed) {
            link.close();
            return;
        }
        Thread.ofVirtual().name("cutproxy-up-" + link.id).start(() -> link.pump(0, client, server));
        Thread.ofVirtual().name("cutproxy-down-" + link.id).start(() -> link.pump(1, server, client));
    }

    private void cutLoop() {
        try {
            while (!closed) {
                synchronized (cutting) {
                    while (!cuttingOn && !closed) {
                        cutting.wait(200);
                    }
                }
                long gap = Math.round(-meanCutMillis * Math.log(1 - random.nextDouble()));
                int pick = random.nextInt(1 << 20);
                int direction = random.nextInt(2);
                double fraction = random.nextDouble();
                Thread.sleep(Math.max(1, gap));
                if (!cuttingOn || closed) {
                    continue;
                }
                List<Link> open = new ArrayList<>(links.values());
                if (open.isEmpty()) {
                    continue;
                }
                Link link = open.get(pick % open.size());
                link.armed = new Cut(direction, fraction);
                long deadline = System.nanoTime() + ARM_WAIT.toNanos();
                while (!link.isClosed() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
                link.cut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        cutting(false);
        closeQuietly(listener);
        for (Link l : links.values()) {
            l.close();
        }
        for (Thread t : threads) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private record Cut(int direction, double fraction) { }

    private final class Link {
        final int id;
        final Socket client;
        final Socket server;
        final FrameTracker[] trackers = {new FrameTracker(), new FrameTracker()};
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicInteger directionsDone = new AtomicInteger();
        volatile Cut armed;

        Link(int id, Socket client, Socket server) {
            this.id = id;
            this.client = client;
            this.server = server;
        }

        void pump(int direction, Socket from, Socket to) {
            byte[] buf = new byte[16 * 1024];
            FrameTracker tracker = trackers[direction];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (true) {
                    int n = in.read(buf);
                    if (n < 0) {
                        // Half-close: pass the end of stream on and let the other direction finish.
                        to.shutdownOutput();
                        if (directionsDone.incrementAndGet() == 2) {
                            close();
                        }
                        return;
                    }
                    Cut c = armed;
                    if (c != null && c.direction == direction) {
                        int k = (int) (c.fraction * n);
                        out.write(buf, 0, k);
                        out.flush();
                        tracker.feed(buf, 0, k);
                        cut();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    tracker.feed(buf, 0, n);
                }
            } catch (IOException e) {
                // the other side or a cut closed the connection
            }
            close();
        }

        boolean isClosed() {
            return done.get();
        }

        /** Closes both sockets and counts one cut, unless the connection had already ended. */
        void cut() {
            if (done.compareAndSet(false, true)) {
                cuts.incrementAndGet();
                if (!trackers[0].atBoundary() || !trackers[1].atBoundary()) {
                    midPacketCuts.incrementAndGet();
                }
                shut();
            }
        }

        void close() {
            if (done.compareAndSet(false, true)) {
                shut();
            }
        }

        private void shut() {
            links.remove(id);
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
