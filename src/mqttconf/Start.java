package mqttconf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The jar's Main-Class. It is compiled for Java 8 (the rest of the kit for 21), so that an older runtime
 * reaches this check instead of failing to load {@link Main} with a class-version error; it then hands over to
 * {@link Main} by name, which an older runtime never loads. Plain JDK 8 API only in this file.
 */
public final class Start {
    static final int MIN_JAVA = 21;

    private Start() {
    }

    public static void main(String[] args) throws Throwable {
        int major = major(System.getProperty("java.specification.version", "0"));
        if (major < MIN_JAVA) {
            System.err.println(tooOld(major, System.getProperty("java.home", "?")));
            System.exit(2);
        }
        // A method handle, not Method.invoke: core reflection spins method-handle classes on its first call (a few
        // milliseconds of every start); a plain static call through a handle needs next to none.
        MethodHandles.publicLookup().findStatic(Class.forName("mqttconf.Main"), "main",
                MethodType.methodType(void.class, String[].class)).invokeExact(args);
    }

    /** 8 for "1.8", 17 for "17"; 0 when unreadable. */
    static int major(String specification) {
        String v = specification.startsWith("1.") ? specification.substring(2) : specification;
        int dot = v.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The one line an old runtime gets: what is needed, what runs, and what works on Debian 12. */
    static String tooOld(int major, String home) {
        return "mqttconf: needs Java " + MIN_JAVA + " or newer, but this is Java " + major + " (" + home + "); "
                + "Debian 12 ships only 17: install a JDK " + MIN_JAVA + "+ from backports or an archive "
                + "(e.g. Eclipse Temurin), then run bin/mqttconf with JAVA_HOME set to it, or that JDK's bin/java -jar";
    }
}
