package mqttconf.broker.observe;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Connect;
import mqttconf.spec.Statement;

/**
 * The points where the protocol core tells an observer what happens on one connection ({@link
 * BrokerEvents#accepted}). A packet is told before the core acts on it, so the observer sees the state the packet
 * met; the observer reads that state through its {@link ClientView} and changes nothing. The methods returning a
 * String return why the core must close the connection (a breach under --strict), or null to go on; {@link #NONE}
 * notes nothing and never closes.
 */
public interface ClientEvents {
    /** No observer. */
    ClientEvents NONE = new ClientEvents() { };

    /** CONNECT was accepted and its session attached; {@code resumed} when a stored session was. */
    default void connected(Connect p, boolean resumed) {
    }

    /** A packet arrived after the accepted CONNECT, before the core acts on it. */
    default String received(Packet p) {
        return null;
    }

    /**
     * The client broke a rule the core closes the connection (or refuses the CONNECT) for. {@code broken} is null
     * for a rule the standard does not number, {@code p} null when the bytes could not be decoded or the breach is
     * something missing, then described by {@code evidence} (null for the undecodable bytes being handled).
     */
    default void breach(Statement broken, Packet p, String evidence, String reason) {
    }

    /** Keep alive is due for a check at {@code now} (System.nanoTime): has the client been silent too long? */
    default String keepAlive(long now) {
        return null;
    }

    /**
     * What the client owes on this connection for packets sent at or before {@code sentBefore}: answers to PUBLISH
     * and PUBREL, PUBREL for PUBREC. {@code when} words the moment for the reason ("ago", "before DISCONNECT").
     */
    default String answersOwed(long sentBefore, long now, String when) {
        return null;
    }

    /** DISCONNECT came: what the client owed since it resumed its session and never sent. */
    default String resendsOwed() {
        return null;
    }

    /** DISCONNECT came after everything owed was checked: the connection's keep alive was kept. */
    default void keepAliveKept() {
    }

    /** The client closed its socket after DISCONNECT, as it must. */
    default void closedAfterDisconnect() {
    }
}
