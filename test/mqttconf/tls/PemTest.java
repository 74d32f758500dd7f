package mqttconf.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys as keytool, OpenSSL and mosquitto write them. */
class PemTest {
    @TempDir
    Path dir;

    @Test
    void readsTheGeneratedCertificatesAndPkcs8Keys() {
        CertGenerator.Generated g = TestCerts.get();
        assertEquals("CN=localhost", Pem.certificates(g.serverCert()).get(0).getSubjectX500Principal().getName());
        assertEquals("EC", Pem.privateKey(g.serverKey()).getAlgorithm());
        assertEquals("RSA", Pem.privateKey(g.clientKey()).getAlgorithm());
        assertEquals("CN=mqttconf throwaway CA", Pem.certificates(g.ca()).get(0).getSubjectX500Principal().getName());
    }

    @Test
    void readsPkcs1RsaKeys() throws Exception {
        PrivateKey rsa = Pem.privateKey(TestCerts.get().clientKey());
        byte[] pkcs8 = rsa.getEncoded();
        // PKCS#8 of RSA: SEQUENCE, version, AlgorithmIdentifier (15 bytes), OCTET STRING holding PKCS#1.
        int octet = 4 + 3 + 15;
        assertEquals(0x04, pkcs8[octet]);
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, octet + 4, pkcs8.length);
        Path file = dir.resolve("rsa.pem");
        Files.writeString(file, Pem.encode("RSA PRIVATE KEY", pkcs1));
        assertArrayEquals(pkcs8, Pem.privateKey(file).getEncoded());
    }

    @Test
    void saysWhatToDoWithKeysItDoesNotRead() throws Exception {
        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, Pem.encode("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        assertTrue(assertThrows(PemException.class, () -> Pem.privateKey(encrypted)).getMessage().contains("openssl pkcs8"));
        Path sec1 = dir.resolve("ec.pem");
        Files.writeString(sec1, Pem.encode("EC PRIVATE KEY", new byte[] {1, 2, 3}));
        assertTrue(assertThrows(PemException.class, () -> Pem.privateKey(sec1)).getMessage().contains("PKCS#8"));
        Path notPem = dir.resolve("x.pem");
        Files.writeString(notPem, "hello");
        assertTrue(assertThrows(PemException.class, () -> Pem.certificates(notPem)).getMessage().contains("not a PEM file"));
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() {
        CertGenerator.Generated g = TestCerts.get();
        PemException e = assertThrows(PemException.class, () -> TlsContexts.server(g.serverCert(), g.clientKey(), null));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
}
