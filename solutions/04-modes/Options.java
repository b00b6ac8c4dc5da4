///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;

/**
 * The socket options that change what a program can observe, each set the way it takes effect:
 * {@code TCP_NODELAY} so that small writes leave at once, {@code SO_REUSEADDR} so that a server
 * can bind its port again right after it stopped, {@code SO_LINGER} 0 so that closing resets the
 * connection, and the buffer sizes, set before connecting.
 *
 * <pre>jbang options [--host HOST] [--port PORT]</pre>
 */
public class Options {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;

    /** Switches Nagle's algorithm off on {@code socket}: every write is sent at once, however small. */
    public static void sendImmediately(Socket socket) throws IOException {
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /**
     * A listener bound to {@code address} even while connections of an earlier listener on the
     * same port linger in TIME_WAIT: SO_REUSEADDR, set before binding.
     */
    public static ServerSocket rebindableListener(InetSocketAddress address) throws IOException {
        var listener = new ServerSocket(); // unbound: options that affect binding must come first
        try {
            listener.setReuseAddress(true);
            listener.bind(address);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** Makes a later {@code close()} of {@code socket} reset the connection (RST) at once: SO_LINGER on, 0 seconds. */
    public static void resetOnClose(Socket socket) throws IOException {
        socket.setOption(StandardSocketOptions.SO_LINGER, 0);
    }

    /**
     * A new, unconnected socket whose receive and send buffers are asked to be {@code bytes} big;
     * set before connecting, because the receive buffer decides the window TCP offers the peer
     * when the connection is set up.
     */
    public static Socket withBuffers(int bytes) throws IOException {
        var socket = new Socket();
        socket.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        socket.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        return socket;
    }

    /** Twenty round trips of two small writes and a one-byte answer, with Nagle's algorithm and without. */
    static void demonstrate(ServerSocket listener) throws IOException {
        for (boolean immediately : new boolean[] {false, true}) {
            try (Socket client = withBuffers(64 * 1024)) {
                if (immediately) {
                    sendImmediately(client);
                }
                client.connect(listener.getLocalSocketAddress(), 2_000);
                try (Socket server = listener.accept()) {
                    Thread.ofVirtual().start(() -> answerEveryTwoBytes(server));
                    long started = System.nanoTime();
                    OutputStream out = client.getOutputStream();
                    InputStream in = client.getInputStream();
                    for (int round = 0; round < 20; round++) {
                        out.write('a');
                        out.write('b');
                        in.read();
                    }
                    System.out.printf("TCP_NODELAY %-5s: 20 round trips in %d ms (receive buffer %d bytes)%n", immediately,
                            (System.nanoTime() - started) / 1_000_000, client.getReceiveBufferSize());
                    resetOnClose(client);
                }
            }
        }
    }

    private static void answerEveryTwoBytes(Socket server) {
        try {
            InputStream in = server.getInputStream();
            OutputStream out = server.getOutputStream();
            byte[] two = new byte[2];
            while (in.readNBytes(two, 0, 2) == 2) {
                out.write('!');
            }
        } catch (IOException reset) {
            // the demonstration is over
        }
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("Options [--host HOST] [--port PORT]", args);
        try (ServerSocket listener = rebindableListener(command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT))) {
            System.out.println("Listening at " + CommandLine.shown(listener.getLocalSocketAddress()) + " (SO_REUSEADDR " + listener.getReuseAddress() + ")");
            demonstrate(listener);
        }
        System.out.println("The client closed with SO_LINGER 0: the connection was reset, and no TIME_WAIT is left behind.");
    }
}
