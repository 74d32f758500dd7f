package mqttconf.codec;

/**
 * A packet that breaks a wire-level rule. Carries the statement id it breaks (null where the standard gives the
 * rule no number) and plain words, e.g. {@code PUBLISH with QoS 3 [MQTT-3.3.1-4]}.
 */
public final class MalformedPacketException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String statementId;
    private final String reason;
    private final boolean overLimit;

    public MalformedPacketException(String statementId, String reason) {
        this(statementId, reason, false);
    }

    private MalformedPacketException(String statementId, String reason, boolean overLimit) {
        super(statementId == null ? reason : reason + " [" + statementId + "]", null, false, false);
        this.statementId = statementId;
        this.reason = reason;
        this.overLimit = overLimit;
    }

    /** A legal packet larger than the receiver's own limit: refused, but no rule of the standard is broken. */
    public static MalformedPacketException overLimit(String reason) {
        return new MalformedPacketException(null, reason, true);
    }

    /** Whether this is the receiver's size limit ({@link #overLimit}) rather than a broken rule. */
    public boolean isOverLimit() {
        return overLimit;
    }

    /** The id of the broken statement, e.g. {@code MQTT-3.3.1-4}, or null if the rule has no number. */
    public String statementId() {
        return statementId;
    }

    /** The plain-words reason without the id. */
    public String reason() {
        return reason;
    }
}
