package mqttconf.cli;

/** Process exit codes, the same for every mode. */
public final class Exit {
    /** Everything ran and nothing was wrong. */
    public static final int OK = 0;
    /** The run finished and found failures (non-conformance). */
    public static final int FAILURES = 1;
    /** Bad command line, or the peer could not be reached. */
    public static final int USAGE = 2;
    /** A bug in mqttconf itself. */
    public static final int INTERNAL = 3;
    /**
     * Stopped by SIGINT (Ctrl-C) after printing and writing what ran, as shells report it (128 + 2); the JVM
     * itself exits with 130 on SIGINT and 143 on SIGTERM once the mode's shutdown hook is done.
     */
    public static final int INTERRUPTED = 130;

    private Exit() {
    }
}
