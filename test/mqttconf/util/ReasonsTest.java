package mqttconf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

/** I/O failures in plain words: the reason, never the path again nor a Java class name. */
class ReasonsTest {

    @Test
    void fileErrorsGiveTheReasonNotThePath() {
        assertEquals("no such file or directory", Reasons.of(new NoSuchFileException("/nope.crt")));
        assertEquals("permission denied", Reasons.of(new AccessDeniedException("/root/x")));
        assertEquals("read-only file system", Reasons.of(new FileSystemException("/proc/x", null, "Read-only file system")));
    }

    @Test
    void networkErrorsAreShortAndLowerCase() {
        assertEquals("connection refused", Reasons.of(new ConnectException("Connection refused")));
        assertEquals("unknown host or address", Reasons.of(new UnresolvedAddressException()));
        assertEquals("unknown host nohost.invalid", Reasons.of(new UnknownHostException("nohost.invalid")));
    }

    @Test
    void anUntrustedCertificateNamesTheTwoWaysForward() {
        SSLHandshakeException e = new SSLHandshakeException("(certificate_unknown) PKIX path building failed: "
                + "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path");
        assertEquals(Reasons.TLS_TRUST_HINT, Reasons.of(e));
    }

    @Test
    void qualifiedClassNamesAreDropped() {
        assertEquals("boom", Reasons.of(new IOException("java.lang.IllegalStateException: boom")));
        assertEquals("input/output error", Reasons.of(new IOException()));
        assertEquals("socket", Reasons.of(new java.net.SocketException() {
            private static final long serialVersionUID = 1L;
        }), "an anonymous subclass is named after its class, without 'Exception'");
    }
}
