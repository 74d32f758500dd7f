package mqttconf.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import mqttconf.spec.Coverage;
import mqttconf.tls.TlsContexts;

/** A bound listening socket and the transport every connection accepted on it gets. */
final class Listener implements AutoCloseable {
    /**
     * Connections the kernel completes before the loop accepts them (capped by net.core.somaxconn): a burst of
     * connects beyond the JDK's default of 50 is dropped and retried by the clients a second later.
     */
    static final int BACKLOG = 4096;

    final ListenerConfig config;
    final ServerSocketChannel server;
    private final SSLContext ssl;
    private final Coverage coverage;

    private Listener(ListenerConfig config, ServerSocketChannel server, SSLContext ssl, Coverage coverage) {
        this.config = config;
        this.server = server;
        this.ssl = ssl;
        this.coverage = coverage;
    }

    /**
     * Reads the certificate files (a {@link mqttconf.tls.PemException} says what is wrong with them), then binds.
     */
    static Listener open(ListenerConfig config, Coverage coverage) throws IOException {
        ListenerConfig.Tls t = config.tls();
        SSLContext ssl = t == null ? null : TlsContexts.server(t.certfile(), t.keyfile(), t.cafile());
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(config.bind(), config.port()), BACKLOG);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + config.bind() + ":" + config.port()
                    + (config.scheme().equals("tcp") ? "" : " (" + config.scheme() + ")") + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new Listener(config, server, ssl, coverage);
    }

    /** The transport of a connection just accepted; {@code resume} asks the loop to go on with it later. */
    Transport transport(SocketChannel channel, Runnable resume) throws IOException {
        Transport t = new PlainTransport(channel);
        if (ssl != null) {
            SSLEngine engine = ssl.createSSLEngine();
            engine.setUseClientMode(false);
            if (config.tls().cafile() != null) {
                if (config.tls().requireCertificate()) engine.setNeedClientAuth(true);
                else engine.setWantClientAuth(true);
            }
            t = new TlsTransport(channel, engine, resume);
        }
        return config.websockets() ? new WebSocketTransport(t, coverage) : t;
    }

    int port() {
        return server.socket().getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
