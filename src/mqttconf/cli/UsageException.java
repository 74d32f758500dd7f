package mqttconf.cli;

/**
 * A bad command line, in plain words ("unknown option --foo"). Main prints it
 * as one line and exits with {@link Exit#USAGE}.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
