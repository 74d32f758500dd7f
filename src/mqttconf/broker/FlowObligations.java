package mqttconf.broker;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Publish;
import mqttconf.spec.Statements;

/**
 * The client obligations of the QoS 1 and 2 flows: packet ids, acknowledgements, their order, resending after
 * reconnect, and acknowledgements that never come. Each check is called before the broker acts on the packet and
 * returns false when the connection was closed for a breach (--strict). Runs on the event loop thread.
 *
 * <p>Only what the wire proves is a breach. An acknowledgement for a flow the broker does not have is tolerated
 * silently in a persistent session (it may answer a PUBLISH resent while the first answer was on its way); a
 * missing acknowledgement counts only after {@link BrokerConfig#ackTimeout} or, at DISCONNECT, for packets sent
 * at least {@link BrokerConfig#disconnectGrace} earlier.
 */
final class FlowObligations {

    private final ClientObligations obligations;

    FlowObligations(ClientObligations obligations) {
        this.obligations = obligations;
    }

    private boolean breach(Client c, String id, Packet p, String reason) {
        return obligations.tolerated(c, id, p, null, reason);
    }

    /** Same topic, QoS and payload: the same application message (b may be null). */
    static boolean sameMessage(Publish a, Publish b) {
        return b != null && a.topic().equals(b.topic()) && a.qos() == b.qos() && Arrays.equals(a.payload(), b.payload());
    }

    /** A QoS 1 or 2 PUBLISH from the client, before the broker takes it. */
    boolean publish(Client c, Session s, Publish m) {
        int id = m.packetId();
        if (!s.resendExpectedMap().isEmpty() && !resend(c, s, m)) return false;
        // A new packet id can collide only with one still in use.
        if (!s.awaitingPubrelMap().isEmpty() || !c.idsHeld.isEmpty()) obligations.checked(c, "MQTT-2.3.1-2");
        Session.Incoming in = s.awaitingPubrelMap().get(id);
        Publish held = c.idsHeld.containsKey(id) ? c.idsHeld.get(id) : null;
        boolean inUse = in != null || c.idsHeld.containsKey(id);
        if (inUse) {
            Publish earlier = in != null ? in.publish() : held;
            if (earlier != null && sameMessage(earlier, m)) {
                obligations.checked(c, "MQTT-3.3.1-1");
                if (!m.dup()) return breach(c, "MQTT-3.3.1-1", m, "PUBLISH resent with packet id " + id
                        + " while its flow is in progress, but with DUP=0");
            } else if (s.pubrelExpected().contains(id)) {
                obligations.checked(c, "MQTT-4.4.0-1");
                return breach(c, "MQTT-4.4.0-1", m, "new PUBLISH with packet id " + id + ", whose PUBREL the "
                        + "client owed since it resumed the session; it did not resend that PUBREL");
            } else {
                return breach(c, "MQTT-2.3.1-2", m, "new PUBLISH with packet id " + id + ", still in use by "
                        + (in != null ? "a QoS 2 flow awaiting PUBREL" : "a flow whose acknowledgement is on its way"));
            }
        }
        if (s.cleanSession && m.qos() == 2) s.idsReceived.set(id);
        return true;
    }

    /** Checks a PUBLISH against the ones the broker dropped unacknowledged (exercise topic). */
    private boolean resend(Client c, Session s, Publish m) {
        obligations.checked(c, "MQTT-4.4.0-1");
        obligations.checked(c, "MQTT-2.3.1-3");
        // The order of resends can be wrong only when more than one is owed.
        if (s.resendExpectedMap().size() > 1) obligations.checked(c, "MQTT-4.6.0-1");
        Publish expected = s.resendExpectedMap().get(m.packetId());
        if (expected != null && sameMessage(expected, m)) {
            int first = s.resendExpectedMap().keySet().iterator().next();
            s.resendExpectedMap().remove(m.packetId());
            obligations.checked(c, "MQTT-3.3.1-1");
            if (!m.dup() && !breach(c, "MQTT-3.3.1-1", m, "unacknowledged PUBLISH resent with DUP=0")) return false;
            if (first != m.packetId()) return breach(c, "MQTT-4.6.0-1", m, "resent packet id " + m.packetId()
                    + " before packet id " + first + ", which was sent first");
            return true;
        }
        for (Map.Entry<Integer, Publish> e : s.resendExpectedMap().entrySet()) {
            if (sameMessage(e.getValue(), m)) {
                s.resendExpectedMap().remove(e.getKey());
                return breach(c, "MQTT-2.3.1-3", m, "PUBLISH first sent with packet id " + e.getKey()
                        + " resent with packet id " + m.packetId());
            }
        }
        return true;
    }

    /** SUBSCRIBE or UNSUBSCRIBE: its packet id must not be one in use. */
    boolean newPacketId(Client c, Session s, Packet p, int id) {
        if (s.awaitingPubrelMap().isEmpty() && c.idsHeld.isEmpty()) return true;
        obligations.checked(c, "MQTT-2.3.1-2");
        if (!s.awaitingPubrelMap().containsKey(id) && !c.idsHeld.containsKey(id)) return true;
        return breach(c, "MQTT-2.3.1-2", p, p.type() + " with packet id " + id + ", still in use by a PUBLISH flow");
    }

    /** PUBACK or PUBREC for a broker PUBLISH; {@code qos} is the QoS that answer belongs to. */
    boolean publishAck(Client c, Session s, Packet p, int id, int qos) {
        Session.Outgoing o = s.inflightMap().get(id);
        if (o == null) return unknownId(c, s, p, id, s.idsSent);
        if (o.publish().qos() != qos) {
            obligations.checked(c, "MQTT-3.3.4-1");
            return breach(c, "MQTT-3.3.4-1", p, p.type() + " for packet id " + id + ", a QoS " + o.publish().qos()
                    + " PUBLISH (expects " + (o.publish().qos() == 1 ? "PUBACK" : "PUBREC") + ")");
        }
        if (o.released()) return true;
        obligations.checked(c, "MQTT-3.3.4-1");
        obligations.checked(c, "MQTT-4.5.0-2");
        obligations.checked(c, qos == 1 ? "MQTT-4.3.2-2" : "MQTT-4.3.3-2");
        String order = qos == 1 ? "MQTT-4.6.0-2" : "MQTT-4.6.0-3";
        // The order can be wrong only while another flow of this QoS awaits its answer on this connection.
        if (awaitingAnswers(c, s, qos) > 1) obligations.checked(c, order);
        for (Session.Outgoing e : s.inflightMap().values()) {
            if (e.publish().packetId() == id) break;
            if (e.connectionId() == c.id && e.publish().qos() == qos && !e.released()) {
                return breach(c, order, p, p.type() + " for packet id " + id + " before the one for packet id "
                        + e.publish().packetId() + ", whose PUBLISH was sent first");
            }
        }
        return true;
    }

    /** Flows of this QoS sent on this connection that still await their PUBACK or PUBREC. */
    private static long awaitingAnswers(Client c, Session s, int qos) {
        return s.inflightMap().values().stream()
                .filter(e -> e.connectionId() == c.id && e.publish().qos() == qos && !e.released()).count();
    }

    /** PUBCOMP for a released QoS 2 flow of the broker. */
    boolean pubComp(Client c, Session s, Packet p, int id) {
        Session.Outgoing o = s.inflightMap().get(id);
        if (o == null) return unknownId(c, s, p, id, s.idsSent);
        obligations.checked(c, "MQTT-4.3.3-2");
        if (o.released()) return true;
        return breach(c, "MQTT-4.3.3-2", p, "PUBCOMP for packet id " + id + " before the broker sent PUBREL");
    }

    /** PUBREL for a QoS 2 PUBLISH of the client. */
    boolean pubRel(Client c, Session s, Packet p, int id) {
        if (s.pubrelExpected().remove(id)) obligations.checked(c, "MQTT-4.4.0-1");
        Session.Incoming in = s.awaitingPubrelMap().get(id);
        if (in == null) return unknownId(c, s, p, id, s.idsReceived);
        obligations.checked(c, "MQTT-4.3.3-1");
        if (in.pubrecAt() == 0) return breach(c, "MQTT-4.3.3-1", p, "PUBREL for packet id " + id + " before the broker sent PUBREC");
        if (in.connectionId() != c.id) return true;
        if (s.awaitingPubrelMap().values().stream().filter(e -> e.connectionId() == c.id && e.pubrecAt() != 0).count() > 1) {
            obligations.checked(c, "MQTT-4.6.0-4");
        }
        for (Session.Incoming e : s.awaitingPubrelMap().values()) {
            if (e != in && e.connectionId() == c.id && e.pubrecAt() != 0 && e.pubrecSeq() < in.pubrecSeq()) {
                return breach(c, "MQTT-4.6.0-4", p, "PUBREL for packet id " + id + " before the one for packet id "
                        + e.publish().packetId() + ", whose PUBREC was sent first");
            }
        }
        return true;
    }

    /** An answer for an id with no flow: a breach only in a clean session that never used the id. */
    private boolean unknownId(Client c, Session s, Packet p, int id, BitSet used) {
        if (!s.cleanSession) return true;
        obligations.checked(c, "MQTT-2.3.1-6");
        if (used.get(id)) return true;
        return breach(c, "MQTT-2.3.1-6", p, p.type() + " for packet id " + id
                + ", which no PUBLISH of this clean session used");
    }

    /**
     * Finds what the client owes for longer than allowed: answers to PUBLISH and PUBREL sent on this connection at
     * or before {@code sentBefore}, PUBREL for PUBREC sent then, and PUBREL owed since resuming the session.
     * Each is recorded once per connection. False if the connection was closed for it.
     */
    boolean overdue(Client c, Session s, long sentBefore, long now, String when) {
        // Output still waiting for the socket: the client is not reading, so it may not have what it owes for.
        if (c.pendingOutput() > 0) return true;
        for (Session.Outgoing o : s.inflightMap().values()) {
            if (o.connectionId() != c.id || o.sentAt() > sentBefore) continue;
            int id = o.publish().packetId();
            if (!c.overdueRecorded.add((long) id << 2 | (o.released() ? 1 : 0))) continue;
            String age = " sent " + (now - o.sentAt()) / 1_000_000 + " ms " + when;
            obligations.checked(c, o.released() ? "MQTT-4.3.3-2" : "MQTT-4.5.0-2");
            boolean open = o.released()
                    ? obligations.tolerated(c, "MQTT-4.3.3-2", null, "(no PUBCOMP for PUBREL " + id + ")",
                            "no PUBCOMP for PUBREL packet id " + id + age)
                    : obligations.tolerated(c, "MQTT-4.5.0-2", null, "(no answer to " + o.publish() + ")",
                            "no " + (o.publish().qos() == 1 ? "PUBACK" : "PUBREC") + " for QoS " + o.publish().qos()
                                    + " PUBLISH packet id " + id + age);
            if (!open) return false;
        }
        for (Session.Incoming in : s.awaitingPubrelMap().values()) {
            if (in.connectionId() != c.id || in.pubrecAt() == 0 || in.pubrecAt() > sentBefore) continue;
            int id = in.publish().packetId();
            boolean resumed = s.pubrelExpected().contains(id);
            if (!c.overdueRecorded.add((long) id << 2 | 2)) continue;
            String why = resumed
                    ? "no PUBREL for packet id " + id + " since the client resumed the session " + when
                    : "no PUBREL for PUBREC packet id " + id + " sent " + (now - in.pubrecAt()) / 1_000_000 + " ms " + when;
            obligations.checked(c, resumed ? "MQTT-4.4.0-1" : "MQTT-4.3.3-1");
            if (!obligations.tolerated(c, resumed ? "MQTT-4.4.0-1" : "MQTT-4.3.3-1", null,
                    "(no PUBREL " + id + ")", why)) return false;
        }
        return true;
    }

    /**
     * At DISCONNECT: PUBREL owed since the session resumed and PUBLISH the broker dropped unacknowledged, which
     * the client never resent [MQTT-4.4.0-1].
     */
    boolean notResent(Client c, Session s) {
        for (int id : s.pubrelExpected()) {
            if (!s.awaitingPubrelMap().containsKey(id) || !c.overdueRecorded.add((long) id << 2 | 2)) continue;
            obligations.checked(c, "MQTT-4.4.0-1");
            if (!obligations.tolerated(c, "MQTT-4.4.0-1", null, "(no PUBREL " + id + ")",
                    "DISCONNECT without resending PUBREL for packet id " + id + ", acknowledged with PUBREC before "
                            + "the client resumed the session")) return false;
        }
        s.pubrelExpected().clear();
        for (Publish m : s.resendExpectedMap().values()) {
            obligations.checked(c, "MQTT-4.4.0-1");
            if (!obligations.tolerated(c, "MQTT-4.4.0-1", null, "(never resent: " + m + ")",
                    "DISCONNECT without resending the unacknowledged PUBLISH packet id " + m.packetId())) return false;
        }
        s.resendExpectedMap().clear();
        return true;
    }
}
