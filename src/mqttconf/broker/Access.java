package mqttconf.broker;

import mqttconf.auth.PasswordFile;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;

/**
 * Who may connect: clients without a user name if {@code allowAnonymous}, and clients whose user name and
 * password the password file accepts; a zero-length user name counts as none. Without a password file any user
 * name is accepted when anonymous clients are, and refused when they are not (as mosquitto 2.0 does).
 *
 * @param passwords null when no password file was given
 */
public record Access(boolean allowAnonymous, PasswordFile passwords) {
    /** Everybody, with or without a user name: the default. */
    public static final Access ANYONE = new Access(true, null);

    /**
     * Mosquitto 2.0.11 answers 0x05 (not authorized) to a v3.1.1 client in every case, unknown user and wrong
     * password included, never 0x04; clients tested here should meet the same code they meet there.
     */
    static final int BAD_CREDENTIALS = ConnAck.NOT_AUTHORIZED;
    static final int ANONYMOUS_REFUSED = ConnAck.NOT_AUTHORIZED;

    /** Why {@code connect} may not connect, as a CONNACK return code and words without the password. */
    record Refusal(int returnCode, String reason) { }

    /** Null when {@code connect} may connect, else the refusal. */
    Refusal check(Connect connect) {
        String user = connect.username();
        // A zero-length user name is an anonymous client, as mosquitto 2.0.11 treats it: with a password file and
        // anonymous clients allowed it is accepted (whatever the password), without them refused.
        if (user == null || user.isEmpty()) {
            return allowAnonymous ? null : new Refusal(ANONYMOUS_REFUSED, "anonymous clients are not allowed");
        }
        if (passwords == null) {
            return allowAnonymous ? null
                    : new Refusal(BAD_CREDENTIALS, "user '" + user + "' refused: no password file, anonymous clients not allowed");
        }
        if (passwords.check(user, connect.password())) return null;
        return new Refusal(BAD_CREDENTIALS, passwords.contains(user) ? "wrong password for user '" + user + "'"
                : "unknown user '" + user + "'");
    }
}
