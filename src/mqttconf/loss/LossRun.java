package mqttconf.loss;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import mqttconf.util.Reasons;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet.Subscription;

/**
 * One connection-loss run: set up every client without cuts, start cutting, publish, stop cutting, let every
 * flow finish (drain), wait briefly for late duplicates, then compare what was completed with what arrived.
 */
final class LossRun {
    static final String TOPIC_PREFIX = "mqttconf/loss/";
    /** After every message has arrived, how long to keep listening for duplicates. */
    static final Duration QUIET = Duration.ofMillis(300);

    /** Setup could not complete: the target is unreachable or refused us. One line, exit code 2. */
    static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        SetupException(String message) {
            super(message);
        }
    }

    /** What the report shows. {@code failures} are clients that stopped for a reason other than a cut. */
    record Result(List<Ledger.Totals> totals, int cuts, int midPacketCuts, int proxyConnections, int reconnects,
                  int sessionsLost, int unexpectedAcks, long foreign, boolean drained, List<String> examples,
                  List<String> failures, Duration publishing, Duration draining, boolean interrupted) {
        boolean perfect() {
            return failures.isEmpty() && totals.stream().allMatch(Ledger.Totals::perfect);
        }
    }

    private final LossMode.Settings settings;
    private final Ledger ledger = new Ledger();
    private final List<LossClient> publishers = new ArrayList<>();
    private final List<LossClient> subscribers = new ArrayList<>();
    private volatile boolean stopPublishing;
    private volatile boolean stopSubscribers;
    private volatile long publishStartNanos;
    /** Set by {@link #interrupt}: publishing stops, a short drain, then the results and the clean-up. */
    private volatile boolean interrupted;
    /** An interrupted run drains at most this long, so that Ctrl-C ends within seconds. */
    private static final Duration INTERRUPTED_DRAIN = Duration.ofSeconds(3);

    LossRun(LossMode.Settings settings) {
        this.settings = settings;
    }

    /** Ends the run early (Ctrl-C): it still drains briefly, reports and removes its sessions. */
    void interrupt() {
        interrupted = true;
        stopPublishing = true;
    }

    Result execute(PrintStream out) throws SetupException, InterruptedException {
        LossMode.Settings s = settings;
        probe(s.host(), s.port());
        CutProxy proxy;
        try {
            proxy = new CutProxy(new InetSocketAddress(s.host(), s.port()), s.seed(), s.cutIntervalMs());
        } catch (IOException e) {
            throw new SetupException("cannot open the proxy on 127.0.0.1: " + Reasons.of(e));
        }
        List<LossClient> all = new ArrayList<>();
        try (proxy) {
            String via = "127.0.0.1";
            String topics = TOPIC_PREFIX + s.runId() + "/";
            String ids = "mqloss" + s.runId() + "-";
            List<Subscription> subs = new ArrayList<>();
            for (int q : s.levels()) {
                subs.add(new Subscription(topics + "q" + q + "/#", q));
            }
            for (int i = 0; i < s.subscribers(); i++) {
                subscribers.add(LossClient.subscriber(ids + "s" + i, via, proxy.port(), ledger, subs));
            }
            for (int q : s.levels()) {
                for (int i = 0; i < s.publishers(); i++) {
                    publishers.add(LossClient.publisher(ids + "p" + q + "-" + i, via, proxy.port(), ledger,
                            topics + "q" + q + "/pub" + i, q));
                }
            }
            all.addAll(subscribers);
            all.addAll(publishers);
            List<TestClient> first = new ArrayList<>();
            try {
                for (LossClient c : all) {
                    first.add(c.setUp());
                }
            } catch (IOException e) {
                first.forEach(TestClient::close);
                throw new SetupException("setup failed: " + Reasons.of(e));
            }
            return exercise(proxy, all, first, out);
        } finally {
            for (LossClient c : all) {
                c.cleanUp(s.host(), s.port());
            }
        }
    }

    private Result exercise(CutProxy proxy, List<LossClient> all, List<TestClient> first, PrintStream out)
            throws InterruptedException {
        LossMode.Settings s = settings;
        long start = System.nanoTime();
        long publishEnd = start + Duration.ofSeconds(s.seconds()).toNanos();
        long drainEnd = publishEnd + Duration.ofSeconds(s.drainSeconds()).toNanos();
        final long hardEnd = drainEnd + QUIET.toNanos() + Duration.ofSeconds(2).toNanos();
        Progress progress = new Progress(out, proxy, start);
        publishStartNanos = start;
        LossClient.Plan plan = new LossClient.Plan() {
            @Override
            public boolean maySend(int seq) {
                if (stopPublishing || seq >= s.messages()) {
                    return false;
                }
                return s.rate() == 0 || System.nanoTime() - publishStartNanos >= seq * 1_000_000_000L / s.rate();
            }

            @Override
            public boolean finished(LossClient c) {
                if (!c.isPublisher()) {
                    return stopSubscribers;
                }
                return (stopPublishing || c.sent() >= s.messages()) && c.inFlight() == 0;
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            LossClient c = all.get(i);
            TestClient conn = first.get(i);
            threads.add(Thread.ofVirtual().name("loss-" + c.clientId()).start(() -> c.run(conn, plan, hardEnd)));
        }
        proxy.cutting(true);
        while (System.nanoTime() < publishEnd && !interrupted
                && !publishers.stream().allMatch(p -> p.sent() >= s.messages())) {
            progress.maybePrint("publishing");
            Thread.sleep(20);
        }
        stopPublishing = true;
        proxy.cutting(false);
        long drainStart = System.nanoTime();
        if (interrupted) drainEnd = Math.min(drainEnd, drainStart + INTERRUPTED_DRAIN.toNanos());
        int pubCount = publishers.size();
        boolean drained = false;
        while (System.nanoTime() < drainEnd) {
            progress.maybePrint("draining");
            if (threads.subList(subscribers.size(), subscribers.size() + pubCount).stream().noneMatch(Thread::isAlive)
                    && ledger.allDelivered()) {
                drained = true;
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(QUIET.toMillis());
        stopSubscribers = true;
        for (Thread t : threads) {
            t.join(Duration.ofNanos(Math.max(1_000_000, hardEnd - System.nanoTime())));
        }
        long end = System.nanoTime();
        return result(proxy, all, drained, Duration.ofNanos(drainStart - start), Duration.ofNanos(end - drainStart));
    }

    /** A line a second while the run goes on: what was sent and received, cuts and reconnects so far. */
    private final class Progress {
        private final PrintStream out;
        private final CutProxy proxy;
        private final long start;
        private long next;

        Progress(PrintStream out, CutProxy proxy, long start) {
            this.out = out;
            this.proxy = proxy;
            this.start = start;
            this.next = start + 1_000_000_000L;
        }

        void maybePrint(String phase) {
            long now = System.nanoTime();
            if (now < next) return;
            next = now + 1_000_000_000L;
            long sent = 0, received = 0;
            for (int q : settings.levels()) {
                Ledger.Totals t = ledger.totals(q);
                sent += t.sent();
                received += t.received();
            }
            int reconnects = 0;
            for (LossClient c : publishers) reconnects += c.reconnects();
            for (LossClient c : subscribers) reconnects += c.reconnects();
            out.printf("%4d s  %-10s  sent %d  received %d  cuts %d  reconnects %d%n", (now - start) / 1_000_000_000L,
                    phase, sent, received, proxy.cuts(), reconnects);
        }
    }

    private Result result(CutProxy proxy, List<LossClient> all, boolean drained, Duration publishing,
                          Duration draining) {
        List<Ledger.Totals> totals = settings.levels().stream().map(ledger::totals).toList();
        int reconnects = 0, sessionsLost = 0, unexpectedAcks = 0;
        List<String> failures = new ArrayList<>();
        for (LossClient c : all) {
            reconnects += c.reconnects();
            sessionsLost += c.sessionsLost();
            unexpectedAcks += c.unexpectedAcks();
            if (c.failure() != null) {
                failures.add(c.failure());
            }
        }
        List<String> lostExamples = new ArrayList<>();
        for (String sub : ledger.subscribers()) {
            for (String stream : ledger.streams()) {
                List<Integer> lost = ledger.lost(sub, stream, 5);
                if (!lost.isEmpty() && lostExamples.size() < 10) {
                    lostExamples.add(sub + " never received " + stream + " " + lost);
                }
            }
        }
        lostExamples.addAll(ledger.examples());
        return new Result(totals, proxy.cuts(), proxy.midPacketCuts(), proxy.connectionsAccepted(), reconnects,
                sessionsLost, unexpectedAcks, ledger.foreign(), drained, lostExamples, failures, publishing,
                draining, interrupted);
    }

    /** Fails with one line if nothing accepts TCP connections at the target. */
    static void probe(String host, int port) throws SetupException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
        } catch (IOException e) {
            throw new SetupException("cannot connect to " + host + ":" + port + ": " + Reasons.of(e));
        }
    }
}
