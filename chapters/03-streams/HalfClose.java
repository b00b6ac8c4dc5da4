///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

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
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        boolean serve = false;
        var words = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = true;
                case "--host" -> host = i + 1 < args.length ? args[++i] : usage("missing value after --host");
                case "--port" -> port = port(i + 1 < args.length ? args[++i] : usage("missing value after --port"));
                default -> {
                    if (args[i].startsWith("--")) {
                        usage("unknown option " + args[i]);
                    }
                    words.append(words.isEmpty() ? "" : " ").append(args[i]);
                }
            }
        }
        if (serve) {
            try (var listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(host, port));
                System.out.println("Serving at " + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
                serve(listener);
            }
        } else {
            // No words on the command line: count standard input, which also ends with an end of stream (Ctrl-D).
            String text = words.isEmpty() ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : words.toString();
            System.out.println(count(new InetSocketAddress(host, port), text) + " words");
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
        System.err.println("HalfClose: " + problem);
        System.err.println("usage: HalfClose --serve [--host HOST] [--port PORT]");
        System.err.println("       HalfClose [--host HOST] [--port PORT] [WORD...]   (no WORD: counts standard input)");
        System.exit(2);
        return null;
    }
}
