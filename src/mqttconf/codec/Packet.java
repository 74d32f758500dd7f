package mqttconf.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The fourteen MQTT 3.1.1 control packets as immutable values. Records hold what is on the wire and do not
 * enforce protocol rules, so a test client can build packets that break them; {@link Decoder} enforces the rules
 * on what it receives.
 */
public sealed interface Packet {

    PacketType type();

    /** The Will Message carried by a CONNECT. */
    record Will(String topic, byte[] payload, int qos, boolean retain) {
        public Will {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(payload, "payload");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Will w && topic.equals(w.topic) && Arrays.equals(payload, w.payload)
                    && qos == w.qos && retain == w.retain;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, Arrays.hashCode(payload), qos, retain);
        }

        @Override
        public String toString() {
            return "Will[topic=" + topic + ", qos=" + qos + ", retain=" + retain + ", payload=" + Bytes.preview(payload) + "]";
        }
    }

    /**
     * CONNECT. For a protocol other than MQTT 3.1.1 ("MQTT", level 4) and MQTT 3.1 ("MQIsdp", level 3, whose
     * CONNECT has the same fields) the decoder fills in only the name and level: the rest may follow another
     * specification.
     * Absent user name, password or will are null.
     */
    record Connect(String protocolName, int protocolLevel, boolean cleanSession, int keepAlive, String clientId,
                   Will will, String username, byte[] password) implements Packet {
        public static final String PROTOCOL_NAME = "MQTT";
        public static final int PROTOCOL_LEVEL = 4;
        /** MQTT 3.1, which Paho and others fall back to after a failed 3.1.1 attempt. */
        public static final String V31_PROTOCOL_NAME = "MQIsdp";
        public static final int V31_PROTOCOL_LEVEL = 3;

        public Connect {
            Objects.requireNonNull(protocolName, "protocolName");
            Objects.requireNonNull(clientId, "clientId");
        }

        /** A 3.1.1 CONNECT without will, user name or password. */
        public static Connect of(String clientId, boolean cleanSession, int keepAlive) {
            return new Connect(PROTOCOL_NAME, PROTOCOL_LEVEL, cleanSession, keepAlive, clientId, null, null, null);
        }

        public Connect withWill(Will w) {
            return new Connect(protocolName, protocolLevel, cleanSession, keepAlive, clientId, w, username, password);
        }

        public Connect withCredentials(String user, byte[] pass) {
            return new Connect(protocolName, protocolLevel, cleanSession, keepAlive, clientId, will, user, pass);
        }

        public boolean isVersion311() {
            return PROTOCOL_NAME.equals(protocolName) && protocolLevel == PROTOCOL_LEVEL;
        }

        public boolean isVersion31() {
            return V31_PROTOCOL_NAME.equals(protocolName) && protocolLevel == V31_PROTOCOL_LEVEL;
        }

        @Override
        public PacketType type() {
            return PacketType.CONNECT;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Connect c && protocolName.equals(c.protocolName) && protocolLevel == c.protocolLevel
                    && cleanSession == c.cleanSession && keepAlive == c.keepAlive && clientId.equals(c.clientId)
                    && Objects.equals(will, c.will) && Objects.equals(username, c.username)
                    && Arrays.equals(password, c.password);
        }

        @Override
        public int hashCode() {
            return Objects.hash(protocolName, protocolLevel, cleanSession, keepAlive, clientId, will, username,
                    Arrays.hashCode(password));
        }

        @Override
        public String toString() {
            return "CONNECT[" + protocolName + " " + protocolLevel + ", clientId=" + clientId + ", cleanSession="
                    + cleanSession + ", keepAlive=" + keepAlive + (will == null ? "" : ", " + will)
                    + (username == null ? "" : ", username=" + username)
                    + (password == null ? "" : ", password=(" + password.length + " bytes)") + "]";
        }
    }

    record ConnAck(boolean sessionPresent, int returnCode) implements Packet {
        public static final int ACCEPTED = 0, UNACCEPTABLE_PROTOCOL_VERSION = 1, IDENTIFIER_REJECTED = 2,
                SERVER_UNAVAILABLE = 3, BAD_USERNAME_OR_PASSWORD = 4, NOT_AUTHORIZED = 5;

        @Override
        public PacketType type() {
            return PacketType.CONNACK;
        }
    }

    /** PUBLISH. {@code packetId} is 0 and absent from the wire when {@code qos} is 0. */
    record Publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId)
            implements Packet {
        public Publish {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(payload, "payload");
        }

        public static Publish of(String topic, String payload, int qos, int packetId) {
            return new Publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, false, packetId);
        }

        public Publish withDup(boolean d) {
            return new Publish(topic, payload, qos, retain, d, packetId);
        }

        public Publish withRetain(boolean r) {
            return new Publish(topic, payload, qos, r, dup, packetId);
        }

        public Publish withQos(int q, int id) {
            return new Publish(topic, payload, q, retain, dup, id);
        }

        /** Same topic, QoS and payload: the same application message, whatever its flags and packet id. */
        public boolean sameMessage(Publish other) {
            return other != null && topic.equals(other.topic) && qos == other.qos && Arrays.equals(payload, other.payload);
        }

        @Override
        public PacketType type() {
            return PacketType.PUBLISH;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Publish p && topic.equals(p.topic) && Arrays.equals(payload, p.payload)
                    && qos == p.qos && retain == p.retain && dup == p.dup && packetId == p.packetId;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, dup, packetId);
        }

        @Override
        public String toString() {
            return "PUBLISH[topic=" + topic + ", qos=" + qos + (qos > 0 ? ", packetId=" + packetId : "")
                    + (retain ? ", retain" : "") + (dup ? ", dup" : "") + ", payload=" + Bytes.preview(payload) + "]";
        }
    }

    record PubAck(int packetId) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PUBACK;
        }
    }

    record PubRec(int packetId) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PUBREC;
        }
    }

    record PubRel(int packetId) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PUBREL;
        }
    }

    record PubComp(int packetId) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PUBCOMP;
        }
    }

    /** A topic filter and the maximum QoS requested for it. */
    record Subscription(String filter, int qos) {
        public Subscription {
            Objects.requireNonNull(filter, "filter");
        }
    }

    record Subscribe(int packetId, List<Subscription> subscriptions) implements Packet {
        public Subscribe {
            subscriptions = List.copyOf(subscriptions);
        }

        public static Subscribe of(int packetId, String filter, int qos) {
            return new Subscribe(packetId, List.of(new Subscription(filter, qos)));
        }

        @Override
        public PacketType type() {
            return PacketType.SUBSCRIBE;
        }
    }

    /** SUBACK; each return code is 0, 1 or 2 (granted QoS) or {@link #FAILURE}. */
    record SubAck(int packetId, List<Integer> returnCodes) implements Packet {
        public static final int FAILURE = 0x80;

        public SubAck {
            returnCodes = List.copyOf(returnCodes);
        }

        @Override
        public PacketType type() {
            return PacketType.SUBACK;
        }
    }

    record Unsubscribe(int packetId, List<String> filters) implements Packet {
        public Unsubscribe {
            filters = List.copyOf(filters);
        }

        @Override
        public PacketType type() {
            return PacketType.UNSUBSCRIBE;
        }
    }

    record UnsubAck(int packetId) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.UNSUBACK;
        }
    }

    record PingReq() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PINGREQ;
        }
    }

    record PingResp() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PINGRESP;
        }
    }

    record Disconnect() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.DISCONNECT;
        }
    }
}
