package mqttconf.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;

import mqttconf.tls.CertGenerator;
import mqttconf.util.Reasons;

/** {@code mqttconf certs DIR}: throwaway CA, server and client certificates for trying TLS. */
public final class CertsMode implements Mode {
    @Override
    public String name() {
        return "certs";
    }

    @Override
    public String summary() {
        return "write a throwaway CA, server and client certificate (PEM) for TLS tests";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf certs [--force] DIR

                Writes a throwaway certificate authority and two certificates it signed, valid
                for 30 days: ca.crt, server.crt and server.key (EC P-256, for localhost,
                127.0.0.1 and ::1), client.crt and client.key (RSA 2048). Keys are unencrypted
                PKCS#8 PEM, readable by their owner only (0600). DIR is made if missing; files
                already there are left alone unless --force. For tests only: never trust this CA.
                (mosquitto started as root reads its files as the user mosquitto: chown the keys
                to it, or chmod 644 them for a throwaway test.)

                  --force    overwrite existing files

                exit: 0 written, 2 bad usage, a file exists or DIR cannot be written

                example:
                  mqttconf certs build/certs
                  mqttconf broker --tls-port 8883 --certfile build/certs/server.crt \\
                      --keyfile build/certs/server.key
                  mqttconf test ssl://localhost:8883 --cafile build/certs/ca.crt
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().flag("force").parse(args);
        if (a.positional().size() != 1) throw new UsageException("certs needs one directory");
        Path dir = Path.of(a.positional().get(0));
        try {
            CertGenerator.Generated g = CertGenerator.generate(dir, a.has("force"));
            for (Path p : g.all()) out.println("wrote " + p);
            return Exit.OK;
        } catch (FileAlreadyExistsException e) {
            err.println("mqttconf certs: " + e.getFile() + " already exists (--force overwrites it)");
            return Exit.USAGE;
        } catch (IOException e) {
            String file = e instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile() : dir.toString();
            err.println("mqttconf certs: cannot write " + file + ": " + Reasons.of(e));
            return Exit.USAGE;
        }
    }
}
