///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The book's TCP echo client, done right: it connects once, then for each line sends the line's
 * bytes whole and reads until all of them have come back, however the network split them.
 *
 * <pre>jbang tcp-echo-client [--host HOST] [--port PORT] [LINE...]</pre>
 */
public class TcpEchoClient {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final List<String> BOOK_LINES = List.of(
            "A few lines of text", "with characters that are not ASCII: €£",
            "to try out", "the server", "and the client.");

    /**
     * Sends {@code line} as UTF-8 over the connected {@code socket}, all of it, then reads until as
     * many bytes as were sent have come back, and returns them decoded. Throws an
     * {@link EOFException} when the server ends the stream before the whole echo is back.
     */
    public static String echo(Socket socket, String line) throws IOException {
        // TODO Write the line's UTF-8 bytes, all of them, then read until as many bytes have come back
        //  (one read may bring only some), and decode the whole echo. See "The echo client" in README.md.
        throw new UnsupportedOperationException("TODO echo: send the line whole and read its whole echo (README.md, \"The echo client\")");
    }

    /**
     * Connects to {@code server} and echoes each line in turn over that one connection; returns the
     * echoes in order. {@code timeout} bounds the connection attempt and each wait for the server;
     * the socket is closed however the call ends.
     */
    public static List<String> echoAll(InetSocketAddress server, List<String> lines, Duration timeout) throws IOException {
        // TODO Connect with the timeout, set it as the read timeout too, echo each line in turn, then end
        //  your side of the stream and close. See "The echo client" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: echo each line over one connection (README.md, \"The echo client\")");
    }

    /** One sentence that says what went wrong, in the terms of the conversation. */
    static String problem(IOException e, String where) {
        return switch (e) {
            case ConnectException refused -> "Could not connect to " + where + ": " + refused.getMessage() + " (is the echo server running there?).";
            case SocketTimeoutException silent -> where + " did not answer within " + TIMEOUT.toSeconds() + " s.";
            case EOFException early -> where + " closed the connection too soon: " + early.getMessage() + ".";
            default -> "The conversation with " + where + " failed: " + e.getMessage() + ".";
        };
    }

    static String shown(String line) {
        return "\"" + line + "\" (" + line.getBytes(StandardCharsets.UTF_8).length + " bytes)";
    }

    public static void main(String[] args) {
        var command = new CommandLine("TcpEchoClient [--host HOST] [--port PORT] [LINE...]", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        List<String> lines = command.operands().isEmpty() ? BOOK_LINES : command.operands();
        try {
            List<String> echoes = echoAll(server, lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT " + shown(lines.get(line)) + "\nRCVD " + shown(echoes.get(line)));
            }
            System.out.println("Disconnected from " + CommandLine.shown(server));
        } catch (IOException e) {
            throw CommandLine.fatal(problem(e, CommandLine.shown(server)));
        }
    }
}
