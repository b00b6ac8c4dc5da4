///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
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

    /**
     * Sends {@code line} to {@code server} as one UTF-8 datagram and returns the text of the
     * datagram that comes back. Throws {@link SocketTimeoutException}, naming the line and the
     * server, when nothing comes back within {@code timeout}.
     */
    public static String echo(DatagramSocket socket, InetSocketAddress server, String line, Duration timeout) throws IOException {
        // TODO Send the line's UTF-8 bytes as one datagram, then wait at most `timeout` for one datagram back and
        //  decode it as UTF-8; on a timeout, throw a SocketTimeoutException naming the line and the server.
        //  See "The connectionless client" in README.md.
        throw new UnsupportedOperationException("TODO echo: send one line, wait a bounded time for its echo (README.md, \"The connectionless client\")");
    }

    /** Echoes each line in turn from a socket of its own; returns the echoes in the same order. */
    public static List<String> echoAll(InetSocketAddress server, List<String> lines, Duration timeout) throws IOException {
        // TODO Open one socket, echo each line in turn with echo(), close the socket, and return the echoes in
        //  order. See "The connectionless client" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: echo each line from one socket (README.md, \"The connectionless client\")");
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
