package netbasics.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the JDK open, once and before any test, the descriptors it keeps for itself on first
 * use of the network: a probe socket, the pollers behind virtual threads' blocking I/O. Opened
 * during a test, they would look to the leak check like sockets the code under test left open.
 */
public final class JdkWarmUp {

    private static volatile boolean done;

    private JdkWarmUp() {}

    /** Warms up once per JVM; later calls return at once. */
    public static synchronized void once() {
        if (!done) {
            run();
            done = true;
        }
    }

    static void run() {
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            InetAddress.getByName("localhost");
            try (var udp = new DatagramSocket(0, loopback); var channel = DatagramChannel.open()) {
                channel.bind(new InetSocketAddress(loopback, 0));
            }
            try (var selector = Selector.open(); var pipe = new AutoClosingPipe(Pipe.open())) {
                selector.selectNow();
            }
            var failure = new IOException[1];
            Thread virtual = Thread.ofVirtual().start(() -> {
                try (var listener = new ServerSocket(0, 1, loopback); var client = new Socket(loopback, listener.getLocalPort());
                     var accepted = listener.accept()) {
                    accepted.getOutputStream().write(1);
                    client.getInputStream().read();
                    try (var server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
                         var channel = SocketChannel.open(server.getLocalAddress()); var other = server.accept()) {
                        other.write(ByteBuffer.wrap(new byte[] {1}));
                        channel.read(ByteBuffer.allocate(1));
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            virtual.join();
            if (failure[0] != null) {
                throw failure[0];
            }
            Path folder = Files.createTempDirectory("nb-warm");
            Path file = folder.resolve("s");
            try (var unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(file))) {
                // bound and closed: the JDK's own Unix-domain support is loaded now
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the JDK's networking could not be warmed up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record AutoClosingPipe(Pipe pipe) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
