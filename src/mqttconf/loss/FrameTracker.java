package mqttconf.loss;

/**
 * Follows MQTT packet boundaries in a byte stream (fixed header, remaining length, body) without decoding,
 * so the proxy can tell whether a cut fell between packets or inside one.
 */
final class FrameTracker {
    private static final int HEADER = 0, LENGTH = 1, BODY = 2;

    private int state = HEADER;
    private int lengthBytes;
    private long value;
    private long multiplier;
    private long remaining;

    synchronized void feed(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (state) {
                case HEADER -> {
                    i++;
                    state = LENGTH;
                    lengthBytes = 0;
                    value = 0;
                    multiplier = 1;
                }
                case LENGTH -> {
                    int digit = b[i++] & 0xff;
                    value += (digit & 0x7f) * multiplier;
                    multiplier *= 128;
                    lengthBytes++;
                    if ((digit & 0x80) == 0 || lengthBytes == 4) {
                        remaining = value;
                        state = remaining == 0 ? HEADER : BODY;
                    }
                }
                default -> {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = HEADER;
                    }
                }
            }
        }
    }

    /** True when every byte fed so far belongs to a complete packet. */
    synchronized boolean atBoundary() {
        return state == HEADER;
    }
}
