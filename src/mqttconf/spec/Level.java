package mqttconf.spec;

/** The RFC 2119 keyword that makes a statement normative (column level). */
public enum Level {
    MUST, SHOULD, MAY;

    /** Parses {@code MUST}, {@code SHOULD} or {@code MAY}. */
    public static Level parse(String word) {
        for (Level l : values()) {
            if (l.name().equals(word)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown level '" + word + "': expected MUST, SHOULD or MAY");
    }
}
