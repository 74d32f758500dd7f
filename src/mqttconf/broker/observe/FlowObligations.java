package mqttconf.broker.observe;

import java.util.Map;

import mqttconf.broker.observe.SessionView.IncomingFlow;
import mqttconf.broker.observe.SessionView.OutgoingFlow;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Publish;

/**
 * The client obligations of the QoS 1 and 2 flows: packet ids, acknowledgements, their order, resending after
 * reconnect, and acknowledgements that never come. Each check is called before the broker acts on the packet and
 * returns why to close the connection for a breach (--strict), or null. Runs on the event loop thread.
 *
 * <p>Only what the wire proves is a breach. An acknowledgement for a flow the broker does not have is tolerated
 * silently in a persistent session (it may answer a PUBLISH resent while the first answer was on its way); a
 * missing acknowledgement counts only after the ack timeout or, at DISCONNECT, for packets sent at least the
 * disconnect grace earlier (the core says which packets).
 */
final class FlowObligations {

    private final ClientObligations obligations;

    FlowObligations(ClientObligations obligations) {
        this.obligations = obligations;
    }

    private String breach(ObservedClient c, String id, Packet p, String reason) {
        return obligations.tolerated(c, id, p, null, reason);
    }

    /** A QoS 1 or 2 PUBLISH from the client, before the broker takes it. */
    String publish(ObservedClient c, SessionView s, Publish m) {
        int id = m.packetId();
        if (!s.resendExpected().isEmpty()) {
            String close = resend(c, s, m);
            if (close != null) return close;
        }
        Map<Integer, IncomingFlow> awaitingPubrel = s.awaitingPubrel();
        Map<Integer, Publish> idsHeld = c.view.idsHeld();
        // A new packet id can collide only with one still in use.
        if (!awaitingPubrel.isEmpty() || !idsHeld.isEmpty()) obligations.checked(c, "MQTT-2.3.1-2");
        IncomingFlow in = awaitingPubrel.get(id);
        Publish held = idsHeld.containsKey(id) ? idsHeld.get(id) : null;
        boolean inUse = in != null || idsHeld.containsKey(id);
        if (inUse) {
            Publish earlier = in != null ? in.publish() : held;
            if (earlier != null && earlier.sameMessage(m)) {
                obligations.checked(c, "MQTT-3.3.1-1");
                if (!m.dup()) return breach(c, "MQTT-3.3.1-1", m, "PUBLISH resent with packet id " + id
                        + " while its flow is in progress, but with DUP=0");
            } else if (c.pubrelExpected(id)) {
                obligations.checked(c, "MQTT-4.4.0-1");
                return breach(c, "MQTT-4.4.0-1", m, "new PUBLISH with packet id " + id + ", whose PUBREL the "
                        + "client owed since it resumed the session; it did not resend that PUBREL");
            } else {
                return breach(c, "MQTT-2.3.1-2", m, "new PUBLISH with packet id " + id + ", still in use by "
                        + (in != null ? "a QoS 2 flow awaiting PUBREL" : "a flow whose acknowledgement is on its way"));
            }
        }
        if (s.cleanSession() && m.qos() == 2) c.idReceived(id);
        return null;
    }

    /**
     * Checks a PUBLISH against the ones the broker dropped unacknowledged (exercise topic); the core forgets the one
     * it resends.
     */
    private String resend(ObservedClient c, SessionView s, Publish m) {
        Map<Integer, Publish> resendExpected = s.resendExpected();
        obligations.checked(c, "MQTT-4.4.0-1");
        obligations.checked(c, "MQTT-2.3.1-3");
        // The order of resends can be wrong only when more than one is owed.
        if (resendExpected.size() > 1) obligations.checked(c, "MQTT-4.6.0-1");
        Publish expected = resendExpected.get(m.packetId());
        if (expected != null && expected.sameMessage(m)) {
            int first = resendExpected.keySet().iterator().next();
            obligations.checked(c, "MQTT-3.3.1-1");
            if (!m.dup()) {
                String close = breach(c, "MQTT-3.3.1-1", m, "unacknowledged PUBLISH resent with DUP=0");
                if (close != null) return close;
            }
            if (first != m.packetId()) return breach(c, "MQTT-4.6.0-1", m, "resent packet id " + m.packetId()
                    + " before packet id " + first + ", which was sent first");
            return null;
        }
        for (Map.Entry<Integer, Publish> e : resendExpected.entrySet()) {
            if (e.getValue().sameMessage(m)) {
                return breach(c, "MQTT-2.3.1-3", m, "PUBLISH first sent with packet id " + e.getKey()
                        + " resent with packet id " + m.packetId());
            }
        }
        return null;
    }

    /** SUBSCRIBE or UNSUBSCRIBE: its packet id must not be one in use. */
    String newPacketId(ObservedClient c, SessionView s, Packet p, int id) {
        Map<Integer, IncomingFlow> awaitingPubrel = s.awaitingPubrel();
        Map<Integer, Publish> idsHeld = c.view.idsHeld();
        if (awaitingPubrel.isEmpty() && idsHeld.isEmpty()) return null;
        obligations.checked(c, "MQTT-2.3.1-2");
        if (!awaitingPubrel.containsKey(id) && !idsHeld.containsKey(id)) return null;
        return breach(c, "MQTT-2.3.1-2", p, p.type() + " with packet id " + id + ", still in use by a PUBLISH flow");
    }

    /** PUBACK or PUBREC for a broker PUBLISH; {@code qos} is the QoS that answer belongs to. */
    String publishAck(ObservedClient c, SessionView s, Packet p, int id, int qos) {
        Map<Integer, OutgoingFlow> inflight = s.inflight();
        OutgoingFlow o = inflight.get(id);
        if (o == null) return unknownId(c, s, p, id, s.packetIdSent(id));
        if (o.publish().qos() != qos) {
            obligations.checked(c, "MQTT-3.3.4-1");
            return breach(c, "MQTT-3.3.4-1", p, p.type() + " for packet id " + id + ", a QoS " + o.publish().qos()
                    + " PUBLISH (expects " + (o.publish().qos() == 1 ? "PUBACK" : "PUBREC") + ")");
        }
        if (o.released()) return null;
        obligations.checked(c, "MQTT-3.3.4-1");
        obligations.checked(c, "MQTT-4.5.0-2");
        obligations.checked(c, qos == 1 ? "MQTT-4.3.2-2" : "MQTT-4.3.3-2");
        String order = qos == 1 ? "MQTT-4.6.0-2" : "MQTT-4.6.0-3";
        long connection = c.view.id();
        // The order can be wrong only while another flow of this QoS awaits its answer on this connection; one pass
        // finds whether one does and the first sent before this one, stopping once both are known.
        int awaiting = 0;
        boolean reached = false;
        OutgoingFlow earlier = null;
        for (OutgoingFlow e : inflight.values()) {
            boolean waits = e.connectionId() == connection && e.publish().qos() == qos && !e.released();
            if (e.publish().packetId() == id) reached = true;
            else if (waits && !reached && earlier == null) earlier = e;
            if (waits) awaiting++;
            if (awaiting > 1 && (reached || earlier != null)) break;
        }
        if (awaiting > 1) obligations.checked(c, order);
        if (earlier == null) return null;
        return breach(c, order, p, p.type() + " for packet id " + id + " before the one for packet id "
                + earlier.publish().packetId() + ", whose PUBLISH was sent first");
    }

    /** PUBCOMP for a released QoS 2 flow of the broker. */
    String pubComp(ObservedClient c, SessionView s, Packet p, int id) {
        OutgoingFlow o = s.inflight().get(id);
        if (o == null) return unknownId(c, s, p, id, s.packetIdSent(id));
        obligations.checked(c, "MQTT-4.3.3-2");
        if (o.released()) return null;
        return breach(c, "MQTT-4.3.3-2", p, "PUBCOMP for packet id " + id + " before the broker sent PUBREL");
    }

    /** PUBREL for a QoS 2 PUBLISH of the client. */
    String pubRel(ObservedClient c, SessionView s, Packet p, int id) {
        if (c.pubrelArrived(id)) obligations.checked(c, "MQTT-4.4.0-1");
        Map<Integer, IncomingFlow> awaitingPubrel = s.awaitingPubrel();
        IncomingFlow in = awaitingPubrel.get(id);
        if (in == null) return unknownId(c, s, p, id, c.idEverReceived(id));
        obligations.checked(c, "MQTT-4.3.3-1");
        if (in.pubrecAt() == 0) return breach(c, "MQTT-4.3.3-1", p, "PUBREL for packet id " + id + " before the broker sent PUBREC");
        long connection = c.view.id();
        if (in.connectionId() != connection) return null;
        // The order can be wrong only while another flow of this connection awaits its PUBREL; one pass finds
        // whether one does and the first whose PUBREC went out before this one's.
        boolean another = false;
        IncomingFlow earlier = null;
        for (IncomingFlow e : awaitingPubrel.values()) {
            if (e == in || e.connectionId() != connection || e.pubrecAt() == 0) continue;
            another = true;
            if (e.pubrecSeq() < in.pubrecSeq()) {
                earlier = e;
                break;
            }
        }
        if (another) obligations.checked(c, "MQTT-4.6.0-4");
        if (earlier == null) return null;
        return breach(c, "MQTT-4.6.0-4", p, "PUBREL for packet id " + id + " before the one for packet id "
                + earlier.publish().packetId() + ", whose PUBREC was sent first");
    }

    /** An answer for an id with no flow: a breach only in a clean session that never used the id. */
    private String unknownId(ObservedClient c, SessionView s, Packet p, int id, boolean used) {
        if (!s.cleanSession()) return null;
        obligations.checked(c, "MQTT-2.3.1-6");
        if (used) return null;
        return breach(c, "MQTT-2.3.1-6", p, p.type() + " for packet id " + id
                + ", which no PUBLISH of this clean session used");
    }

    /**
     * Finds what the client owes for longer than allowed: answers to PUBLISH and PUBREL sent on this connection at
     * or before {@code sentBefore}, PUBREL for PUBREC sent then, and PUBREL owed since resuming the session.
     * Each is recorded once per connection.
     */
    String overdue(ObservedClient c, SessionView s, long sentBefore, long now, String when) {
        // Output still waiting for the socket: the client is not reading, so it may not have what it owes for.
        // A packet is queued long before a slow reader has its last byte, so its clock starts no earlier than the
        // last time output was seen waiting (late by at most a sweep: never a breach the wire does not show).
        if (c.view.pendingOutput() > 0) {
            c.outputSeenPendingAt = now;
            return null;
        }
        long connection = c.view.id();
        for (OutgoingFlow o : s.inflight().values()) {
            long sentAt = Math.max(o.sentAt(), c.outputSeenPendingAt);
            if (o.connectionId() != connection || sentAt > sentBefore) continue;
            int id = o.publish().packetId();
            if (!c.firstOverdue((long) id << 2 | (o.released() ? 1 : 0))) continue;
            String age = " sent " + (now - sentAt) / 1_000_000 + " ms " + when;
            obligations.checked(c, o.released() ? "MQTT-4.3.3-2" : "MQTT-4.5.0-2");
            String close = o.released()
                    ? obligations.tolerated(c, "MQTT-4.3.3-2", null, "(no PUBCOMP for PUBREL " + id + ")",
                            "no PUBCOMP for PUBREL packet id " + id + age)
                    : obligations.tolerated(c, "MQTT-4.5.0-2", null, "(no answer to " + o.publish() + ")",
                            "no " + (o.publish().qos() == 1 ? "PUBACK" : "PUBREC") + " for QoS " + o.publish().qos()
                                    + " PUBLISH packet id " + id + age);
            if (close != null) return close;
        }
        for (IncomingFlow in : s.awaitingPubrel().values()) {
            long pubrecAt = Math.max(in.pubrecAt(), c.outputSeenPendingAt);
            if (in.connectionId() != connection || in.pubrecAt() == 0 || pubrecAt > sentBefore) continue;
            int id = in.publish().packetId();
            boolean resumed = c.pubrelExpected(id);
            if (!c.firstOverdue((long) id << 2 | 2)) continue;
            String why = resumed
                    ? "no PUBREL for packet id " + id + " since the client resumed the session " + when
                    : "no PUBREL for PUBREC packet id " + id + " sent " + (now - pubrecAt) / 1_000_000 + " ms " + when;
            obligations.checked(c, resumed ? "MQTT-4.4.0-1" : "MQTT-4.3.3-1");
            String close = obligations.tolerated(c, resumed ? "MQTT-4.4.0-1" : "MQTT-4.3.3-1", null,
                    "(no PUBREL " + id + ")", why);
            if (close != null) return close;
        }
        return null;
    }

    /**
     * At DISCONNECT: PUBREL owed since the session resumed and PUBLISH the broker dropped unacknowledged, which
     * the client never resent [MQTT-4.4.0-1]. The core forgets the PUBLISH packets once the connection stays open.
     */
    String notResent(ObservedClient c, SessionView s) {
        for (int id : c.pubrelsExpected()) {
            if (!s.awaitingPubrel().containsKey(id) || !c.firstOverdue((long) id << 2 | 2)) continue;
            obligations.checked(c, "MQTT-4.4.0-1");
            String close = obligations.tolerated(c, "MQTT-4.4.0-1", null, "(no PUBREL " + id + ")",
                    "DISCONNECT without resending PUBREL for packet id " + id + ", acknowledged with PUBREC before "
                            + "the client resumed the session");
            if (close != null) return close;
        }
        c.forgetPubrelsExpected();
        for (Publish m : s.resendExpected().values()) {
            obligations.checked(c, "MQTT-4.4.0-1");
            String close = obligations.tolerated(c, "MQTT-4.4.0-1", null, "(never resent: " + m + ")",
                    "DISCONNECT without resending the unacknowledged PUBLISH packet id " + m.packetId());
            if (close != null) return close;
        }
        return null;
    }
}
