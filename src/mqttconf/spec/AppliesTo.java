package mqttconf.spec;

import java.util.Locale;

/** Who a statement binds: the server, the client, or both (column applies_to). */
public enum AppliesTo {
    SERVER, CLIENT, BOTH;

    /** The lower-case word used in statements.tsv and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code server}, {@code client} or {@code both}. */
    public static AppliesTo parse(String label) {
        for (AppliesTo a : values()) {
            if (a.label().equals(label)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown applies_to '" + label + "': expected server, client or both");
    }
}
