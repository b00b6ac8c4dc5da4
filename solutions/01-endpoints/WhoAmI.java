///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A TCP server that tells each client who it is: the five-tuple of its connection, as the server
 * sees it, in one line such as {@code TCP 127.0.0.1:50312 -> 127.0.0.1:8881}. The client hangs
 * up when it has read enough; the server then closes its side too.
 *
 * <pre>jbang who-am-i [--host HOST] [--port PORT]</pre>
 */
public class WhoAmI {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;

    /**
     * The five-tuple of an accepted connection, from the server's side:
     * {@code TCP CLIENT_ADDRESS:PORT -> SERVER_ADDRESS:PORT}, IPv6 addresses in brackets.
     */
    public static String fiveTuple(Socket connection) {
        if (!connection.isConnected()) {
            throw new IllegalArgumentException("an unconnected socket has no five-tuple yet");
        }
        var client = (InetSocketAddress) connection.getRemoteSocketAddress(); // the peer: getpeername()
        var server = (InetSocketAddress) connection.getLocalSocketAddress();  // this end: getsockname()
        return "TCP " + endpoint(client.getAddress(), client.getPort()) + " -> " + endpoint(server.getAddress(), server.getPort());
    }

    /**
     * Accepts connections until {@code listener} is closed, then returns quietly. Each client gets
     * its line at once and is served on a thread of its own, so a client that stays connected
     * never keeps the next one waiting.
     */
    public static void serve(ServerSocket listener) throws IOException {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (SocketException closed) {
                if (listener.isClosed()) {
                    return; // closing the listener is how the caller says "stop"
                }
                throw closed;
            }
            Thread.ofVirtual().name("who-am-i " + connection.getRemoteSocketAddress()).start(() -> answer(connection));
        }
    }

    private static void answer(Socket connection) {
        try (connection) {
            tellAndWait(connection);
        } catch (IOException vanished) {
            // The client reset the connection or left early: that ends its conversation, not the server.
        }
    }

    private static void tellAndWait(Socket connection) throws IOException {
        OutputStream out = connection.getOutputStream();
        out.write((fiveTuple(connection) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        // The client hangs up first: its side, not the server's, then holds the TIME_WAIT state.
        // Anything it sends meanwhile is read and dropped.
        connection.getInputStream().transferTo(OutputStream.nullOutputStream());
    }

    private static String endpoint(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("WhoAmI [--host HOST] [--port PORT]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        try (var listener = new ServerSocket()) {
            listener.bind(address);
            CommandLine.serving(listener.getLocalSocketAddress());
            serve(listener);
        }
    }
}
