package mqttconf.broker.observe;

import java.util.Map;

import mqttconf.codec.Packet.Publish;

/**
 * What an observer may read of one connection of the protocol core, and nothing it may change. The core's
 * per-connection state implements it; observers get it in {@link BrokerEvents#accepted}. Loop thread only.
 */
public interface ClientView {
    /** The broker's number for the network connection. */
    long id();

    /** The peer's address. */
    String remote();

    /** The client id once CONNECT is accepted (assigned by the server for a zero-length one); else null. */
    String clientId();

    /** The client id if known, else the remote address: how logs name this connection. */
    String name();

    /** Whether CONNECT was accepted and neither DISCONNECT came nor the connection ended. */
    boolean connected();

    /** The keep alive of the accepted CONNECT, in seconds (0: none). */
    int keepAliveSeconds();

    /** When bytes last arrived from the peer (System.nanoTime). */
    long lastReceived();

    /** Bytes queued for the peer and not yet taken by the socket. */
    long pendingOutput();

    /** The bytes of the packet being handled (or the malformed one), in hex, as evidence. */
    String packetHex();

    /** The session attached at CONNECT; null before. */
    SessionView session();

    /**
     * Client packet ids whose last answer (PUBACK or PUBCOMP) the core holds back, so still in use by the client;
     * the value is the PUBLISH for a held PUBACK, null for a held PUBCOMP. Read-only.
     */
    Map<Integer, Publish> idsHeld();
}
