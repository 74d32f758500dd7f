package mqttconf.auth;

/** A password file that cannot be used, in one line: {@code FILE:LINE: what is wrong}. Never holds a password. */
public final class PasswordFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public PasswordFileException(String message) {
        super(message);
    }
}
