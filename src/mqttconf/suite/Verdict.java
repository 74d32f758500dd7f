package mqttconf.suite;

/** The outcome of one conformance test. */
public enum Verdict {
    /** The server did what the statements require. */
    PASS,
    /** The server broke a MUST; the result carries expected and observed packets. */
    FAIL,
    /** An optional (MAY or SHOULD) behaviour, reported and never counted as a failure. */
    OBSERVED,
    /** The test could not check anything, with the reason (e.g. the server refused a feature it needs). */
    SKIP,
    /** The test itself could not run (a bug in mqttconf or the environment, not the server). */
    ERROR,
    /**
     * The server stopped serving while the test ran (see the run's {@link ServerEvent}s): no statement is
     * blamed; the event's trigger is reported once.
     */
    NOT_SERVING,
    /** Failed while other tests ran at the same time, passed when re-run alone: reported, never counted as FAIL. */
    INTERMITTENT
}
