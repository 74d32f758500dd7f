package mqttconf.codec;

/** The fourteen MQTT 3.1.1 control packet types with their fixed-header codes and reserved flags (Table 2.2). */
public enum PacketType {
    CONNECT(1, 0), CONNACK(2, 0), PUBLISH(3, -1), PUBACK(4, 0), PUBREC(5, 0), PUBREL(6, 2), PUBCOMP(7, 0),
    SUBSCRIBE(8, 2), SUBACK(9, 0), UNSUBSCRIBE(10, 2), UNSUBACK(11, 0), PINGREQ(12, 0), PINGRESP(13, 0),
    DISCONNECT(14, 0);

    private static final PacketType[] BY_CODE = new PacketType[16];

    static {
        for (PacketType t : values()) BY_CODE[t.code] = t;
    }

    /** The 4-bit packet type code of the fixed header. */
    public final int code;
    /** The value the low four bits of the fixed header must have, or -1 for PUBLISH whose bits carry flags. */
    public final int requiredFlags;

    PacketType(int code, int requiredFlags) {
        this.code = code;
        this.requiredFlags = requiredFlags;
    }

    /** The type for a 4-bit code, or null for the forbidden codes 0 and 15. */
    public static PacketType of(int code) {
        return BY_CODE[code & 0x0f];
    }
}
