package mqttconf.suite;

/** A MUST broken by the server: what the standard expected and what was observed on the wire. */
public final class TestFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String observed;

    public TestFailure(String expected, String observed) {
        super("expected " + expected + "; observed " + observed);
        this.expected = expected;
        this.observed = observed;
    }

    public String expected() {
        return expected;
    }

    public String observed() {
        return observed;
    }
}
