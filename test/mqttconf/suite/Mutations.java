package mqttconf.suite;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.suite.FaultProxy.Fault;
import mqttconf.suite.FaultProxy.Link;

/**
 * Deviations injected into a correct server's replies, each with the tests that must catch it: the evidence that
 * the suite can fail. {@code only} selects the tests run against the mutation (patterns as for --only).
 */
final class Mutations {
    /** Packet identifiers the proxy makes up for copies it adds; a server numbering from 1 never reaches them. */
    private static final int INVENTED_IDS = 60_000;

    record Mutation(String name, Supplier<Fault> fault, List<String> only, List<String> mustFail) {
    }

    private Mutations() {
    }

    static List<Mutation> all() {
        Set<String> willTopics = ConcurrentHashMap.newKeySet();
        return List.of(
                new Mutation("clear RETAIN on every PUBLISH", rewrite(p -> p instanceof Publish x ? x.withRetain(false) : p),
                        List.of("retain.*", "will.qos2-retained", "subscribe.identical-filter-replaces",
                                "session.retained-outlive-session"),
                        List.of("retain.set-and-clear", "retain.qos-stored", "retain.last-message-per-topic",
                                "retain.non-retained-leaves-retained", "will.qos2-retained",
                                "subscribe.identical-filter-replaces", "session.retained-outlive-session")),
                new Mutation("set RETAIN on every PUBLISH", rewrite(p -> p instanceof Publish x ? x.withRetain(true) : p),
                        List.of("publish.*", "will.published-on-abrupt-close", "retain.set-and-clear"),
                        List.of("publish.qos0-round-trip", "publish.qos1-round-trip", "publish.qos2-round-trip",
                                "will.published-on-abrupt-close", "retain.set-and-clear")),
                new Mutation("set DUP on first deliveries",
                        rewrite(p -> p instanceof Publish x && x.qos() > 0 ? x.withDup(true) : p),
                        List.of("qos.dup-not-propagated", "qos.downgrade-to-granted", "publish.*"),
                        List.of("qos.dup-not-propagated", "qos.downgrade-to-granted", "publish.qos1-round-trip",
                                "publish.qos2-round-trip")),
                new Mutation("drop every PINGRESP", drop(p -> p instanceof PingResp),
                        List.of("keepalive.pingreq-*", "malformed.pingreq-gets-pingresp", "qos.qos2-duplicate-*",
                                "retain.qos0-replaces-retained"),
                        List.of("keepalive.pingreq-answered", "keepalive.pingreq-keeps-connection",
                                "malformed.pingreq-gets-pingresp", "qos.qos2-duplicate-publish-delivered-once",
                                "retain.qos0-replaces-retained")),
                new Mutation("SUBACK with the wrong packet id",
                        rewrite(p -> p instanceof SubAck a ? new SubAck(a.packetId() % 65535 + 1, a.returnCodes()) : p),
                        List.of("subscribe.several-filters-in-order", "publish.*", "malformed.subscribe-gets-suback-*"),
                        List.of("subscribe.several-filters-in-order", "publish.qos0-round-trip", "publish.qos1-round-trip",
                                "publish.qos2-round-trip", "malformed.subscribe-gets-suback-with-its-packet-identifier")),
                new Mutation("SUBACK grants QoS 2 whatever was asked",
                        rewrite(p -> p instanceof SubAck a ? new SubAck(a.packetId(),
                                a.returnCodes().stream().map(rc -> rc == SubAck.FAILURE ? rc : 2).toList()) : p),
                        List.of("qos.downgrade-to-granted", "subscribe.several-filters-in-order", "malformed.subscribe-at-qos-0-*"),
                        List.of("qos.downgrade-to-granted", "subscribe.several-filters-in-order",
                                "malformed.subscribe-at-qos-0-is-granted-qos-0-or-refused")),
                new Mutation("deliver QoS 1 and 2 at QoS 0",
                        rewrite(p -> p instanceof Publish x && x.qos() > 0 ? x.withQos(0, 0) : p),
                        List.of("publish.*", "qos.downgrade-to-granted", "qos.inflight-packet-ids-distinct", "retain.qos-stored"),
                        List.of("publish.qos1-round-trip", "publish.qos2-round-trip", "qos.downgrade-to-granted",
                                "qos.inflight-packet-ids-distinct", "retain.qos-stored")),
                new Mutation("deliver QoS 0 at QoS 1 (above the grant)", Upgrade::new,
                        List.of("qos.downgrade-to-granted", "publish.qos0-round-trip", "subscribe.several-filters-in-order"),
                        List.of("qos.downgrade-to-granted", "publish.qos0-round-trip", "subscribe.several-filters-in-order")),
                new Mutation("deliver each QoS 2 message twice", TwiceQos2::new,
                        List.of("publish.qos2-round-trip", "qos.qos2-*", "subscribe.identical-filter-replaces"),
                        List.of("publish.qos2-round-trip", "qos.qos2-duplicate-publish-delivered-once",
                                "qos.qos2-pubrel-after-reconnect", "subscribe.identical-filter-replaces")),
                new Mutation("swap consecutive PUBLISHes", Swap::new, List.of("qos.in-order-delivery"),
                        List.of("qos.in-order-delivery")),
                new Mutation("CONNACK session present 1 for a clean session",
                        rewrite(p -> p instanceof ConnAck a && a.returnCode() == ConnAck.ACCEPTED ? new ConnAck(true, 0) : p),
                        List.of("connect.accepted", "session.clean-session-discards-state", "publish.qos0-round-trip"),
                        List.of("connect.accepted", "session.clean-session-discards-state", "publish.qos0-round-trip")),
                new Mutation("keep the connection open when the server closes", KeepOpen::new,
                        List.of("connect.second-connect-closes", "session.takeover-*", "will.published-on-protocol-violation",
                                "malformed.subscribe-with-fixed-header-flags-0-*", "malformed.publish-qos-1-with-packet-identifier-0"),
                        List.of("connect.second-connect-closes", "session.takeover-closes-existing-connection",
                                "will.published-on-protocol-violation", "malformed.subscribe-with-fixed-header-flags-0-must-be-2",
                                "malformed.publish-qos-1-with-packet-identifier-0")),
                new Mutation("PUBACK with the wrong packet id",
                        rewrite(p -> p instanceof PubAck a ? new PubAck(a.packetId() % 65535 + 1) : p),
                        List.of("publish.qos1-round-trip", "malformed.publish-qos-1-gets-puback-*"),
                        List.of("publish.qos1-round-trip", "malformed.publish-qos-1-gets-puback-with-its-packet-identifier")),
                new Mutation("drop will messages", () -> new StripWill(willTopics), List.of("will.*", "keepalive.expiry-*"),
                        List.of("will.published-on-abrupt-close", "will.qos2-retained",
                                "will.published-on-protocol-violation", "keepalive.expiry-closes-and-publishes-will")));
    }

    static Supplier<Fault> rewrite(Function<Packet, Packet> f) {
        return () -> new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return List.of(f.apply(p));
            }
        };
    }

    static Supplier<Fault> drop(Predicate<Packet> which) {
        return () -> new Fault() {
            @Override
            List<Packet> fromServer(Packet p, Link link) {
                return which.test(p) ? List.of() : List.of(p);
            }
        };
    }

    /** QoS 0 deliveries become QoS 1 with a made-up packet id; the client's PUBACK for it goes no further. */
    static final class Upgrade extends Fault {
        private final Set<Integer> invented = new HashSet<>();
        private int next = INVENTED_IDS;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (!(p instanceof Publish x) || x.qos() != 0) return List.of(p);
            invented.add(++next);
            return List.of(x.withQos(1, next));
        }

        @Override
        synchronized boolean fromClient(Packet p, Link link) {
            return !(p instanceof PubAck a && invented.remove(a.packetId()));
        }
    }

    /** Each QoS 2 delivery is followed by a copy under a made-up packet id, whose flow the proxy completes itself. */
    static final class TwiceQos2 extends Fault {
        private final Set<Integer> invented = new HashSet<>();
        private int next = INVENTED_IDS;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (!(p instanceof Publish x) || x.qos() != 2 || x.dup()) return List.of(p);
            invented.add(++next);
            return List.of(p, x.withQos(2, next));
        }

        @Override
        synchronized boolean fromClient(Packet p, Link link) throws IOException {
            if (p instanceof PubRec r && invented.contains(r.packetId())) {
                link.toClient(new PubRel(r.packetId()));
                return false;
            }
            return !(p instanceof PubComp c && invented.remove(c.packetId()));
        }
    }

    /** Two PUBLISHes in a row reach the client in the opposite order; a lone one is released after a pause. */
    static final class Swap extends Fault {
        private Publish held;

        @Override
        synchronized List<Packet> fromServer(Packet p, Link link) {
            if (held == null) {
                if (p instanceof Publish x) {
                    held = x;
                    return List.of();
                }
                return List.of(p);
            }
            Publish first = held;
            held = null;
            return p instanceof Publish ? List.of(p, first) : List.of(first, p);
        }

        @Override
        synchronized List<Packet> release() {
            Publish first = held;
            held = null;
            return first == null ? List.of() : List.of(first);
        }

        @Override
        synchronized boolean holding() {
            return held != null;
        }
    }

    static final class KeepOpen extends Fault {
        @Override
        boolean keepsClientOpen() {
            return true;
        }
    }

    /** Deliveries on a topic some client named as its will topic are dropped. */
    static final class StripWill extends Fault {
        private final Set<String> willTopics;

        StripWill(Set<String> willTopics) {
            this.willTopics = willTopics;
        }

        @Override
        boolean fromClient(Packet p, Link link) {
            if (p instanceof Connect c && c.will() != null) willTopics.add(c.will().topic());
            return true;
        }

        @Override
        List<Packet> fromServer(Packet p, Link link) {
            return p instanceof Publish x && willTopics.contains(x.topic()) ? List.of() : List.of(p);
        }
    }
}
