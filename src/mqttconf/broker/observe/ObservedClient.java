package mqttconf.broker.observe;

import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Unsubscribe;
import mqttconf.spec.Statement;

/**
 * One connection as the client obligations follow it: what the core shows of it, and what they note about it
 * themselves. Loop thread only.
 */
final class ObservedClient implements ClientEvents {
    final ClientView view;
    private final ClientObligations obligations;
    private final FlowObligations flows;

    /** Where breaches of this connection's client are recorded; set at CONNECT. */
    ClientRecord record;
    /** When CONNECT was accepted (System.nanoTime). */
    long connectedAt;
    /** The {@link ClientView#lastReceived} the current silence was recorded as a keep alive breach at; -1 for none. */
    private long silenceRecordedAt = -1;
    /** When output was last seen waiting for the socket (System.nanoTime); 0 before that. */
    long outputSeenPendingAt;
    // The three below are made on first use: ten thousand idle connections would otherwise hold ten thousand
    // empty sets of each.
    /** Obligations already found overdue on this connection, so each counts once; null for none. */
    private Set<Long> overdueRecorded;
    /** Client packet ids whose PUBREL the client owes since it resumed its session [MQTT-4.4.0-1]; null for none. */
    private Set<Integer> pubrelExpected;
    /**
     * In a clean session, which lasts as long as this connection: the client's QoS 2 packet ids ever received
     * [MQTT-2.3.1-6]; null for none.
     */
    private BitSet idsReceived;

    ObservedClient(ClientView view, ClientObligations obligations, FlowObligations flows) {
        this.view = view;
        this.obligations = obligations;
        this.flows = flows;
    }

    @Override
    public void connected(Connect p, boolean resumed) {
        obligations.connected(this, p);
        connectedAt = System.nanoTime();
        // A resumed session's QoS 2 flows past PUBREC: their PUBREL is owed on this connection.
        if (resumed && !view.session().awaitingPubrel().isEmpty()) {
            if (pubrelExpected == null) pubrelExpected = new LinkedHashSet<>();
            pubrelExpected.addAll(view.session().awaitingPubrel().keySet());
        }
    }

    @Override
    public String received(Packet p) {
        String close = obligations.decoded(this, p);
        if (close != null) return close;
        SessionView s = view.session();
        return switch (p) {
            case Publish m when m.qos() > 0 -> flows.publish(this, s, m);
            case PubAck a -> flows.publishAck(this, s, a, a.packetId(), 1);
            case PubRec r -> flows.publishAck(this, s, r, r.packetId(), 2);
            case PubRel r -> flows.pubRel(this, s, r, r.packetId());
            case PubComp x -> flows.pubComp(this, s, x, x.packetId());
            case Subscribe x -> flows.newPacketId(this, s, x, x.packetId());
            case Unsubscribe x -> flows.newPacketId(this, s, x, x.packetId());
            default -> null;
        };
    }

    @Override
    public void breach(Statement broken, Packet p, String evidence, String reason) {
        obligations.breach(this, broken, p, evidence, reason, true);
    }

    @Override
    public String keepAlive(long now) {
        return obligations.checkSilence(this, now);
    }

    @Override
    public String answersOwed(long sentBefore, long now, String when) {
        return flows.overdue(this, view.session(), sentBefore, now, when);
    }

    @Override
    public String resendsOwed() {
        return flows.notResent(this, view.session());
    }

    @Override
    public void keepAliveKept() {
        obligations.keepAliveKept(this);
    }

    @Override
    public void closedAfterDisconnect() {
        obligations.closedAfterDisconnect(this);
    }

    /** Notes the overdue obligation {@code key}; false when it was noted before. */
    boolean firstOverdue(long key) {
        if (overdueRecorded == null) overdueRecorded = new HashSet<>();
        return overdueRecorded.add(key);
    }

    /** Whether the client owes the PUBREL for {@code id} since it resumed its session. */
    boolean pubrelExpected(int id) {
        return pubrelExpected != null && pubrelExpected.contains(id);
    }

    /** The PUBREL for {@code id} arrived; whether it was one owed since the session resumed. */
    boolean pubrelArrived(int id) {
        return pubrelExpected != null && pubrelExpected.remove(id);
    }

    /** The packet ids whose PUBREL is owed since the session resumed, in order. */
    Set<Integer> pubrelsExpected() {
        return pubrelExpected != null ? pubrelExpected : Set.of();
    }

    void forgetPubrelsExpected() {
        pubrelExpected = null;
    }

    /** A QoS 2 PUBLISH with {@code id} arrived in a clean session. */
    void idReceived(int id) {
        if (idsReceived == null) idsReceived = new BitSet();
        idsReceived.set(id);
    }

    /** Whether a QoS 2 PUBLISH with {@code id} ever arrived on this (clean session) connection. */
    boolean idEverReceived(int id) {
        return idsReceived != null && idsReceived.get(id);
    }

    /** Whether the current silence was already recorded as a keep alive breach. */
    boolean silenceRecorded() {
        return silenceRecordedAt == view.lastReceived();
    }

    void recordSilence() {
        silenceRecordedAt = view.lastReceived();
    }
}
