package mqttconf.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates for tests, made with the JDK's {@code keytool}: a CA, a server certificate for
 * localhost, 127.0.0.1 and ::1 (EC P-256), and a client certificate (RSA 2048), both signed by the CA. Writes
 * PEM files as mosquitto reads them: {@code ca.crt}, {@code server.crt}, {@code server.key}, {@code client.crt},
 * {@code client.key} (keys unencrypted PKCS#8; keytool cannot export keys, so they come out of its PKCS#12 store
 * here). The keystores used on the way are deleted.
 */
public final class CertGenerator {
    private static final String PASSWORD = "mqttconf";
    private static final long COMMAND_SECONDS = 60;

    /** The files written. */
    public record Generated(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) { }

    private CertGenerator() {
    }

    public static Generated generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        Path client = dir.resolve("client.p12");
        try {
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=mqttconf throwaway CA", "-ext", "bc:c", "-validity", "30", "-keystore", ca.toString());
            keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", "ca.crt");
            inParallel(() -> issue(dir, ca, server, "server", "EC", "CN=localhost", "san=dns:localhost,ip:127.0.0.1,ip:::1", "eku=serverAuth"),
                    () -> issue(dir, ca, client, "client", "RSA", "CN=mqttconf-client", null, "eku=clientAuth"));
            exportKey(server, "server", dir.resolve("server.key"));
            exportKey(client, "client", dir.resolve("client.key"));
        } finally {
            for (Path p : List.of(ca, server, client, dir.resolve("server.csr"), dir.resolve("client.csr"))) {
                Files.deleteIfExists(p);
            }
        }
        return new Generated(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                dir.resolve("client.crt"), dir.resolve("client.key"));
    }

    private interface Step {
        void run() throws IOException;
    }

    /** Runs two steps at once (each is a few keytool runs, mostly JVM start-up); the first failure is thrown. */
    private static void inParallel(Step a, Step b) throws IOException {
        IOException[] failure = new IOException[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                b.run();
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        try {
            a.run();
        } finally {
            try {
                if (!t.join(java.time.Duration.ofSeconds(4 * COMMAND_SECONDS))) throw new IOException("keytool did not finish");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running keytool", e);
            }
        }
        if (failure[0] != null) throw failure[0];
    }

    private static void issue(Path dir, Path ca, Path store, String name, String keyalg, String dname, String san,
                              String eku) throws IOException {
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", keyalg, "-dname", dname,
                "-validity", "30", "-keystore", store.toString()));
        gen.addAll(keyalg.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        keytool(dir, gen.toArray(String[]::new));
        keytool(dir, "-certreq", "-alias", name, "-keystore", store.toString(), "-file", name + ".csr");
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(),
                "-infile", name + ".csr", "-outfile", name + ".crt", "-validity", "30", "-ext", eku));
        if (san != null) sign.addAll(List.of("-ext", san));
        keytool(dir, sign.toArray(String[]::new));
    }

    private static void exportKey(Path store, String alias, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            Key key = ks.getKey(alias, PASSWORD.toCharArray());
            Files.writeString(to, Pem.encode("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the key of " + alias + " from " + store + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        // keytool is mostly JVM start-up: a short-lived JVM starts faster with these.
        cmd.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-noprompt"));
        Path log = Files.createTempFile(dir, "keytool", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        try {
            boolean done = p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within " + COMMAND_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: "
                        + output.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
