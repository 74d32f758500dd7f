package mqttconf.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import mqttconf.codec.Packet.*;

/**
 * Incremental decoder: give it whatever bytes have arrived and it yields complete packets or null for
 * "need more". It reads the buffer in place and allocates only for a packet whose bytes have all arrived,
 * so a remaining length that claims 256 MB costs nothing until the bytes come. One instance per stream; not
 * thread-safe.
 */
public final class Decoder {
    /** The largest remaining length four bytes can encode. */
    public static final int MAX_REMAINING_LENGTH = 268_435_455;
    /** Fixed header byte plus four length bytes plus the largest remaining length. */
    public static final int MAX_PACKET_SIZE = MAX_REMAINING_LENGTH + 5;

    private final int maxPacketSize;
    private int pendingPacketSize = -1;

    private ByteBuffer buf;
    private int pos;
    private int end;
    private String truncatedId;

    public Decoder() {
        this(MAX_PACKET_SIZE);
    }

    /** @param maxPacketSize the largest whole packet (fixed header included) accepted; larger ones are rejected as soon as their header arrives */
    public Decoder(int maxPacketSize) {
        if (maxPacketSize < 2) throw new IllegalArgumentException("maximum packet size must be at least 2");
        this.maxPacketSize = maxPacketSize;
    }

    /**
     * Decodes the next packet starting at {@code in.position()}. On success the position moves past the packet;
     * when more bytes are needed it returns null and leaves the position where it was.
     */
    public Packet decode(ByteBuffer in) throws MalformedPacketException {
        pendingPacketSize = -1;
        int start = in.position();
        int avail = in.limit() - start;
        if (avail < 1) return null;
        int b0 = in.get(start) & 0xff;
        PacketType type = PacketType.of(b0 >>> 4);
        checkFixedHeader(type, b0 & 0x0f);
        int length = 0;
        int i = 1;
        for (int shift = 0; ; shift += 7) {
            if (i == 5) throw new MalformedPacketException(null, "remaining length longer than four bytes");
            if (i >= avail) return null;
            int b = in.get(start + i++) & 0xff;
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) break;
        }
        long total = (long) i + length;
        if (total > maxPacketSize)
            throw MalformedPacketException.overLimit(type + " of " + total + " bytes exceeds the maximum packet size of " + maxPacketSize);
        if (avail < total) {
            pendingPacketSize = (int) total;
            return null;
        }
        buf = in;
        pos = start + i;
        end = pos + length;
        truncatedId = type == PacketType.CONNECT ? "MQTT-3.1.4-1" : null;
        try {
            Packet p = body(type, b0 & 0x0f, length);
            in.position(end);
            return p;
        } finally {
            buf = null;
        }
    }

    /** After decode returned null: the total size of the packet being received if its header has arrived, else -1. */
    public int pendingPacketSize() {
        return pendingPacketSize;
    }

    private static void checkFixedHeader(PacketType type, int flags) throws MalformedPacketException {
        if (type == null) throw new MalformedPacketException(null, "reserved packet type " + (flags == 0 ? "0" : "15") + " is forbidden");
        if (type == PacketType.PUBLISH) {
            if ((flags & 0x06) == 0x06) throw new MalformedPacketException("MQTT-3.3.1-4", "PUBLISH with QoS 3");
            return;
        }
        if (flags == type.requiredFlags) return;
        String id = switch (type) {
            case PUBREL -> "MQTT-3.6.1-1";
            case SUBSCRIBE -> "MQTT-3.8.1-1";
            case UNSUBSCRIBE -> "MQTT-3.10.1-1";
            case DISCONNECT -> "MQTT-3.14.1-1";
            default -> "MQTT-2.2.2-1"; // the sender's rule; closing on it is the receiver's [MQTT-2.2.2-2]
        };
        throw new MalformedPacketException(id, type + " with reserved flags " + bits(flags) + ", must be " + bits(type.requiredFlags));
    }

    private static String bits(int flags) {
        return String.format("%4s", Integer.toBinaryString(flags)).replace(' ', '0');
    }

    private Packet body(PacketType type, int flags, int length) throws MalformedPacketException {
        return switch (type) {
            case CONNECT -> connect();
            case CONNACK -> connAck(length);
            case PUBLISH -> publish(flags);
            case PUBACK -> new PubAck(fixedPacketId(type, length));
            case PUBREC -> new PubRec(fixedPacketId(type, length));
            case PUBREL -> new PubRel(fixedPacketId(type, length));
            case PUBCOMP -> new PubComp(fixedPacketId(type, length));
            case SUBSCRIBE -> subscribe();
            case SUBACK -> subAck();
            case UNSUBSCRIBE -> unsubscribe();
            case UNSUBACK -> new UnsubAck(fixedPacketId(type, length));
            case PINGREQ -> empty(new PingReq(), length);
            case PINGRESP -> empty(new PingResp(), length);
            case DISCONNECT -> empty(new Disconnect(), length);
        };
    }

    private Connect connect() throws MalformedPacketException {
        String name = string("protocol name");
        int level = u8("protocol level");
        boolean v311 = Connect.PROTOCOL_NAME.equals(name) && level == Connect.PROTOCOL_LEVEL;
        boolean v31 = Connect.V31_PROTOCOL_NAME.equals(name) && level == Connect.V31_PROTOCOL_LEVEL;
        if (!v311 && !v31) {
            // Another protocol or version: the rest may follow another specification [MQTT-3.1.2-1]
            return new Connect(name, level, false, 0, "", null, null, null);
        }
        int f = u8("connect flags");
        if ((f & 0x01) != 0) throw new MalformedPacketException("MQTT-3.1.2-3", "CONNECT reserved flag is 1");
        boolean willFlag = (f & 0x04) != 0;
        int willQos = (f >> 3) & 0x03;
        boolean willRetain = (f & 0x20) != 0;
        boolean passwordFlag = (f & 0x40) != 0;
        boolean usernameFlag = (f & 0x80) != 0;
        if (!willFlag && willQos != 0) throw new MalformedPacketException("MQTT-3.1.2-13", "CONNECT will QoS " + willQos + " without will flag");
        if (!willFlag && willRetain) throw new MalformedPacketException("MQTT-3.1.2-15", "CONNECT will retain without will flag");
        if (willQos == 3) throw new MalformedPacketException("MQTT-3.1.2-14", "CONNECT will QoS 3");
        if (!usernameFlag && passwordFlag) throw new MalformedPacketException("MQTT-3.1.2-22", "CONNECT password flag without user name flag");
        int keepAlive = u16("keep alive");
        String clientId = field("MQTT-3.1.3-3", "client identifier", this::clientId);
        Will will = null;
        if (willFlag) {
            String topic = field("MQTT-3.1.2-9", "will topic", () -> string("will topic"));
            TopicRules.checkName(topic, "MQTT-4.7.1-1");
            byte[] message = field("MQTT-3.1.2-9", "will message", this::binary);
            will = new Will(topic, message, willQos, willRetain);
        }
        String username = usernameFlag ? field("MQTT-3.1.2-19", "user name", () -> string("user name")) : null;
        byte[] password = passwordFlag ? field("MQTT-3.1.2-21", "password", this::binary) : null;
        if (pos != end)
            throw new MalformedPacketException("MQTT-3.1.4-1", "CONNECT has " + (end - pos) + " bytes after its last field");
        return new Connect(name, level, (f & 0x02) != 0, keepAlive, clientId, will, username, password);
    }

    private String clientId() throws MalformedPacketException {
        return string("client identifier");
    }

    private interface FieldReader<T> {
        T read() throws MalformedPacketException;
    }

    /** Reads a CONNECT payload field whose absence breaks statement {@code missingId}. */
    private <T> T field(String missingId, String what, FieldReader<T> reader) throws MalformedPacketException {
        if (pos >= end) throw new MalformedPacketException(missingId, "CONNECT payload ends before the " + what);
        return reader.read();
    }

    private ConnAck connAck(int length) throws MalformedPacketException {
        expectLength(PacketType.CONNACK, length, 2);
        int ackFlags = u8("acknowledge flags");
        if ((ackFlags & 0xfe) != 0)
            throw new MalformedPacketException(null, "CONNACK reserved acknowledge flag bits set: " + Integer.toHexString(ackFlags));
        return new ConnAck((ackFlags & 1) != 0, u8("return code"));
    }

    private Publish publish(int flags) throws MalformedPacketException {
        int qos = (flags >> 1) & 0x03;
        String topic = string("topic name");
        TopicRules.checkName(topic, "MQTT-3.3.2-2");
        int packetId = 0;
        if (qos > 0) {
            packetId = u16("packet identifier");
            if (packetId == 0) throw new MalformedPacketException("MQTT-2.3.1-1", "PUBLISH QoS " + qos + " with packet identifier 0");
        }
        byte[] payload = bytes(end - pos);
        return new Publish(topic, payload, qos, (flags & 0x01) != 0, (flags & 0x08) != 0, packetId);
    }

    private Subscribe subscribe() throws MalformedPacketException {
        int packetId = nonZeroPacketId(PacketType.SUBSCRIBE);
        List<Subscription> subs = new ArrayList<>(2);
        while (pos < end) {
            String filter = string("topic filter");
            TopicRules.checkFilter(filter);
            int options = u8("requested QoS");
            if (options > 2)
                throw new MalformedPacketException("MQTT-3.8.3-4", "SUBSCRIBE requested QoS byte 0x" + Integer.toHexString(options) + " for '" + filter + "'");
            subs.add(new Subscription(filter, options));
        }
        if (subs.isEmpty()) throw new MalformedPacketException("MQTT-3.8.3-3", "SUBSCRIBE without topic filters");
        return new Subscribe(packetId, subs);
    }

    private SubAck subAck() throws MalformedPacketException {
        int packetId = u16("packet identifier");
        List<Integer> codes = new ArrayList<>(2);
        while (pos < end) {
            int code = u8("return code");
            if (code > 2 && code != SubAck.FAILURE)
                throw new MalformedPacketException("MQTT-3.9.3-2", "SUBACK reserved return code 0x" + Integer.toHexString(code));
            codes.add(code);
        }
        if (codes.isEmpty()) throw new MalformedPacketException("MQTT-3.8.4-5", "SUBACK without return codes");
        return new SubAck(packetId, codes);
    }

    private Unsubscribe unsubscribe() throws MalformedPacketException {
        int packetId = nonZeroPacketId(PacketType.UNSUBSCRIBE);
        List<String> filters = new ArrayList<>(2);
        while (pos < end) {
            String filter = string("topic filter");
            TopicRules.checkFilter(filter);
            filters.add(filter);
        }
        if (filters.isEmpty()) throw new MalformedPacketException("MQTT-3.10.3-2", "UNSUBSCRIBE without topic filters");
        return new Unsubscribe(packetId, filters);
    }

    private int nonZeroPacketId(PacketType type) throws MalformedPacketException {
        int id = u16("packet identifier");
        if (id == 0) throw new MalformedPacketException("MQTT-2.3.1-1", type + " with packet identifier 0");
        return id;
    }

    private int fixedPacketId(PacketType type, int length) throws MalformedPacketException {
        expectLength(type, length, 2);
        return u16("packet identifier");
    }

    private static Packet empty(Packet p, int length) throws MalformedPacketException {
        expectLength(p.type(), length, 0);
        return p;
    }

    private static void expectLength(PacketType type, int length, int expected) throws MalformedPacketException {
        if (length != expected)
            throw new MalformedPacketException(null, type + " with remaining length " + length + ", must be " + expected);
    }

    private int u8(String what) throws MalformedPacketException {
        need(1, what);
        return buf.get(pos++) & 0xff;
    }

    private int u16(String what) throws MalformedPacketException {
        need(2, what);
        int v = ((buf.get(pos) & 0xff) << 8) | (buf.get(pos + 1) & 0xff);
        pos += 2;
        return v;
    }

    private String string(String what) throws MalformedPacketException {
        int len = u16(what + " length");
        need(len, what);
        byte[] b = new byte[len];
        buf.get(pos, b);
        pos += len;
        return Utf8.decode(b, 0, len, what);
    }

    private byte[] binary() throws MalformedPacketException {
        return bytes(u16("binary length"));
    }

    private byte[] bytes(int len) throws MalformedPacketException {
        need(len, "data");
        byte[] b = new byte[len];
        buf.get(pos, b);
        pos += len;
        return b;
    }

    private void need(int n, String what) throws MalformedPacketException {
        if (end - pos < n)
            throw new MalformedPacketException(truncatedId, "packet ends inside the " + what + " (" + n + " bytes needed, " + (end - pos) + " left)");
    }
}
