///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
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
            "A few lines of text",
            "with characters that are not ASCII: €£",
            "to try out",
            "the server",
            "and the client.");

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

    public static void main(String[] args) {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (args[i].equals("--")) {
                i++; // what follows "--" are lines, even if they start with "--"
                break;
            }
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                default -> usage("unknown option " + args[i]);
            }
            i += 2;
        }
        List<String> lines = i < args.length ? List.of(args).subList(i, args.length) : BOOK_LINES;
        String where = host + ":" + port;
        try {
            List<String> echoes = echoAll(new InetSocketAddress(host, port), lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT " + shown(lines.get(line)));
                System.out.println("RCVD " + shown(echoes.get(line)));
            }
            System.out.println("Disconnected from " + where);
        } catch (IOException e) {
            System.err.println(problem(e, host, where));
            System.exit(1);
        }
    }

    /** One sentence that says what went wrong, in the terms of the conversation. */
    static String problem(IOException e, String host, String where) {
        return switch (e) {
            case UnknownHostException unknown -> "Cannot find the host " + host + ": the name does not resolve.";
            case ConnectException refused -> "Could not connect to " + where + ": " + refused.getMessage()
                    + " (is the echo server running there?).";
            case SocketTimeoutException silent -> where + " did not answer within " + TIMEOUT.toSeconds() + " s.";
            case EOFException early -> where + " closed the connection too soon: " + early.getMessage() + ".";
            case SocketException broken when String.valueOf(broken.getMessage()).toLowerCase().contains("reset") ->
                    where + " reset the connection in the middle of the conversation.";
            default -> "The conversation with " + where + " failed: " + e.getMessage() + ".";
        };
    }

    static String shown(String line) {
        return "\"" + line + "\" (" + line.getBytes(StandardCharsets.UTF_8).length + " bytes)";
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
        System.err.println("TcpEchoClient: " + problem);
        System.err.println("usage: TcpEchoClient [--host HOST] [--port PORT] [LINE...]");
        System.exit(2);
        return null;
    }
}
