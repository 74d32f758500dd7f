package mqttconf.spec;

import java.util.Objects;

/**
 * One numbered normative statement of MQTT 3.1.1 (Appendix B), a row of
 * statements.tsv. {@code index} is its position in the table (0-based) and
 * indexes the counters of {@link Coverage}. {@code unobservable} is empty when a
 * client on the wire can observe whether a server keeps the statement, else the
 * reason it cannot (column unobservable; always empty for client statements).
 *
 * <p>{@link #toString()} is the id alone, so it can sit in messages:
 * {@code "PUBLISH with QoS 3 [" + statement + "]"}.
 */
public record Statement(int index, String id, String section, AppliesTo appliesTo, Level level, String text,
                        String unobservable) {

    public Statement {
        if (index < 0) {
            throw new IllegalArgumentException("negative index " + index);
        }
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(appliesTo, "appliesTo");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(unobservable, "unobservable");
    }

    /** The chapter of the standard: the first number of the section ({@code 3} for 3.1.2). */
    public int chapter() {
        int dot = section.indexOf('.');
        return Integer.parseInt(dot < 0 ? section : section.substring(0, dot));
    }

    /** True unless the table gives a reason why no client can observe the server's side of it. */
    public boolean observable() {
        return unobservable.isEmpty();
    }

    @Override
    public String toString() {
        return id;
    }
}
