package mqttconf.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import mqttconf.tls.CertGenerator;

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
                usage: mqttconf certs DIR

                Writes a throwaway certificate authority and two certificates it signed, valid
                for 30 days, made with the JDK's keytool: ca.crt, server.crt and server.key
                (EC P-256, for localhost, 127.0.0.1 and ::1), client.crt and client.key (RSA
                2048). Keys are unencrypted PKCS#8 PEM. For tests only: never trust this CA.

                example:
                  mqttconf certs build/certs
                  mqttconf broker --tls-port 8883 --certfile build/certs/server.crt \\
                      --keyfile build/certs/server.key
                  mqttconf test ssl://localhost:8883 --cafile build/certs/ca.crt
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().parse(args);
        if (a.positional().size() != 1) throw new UsageException("certs needs one directory");
        Path dir = Path.of(a.positional().get(0));
        try {
            CertGenerator.Generated g = CertGenerator.generate(dir);
            for (Path p : List.of(g.ca(), g.serverCert(), g.serverKey(), g.clientCert(), g.clientKey())) out.println("wrote " + p);
            return Exit.OK;
        } catch (IOException e) {
            err.println("mqttconf certs: " + e.getMessage());
            return Exit.USAGE;
        }
    }
}
