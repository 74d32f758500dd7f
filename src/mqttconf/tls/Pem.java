package mqttconf.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mqttconf.util.Reasons;

/**
 * PEM files as OpenSSL, mosquitto and keytool write them: certificates ({@code CERTIFICATE}) and unencrypted
 * private keys, PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519) or PKCS#1 ({@code RSA PRIVATE KEY}). Every problem
 * is a {@link PemException} naming the file and what to do.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /** One block of a PEM file: its label and its DER bytes. */
    record Block(String label, byte[] der) { }

    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.label().equals("CERTIFICATE")) {
                    out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new PemException(file + ": not a valid X.509 certificate: " + Reasons.of(e));
        }
        if (out.isEmpty()) throw new PemException(file + ": no '-----BEGIN CERTIFICATE-----' block");
        return out;
    }

    public static PrivateKey privateKey(Path file) {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, wrapPkcs1(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new PemException(file + ": the key is encrypted; write it "
                        + "unencrypted first: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                case "EC PRIVATE KEY" -> throw new PemException(file + ": SEC1 EC keys are not read; convert to "
                        + "PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                default -> {
                    // certificates or parameters next to the key
                }
            }
        }
        throw new PemException(file + ": no '-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE KEY-----' block");
    }

    /** A private key as PKCS#8 PEM, as {@code openssl pkcs8 -topk8 -nocrypt} writes it. */
    public static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new PemException("cannot read " + file + ": " + Reasons.of(e));
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new PemException(file + ": bad base64 in the " + m.group(1) + " block");
            }
        }
        if (out.isEmpty()) throw new PemException(file + ": not a PEM file (no -----BEGIN ...----- block)");
        return out;
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new PemException(file + ": a private key of no supported algorithm (RSA, EC, Ed25519)");
    }

    /** PKCS#1 RSAPrivateKey inside PKCS#8: SEQUENCE { 0, rsaEncryption, OCTET STRING { key } }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(RSA_ALGORITHM);
        inner.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, inner.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(tag);
        int n = value.length;
        if (n < 128) {
            b.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            b.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) b.write(n >>> (8 * i));
        }
        b.writeBytes(value);
        return b.toByteArray();
    }
}
