package mqttconf.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import mqttconf.websocket.WebSocket;

/**
 * Opens MQTT over WebSocket: the RFC 6455 opening handshake over a TCP or TLS socket from {@code lower}, offering
 * {@code subprotocols} (normally just {@code mqtt} [MQTT-6.0.0-3]).
 */
public record WebSocketDialer(Dialer lower, String path, List<String> subprotocols) implements Dialer {
    private static final int MAX_RESPONSE_HEAD = 16 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    public WebSocketDialer {
        if (!path.startsWith("/")) throw new IllegalArgumentException("WebSocket path must start with /: " + path);
        subprotocols = List.copyOf(subprotocols);
    }

    /** The same dialer offering other subprotocols (chapter 6 tests). */
    public WebSocketDialer offering(List<String> protocols) {
        return new WebSocketDialer(lower, path, protocols);
    }

    @Override
    public String scheme() {
        return lower.scheme().equals("ssl") ? "wss" : "ws";
    }

    @Override
    public WebSocketSocket connect(String host, int port, Duration timeout) throws IOException {
        Socket s = lower.connect(host, port, timeout);
        try {
            s.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host.indexOf(':') >= 0 ? "[" + host + "]" : host).append(':').append(port).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            if (!subprotocols.isEmpty()) request.append("Sec-WebSocket-Protocol: ").append(String.join(", ", subprotocols)).append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(s.getInputStream());
            String[] lines = head.split("\r\n");
            if (!lines[0].matches("HTTP/1\\.1 101( .*)?")) {
                throw new IOException("WebSocket upgrade refused: " + lines[0]);
            }
            String accept = header(lines, "sec-websocket-accept");
            if (!WebSocket.acceptKey(key).equals(accept)) {
                throw new IOException("WebSocket upgrade: wrong Sec-WebSocket-Accept '" + accept + "'");
            }
            s.setSoTimeout(0);
            return new WebSocketSocket(s, header(lines, "sec-websocket-protocol"));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < 4 || !b.substring(b.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("WebSocket upgrade: connection closed during the handshake" + (b.isEmpty() ? "" : " after '" + b.toString().strip() + "'"));
            if (b.length() >= MAX_RESPONSE_HEAD) throw new IOException("WebSocket upgrade: response head over " + MAX_RESPONSE_HEAD + " bytes");
            b.append((char) c);
        }
        return b.substring(0, b.length() - 4);
    }

    /** The value of a header, or null. */
    private static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return lines[i].substring(colon + 1).strip();
            }
        }
        return null;
    }
}
