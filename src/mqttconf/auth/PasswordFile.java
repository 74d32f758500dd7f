package mqttconf.auth;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mqttconf.util.Reasons;

/**
 * User names and password checks for {@code --password-file FILE}, read in the format
 * {@code mosquitto_passwd} writes, one user a line:
 * <pre>
 * # comment
 * alice:$7$101$SALT_BASE64$HASH_BASE64   PBKDF2-HMAC-SHA512, ITERATIONS rounds (mosquitto 2.x default)
 * bob:$6$SALT_BASE64$HASH_BASE64         SHA-512 of password then salt (mosquitto 1.6 and older)
 * carol:secret                           plain text, for tests (everything after the first ':')
 * </pre>
 * Blank lines and lines starting with {@code #} are skipped; user names are trimmed of blanks. A password
 * field starting with {@code $} and a number is a hash and must be well formed; any other value is a plain
 * password. Passwords never appear in error messages.
 */
public final class PasswordFile {
    /** Refuses files larger than this: a password file is a few kilobytes. */
    public static final long MAX_FILE_BYTES = 16L << 20;

    private final Map<String, Credential> users;
    /** Checked when the user is unknown, so an unknown user costs about as much time as a wrong password. */
    private static final Credential DECOY = new Credential.Pbkdf2Sha512(101, new byte[12], new byte[64]);

    private PasswordFile(Map<String, Credential> users) {
        this.users = Map.copyOf(users);
    }

    /** Reads and parses {@code file}; every problem is one line naming the file (and line, if any). */
    public static PasswordFile load(Path file) throws PasswordFileException {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new PasswordFileException(file + ": larger than " + MAX_FILE_BYTES + " bytes, not a password file");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PasswordFileException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new PasswordFileException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new PasswordFileException(file + ": cannot read: " + Reasons.of(e));
        }
        return parse(lines, file.toString());
    }

    /** Parses the lines of a password file; {@code source} names it in errors ({@code source:line: ...}). */
    public static PasswordFile parse(List<String> lines, String source) throws PasswordFileException {
        Map<String, Credential> users = new HashMap<>();
        Map<String, Integer> definedOn = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new PasswordFileException(source + ":" + lineNo + ": expected user:password, found no ':'");
            }
            String user = line.substring(0, colon).strip();
            if (user.isEmpty()) {
                throw new PasswordFileException(source + ":" + lineNo + ": empty user name");
            }
            if (user.getBytes(StandardCharsets.UTF_8).length > 65535) {
                throw new PasswordFileException(source + ":" + lineNo + ": user name longer than 65535 bytes");
            }
            Integer earlier = definedOn.putIfAbsent(user, lineNo);
            if (earlier != null) {
                throw new PasswordFileException(source + ":" + lineNo + ": user '" + user
                        + "' already defined on line " + earlier);
            }
            try {
                users.put(user, Credential.parse(line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new PasswordFileException(source + ":" + lineNo + ": user '" + user + "': " + e.getMessage());
            }
        }
        return new PasswordFile(users);
    }

    /**
     * Whether {@code password} (the CONNECT Password field, binary) is right for {@code user}. Unknown users
     * and a null password are false. Comparisons take the same time whatever the first wrong byte.
     */
    public boolean check(String user, byte[] password) {
        Credential c = user == null ? null : users.get(user);
        byte[] p = password == null ? new byte[0] : password;
        if (c == null) {
            DECOY.matches(p);
            return false;
        }
        return c.matches(p) && password != null;
    }

    public boolean contains(String user) {
        return users.containsKey(user);
    }

    public Set<String> users() {
        return users.keySet();
    }
}
