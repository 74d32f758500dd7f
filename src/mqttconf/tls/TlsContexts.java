package mqttconf.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import mqttconf.util.Reasons;

/** SSLContexts from PEM files: a server's certificate and key, a client's trust anchors and optional certificate. */
public final class TlsContexts {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /**
     * A server context presenting {@code certfile} (the chain, leaf first) with {@code keyfile}; client certificates
     * are checked against {@code cafile} when it is not null.
     */
    public static SSLContext server(Path certfile, Path keyfile, Path cafile) {
        return context(keyManagers(certfile, keyfile), cafile == null ? null : trustManagers(cafile));
    }

    /**
     * A client context trusting {@code cafile} (the JDK's trust store when null), presenting {@code cert} and
     * {@code key} when given. {@code insecure} trusts any server certificate.
     */
    public static SSLContext client(Path cafile, Path cert, Path key, boolean insecure) {
        TrustManager[] trust = insecure ? new TrustManager[] {new TrustAnything()} : cafile == null ? null : trustManagers(cafile);
        return context(cert == null ? null : keyManagers(cert, key), trust);
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, trust, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new PemException("cannot set up TLS: " + Reasons.of(e));
        }
    }

    private static KeyManager[] keyManagers(Path certfile, Path keyfile) {
        List<X509Certificate> chain = Pem.certificates(certfile);
        PrivateKey key = Pem.privateKey(keyfile);
        String certAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
        if (!certAlgorithm.equals(key.getAlgorithm())) {
            throw new PemException(keyfile + ": a " + key.getAlgorithm() + " key does not match the " + certAlgorithm
                    + " certificate in " + certfile);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(ks, NO_PASSWORD);
            return f.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new PemException(certfile + " with " + keyfile + ": " + Reasons.of(e));
        }
    }

    private static TrustManager[] trustManagers(Path cafile) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : Pem.certificates(cafile)) ks.setCertificateEntry("ca" + i++, c);
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(ks);
            return f.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new PemException(cafile + ": " + Reasons.of(e));
        }
    }

    /** For --insecure only: accepts every certificate chain. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // trusts every client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusts every server: what --insecure asks for
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
