package mqttconf.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Throwaway certificates for tests: a CA, a server certificate for localhost, 127.0.0.1 and ::1 (EC P-256), and
 * a client certificate (RSA 2048), both signed by the CA, valid for 30 days. Made in this JVM: keys from
 * {@link KeyPairGenerator}, certificates encoded with {@link Der} and signed with {@link Signature} (keytool,
 * which it used before, cost a JVM start per step: 8.5 s for the set). Written as PEM as mosquitto reads
 * them: {@code ca.crt}, {@code server.crt}, {@code server.key}, {@code client.crt}, {@code client.key}; the keys
 * unencrypted PKCS#8, readable by the owner only.
 */
public final class CertGenerator {
    private static final int DAYS = 30;
    private static final String EC_SHA256 = "1.2.840.10045.4.3.2";
    private static final String RSA_SHA256 = "1.2.840.113549.1.1.11";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The files written. */
    public record Generated(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {
        public List<Path> all() {
            return List.of(ca, serverCert, serverKey, clientCert, clientKey);
        }
    }

    private CertGenerator() {
    }

    /** The files {@link #generate} writes into {@code dir}. */
    public static Generated files(Path dir) {
        return new Generated(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    /** Writes the set into {@code dir} (made if missing); fails if a file exists. */
    public static Generated generate(Path dir) throws IOException {
        return generate(dir, false);
    }

    /** Writes the set into {@code dir}; an existing file is a {@link FileAlreadyExistsException} unless {@code force}. */
    public static Generated generate(Path dir, boolean force) throws IOException {
        Generated out = files(dir);
        if (!force) {
            for (Path p : out.all()) if (Files.exists(p)) throw new FileAlreadyExistsException(p.toString());
        }
        try {
            SecureRandom random = new SecureRandom();
            KeyPair ca = ec(random);
            KeyPair server = ec(random);
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048, random);
            KeyPair client = rsa.generateKeyPair();
            String caName = "mqttconf throwaway CA";
            byte[] caCert = certificate(random, caName, ca.getPublic(), caName, ca, List.of(
                    extension("2.5.29.19", true, Der.sequence(Der.bool(true))),
                    extension("2.5.29.15", true, Der.bits(new byte[] {0x06}, 1)),
                    extension("2.5.29.14", false, Der.octets(keyId(ca.getPublic())))));
            byte[] serverCert = certificate(random, "localhost", server.getPublic(), caName, ca, leaf(server, ca,
                    "1.3.6.1.5.5.7.3.1", Der.sequence(Der.implicit(2, "localhost".getBytes(StandardCharsets.US_ASCII)),
                            Der.implicit(7, InetAddress.getByName("127.0.0.1").getAddress()),
                            Der.implicit(7, InetAddress.getByName("::1").getAddress()))));
            byte[] clientCert = certificate(random, "mqttconf-client", client.getPublic(), caName, ca,
                    leaf(client, ca, "1.3.6.1.5.5.7.3.2", null));
            Files.createDirectories(dir);
            write(out.ca(), Pem.encode("CERTIFICATE", caCert), force, false);
            write(out.serverCert(), Pem.encode("CERTIFICATE", serverCert), force, false);
            write(out.serverKey(), Pem.encode("PRIVATE KEY", server.getPrivate().getEncoded()), force, true);
            write(out.clientCert(), Pem.encode("CERTIFICATE", clientCert), force, false);
            write(out.clientKey(), Pem.encode("PRIVATE KEY", client.getPrivate().getEncoded()), force, true);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK cannot make the keys: " + e.getMessage(), e);
        }
    }

    private static KeyPair ec(SecureRandom random) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    /** Extensions of an end-entity certificate: not a CA, its extended key usage, names, key ids. */
    private static List<byte[]> leaf(KeyPair subject, KeyPair issuer, String keyPurpose, byte[] altNames) {
        List<byte[]> e = new ArrayList<>(List.of(
                extension("2.5.29.19", true, Der.sequence()),
                extension("2.5.29.37", false, Der.sequence(Der.oid(keyPurpose))),
                extension("2.5.29.14", false, Der.octets(keyId(subject.getPublic()))),
                extension("2.5.29.35", false, Der.sequence(Der.implicit(0, keyId(issuer.getPublic()))))));
        if (altNames != null) e.add(extension("2.5.29.17", false, altNames));
        return e;
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.sequence(Der.oid(oid), Der.octets(value));
    }

    /** SHA-1 of the encoded public key: a unique key identifier (RFC 5280 4.2.1.2 allows any such method). */
    private static byte[] keyId(PublicKey key) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no SHA-1 in this JDK", e);
        }
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
    }

    /** An X.509 v3 certificate for {@code subjectKey}, signed with {@code issuer}'s private key. */
    private static byte[] certificate(SecureRandom random, String subject, PublicKey subjectKey, String issuerName,
                                      KeyPair issuer, List<byte[]> extensions) throws GeneralSecurityException {
        PrivateKey signer = issuer.getPrivate();
        boolean ec = signer.getAlgorithm().equals("EC");
        byte[] algorithm = ec ? Der.sequence(Der.oid(EC_SHA256)) : Der.sequence(Der.oid(RSA_SHA256), Der.nul());
        ZonedDateTime now = ZonedDateTime.now();
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),
                Der.integer(new BigInteger(127, random).add(BigInteger.ONE)),
                algorithm,
                name(issuerName),
                Der.sequence(Der.utcTime(now.minusHours(1)), Der.utcTime(now.plusDays(DAYS))),
                name(subject),
                subjectKey.getEncoded(),
                Der.explicit(3, Der.sequence(extensions.toArray(byte[][]::new))));
        Signature s = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
        s.initSign(signer, random);
        s.update(tbs);
        return Der.sequence(tbs, algorithm, Der.bits(s.sign(), 0));
    }

    /** Writes {@code text}; a key is made owner-only before any byte of it is written. */
    private static void write(Path file, String text, boolean force, boolean secret) throws IOException {
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (force) Files.deleteIfExists(file);
        if (secret && posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }
}
