package mqttconf.util;

/** The version of mqttconf, as every mode and report prints it. */
public final class Version {
    private Version() {
    }

    /** The Implementation-Version of the jar's manifest, or {@code dev} outside a jar. */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
