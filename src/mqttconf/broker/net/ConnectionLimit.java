package mqttconf.broker.net;

/**
 * The maximum of open connections: beyond it a new connection is closed as soon as it is accepted. A burst of
 * refusals logs one line when it starts and one with its count when connections are admitted again.
 */
final class ConnectionLimit {
    private final int max;
    private final NetLog log;
    private long refusedInBurst;
    private volatile long refused;

    ConnectionLimit(int max, NetLog log) {
        this.max = max;
        this.log = log;
    }

    /** Whether one more connection may join the {@code open} ones; loop thread only. */
    boolean admit(int open) {
        if (open < max) {
            if (refusedInBurst > 0) {
                log.info("accepting connections again after refusing " + refusedInBurst + " at the maximum of " + max);
                refusedInBurst = 0;
            }
            return true;
        }
        if (refusedInBurst++ == 0) log.info("maximum of " + max + " connections open: closing new ones until some end");
        refused++;
        return false;
    }

    /** Connections closed at accept since the start; any thread. */
    long refused() {
        return refused;
    }
}
