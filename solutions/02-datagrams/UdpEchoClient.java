///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The book's connectionless echo client: each line goes out as one UTF-8 datagram, and the client
 * waits a bounded time for it to come back. Without the bound, one lost datagram would leave it
 * waiting forever.
 *
 * <pre>jbang udp-echo-client [--host HOST] [--port PORT] [LINE...]</pre>
 */
public class UdpEchoClient {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8883;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    static final List<String> BOOK_LINES = List.of(
            "Hello, datagram!",
            "Each line travels alone, as one datagram",
            "No connection, no promise of delivery",
            "The echo comes back from the same port",
            "Not ASCII, still one datagram: £€");

    /** The largest payload of a UDP datagram over IPv4: 65,535 minus the IP and UDP headers. */
    static final int MAX_DATAGRAM = 65_507;

    /**
     * Sends {@code line} to {@code server} as one UTF-8 datagram and returns the text of the
     * datagram that comes back. Throws {@link SocketTimeoutException}, naming the line and the
     * server, when nothing comes back within {@code timeout}.
     */
    public static String echo(DatagramSocket socket, InetSocketAddress server, String line, Duration timeout) throws IOException {
        byte[] request = line.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(request, request.length, server));
        // Room for the largest datagram: a shorter buffer would cut a long echo without a word.
        var reply = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        socket.setSoTimeout(soTimeoutMillis(timeout));
        try {
            socket.receive(reply);
        } catch (SocketTimeoutException silence) {
            var timedOut = new SocketTimeoutException("No echo of \"" + line + "\" came back from " + server.getHostString()
                    + ":" + server.getPort() + " within " + timeout.toMillis() + " ms.");
            timedOut.initCause(silence);
            throw timedOut;
        }
        return new String(reply.getData(), reply.getOffset(), reply.getLength(), StandardCharsets.UTF_8);
    }

    /** Echoes each line in turn from a socket of its own; returns the echoes in the same order. */
    public static List<String> echoAll(InetSocketAddress server, List<String> lines, Duration timeout) throws IOException {
        // An unbound socket gets a free port on the wildcard address, which can reach IPv4 and IPv6 servers alike.
        try (var socket = new DatagramSocket()) {
            var echoes = new ArrayList<String>();
            for (String line : lines) {
                echoes.add(echo(socket, server, line, timeout));
            }
            return echoes;
        }
    }

    /** setSoTimeout's milliseconds: at least 1 (0 would mean "wait forever"), at most what an int holds. */
    static int soTimeoutMillis(Duration timeout) {
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, timeout.toMillis());
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("UdpEchoClient [--host HOST] [--port PORT] [LINE...]", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        List<String> lines = command.operands();
        try (var socket = new DatagramSocket()) {
            for (String line : lines.isEmpty() ? BOOK_LINES : lines) {
                System.out.println("sent     \"" + line + "\" to " + CommandLine.shown(server));
                System.out.println("received \"" + echo(socket, server, line, DEFAULT_TIMEOUT) + "\"");
            }
        } catch (SocketTimeoutException silence) {
            throw CommandLine.fatal(silence.getMessage());
        }
    }
}
