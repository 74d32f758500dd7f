package mqttconf.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
    /*
     * mosquitto_passwd.txt was written by mosquitto 2.0.11 with throwaway passwords:
     *   mosquitto_passwd -c -b mosquitto_passwd.txt alice 'alice-throwaway'        ($7$, PBKDF2-SHA512)
     *   mosquitto_passwd -b mosquitto_passwd.txt bob 'bob throwaway ü'             ($7$, non-ASCII)
     *   mosquitto_passwd -H sha512 -b mosquitto_passwd.txt carol 'carol-throwaway' ($6$, salted SHA-512)
     */
    private static PasswordFile generatedByMosquitto() throws Exception {
        return PasswordFile.load(Path.of(PasswordFileTest.class.getResource("mosquitto_passwd.txt").toURI()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String malformed(String... lines) {
        return assertThrows(PasswordFileException.class, () -> PasswordFile.parse(List.of(lines), "pw")).getMessage();
    }

    @Test
    void acceptsThePbkdf2HashesMosquittoPasswdWrites() throws Exception {
        PasswordFile f = generatedByMosquitto();
        assertEquals(Set.of("alice", "bob", "carol"), f.users());
        assertTrue(f.check("alice", utf8("alice-throwaway")));
        assertTrue(f.check("bob", utf8("bob throwaway ü")));
    }

    @Test
    void acceptsTheSaltedSha512HashesOfOlderMosquittoVersions() throws Exception {
        assertTrue(generatedByMosquitto().check("carol", utf8("carol-throwaway")));
    }

    @Test
    void refusesWrongPasswords() throws Exception {
        PasswordFile f = generatedByMosquitto();
        assertFalse(f.check("alice", utf8("alice-throwaway ")));
        assertFalse(f.check("alice", utf8("bob throwaway ü")));
        assertFalse(f.check("alice", new byte[0]));
        assertFalse(f.check("alice", null));
        assertFalse(f.check("carol", utf8("carol-throwawaY")));
        assertFalse(f.check("bob", utf8("bob throwaway u")));
    }

    @Test
    void refusesUnknownUsersWhateverThePassword() throws Exception {
        PasswordFile f = generatedByMosquitto();
        assertFalse(f.check("mallory", utf8("alice-throwaway")));
        assertFalse(f.check("Alice", utf8("alice-throwaway")));
        assertFalse(f.check(null, utf8("alice-throwaway")));
    }

    @Test
    void plainLinesHoldThePasswordAfterTheFirstColon() throws Exception {
        PasswordFile f = PasswordFile.parse(List.of("# test users", "", "dave:pa:ss word", " erin :x"), "pw");
        assertTrue(f.check("dave", utf8("pa:ss word")));
        assertFalse(f.check("dave", utf8("pa")));
        assertTrue(f.check("erin", utf8("x")));
        assertFalse(f.check("erin", utf8("x ")));
    }

    @Test
    void anEmptyPlainPasswordMatchesOnlyAnEmptyPassword() throws Exception {
        PasswordFile f = PasswordFile.parse(List.of("frank:"), "pw");
        assertTrue(f.check("frank", new byte[0]));
        assertFalse(f.check("frank", new byte[] {0}));
        assertFalse(f.check("frank", null));
    }

    @Test
    void pbkdf2HandlesTheEmptyPassword() {
        // The empty key and the key {0} give the same HMAC; the hash of "" must still differ from "x".
        byte[] salt = utf8("salt");
        byte[] empty = Credential.pbkdf2(new byte[0], salt, 3, 64);
        assertEquals(64, empty.length);
        assertFalse(java.util.Arrays.equals(empty, Credential.pbkdf2(utf8("x"), salt, 3, 64)));
        assertTrue(new Credential.Pbkdf2Sha512(3, salt, empty).matches(new byte[0]));
    }

    @Test
    void malformedLinesAreReportedWithFileAndLine() {
        assertEquals("pw:2: expected user:password, found no ':'", malformed("a:b", "just-a-name"));
        assertEquals("pw:1: empty user name", malformed("  :secret"));
        assertEquals("pw:3: user 'a' already defined on line 1", malformed("a:x", "# c", "a:y"));
        assertEquals("pw:1: user 'a': $7$ hash must be $7$ITERATIONS$SALT$HASH", malformed("a:$7$101$c2FsdA=="));
        assertEquals("pw:1: user 'a': $7$ hash iteration count is not a number", malformed("a:$7$x$c2FsdA==$aGFzaA=="));
        assertEquals("pw:1: user 'a': $7$ hash must decode to 64 bytes", malformed("a:$7$101$c2FsdA==$aGFzaA=="));
        assertEquals("pw:1: user 'a': $7$ salt is not valid base64", malformed("a:$7$101$!!$aGFzaA=="));
        assertEquals("pw:1: user 'a': $6$ hash must be $6$SALT$HASH", malformed("a:$6$c2FsdA=="));
        assertEquals("pw:1: user 'a': unsupported hash type (only $6$ and $7$ are known)", malformed("a:$5$x$y"));
    }

    @Test
    void errorMessagesNeverContainThePassword() {
        String secret = "hunter2-secret";
        String m = malformed("a:$7$" + secret + "$c2FsdA==$aGFzaA==");
        assertFalse(m.contains(secret), m);
        m = malformed("a:$6$" + secret + "!$aGFzaA==");
        assertFalse(m.contains(secret), m);
    }

    @Test
    void missingFilesAndBinaryFilesGiveOneLineErrors(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope");
        assertEquals(missing + ": no such file",
                assertThrows(PasswordFileException.class, () -> PasswordFile.load(missing)).getMessage());
        Path binary = dir.resolve("bin");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, ':', 'x'});
        assertEquals(binary + ": not UTF-8 text",
                assertThrows(PasswordFileException.class, () -> PasswordFile.load(binary)).getMessage());
    }
}
