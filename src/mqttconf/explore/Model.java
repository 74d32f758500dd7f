package mqttconf.explore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.TopicRules;

/**
 * A pure model of an MQTT 3.1.1 server (no I/O): sessions clean and persistent, subscriptions with their granted
 * QoS, the retained store, wills, in-flight messages per session with their packet ids, messages queued for
 * offline sessions, takeover. Where the standard lets a server choose, the model keeps every choice open until
 * the server's packets settle it: a granted QoS is whatever the SUBACK says within the request, overlapping
 * subscriptions may give one copy at the highest QoS or one per subscription, a QoS 0 message may or may not be
 * queued offline, a retained QoS 0 message may be kept or dropped. Each judgment names its statement and is
 * recorded as reached. Topics are relative to the sequence's base; slots stand for client ids.
 *
 * <p>MQTT 5 extends this by subclassing the judgments that change (no-local, retain-as-published, expiry),
 * which is why the state is per session and each rule sits in one method.
 */
final class Model {
    /** A message a client published (source = its slot) or a will (source = -1 - slot). */
    record Msg(int serial, String topic, int qos, boolean retain, String payload, int source) {
        String describe() {
            return "'" + payload + "' on " + topic + " QoS " + qos + (retain ? " retained" : "");
        }
    }

    private final List<Session> sessions = new ArrayList<>();
    /** Per topic, every message the store may hold; null stands for "none". */
    private final Map<String, List<Msg>> retained = new HashMap<>();
    private final Map<String, Msg> byPayload = new HashMap<>();
    private final Set<String> reached = new TreeSet<>();
    /** Wills not yet seen by any subscriber: their moment of publication is still open. */
    private final List<Msg> lateWills = new ArrayList<>();
    private int serial;

    Model(int clients) {
        for (int i = 0; i < clients; i++) sessions.add(new Session());
    }

    Set<String> reached() {
        return reached;
    }

    Session session(int slot) {
        return sessions.get(slot);
    }

    /** Records that a judgment of {@code id} was made (the driver's checks of replies). */
    void reach(String id) {
        reached.add(id);
    }

    private boolean check(boolean ok, String id) {
        reached.add(id);
        return ok;
    }

    // --- connection ------------------------------------------------------------------------------------------

    /** A CONNACK for {@code slot}'s CONNECT; {@code takeover} when the slot's previous connection is still open. */
    Divergence connected(int slot, boolean clean, boolean sessionPresent, int returnCode) {
        Session s = sessions.get(slot);
        reached.add("MQTT-3.1.3-5");
        if (!check(returnCode == 0, "MQTT-3.1.4-4")) {
            return new Divergence("MQTT-3.1.4-4", "CONNACK return code 0 for a valid CONNECT", "return code " + returnCode);
        }
        Divergence d = null;
        if (clean) {
            if (!check(!sessionPresent, "MQTT-3.2.2-1")) d = new Divergence("MQTT-3.2.2-1", "session present 0 for cleanSession 1", "session present 1");
        } else if (s.exists && s.persistent) {
            if (!check(sessionPresent, "MQTT-3.2.2-2")) d = new Divergence("MQTT-3.2.2-2", "session present 1: the session of cleanSession 0 was kept", "session present 0");
        } else if (!(s.exists && s.online)) {
            // A clean session taken over by cleanSession 0 may count as stored state or not; no session at all may not.
            if (!check(!sessionPresent, "MQTT-3.2.2-3")) d = new Divergence("MQTT-3.2.2-3", "session present 0: no session was stored", "session present 1");
        }
        boolean takeover = s.online;
        reached.add("MQTT-3.1.4-3");
        if (takeover) {
            // QoS 0 copies on the way to the connection taken over may be lost with it.
            for (Expect e : s.expects) if (e.must != null && !e.gotMax && e.maxQos == 0) e.must = null;
        }
        if (clean || !s.persistent || !s.exists) {
            if (s.exists || !s.expects.isEmpty()) reached.add("MQTT-3.1.2-6");
            discard(s, "MQTT-3.1.2-6");
        } else {
            reached.add("MQTT-3.1.2-4");
            resume(s, takeover);
        }
        s.exists = true;
        s.persistent = !clean;
        s.online = true;
        s.connection++;
        s.lastInOrder.clear();
        if (!clean) retainedOnResume(s);
        return d;
    }

    /**
     * Some servers treat a resumed session's subscriptions as made anew and send the retained messages again; the
     * standard neither asks for it nor forbids it, so those copies may come (with RETAIN 1).
     */
    private void retainedOnResume(Session s) {
        for (var sub : s.subscriptions.entrySet()) {
            for (var entry : retained.entrySet()) {
                if (!TopicRules.matches(sub.getKey(), entry.getKey())) continue;
                for (Msg m : entry.getValue()) {
                    if (m != null) s.expects.add(new Expect(m, true, s.connection, Set.of(Math.min(m.qos(), sub.getValue())), 1,
                            List.of(sub.getKey()), null));
                }
            }
        }
    }

    private void discard(Session s, String why) {
        for (Expect e : s.expects) {
            if (e.voided == null) e.voided = why;
            e.must = null;
        }
        s.discarded.addAll(s.subscriptions.keySet());
        s.subscriptions.clear();
        s.removed.clear();
        s.outbound.clear();
        s.pubRelDue.clear();
        s.ackedBefore.clear();
        s.completedBefore.clear();
        s.ackedNow.clear();
        s.completedNow.clear();
        s.resendDue.clear();
    }

    /** cleanSession 0 on a kept session: what was sent and not acknowledged is sent again [MQTT-4.4.0-1]. */
    private void resume(Session s, boolean takeover) {
        s.resendDue.clear();
        s.resendDue.putAll(s.outbound);
        s.ackedBefore.putAll(s.ackedNow);
        s.completedBefore.addAll(s.completedNow);
        s.ackedNow.clear();
        s.completedNow.clear();
    }

    /**
     * The slot's connection ended (DISCONNECT or drop, closed by the server or taken over). A clean session ends
     * with it [MQTT-3.1.2-6]; a kept one stores QoS 1 and 2 messages from now on [MQTT-3.1.2-5].
     */
    void connectionEnded(int slot) {
        Session s = sessions.get(slot);
        if (!s.online) return;
        s.online = false;
        if (!s.persistent) {
            for (Expect e : s.expects) e.must = null;
            s.exists = false;
            s.discarded.addAll(s.subscriptions.keySet());
            s.subscriptions.clear();
            return;
        }
        for (Expect e : s.expects) {
            // A QoS 0 copy not yet sent may be dropped with the connection.
            if (e.must != null && !e.gotMax && e.maxQos == 0) e.must = null;
        }
    }

    /**
     * The will of the slot's connection, published by the server once the connection ended without DISCONNECT
     * [MQTT-3.1.2-8] ({@code must}), or perhaps published (a takeover). The moment is the server's: until a copy
     * is seen, subscriptions made meanwhile may receive it too.
     */
    Msg will(int slot, String payload, int qos, boolean retain, boolean must) {
        Msg m = new Msg(++serial, Step.WILL_TOPIC, qos, retain, payload, -1 - slot);
        byPayload.put(m.payload(), m);
        lateWills.add(m);
        route(m, must ? "MQTT-3.1.2-8" : null);
        reached.add(retain ? "MQTT-3.1.2-17" : "MQTT-3.1.2-16");
        if (retain) {
            List<Msg> now = new ArrayList<>(retained.getOrDefault(m.topic(), listOfNone()));
            now.add(m);
            retained.put(m.topic(), now);
        }
        return m;
    }

    private static List<Msg> listOfNone() {
        List<Msg> l = new ArrayList<>();
        l.add(null);
        return l;
    }

    // --- publish -------------------------------------------------------------------------------------------

    /** A client's PUBLISH the server accepted (its flow completed): routing and the retained store. */
    Msg published(int slot, Step.Publish p) {
        Msg m = new Msg(++serial, p.topic(), p.qos(), p.retain(), p.empty() ? "" : "m" + serial, slot);
        if (!p.empty()) byPayload.put(m.payload(), m);
        else byPayload.put("#" + m.serial(), m);
        route(m, "MQTT-4.5.0-1");
        if (p.retain()) {
            List<Msg> store = new ArrayList<>();
            if (p.empty()) {
                store.add(null);
                reached.add("MQTT-3.3.1-11");
            } else {
                store.add(m);
                // A retained QoS 0 message: the previous one goes, this one SHOULD be kept and MAY be dropped.
                if (p.qos() == 0) {
                    store.add(null);
                    reached.add("MQTT-3.3.1-7");
                }
            }
            retained.put(p.topic(), store);
            reached.add("MQTT-3.3.1-5");
        } else {
            reached.add("MQTT-3.3.1-12");
        }
        return m;
    }

    /** Adds the message to the session state of every session with a matching subscription [MQTT-4.5.0-1]. */
    private void route(Msg m, String mustId) {
        for (Session s : sessions) {
            if (!s.exists) continue;
            List<String> filters = new ArrayList<>();
            Set<Integer> qos = new TreeSet<>();
            for (var sub : s.subscriptions.entrySet()) {
                if (TopicRules.matches(sub.getKey(), m.topic())) {
                    filters.add(sub.getKey());
                    qos.add(Math.min(m.qos(), sub.getValue()));
                }
            }
            if (filters.isEmpty()) {
                for (String f : s.removed) if (TopicRules.matches(f, m.topic())) reached.add("MQTT-3.10.4-2");
                continue;
            }
            if (filters.size() > 1) reached.add("MQTT-3.3.5-1");
            int max = qos.stream().max(Integer::compare).orElse(0);
            String must = mustId;
            if (!s.online) must = max > 0 && mustId != null ? "MQTT-3.1.2-5" : null;
            if (must != null) reached.add(must);
            if (m.payload().isEmpty()) reached.add("MQTT-3.3.1-10");
            s.expects.add(new Expect(m, false, s.online ? s.connection : -1, qos, filters.size(), filters, must));
        }
    }

    // --- subscriptions ----------------------------------------------------------------------------------------

    /** A SUBACK for {@code sub}: each return code a granted QoS at most the request or 0x80. */
    Divergence subscribed(int slot, Step.Subscribe sub, List<Integer> codes) {
        Session s = sessions.get(slot);
        if (!check(codes.size() == sub.filters().size(), "MQTT-3.8.4-5")) {
            return new Divergence("MQTT-3.8.4-5", sub.filters().size() + " return codes in the SUBACK", codes.toString());
        }
        for (int i = 0; i < codes.size(); i++) {
            int rc = codes.get(i);
            if (!check(rc == 0x80 || rc >= 0 && rc <= sub.qos(), "MQTT-3.8.4-6")) {
                return new Divergence(rc <= 2 ? "MQTT-3.8.4-6" : "MQTT-3.9.3-2",
                        "return code 0x80 or a QoS at most " + sub.qos() + " for " + sub.filters().get(i), "return code " + rc);
            }
        }
        if (sub.filters().size() > 1) {
            reached.add("MQTT-3.8.4-4");
            reached.add("MQTT-3.9.3-1");
        }
        for (int i = 0; i < codes.size(); i++) {
            String f = sub.filters().get(i);
            int rc = codes.get(i);
            if (rc == 0x80) continue;
            if (s.subscriptions.containsKey(f)) reached.add("MQTT-3.8.4-3");
            s.subscriptions.put(f, rc);
            for (Msg w : lateWills) {
                if (TopicRules.matches(f, w.topic())) {
                    s.expects.add(new Expect(w, false, s.connection, Set.of(Math.min(w.qos(), rc)), 1, List.of(f), null));
                }
            }
            for (var entry : retained.entrySet()) {
                if (!TopicRules.matches(f, entry.getKey())) continue;
                List<Msg> possible = entry.getValue();
                boolean sure = possible.size() == 1 && possible.get(0) != null;
                if (sure) reached.add("MQTT-3.3.1-6");
                for (Msg m : possible) {
                    if (m != null && m.source() >= 0 && m.source() != slot && !sessions.get(m.source()).online) reached.add("MQTT-3.1.2-7");
                }
                for (Msg m : possible) {
                    if (m == null) continue;
                    s.expects.add(new Expect(m, true, s.connection, Set.of(Math.min(m.qos(), rc)), 1, List.of(f),
                            sure ? "MQTT-3.3.1-6" : null));
                }
            }
        }
        return null;
    }

    /** An UNSUBACK: the subscription is gone; what was queued for it may still come [MQTT-3.10.4-3]. */
    void unsubscribed(int slot, String filter) {
        Session s = sessions.get(slot);
        reached.add("MQTT-3.10.4-5");
        if (s.subscriptions.remove(filter) == null) return;
        reached.add("MQTT-3.10.4-1");
        s.removed.add(filter);
        for (Expect e : s.expects) {
            if (!e.retainedCopy && e.filters.contains(filter) && e.must != null) e.must = null;
        }
    }

    // --- deliveries ---------------------------------------------------------------------------------------------

    /** What a delivery is: a new copy, or a resend of one already seen (acknowledge again, count once). */
    enum Kind { NEW, RESEND }

    record Judged(Kind kind, Divergence divergence) {
    }

    /** Judges a PUBLISH the server sent to {@code slot}: message, topic, QoS, RETAIN, DUP, packet id, copies, order. */
    Judged delivered(int slot, Publish p) {
        Session s = sessions.get(slot);
        String payload = new String(p.payload(), java.nio.charset.StandardCharsets.UTF_8);
        if (!check(p.qos() > 0 || !p.dup(), "MQTT-3.3.1-2")) return fail("MQTT-3.3.1-2", "DUP 0 on a QoS 0 PUBLISH", p);
        Msg m = payload.isEmpty() ? emptyFor(s, p) : byPayload.get(payload);
        if (m == null && payload.startsWith("w") && p.topic().equals(Step.WILL_TOPIC)) {
            return fail("MQTT-3.14.4-3", "no will published for a connection ended by DISCONNECT", p);
        }
        if (m == null || !m.topic().equals(p.topic())) {
            return fail("MQTT-3.3.2-3", "only messages published on topics matching the session's subscriptions", p);
        }
        if (p.qos() > 0) {
            Msg inFlight = s.outbound.get(p.packetId());
            if (inFlight == null) inFlight = s.resendDue.get(p.packetId());
            if (inFlight == null) inFlight = s.pubRelDue.get(p.packetId());
            if (inFlight != null) {
                if (inFlight == m) {
                    s.resendDue.remove(p.packetId());
                    if (!check(p.dup(), "MQTT-3.3.1-1")) return fail("MQTT-3.3.1-1", "DUP 1 on the re-delivery of " + m.describe(), p);
                    reached.add("MQTT-4.4.0-1");
                    return new Judged(Kind.RESEND, null);
                }
                return fail("MQTT-2.3.1-4", "a packet id not in use by " + inFlight.describe() + " (unacknowledged)", p);
            }
            Msg earlier = s.ackedBefore.get(p.packetId());
            if (earlier == m && p.dup()) return new Judged(Kind.RESEND, null);
        }
        Expect e = expectFor(s, m, p.retain(), p.qos());
        if (e == null) {
            Expect other = expectFor(s, m, !p.retain(), p.qos());
            if (other != null) {
                return p.retain() ? fail("MQTT-3.3.1-9", "RETAIN 0 on a message forwarded to an established subscription", p)
                        : fail("MQTT-3.3.1-8", "RETAIN 1 on a retained message sent for a new subscription", p);
            }
            for (Expect v : s.expects) {
                if (v.msg == m && v.voided != null) return fail(v.voided, "no delivery of " + m.describe() + " from a discarded session", p);
            }
            for (Expect v : s.expects) {
                if (v.msg == m && v.copies >= v.maxCopies) {
                    return p.qos() == 2 ? fail("MQTT-4.3.3-2", "QoS 2 delivered exactly once (" + v.maxCopies + " matching subscriptions)", p)
                            : fail("MQTT-3.3.5-1", "at most " + v.maxCopies + " copies, one per matching subscription", p);
                }
            }
            for (String f : s.removed) {
                if (TopicRules.matches(f, m.topic())) return fail("MQTT-3.10.4-2", "no new message for the deleted subscription " + f, p);
            }
            for (String f : s.discarded) {
                if (TopicRules.matches(f, m.topic())) return fail("MQTT-3.1.2-6", "no reuse of the subscription " + f
                        + " of a session that ended or was discarded (cleanSession 1)", p);
            }
            return fail("MQTT-3.3.2-3", "only messages matching a subscription of the session", p);
        }
        reached.add(p.retain() ? "MQTT-3.3.1-8" : "MQTT-3.3.1-9");
        reached.add("MQTT-3.3.2-3");
        if (p.qos() > 0) reached.add(p.qos() == 1 ? "MQTT-4.3.2-1" : "MQTT-4.3.3-1");
        if (!check(e.qos.contains(p.qos()), "MQTT-3.8.4-6")) {
            return fail(p.qos() > e.maxQos ? "MQTT-3.8.4-6" : "MQTT-3.3.5-1", "QoS " + e.qos + " (the published QoS "
                    + m.qos() + " within the granted QoS of " + e.filters + ")", p);
        }
        boolean firstAttempt = e.routedOn == s.connection && e.copies == 0;
        if (!check(!(p.dup() && firstAttempt), "MQTT-3.3.1-3")) {
            return fail("MQTT-3.3.1-3", "DUP 0 on the first delivery of " + m.describe(), p);
        }
        if (!e.retainedCopy && e.routedOn == s.connection && e.copies == 0) {
            String key = m.source() + " " + m.topic() + " " + p.qos();
            Integer last = s.lastInOrder.get(key);
            if (!check(last == null || last <= m.serial(), "MQTT-4.6.0-6")) {
                return fail("MQTT-4.6.0-6", "messages from one publisher on one topic in the order published", p);
            }
            s.lastInOrder.put(key, m.serial());
        }
        e.copies++;
        if (p.qos() == e.maxQos) e.gotMax = true;
        lateWills.remove(m);
        if (p.qos() > 0) s.outbound.put(p.packetId(), m);
        return new Judged(Kind.NEW, null);
    }

    /** A zero-byte message is known by its topic: the one in flight under this packet id, else the oldest still to come. */
    private Msg emptyFor(Session s, Publish p) {
        String topic = p.topic();
        if (p.qos() > 0) {
            for (Map<Integer, Msg> flight : List.of(s.outbound, s.resendDue, s.pubRelDue, s.ackedBefore)) {
                Msg m = flight.get(p.packetId());
                if (m != null && m.payload().isEmpty() && m.topic().equals(topic)) return m;
            }
        }
        // Zero-byte messages on one topic cannot be told apart: the oldest one that must still come at this QoS
        // first, then the oldest that may, so that no assignment the server could mean is ruled out by the order.
        Msg owed = null;
        Msg fits = null;
        Msg any = null;
        Msg spent = null;
        for (Expect e : s.expects) {
            if (!e.msg.payload().isEmpty() || !e.msg.topic().equals(topic)) continue;
            // One whose copies all came: a further copy is judged as one too many, not as a stranger's topic.
            if (spent == null) spent = e.msg;
            if (e.copies >= e.maxCopies || e.voided != null) continue;
            boolean matches = e.qos.contains(p.qos()) && e.retainedCopy == p.retain();
            if (matches && !e.gotMax && e.must != null) return e.msg;
            if (matches && !e.gotMax && owed == null) owed = e.msg;
            if (matches && fits == null) fits = e.msg;
            if (any == null) any = e.msg;
        }
        return owed != null ? owed : fits != null ? fits : any != null ? any : spent;
    }

    /**
     * The expectation a copy at {@code qos} satisfies: first one at that QoS that must still come, then one at that
     * QoS that may, then any (which the QoS check then rejects); so a copy that may come never hides a due one.
     */
    private static Expect expectFor(Session s, Msg m, boolean retainedCopy, int qos) {
        Expect[] best = new Expect[3];
        for (Expect e : s.expects) {
            if (e.msg != m || e.retainedCopy != retainedCopy || e.voided != null || e.copies >= e.maxCopies) continue;
            boolean fits = e.qos.contains(qos);
            if (fits && e.must != null && !e.gotMax) return e;
            int rank = fits ? 1 : 2;
            if (best[rank] == null) best[rank] = e;
        }
        return best[1] != null ? best[1] : best[2];
    }

    private static Judged fail(String id, String expected, Publish observed) {
        return new Judged(Kind.NEW, new Divergence(id, expected, observed.toString()));
    }

    /** The client sent PUBACK or PUBREC for a delivery. */
    void acknowledged(int slot, int packetId, int qos) {
        Session s = sessions.get(slot);
        Msg m = s.outbound.remove(packetId);
        if (m == null) m = s.ackedBefore.get(packetId);
        if (qos == 2 && m != null) s.pubRelDue.put(packetId, m);
        s.ackedNow.put(packetId, m);
    }

    /** A PUBREL from the server: for a QoS 2 delivery this client acknowledged with PUBREC [MQTT-4.3.3-1]. */
    Divergence pubRel(int slot, int packetId) {
        Session s = sessions.get(slot);
        if (s.pubRelDue.remove(packetId) != null) {
            reached.add("MQTT-4.3.3-1");
            s.completedNow.add(packetId);
            return null;
        }
        if (s.completedBefore.contains(packetId) || s.completedNow.contains(packetId)) return null;
        return check(false, "MQTT-2.3.1-6") ? null : new Divergence("MQTT-2.3.1-6",
                "PUBREL only with the packet id of a QoS 2 delivery this client acknowledged with PUBREC", "PUBREL " + packetId);
    }

    // --- quiescence -------------------------------------------------------------------------------------------

    /** What the server must still send to an online slot; empty when nothing is due. */
    List<Divergence> due(int slot) {
        Session s = sessions.get(slot);
        List<Divergence> out = new ArrayList<>();
        if (!s.online) return out;
        for (Expect e : s.expects) {
            if (e.must != null && e.voided == null && !e.gotMax) {
                out.add(new Divergence(e.copies > 0 && !e.retainedCopy ? "MQTT-3.3.5-1" : e.must, (e.retainedCopy ? "the retained message " : "a delivery of ") + e.msg.describe()
                        + " at QoS " + e.maxQos + (e.retainedCopy ? " for the new subscription" : " (subscriptions " + e.filters + ")"),
                        e.copies == 0 ? "none" : e.copies + " at a lower QoS"));
            }
        }
        for (var r : s.resendDue.entrySet()) {
            out.add(new Divergence("MQTT-4.4.0-1", "the unacknowledged " + r.getValue().describe() + " sent again with packet id "
                    + r.getKey() + " and DUP 1 on resuming the session", "none"));
        }
        for (var r : s.pubRelDue.entrySet()) {
            out.add(new Divergence("MQTT-4.3.3-1", "PUBREL " + r.getKey() + " for the QoS 2 delivery acknowledged with PUBREC", "none"));
        }
        return out;
    }

    /** True when a slot holds nothing the server still owes it. */
    boolean settled(int slot) {
        return due(slot).isEmpty();
    }

    /** Every topic a retained message may be stored on (for the cleanup). */
    Set<String> retainedTopics() {
        Set<String> out = new TreeSet<>();
        for (var e : retained.entrySet()) {
            for (Msg m : e.getValue()) if (m != null) out.add(e.getKey());
        }
        return out;
    }

    boolean persistent(int slot) {
        Session s = sessions.get(slot);
        return s.exists && s.persistent;
    }
}
