package mqttconf.broker.observe;

import java.time.Instant;

import mqttconf.broker.net.Link;

import mqttconf.spec.Statement;

/**
 * A client obligation the broker saw broken on the wire: who, which rule, when, the evidence and why.
 *
 * @param clientId     the client id of the connection, or "connection N from ADDR" before CONNECT was accepted
 * @param connectionId the broker's number for the network connection
 * @param statement    the broken statement, or null for a rule the standard does not number
 * @param time         when the broker saw it
 * @param packet       the offending packet as decoded, or a description when it could not be decoded or the
 *                     breach is an absence (e.g. no PUBACK)
 * @param hex          the offending bytes in hex as received (at most {@link #MAX_HEX_BYTES}), or "" if none
 * @param reason       plain words
 * @param closed       whether the broker closed the connection for it
 */
public record Breach(String clientId, long connectionId, Statement statement, Instant time, String packet, String hex,
                     String reason, boolean closed) {
    public static final int MAX_HEX_BYTES = Link.MAX_HEX_BYTES;

    /** The statement id, or "unnumbered". */
    public String statementId() {
        return statement == null ? "unnumbered" : statement.id();
    }
}
