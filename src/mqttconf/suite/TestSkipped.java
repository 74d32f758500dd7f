package mqttconf.suite;

/** The test cannot check anything against this server (or with these options); the message says why. */
public final class TestSkipped extends Exception {
    private static final long serialVersionUID = 1L;

    public TestSkipped(String reason) {
        super(reason);
    }
}
