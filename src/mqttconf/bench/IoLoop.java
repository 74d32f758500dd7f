package mqttconf.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One selector thread driving many {@link LoadClient}s. Connections are opened a bounded number at a time so
 * that ten thousand of them do not overrun the broker's listen backlog. Rate-limited publishers are topped up on
 * a 1 ms tick; unlimited ones whenever their socket takes more.
 */
final class IoLoop implements Runnable {
    private static final int MAX_CONNECTING = 128;

    private final LoadRun run;
    private final Selector selector;
    private final List<LoadClient> clients = new ArrayList<>();
    private final List<LoadClient> publishers = new ArrayList<>();
    private final ArrayDeque<LoadClient> toConnect = new ArrayDeque<>();
    private final Thread thread;
    private int connecting;
    /** When a message of this run last arrived here. */
    volatile long lastReceive;

    IoLoop(LoadRun run, String name) throws IOException {
        this.run = run;
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    /** Before {@link #start}: hands a client to this loop. */
    void add(LoadClient c) {
        clients.add(c);
        toConnect.add(c);
        if (c.role == LoadClient.Role.PUBLISHER) publishers.add(c);
    }

    List<LoadClient> clients() {
        return clients;
    }

    void start() {
        thread.start();
    }

    void wakeup() {
        selector.wakeup();
    }

    /** Waits up to {@code millis} for the thread to end; true if it did. */
    boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    void clientReady() {
        connecting--;
        run.ready.incrementAndGet();
    }

    @Override
    public void run() {
        boolean wasPublishing = false;
        long nextKeepAlive = System.nanoTime();
        try {
            while (!run.stopped && run.failure.get() == null) {
                openConnections();
                boolean publishing = run.publishing;
                boolean pacing = publishing && run.config.rate() > 0
                        || !toConnect.isEmpty() && run.config.client().connectRate() > 0;
                selector.select(this::handle, pacing ? 1 : 50);
                long tick = System.nanoTime();
                if (run.config.client().keepAlive() > 0 && tick >= nextKeepAlive) {
                    nextKeepAlive = tick + 200_000_000L;
                    for (LoadClient c : clients) {
                        try {
                            c.keepAlive(tick);
                        } catch (IOException e) {
                            run.fail(c, e);
                        }
                    }
                }
                if (publishing && (!wasPublishing || run.config.rate() > 0)) {
                    long now = System.nanoTime();
                    for (LoadClient p : publishers) {
                        try {
                            p.produce(now);
                        } catch (IOException e) {
                            run.fail(p, e);
                        }
                    }
                }
                if (!publishing && wasPublishing) {
                    for (LoadClient p : publishers) handleQuietly(p);
                }
                wasPublishing = publishing;
            }
        } catch (IOException | RuntimeException e) {
            run.fail(null, e);
        } finally {
            for (LoadClient c : clients) c.close();
            try {
                selector.close();
            } catch (IOException ignored) {
                // the loop is over either way
            }
        }
    }

    private void openConnections() {
        while (connecting < MAX_CONNECTING && !toConnect.isEmpty() && run.mayConnect(System.nanoTime())) {
            LoadClient c = toConnect.poll();
            connecting++;
            try {
                c.connect(this, selector);
            } catch (IOException e) {
                run.fail(c, e);
                return;
            }
        }
    }

    private void handle(SelectionKey key) {
        LoadClient c = (LoadClient) key.attachment();
        try {
            if (key.isValid()) c.onReady(key.readyOps());
        } catch (IOException e) {
            run.fail(c, e);
        }
    }

    /** Lets a publisher drop its wish for room once publishing has stopped. */
    private void handleQuietly(LoadClient p) {
        try {
            p.produce(System.nanoTime());
        } catch (IOException e) {
            run.fail(p, e);
        }
    }
}
