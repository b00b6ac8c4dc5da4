///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;

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
     * The largest UDP payload this server may receive. Over IPv4 it is 65,507 (65,535 minus the IP
     * and UDP headers); over IPv6 the payload length leaves out the IP header, so it is 65,527, and
     * a server bound to ::1 or to the wildcard address meets those too.
     */
    static final int MAX_DATAGRAM = 65_527;

    /**
     * Echoes every datagram to its sender until {@code socket} is closed, then returns quietly.
     * The caller binds the socket and closes it to stop the server.
     */
    public static void serve(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (!socket.isClosed()) {
            // receive() records the length and the sender of what arrived: the reply is built from exactly those.
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(request);
            } catch (SocketException closed) {
                if (socket.isClosed()) {
                    return; // closing the socket is how the caller says "stop"
                }
                throw closed;
            }
            var reply = new DatagramPacket(request.getData(), request.getOffset(), request.getLength(), request.getSocketAddress());
            try {
                socket.send(reply);
            } catch (IOException sendFailed) {
                // One client's trouble must not stop the server for everyone else.
                System.err.println("Could not answer " + request.getSocketAddress() + ": " + sendFailed);
            }
        }
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
