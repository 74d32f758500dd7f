package bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * A Java program that does nothing but accept and close connections on a loopback port: started with the
 * launcher's JVM options, its resident memory is the floor of any broker on this runtime (the JVM's own
 * libraries, archive, heap and threads), shown beside the idle broker row.
 */
public final class ListenOnly {
    public static void main(String[] args) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
            while (true) server.accept().close(); // accepted only so that the start-up probe sees a listener
        }
    }
}
