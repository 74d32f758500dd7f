package mqttconf.broker.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

import mqttconf.util.Reasons;
import mqttconf.spec.Coverage;

/** A bound listening socket and the transport every connection accepted on it gets. */
public final class Listener implements AutoCloseable {
    /** Client certificates a TLS listener asks for. */
    public enum ClientCertificates { NONE, OPTIONAL, REQUIRED }

    /**
     * Where to listen and what to speak there.
     *
     * @param scheme     tcp, tls, ws or wss, for messages
     * @param ssl        the TLS context of a TLS listener, else null
     */
    public record Endpoint(String scheme, int port, String bind, boolean websockets, SSLContext ssl,
                           ClientCertificates clientCertificates) { }

    final Endpoint config;
    final ServerSocketChannel server;
    private final SSLContext ssl;
    private final Coverage coverage;

    private Listener(Endpoint config, ServerSocketChannel server, Coverage coverage) {
        this.config = config;
        this.server = server;
        this.ssl = config.ssl();
        this.coverage = coverage;
    }

    /** Binds with room for {@code backlog} connections not yet accepted. */
    public static Listener open(Endpoint config, int backlog, Coverage coverage) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(config.bind(), config.port()), backlog);
            server.configureBlocking(false);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + config.bind() + ":" + config.port()
                    + (config.scheme().equals("tcp") ? "" : " (" + config.scheme() + ")") + ": " + Reasons.of(e), e);
        } catch (UnresolvedAddressException e) {
            server.close();
            throw new IOException("cannot listen on " + config.bind() + ": not an address or a known host name", e);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return new Listener(config, server, coverage);
    }

    /** The transport of a connection just accepted; {@code resume} asks the loop to go on with it later. */
    Transport transport(SocketChannel channel, Runnable resume) throws IOException {
        Transport t = new PlainTransport(channel);
        if (ssl != null) {
            SSLEngine engine = ssl.createSSLEngine();
            engine.setUseClientMode(false);
            switch (config.clientCertificates()) {
                case REQUIRED -> engine.setNeedClientAuth(true);
                case OPTIONAL -> engine.setWantClientAuth(true);
                case NONE -> { }
            }
            t = new TlsTransport(channel, engine, resume);
        }
        return config.websockets() ? new WebSocketTransport(t, coverage) : t;
    }

    public String scheme() {
        return config.scheme();
    }

    public int port() {
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
