package mqttconf.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import mqttconf.util.Reasons;

/**
 * How a test client reaches a server: plain TCP, TLS, or WebSocket over either. Every step is bounded by the
 * timeout given. The socket returned carries the MQTT byte stream, ready for {@link TestClient#over}.
 */
public interface Dialer {
    Socket connect(String host, int port, Duration timeout) throws IOException;

    /** {@code tcp}, {@code ssl}, {@code ws} or {@code wss}, as in the target URL. */
    String scheme();

    /** Opens a {@link TestClient} through this dialer. */
    default TestClient open(String host, int port, Duration timeout, String name) throws IOException {
        return TestClient.over(connect(host, port, timeout), name);
    }

    static Dialer tcp() {
        return new Tcp();
    }

    /** TLS with {@code context}; {@code verifyHostname} checks the server certificate names {@code host}. */
    static Dialer tls(SSLContext context, boolean verifyHostname) {
        return new Tls(context, verifyHostname);
    }

    /** WebSocket over {@code lower} (TCP or TLS), requesting {@code path}, offering the subprotocol {@code mqtt}. */
    static WebSocketDialer websocket(Dialer lower, String path) {
        return new WebSocketDialer(lower, path, List.of(mqttconf.websocket.WebSocket.SUBPROTOCOL));
    }

    record Tcp() implements Dialer {
        @Override
        public Socket connect(String host, int port, Duration timeout) throws IOException {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            } catch (IOException e) {
                s.close();
                throw e;
            }
            return s;
        }

        @Override
        public String scheme() {
            return "tcp";
        }
    }

    record Tls(SSLContext context, boolean verifyHostname) implements Dialer {
        @Override
        public Socket connect(String host, int port, Duration timeout) throws IOException {
            Socket tcp = new Tcp().connect(host, port, timeout);
            try {
                SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(tcp, host, port, true);
                if (verifyHostname) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                }
                s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                s.startHandshake();
                s.setSoTimeout(0);
                return s;
            } catch (IOException e) {
                tcp.close();
                throw new IOException("TLS handshake with " + host + ":" + port + " failed: " + Reasons.of(e), e);
            }
        }

        @Override
        public String scheme() {
            return "ssl";
        }
    }
}
