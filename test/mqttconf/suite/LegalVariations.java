package mqttconf.suite;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;
import mqttconf.codec.TopicRules;
import mqttconf.suite.FaultProxy.Fault;
import mqttconf.suite.FaultProxy.Link;

/**
 * Server behaviour the standard allows, put between the suite and a correct server by {@link FaultProxy}: the
 * suite must not mistake any of it for a deviation. Random choices come from a seed per connection.
 */
final class LegalVariations {
    /** Bytes at the start of each packet written in pieces of 1 to 3 (fixed header, lengths, packet id). */
    private static final int HEADER_BYTES = 64;

    private LegalVariations() {
    }

    /**
     * TCP delivers a byte stream (4.2): each packet is written in small pieces (1 to 3 bytes near its start,
     * up to 512 later), each its own segment.
     */
    static final class Fragment extends Fault {
        private final Random random;

        Fragment(long seed) {
            this.random = new Random(seed);
        }

        @Override
        void toClient(List<Packet> packets, Link link) throws IOException {
            for (Packet p : packets) {
                link.toClientInPieces(Encoder.encode(p),
                        off -> off < HEADER_BYTES ? 1 + random.nextInt(3) : 1 + random.nextInt(512));
            }
        }
    }

    /** Several packets in one write: up to four are gathered, or what came within 3 ms. */
    static final class Coalesce extends Fault {
        private final List<Packet> gathered = new ArrayList<>();

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            gathered.add(p);
            return gathered.size() < 4 ? List.of() : release();
        }

        @Override
        synchronized List<Packet> release() {
            List<Packet> all = List.copyOf(gathered);
            gathered.clear();
            return all;
        }

        @Override
        synchronized boolean holding() {
            return !gathered.isEmpty();
        }

        @Override
        Duration hold() {
            return Duration.ofMillis(3);
        }
    }

    /** A busy server or network: one packet in four waits 0 to 20 ms before it is written; order is kept. */
    static final class Jitter extends Fault {
        private final Random random;

        Jitter(long seed) {
            this.random = new Random(seed);
        }

        @Override
        void toClient(List<Packet> packets, Link link) throws IOException {
            if (packets.isEmpty()) return;
            if (random.nextInt(4) == 0) {
                try {
                    Thread.sleep(random.nextInt(21));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("proxy closing");
                }
            }
            super.toClient(packets, link);
        }
    }

    /**
     * A server supporting QoS 0 and 1 only, as [MQTT-3.8.4-6] allows ("might grant a lower maximum QoS"): SUBACK
     * grants at most 1 and QoS 2 messages reach subscribers at QoS 1. Behind it the real server still delivers at
     * QoS 2, so the proxy completes that flow itself: the client's PUBACK becomes PUBREC, the server's PUBREL is
     * answered with PUBCOMP. The client's own publishes pass unchanged: QoS 2 PUBLISHes are still accepted.
     */
    static final class MaxQos1 extends Fault {
        private final Set<Integer> downgraded = new HashSet<>();

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) throws IOException {
            return switch (p) {
                case SubAck a -> List.of(new SubAck(a.packetId(),
                        a.returnCodes().stream().map(rc -> rc == SubAck.FAILURE ? rc : Math.min(rc, 1)).toList()));
                case Publish x when x.qos() == 2 -> {
                    downgraded.add(x.packetId());
                    yield List.of(x.withQos(1, x.packetId()));
                }
                // The client never saw a QoS 2 delivery, so every PUBREL belongs to a downgraded one.
                case PubRel r -> {
                    link.toServer(new PubComp(r.packetId()));
                    yield List.of();
                }
                default -> List.of(p);
            };
        }

        @Override
        synchronized boolean fromClient(Packet p, Link link) throws IOException {
            if (p instanceof PubAck a && downgraded.remove(a.packetId())) {
                link.toServer(new PubRec(a.packetId()));
                return false;
            }
            return true;
        }
    }

    /**
     * A server refusing every wildcard subscription with 0x80, as [MQTT-3.8.3-2] allows ("If the Server chooses
     * not to support topic filters that contain wildcard characters it MUST reject any Subscription request whose
     * filter contains them"): wildcard filters never reach the server. A
     * SUBSCRIBE of wildcards alone becomes a PINGREQ, whose PINGRESP becomes the SUBACK, so the SUBACK keeps its
     * place among the server's replies. Malformed filters pass, for the server to close on.
     */
    static final class NoWildcards extends Fault {
        private static final SubAck OWN = new SubAck(1, List.of(0));
        /** For each PINGREQ sent on, in order: null for the client's own, else the SUBACK its PINGRESP stands for. */
        private final Queue<SubAck> pingResps = new ArrayDeque<>();
        /** Per packet id of a SUBSCRIBE sent on without its wildcards: which of its filters were wildcards. */
        private final Map<Integer, List<Boolean>> refused = new HashMap<>();

        @Override
        synchronized boolean fromClient(Packet p, Link link) throws IOException {
            if (p instanceof PingReq) {
                pingResps.add(OWN);
                return true;
            }
            if (!(p instanceof Subscribe s) || !allValid(s) || s.subscriptions().stream().noneMatch(NoWildcards::wild)) {
                return true;
            }
            List<Subscription> kept = s.subscriptions().stream().filter(x -> !wild(x)).toList();
            if (kept.isEmpty()) {
                pingResps.add(new SubAck(s.packetId(), s.subscriptions().stream().map(x -> SubAck.FAILURE).toList()));
                link.toServer(new PingReq());
            } else {
                refused.put(s.packetId(), s.subscriptions().stream().map(NoWildcards::wild).toList());
                link.toServer(new Subscribe(s.packetId(), kept));
            }
            return false;
        }

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (p instanceof PingResp) {
                SubAck instead = pingResps.poll();
                return List.of(instead == null || instead == OWN ? p : instead);
            }
            if (!(p instanceof SubAck a) || !refused.containsKey(a.packetId())) return List.of(p);
            List<Integer> codes = new ArrayList<>();
            int next = 0;
            for (boolean wild : refused.remove(a.packetId())) codes.add(wild ? SubAck.FAILURE : a.returnCodes().get(next++));
            return List.of(new SubAck(a.packetId(), codes));
        }

        private static boolean wild(Subscription s) {
            return TopicRules.hasWildcard(s.filter());
        }

        private static boolean allValid(Subscribe s) {
            try {
                for (Subscription x : s.subscriptions()) TopicRules.checkFilter(x.filter());
                return true;
            } catch (MalformedPacketException e) {
                return false;
            }
        }
    }

    /**
     * "The Server is permitted to start sending PUBLISH Packets matching the Subscription before the Server sends
     * the SUBACK Packet" (3.8.4): each SUBACK is held back while PUBLISHes matching a filter it grants follow it,
     * and sent after them (before the first other packet, after 16 of them, or after 10 ms of quiet: a '#'
     * subscription on a broker busy with other runs may never see 10 ms of quiet).
     */
    static final class PublishBeforeSubAck extends Fault {
        private static final int MAX_AHEAD = 16;
        private final Map<Integer, List<String>> filters = new HashMap<>();
        private SubAck held;
        private List<String> heldFilters = List.of();
        private int ahead;

        @Override
        synchronized boolean fromClient(Packet p, Link link) {
            if (p instanceof Subscribe s) filters.put(s.packetId(), s.subscriptions().stream().map(Subscription::filter).toList());
            return true;
        }

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (held != null) {
                if (p instanceof Publish x && ahead < MAX_AHEAD && heldFilters.stream().anyMatch(f -> TopicRules.matches(f, x.topic()))) {
                    ahead++;
                    return List.of(p);
                }
                List<Packet> out = new ArrayList<>(release());
                return appendAndHold(out, p);
            }
            return appendAndHold(new ArrayList<>(), p);
        }

        private List<Packet> appendAndHold(List<Packet> out, Packet p) {
            List<String> f = p instanceof SubAck a ? filters.remove(a.packetId()) : null;
            if (f == null) {
                out.add(p);
                return out;
            }
            SubAck a = (SubAck) p;
            List<String> granted = new ArrayList<>();
            for (int i = 0; i < f.size() && i < a.returnCodes().size(); i++) {
                if (a.returnCodes().get(i) != SubAck.FAILURE) granted.add(f.get(i));
            }
            if (granted.isEmpty()) {
                out.add(p);
            } else {
                held = a;
                heldFilters = granted;
                ahead = 0;
            }
            return out;
        }

        @Override
        synchronized List<Packet> release() {
            if (held == null) return List.of();
            SubAck a = held;
            held = null;
            return List.of(a);
        }

        @Override
        synchronized boolean holding() {
            return held != null;
        }

        @Override
        Duration hold() {
            return Duration.ofMillis(10);
        }
    }

    /**
     * A server closing a connection that never got CONNACK 0 (no valid CONNECT) only on its handshake timeout:
     * the client sees the close 10 s late. The standard sets no deadline for a close.
     */
    static final class LateHandshakeClose extends Fault {
        private volatile boolean accepted;

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (p instanceof ConnAck a && a.returnCode() == ConnAck.ACCEPTED) accepted = true;
            return List.of(p);
        }

        @Override
        Duration closeDelay() {
            return accepted ? Duration.ZERO : Duration.ofSeconds(10);
        }
    }

    /**
     * A server that answers, then closes: when it closes a connection it had accepted, the client first gets a
     * PINGRESP. A close after a reply is still a close [MQTT-4.8.0-1].
     */
    static final class ReplyThenClose extends Fault {
        private volatile boolean accepted;

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (p instanceof ConnAck a && a.returnCode() == ConnAck.ACCEPTED) accepted = true;
            return List.of(p);
        }

        @Override
        List<Packet> lastWords() {
            return accepted ? List.of(new PingResp()) : List.of();
        }
    }

    /**
     * Replies of different flows in another order: an acknowledgement is held until the server's next packet;
     * if that one belongs to another flow (another type or packet id), it goes first. No statement orders the
     * replies of different flows; a CONNACK is never held [MQTT-3.2.0-1].
     */
    static final class ReorderFlows extends Fault {
        private Packet held;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (held == null) {
                if (holdable(p)) {
                    held = p;
                    return List.of();
                }
                return List.of(p);
            }
            Packet h = held;
            held = null;
            if (p instanceof ConnAck) return List.of(h, p);
            boolean otherFlow = p.getClass() != h.getClass() || packetId(p) != packetId(h);
            return otherFlow ? List.of(p, h) : List.of(h, p);
        }

        private static boolean holdable(Packet p) {
            return p instanceof PingResp || p instanceof SubAck || p instanceof UnsubAck || p instanceof PubAck
                    || p instanceof PubRec || p instanceof PubComp;
        }

        private static int packetId(Packet p) {
            return switch (p) {
                case PubAck a -> a.packetId();
                case PubRec a -> a.packetId();
                case PubComp a -> a.packetId();
                case PubRel a -> a.packetId();
                case SubAck a -> a.packetId();
                case UnsubAck a -> a.packetId();
                case Publish a -> a.packetId();
                default -> -1;
            };
        }

        @Override
        synchronized List<Packet> release() {
            Packet h = held;
            held = null;
            return h == null ? List.of() : List.of(h);
        }

        @Override
        synchronized boolean holding() {
            return held != null;
        }

        @Override
        Duration hold() {
            return Duration.ofMillis(5);
        }
    }

    /**
     * An in-flight window of one: further QoS 1 and 2 deliveries wait until the client acknowledged the first
     * (PUBACK, or PUBCOMP for QoS 2). Nothing obliges a server to have more than one message in flight (4.6).
     */
    static final class WindowOfOne extends Fault {
        private final Queue<Publish> waiting = new ArrayDeque<>();
        private int inFlight = -1;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (!(p instanceof Publish x) || x.qos() == 0) return List.of(p);
            if (inFlight >= 0) {
                waiting.add(x);
                return List.of();
            }
            inFlight = x.packetId();
            return List.of(p);
        }

        @Override
        synchronized boolean fromClient(Packet p, Link link) throws IOException {
            int done = p instanceof PubAck a ? a.packetId() : p instanceof PubComp c ? c.packetId() : -1;
            if (done >= 0 && done == inFlight) {
                inFlight = -1;
                Publish next = waiting.poll();
                if (next != null) {
                    inFlight = next.packetId();
                    link.toClient(next);
                }
            }
            return true;
        }
    }

    /**
     * Re-sends on a timer: the PUBLISHes (DUP 1) and PUBRELs a server re-sends after a reconnect reach the client
     * 5 s late, in their order. [MQTT-4.4.0-1] sets no deadline.
     */
    static final class LateResend extends Fault {
        private static final Duration LATE = Duration.ofSeconds(5);
        private final Set<Integer> pubRecs = new HashSet<>();
        private final List<Packet> late = new ArrayList<>();
        private Thread sender;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            boolean resend = p instanceof Publish x && x.dup() || p instanceof PubRel r && !pubRecs.contains(r.packetId());
            if (!resend) return List.of(p);
            late.add(p);
            if (sender == null) {
                sender = Thread.ofVirtual().name("faultproxy-late").start(() -> {
                    try {
                        Thread.sleep(LATE);
                        List<Packet> all;
                        synchronized (this) {
                            all = List.copyOf(late);
                            late.clear();
                            sender = null;
                        }
                        link.toClient(FaultProxy.encode(all));
                    } catch (IOException | InterruptedException ended) {
                        // the connection or the proxy closed meanwhile
                    }
                });
            }
            return List.of();
        }

        @Override
        synchronized boolean fromClient(Packet p, Link link) {
            if (p instanceof PubRec r) pubRecs.add(r.packetId());
            return true;
        }
    }

    /** A server with a packet size limit of its own (8 KB): a larger packet from the client closes the connection. */
    static final class Limit8K extends Fault {
        @Override
        boolean fromClient(Packet p, Link link) {
            if (Encoder.encode(p).length <= 8192) return true;
            link.close();
            return false;
        }
    }

    /**
     * A server supporting MQTT 3.1 as well, which processes a level 3 CONNECT named MQTT under that specification
     * [MQTT-3.1.2-1]: it is accepted. The proxy answers CONNACK 0 itself and connects to the broker behind it as a
     * 3.1.1 client (whose CONNACK it drops), so the connection goes on.
     */
    static final class Level3Accepted extends Fault {
        private static final AtomicLong IDS = new AtomicLong();
        private volatile boolean dropConnAck;

        @Override
        boolean fromClient(Packet p, Link link) throws IOException {
            if (!(p instanceof Connect c) || c.protocolLevel() != 3 || !c.protocolName().equals("MQTT")) return true;
            dropConnAck = true;
            link.toServer(Connect.of("lvl3x" + IDS.incrementAndGet(), true, 60));
            link.toClient(new ConnAck(false, ConnAck.ACCEPTED));
            return false;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            if (p instanceof ConnAck && dropConnAck) {
                dropConnAck = false;
                return List.of();
            }
            return List.of(p);
        }
    }
}
