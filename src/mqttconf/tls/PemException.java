package mqttconf.tls;

/** A certificate or key file that cannot be used, said in one line with the file name. */
public final class PemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PemException(String message) {
        super(message);
    }
}
