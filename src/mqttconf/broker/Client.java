package mqttconf.broker;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import mqttconf.broker.net.Link;
import mqttconf.broker.observe.BrokerEvents;
import mqttconf.broker.observe.ClientEvents;
import mqttconf.broker.observe.ClientView;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Will;
import mqttconf.codec.Packet;

/**
 * The protocol state of one network connection: where it is in its life, the client id and session, the will,
 * keep alive, and the observer told what happens on it. The connection itself is reached only through its
 * {@link Link}; observers read this state only as a {@link ClientView}. Used only by the event loop thread.
 */
final class Client implements ClientView {
    enum State {
        /** Accepted; the first packet must be CONNECT. */
        AWAITING_CONNECT,
        /** CONNECT accepted; a session is attached. */
        CONNECTED,
        /** DISCONNECT received and the session detached; waiting for the client to close, watching for more input. */
        AFTER_DISCONNECT,
        /** Rejected or finished: input is discarded while the last output drains. */
        CLOSING,
        CLOSED
    }

    final Link link;
    final long id;
    private final BrokerLog verboseLog;

    State state = State.AWAITING_CONNECT;
    /** The client id once CONNECT is accepted (assigned by the server for a zero-length one). */
    String clientId;
    Session session;
    /** The will of an accepted CONNECT until it is published or discarded; else null. */
    Will will;
    /** Whether CONNECT was refused with a CONNACK return code: what follows it is not processed. */
    boolean refused;
    /** Whether the accepted CONNECT had the will flag set. */
    boolean willFlag;
    int keepAliveSeconds;
    /**
     * Client packet ids whose last answer (PUBACK or PUBCOMP) the broker holds back (exercise topic): still in use
     * by the client. The value is the PUBLISH for a held PUBACK, null for a held PUBCOMP. Null until the first.
     */
    private Map<Integer, Publish> idsHeld;
    /** Neighbours in {@link ProtocolHandler}'s list of open connections. */
    Client openPrevious, openNext;
    /** What the observers note about this connection; told at the core's named points. */
    final ClientEvents events;

    /** {@code verboseLog} logs every packet sent; null for none. */
    Client(Link link, BrokerLog verboseLog, BrokerEvents observers) {
        this.link = link;
        this.id = link.id();
        this.verboseLog = verboseLog;
        this.events = observers.accepted(this);
    }

    /** Queues {@code p} for sending; the loop writes it at the end of this turn. */
    void send(Packet p) {
        if (state == State.CLOSED) return;
        if (verboseLog != null) verboseLog.info("-> " + name() + " " + p);
        link.send(p);
    }

    /** Sends what is queued, then closes; what the client sends meanwhile is dropped unread. */
    void closeAfterOutput() {
        if (state == State.CLOSED) return;
        state = State.CLOSING;
        link.closeAfterOutput();
    }

    @Override
    public long pendingOutput() {
        return link.pendingOutput();
    }

    @Override
    public String name() {
        return clientId != null ? clientId : remote();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String remote() {
        // Made when asked (logs and reports), not held: a string per idle connection.
        return link.remote();
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public boolean connected() {
        return state == State.CONNECTED;
    }

    @Override
    public int keepAliveSeconds() {
        return keepAliveSeconds;
    }

    @Override
    public long lastReceived() {
        return link.lastReceived();
    }

    @Override
    public String packetHex() {
        return link.packetHex();
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public Map<Integer, Publish> idsHeld() {
        return idsHeld != null ? Collections.unmodifiableMap(idsHeld) : Collections.emptyMap();
    }

    /** The answer for client packet id {@code packetId} is held back; {@code m} as in {@link #idsHeld()}. */
    void holdId(int packetId, Publish m) {
        if (idsHeld == null) idsHeld = new HashMap<>();
        idsHeld.put(packetId, m);
    }

    /** The held answer for {@code packetId} went out. */
    void releaseId(int packetId) {
        if (idsHeld != null) idsHeld.remove(packetId);
    }

    @Override
    public String toString() {
        return "Client[" + id + " " + name() + " " + state + "]";
    }
}
