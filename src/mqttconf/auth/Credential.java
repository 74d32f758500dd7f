package mqttconf.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The password field of one password-file line: a mosquitto hash or a plain password. */
sealed interface Credential {
    /** Whether {@code password} matches, in time independent of where it differs. */
    boolean matches(byte[] password);

    /** PBKDF2 output length mosquitto_passwd uses: one SHA-512 block. */
    int PBKDF2_HASH_BYTES = 64;
    /** Bounds the work one login can cost; mosquitto_passwd writes 101 (newer versions 1000). */
    int MAX_ITERATIONS = 1_000_000;

    /** {@code $7$ITERATIONS$SALT$HASH}: PBKDF2-HMAC-SHA512 over the raw (base64-decoded) salt. */
    record Pbkdf2Sha512(int iterations, byte[] salt, byte[] hash) implements Credential {
        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(pbkdf2(password, salt, iterations, hash.length), hash);
        }
    }

    /** {@code $6$SALT$HASH}: SHA-512 of the password bytes followed by the raw salt. */
    record SaltedSha512(byte[] salt, byte[] hash) implements Credential {
        @Override
        public boolean matches(byte[] password) {
            MessageDigest sha = sha512();
            sha.update(password);
            sha.update(salt);
            return MessageDigest.isEqual(sha.digest(), hash);
        }
    }

    /** A plain password; compared through SHA-512 digests so the time does not reveal its length. */
    record Plain(byte[] digest) implements Credential {
        static Plain of(String password) {
            return new Plain(sha512().digest(password.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public boolean matches(byte[] password) {
            return MessageDigest.isEqual(sha512().digest(password), digest);
        }
    }

    /** Parses the text after {@code user:}; the message of the exception never contains the text. */
    static Credential parse(String field) {
        String f = field.strip();
        if (f.startsWith("$7$")) {
            String[] parts = f.split("\\$", -1);
            if (parts.length != 5) {
                throw new IllegalArgumentException("$7$ hash must be $7$ITERATIONS$SALT$HASH");
            }
            int iterations;
            try {
                iterations = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("$7$ hash iteration count is not a number");
            }
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
                throw new IllegalArgumentException("$7$ hash iteration count must be 1 to " + MAX_ITERATIONS);
            }
            byte[] salt = base64(parts[3], "$7$ salt");
            byte[] hash = base64(parts[4], "$7$ hash");
            if (hash.length != PBKDF2_HASH_BYTES) {
                throw new IllegalArgumentException("$7$ hash must decode to " + PBKDF2_HASH_BYTES + " bytes");
            }
            return new Pbkdf2Sha512(iterations, salt, hash);
        }
        if (f.startsWith("$6$")) {
            String[] parts = f.split("\\$", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("$6$ hash must be $6$SALT$HASH");
            }
            byte[] salt = base64(parts[2], "$6$ salt");
            byte[] hash = base64(parts[3], "$6$ hash");
            if (hash.length != 64) {
                throw new IllegalArgumentException("$6$ hash must decode to 64 bytes (SHA-512)");
            }
            return new SaltedSha512(salt, hash);
        }
        if (f.length() > 2 && f.charAt(0) == '$' && Character.isDigit(f.charAt(1))) {
            throw new IllegalArgumentException("unsupported hash type (only $6$ and $7$ are known)");
        }
        return Plain.of(field);
    }

    private static byte[] base64(String text, String what) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64");
        }
    }

    /** RFC 8018 PBKDF2 with HMAC-SHA512, over password bytes (the JDK's SecretKeyFactory only takes chars). */
    static byte[] pbkdf2(byte[] password, byte[] salt, int iterations, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            // HMAC pads its key with zeros, so the empty key equals the key {0}; SecretKeySpec refuses empty keys.
            mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
            int blockLen = mac.getMacLength();
            byte[] out = new byte[length];
            for (int block = 1, done = 0; done < length; block++, done += blockLen) {
                mac.update(salt);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int i = 1; i < iterations; i++) {
                    u = mac.doFinal(u);
                    for (int j = 0; j < t.length; j++) {
                        t[j] ^= u[j];
                    }
                }
                System.arraycopy(t, 0, out, done, Math.min(blockLen, length - done));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 unavailable in this JDK", e);
        }
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-512 unavailable in this JDK", e);
        }
    }
}
