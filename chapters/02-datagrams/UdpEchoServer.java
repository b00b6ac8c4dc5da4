///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramSocket;

/**
 * The book's connectionless echo server: every datagram that arrives is sent straight back to
 * whoever sent it. There is no connection and no conversation, only one datagram in and one out.
 *
 * <pre>jbang udp-echo-server [--host HOST] [--port PORT]</pre>
 */
public class UdpEchoServer {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8883;

    /**
     * Echoes every datagram to its sender until {@code socket} is closed, then returns quietly.
     * The caller binds the socket and closes it to stop the server.
     */
    public static void serve(DatagramSocket socket) throws IOException {
        // TODO Receive each datagram and send its bytes back to the address it came from, until the
        //  socket is closed; then return quietly. See "The connectionless server" in README.md.
        throw new UnsupportedOperationException("TODO serve: echo every datagram to its sender (README.md, \"The connectionless server\")");
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("UdpEchoServer [--host HOST] [--port PORT]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        try (var socket = new DatagramSocket(address)) {
            CommandLine.serving(socket.getLocalSocketAddress());
            serve(socket);
        }
    }
}
