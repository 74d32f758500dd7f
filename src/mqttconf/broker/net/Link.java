package mqttconf.broker.net;

import mqttconf.codec.Packet;

/**
 * What the protocol core may do with one network connection, and all it may know of it. {@link Connection}
 * implements it over a socket; the core's JUnit tests implement it without one. Loop thread only.
 */
public interface Link {
    /** Bytes of a packet kept as evidence, at most. */
    int MAX_HEX_BYTES = 64;

    /** The broker's number for this connection. */
    long id();

    /** The peer's address, for logs. */
    String remote();

    /** Queues {@code p}; it is written at the end of the loop's turn. Nothing once closing or closed. */
    void send(Packet p);

    /** Bytes queued and not yet taken by the socket. */
    long pendingOutput();

    /** Closes now; the handler hears of it through {@link LinkHandler#closed}. */
    void close(String reason);

    /** Writes what is queued, then closes after a short grace; input meanwhile is dropped unread. */
    void closeAfterOutput();

    /** Writes what is queued, then half-closes, still reading until the peer closes or the deadline passes. */
    void halfCloseAfterOutput();

    /** Whether it is closing (drained, then closed) or closed, on the core's request or on its own. */
    boolean closing();

    /** When this connection expires (System.nanoTime); 0 for never. The handler hears of it through expired. */
    void deadline(long at);

    /** When bytes last arrived from the peer (System.nanoTime), whole packets or not. */
    long lastReceived();

    /** The bytes of the packet being handled (or the malformed one), up to {@link #MAX_HEX_BYTES}, in hex. */
    String packetHex();

    /** The first byte of the packet being handled (or the malformed one), or -1. */
    int firstByte();
}
