package mqttconf.util;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

import javax.net.ssl.SSLException;

/**
 * The reason behind an I/O failure in plain words, for a message that already names the file or host: "no such
 * file", not "/nope.crt: /nope.crt" (the JDK's file exceptions carry only the path) nor a Java class name.
 */
public final class Reasons {
    /** Said after a TLS failure to verify the server: the two ways forward. */
    public static final String TLS_TRUST_HINT =
            "the server's certificate is not signed by a CA this JVM trusts (give --cafile CA.crt, or --insecure to skip the check)";

    private Reasons() {
    }

    /** Why {@code e} happened, without its path, its class name or a nested Java exception. */
    public static String of(Throwable e) {
        if (e instanceof FileSystemException f && !(e instanceof AccessDeniedException)
                && f.getReason() != null && !(e instanceof NoSuchFileException)) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "it already exists";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "directory not empty";
            case MalformedInputException x -> "not UTF-8 text";
            case UnresolvedAddressException x -> "unknown host or address";
            case UnknownHostException x -> "unknown host " + x.getMessage();
            case ConnectException x -> lower(x.getMessage(), "connection refused");
            case NoRouteToHostException x -> "no route to host";
            case SocketTimeoutException x -> "timed out";
            case EOFException x -> "connection closed by the peer";
            case SSLException x -> tls(x);
            default -> {
                String m = e.getMessage();
                if (m == null || m.isBlank()) yield e.getClass() == java.io.IOException.class ? "input/output error" : words(named(e.getClass()));
                yield e.getCause() != null && e.getCause() != e && m.contains(e.getCause().getClass().getName())
                        ? of(e.getCause()) : withoutClassNames(m);
            }
        };
    }

    private static String tls(SSLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("PKIX path") || m.contains("unable to find valid certification path")) return TLS_TRUST_HINT;
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "the server's certificate does not name this host (connect by a name it carries, or --insecure)";
            }
        }
        String m = e.getMessage();
        return m == null ? "TLS handshake failed" : withoutClassNames(m);
    }

    /** {@code m} without the qualified Java class names the JDK puts in some messages. */
    public static String withoutClassNames(String m) {
        String s = m.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*", "").strip();
        return s.isEmpty() ? "failed" : s;
    }

    private static String lower(String m, String fallback) {
        if (m == null || m.isBlank()) return fallback;
        int paren = m.indexOf(" (");
        String s = paren > 0 ? m.substring(0, paren) : m;
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }

    /** The class itself, or for an anonymous one the class it extends. */
    private static String named(Class<?> c) {
        while (c.getSimpleName().isEmpty() && c.getSuperclass() != null) c = c.getSuperclass();
        return c.getSimpleName();
    }

    /** "SomeThingException" as "some thing". */
    private static String words(String simpleName) {
        String s = simpleName.replaceAll("(Exception|Error)$", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return s.toLowerCase(Locale.ROOT);
    }
}
