package mqttconf.broker.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** MQTT straight over TCP. */
final class PlainTransport implements Transport {
    private final SocketChannel channel;
    private boolean blocked;

    PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        long n = channel.write(srcs);
        blocked = srcs.length > 0 && srcs[srcs.length - 1].hasRemaining();
        return n;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean waitsForSocket() {
        return blocked;
    }

    @Override
    public boolean hasOwnOutput() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public String scheme() {
        return "tcp";
    }
}
