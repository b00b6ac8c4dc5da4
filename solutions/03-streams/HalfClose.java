///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    /** How long serve waits after a failed accept before it tries again. */
    static final Duration ACCEPT_RETRY_PAUSE = Duration.ofMillis(50);

    /**
     * Accepts connections until {@code listener} is closed, then returns quietly. Each connection
     * is served on a thread of its own: read everything until end of stream, answer with the
     * number of words, close. An accept that fails while the listener is open is tried again after
     * a short pause.
     */
    public static void serve(ServerSocket listener) throws IOException {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException failed) {
                if (listener.isClosed()) {
                    return; // closing the listener is how the caller says "stop"
                }
                // This accept failed (out of descriptors, say), the next may not: see "When accept fails".
                System.err.println("accept failed, trying again shortly: " + failed.getMessage());
                pause(ACCEPT_RETRY_PAUSE);
                continue;
            }
            // A client that is slow to finish its request must not hold up the others.
            Thread.ofVirtual().start(() -> answer(connection));
        }
    }

    private static void pause(Duration pause) throws InterruptedIOException {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt(); // the caller's flag stays set for whoever asked us to stop
            throw new InterruptedIOException("interrupted while waiting to accept again");
        }
    }

    private static void answer(Socket connection) {
        try (connection) {
            // readAllBytes returns only at end of stream: when the client has shut down its output.
            byte[] request = connection.getInputStream().readAllBytes();
            long words = words(new String(request, StandardCharsets.UTF_8));
            OutputStream out = connection.getOutputStream();
            out.write((words + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // One client's broken connection must not stop the server for the others.
            System.err.println("Could not answer " + connection.getRemoteSocketAddress() + ": " + e);
        }
    }

    static long words(String text) {
        long words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
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
        int millis = timeoutMillis(timeout);
        try (var socket = new Socket()) {
            socket.connect(server, millis); // a server that never answers the handshake must not hold us for minutes
            socket.setSoTimeout(millis); // nor one that accepts and never answers
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            // Not close(): that would end the reading side too. shutdownOutput sends only the FIN.
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            try {
                return Long.parseLong(answer);
            } catch (NumberFormatException e) {
                throw new IOException("the server answered '" + answer + "', which is not a number", e);
            }
        }
    }

    /** Socket's milliseconds: at least 1 (0 would mean "wait forever"), at most what an int holds. */
    static int timeoutMillis(Duration timeout) {
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, timeout.toMillis());
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
