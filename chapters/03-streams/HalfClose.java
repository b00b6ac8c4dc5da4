///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A word count over TCP where the request has no length and no delimiter: it is everything the
 * client sends. The client says "that is all" by shutting down its output, a half-close, and then
 * reads the answer until the server closes. The server counts only once it has seen end of stream.
 *
 * <p>The answer is the number of words in decimal followed by {@code \n}, e.g. {@code 3\n}. A word
 * is a run of characters that are not whitespace ({@link Character#isWhitespace}) in the request
 * decoded as UTF-8.
 *
 * <pre>
 * jbang half-close --serve [--host HOST] [--port PORT]
 * jbang half-close [--host HOST] [--port PORT] [WORD...]     (no WORD: counts standard input)
 * </pre>
 */
public class HalfClose {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    /** A server that never answers must not keep the client waiting for minutes. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Accepts connections until {@code listener} is closed, then returns quietly. Each connection
     * is served on a thread of its own: read everything until end of stream, answer with the
     * number of words, close. An accept that fails while the listener is open is tried again after
     * a short pause.
     */
    public static void serve(ServerSocket listener) throws IOException {
        // TODO Accept connections until the listener is closed (then return quietly); for each, on a thread of its
        //  own, read until end of stream, answer with the number of words and "\n", and close. A failed accept
        //  is retried after a pause. See 'Half-close: saying "that is all"' and "When accept fails" in README.md.
        throw new UnsupportedOperationException("TODO serve: answer each connection once its request has ended (README.md, 'Half-close: saying \"that is all\"')");
    }

    /** {@link #count(InetSocketAddress, String, Duration)} with the default bound of 5 seconds. */
    public static long count(InetSocketAddress server, String text) throws IOException {
        return count(server, text, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to {@code server}, sends {@code text} in UTF-8, shuts down its output to say that
     * was all, reads the answer until end of stream and returns the number in it. {@code timeout}
     * bounds the connection attempt and each wait for the answer (a {@link
     * java.net.SocketTimeoutException} when it passes); the socket is closed however the call ends.
     */
    public static long count(InetSocketAddress server, String text, Duration timeout) throws IOException {
        // TODO Connect within the timeout, bound every read by it too, send the text in UTF-8, shut down the output (not
        //  close!) to say that was all, then read the answer until end of stream and return its number.
        //  See 'Half-close: saying "that is all"' in README.md.
        throw new UnsupportedOperationException("TODO count: send, half-close, read the answer (README.md, 'Half-close: saying \"that is all\"')");
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("HalfClose [--serve] [--host HOST] [--port PORT] [WORD...]\n"
                + "(--serve: the word-count server; else the client, which counts standard input when no WORD is given)", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        if (command.flag("--serve")) {
            try (var listener = new ServerSocket()) {
                listener.bind(address);
                CommandLine.serving(listener.getLocalSocketAddress());
                serve(listener);
            }
        } else { // no words on the command line: count standard input, which also ends with an end of stream (Ctrl-D)
            var words = command.operands();
            String text = words.isEmpty() ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : String.join(" ", words);
            System.out.println(count(address, text) + " words");
        }
    }
}
