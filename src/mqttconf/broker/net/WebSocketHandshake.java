package mqttconf.broker.net;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.websocket.WebSocket;

/**
 * The server side of the RFC 6455 opening handshake: checks the HTTP upgrade request and answers it. Any path is
 * accepted. The subprotocol {@code mqtt} is selected when offered; a client that does not offer it is refused
 * with 400, since the only name the server may select is {@code mqtt} [MQTT-6.0.0-4].
 */
final class WebSocketHandshake {
    /** Longest request head accepted, request line and headers included. */
    static final int MAX_REQUEST = 8192;

    /** The reply to send, and whether the connection goes on as WebSocket. */
    record Reply(byte[] bytes, boolean upgraded, String problem) { }

    private WebSocketHandshake() {
    }

    static Reply answer(String head, Coverage coverage) {
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ");
        if (request.length != 3 || !request[0].equals("GET") || !request[2].startsWith("HTTP/1.1")) {
            return refuse(400, "Bad Request", "expected 'GET <path> HTTP/1.1', got '" + lines[0] + "'", "");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) return refuse(400, "Bad Request", "malformed header line '" + lines[i] + "'", "");
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).strip());
        }
        if (!tokens(headers, "upgrade").contains("websocket")) {
            return refuse(400, "Bad Request", "no 'Upgrade: websocket' header: this port speaks MQTT over WebSocket", "");
        }
        if (!tokens(headers, "connection").contains("upgrade")) {
            return refuse(400, "Bad Request", "no 'Connection: Upgrade' header", "");
        }
        if (!tokens(headers, "sec-websocket-version").contains("13")) {
            return refuse(426, "Upgrade Required", "WebSocket version 13 required", "Sec-WebSocket-Version: 13\r\n");
        }
        List<String> key = headers.getOrDefault("sec-websocket-key", List.of());
        if (key.size() != 1 || key.get(0).isEmpty()) return refuse(400, "Bad Request", "no Sec-WebSocket-Key", "");
        if (!tokens(headers, "sec-websocket-protocol").contains(WebSocket.SUBPROTOCOL)) {
            return refuse(400, "Bad Request", "the client must offer the WebSocket subprotocol 'mqtt' [MQTT-6.0.0-3], offered: "
                    + headers.getOrDefault("sec-websocket-protocol", List.of()), "");
        }
        coverage.exercised("MQTT-6.0.0-4");
        String reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocket.acceptKey(key.get(0)) + "\r\n"
                + "Sec-WebSocket-Protocol: " + WebSocket.SUBPROTOCOL + "\r\n\r\n";
        return new Reply(reply.getBytes(StandardCharsets.US_ASCII), true, null);
    }

    /** An answer to a request head longer than {@link #MAX_REQUEST}. */
    static Reply tooLarge() {
        return refuse(431, "Request Header Fields Too Large", "request head over " + MAX_REQUEST + " bytes", "");
    }

    /** The comma-separated values of a header, lower case, over all its lines. */
    private static List<String> tokens(Map<String, List<String>> headers, String name) {
        List<String> out = new ArrayList<>();
        for (String line : headers.getOrDefault(name, List.of())) {
            for (String t : line.split(",")) out.add(t.strip().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static Reply refuse(int status, String text, String problem, String extraHeaders) {
        byte[] body = (problem + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + text + "\r\n" + extraHeaders + "Connection: close\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return new Reply(all, false, "WebSocket upgrade refused: " + problem);
    }
}
