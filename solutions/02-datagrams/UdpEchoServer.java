///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
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
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            usage("cannot resolve the host '" + host + "'");
        }
        try (var socket = bind(address)) {
            System.out.println("Serving at " + socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort());
            serve(socket);
        }
    }

    /** A socket bound to {@code address}, or one line saying why there is none (often: another server has the port). */
    static DatagramSocket bind(InetSocketAddress address) {
        try {
            return new DatagramSocket(address);
        } catch (SocketException e) {
            System.err.println("UdpEchoServer: cannot bind " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage());
            System.exit(1);
            return null;
        }
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        usage("--port takes a number from 0 to 65535, not '" + text + "'");
        return -1;
    }

    static String usage(String problem) {
        System.err.println("UdpEchoServer: " + problem);
        System.err.println("usage: UdpEchoServer [--host HOST] [--port PORT]");
        System.exit(2);
        return null;
    }
}
