///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The chapter 03 echo client over a Unix-domain socket: it connects to a socket file, then for
 * each line sends the line's bytes whole and reads until all of them have come back.
 *
 * <pre>jbang local-echo-client [--path FILE] [LINE...]</pre>
 */
public class LocalEchoClient {

    static final Path DEFAULT_PATH = Path.of(System.getProperty("java.io.tmpdir"), "netbasics-echo.sock");
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final List<String> LINES = List.of("A few lines of text", "with characters that are not ASCII: €£", "over a socket file.");

    /**
     * Sends {@code line} as UTF-8 over the connected {@code channel}, all of it, then reads until as
     * many bytes as were sent have come back, and returns them decoded. The channel stays open.
     * Throws an {@link EOFException} when the server ends the stream before the whole echo is back.
     */
    public static String echo(SocketChannel channel, String line) throws IOException {
        // TODO Write all of the line's UTF-8 bytes to the channel, then read until as many bytes have come back, and
        //  return them decoded; leave the channel open. See "The echo client" in README.md.
        throw new UnsupportedOperationException("TODO echo: send the line whole, read its whole echo (README.md, \"The echo client\")");
    }

    /**
     * Connects to the server listening at {@code socketFile} and echoes each line in turn over that
     * one connection; returns the echoes in order. The whole conversation, connect included, takes
     * at most {@code timeout}: a server that keeps the client waiting longer makes it throw a
     * {@link SocketTimeoutException}. The channel is closed on every way out.
     */
    public static List<String> echoAll(Path socketFile, List<String> lines, Duration timeout) throws IOException {
        // TODO Connect to the socket file, echo each line over that one channel, end your side and close it; give up with
        //  a SocketTimeoutException once the timeout has passed, connecting included. See "The echo client" and "No read timeout" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: one connection, every line, bounded in time (README.md, \"No read timeout\")");
    }

    /** One sentence that says what went wrong, in the terms of the conversation. */
    static String problem(IOException e, Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return "There is no socket file at " + path + " (is the local echo server running?).";
        }
        return switch (e) {
            case SocketTimeoutException silent -> silent.getMessage() + ".";
            case EOFException early -> path + " closed the connection too soon: " + early.getMessage() + ".";
            case java.net.ConnectException refused -> "Could not connect to " + path + ": " + refused.getMessage()
                    + " (a stale socket file: its server is gone).";
            default -> "The conversation with " + path + " failed: " + e.getMessage() + ".";
        };
    }

    public static void main(String[] args) {
        var command = new CommandLine("LocalEchoClient [--path FILE] [LINE...]", args);
        Path path = command.path("--path", DEFAULT_PATH);
        List<String> lines = command.operands().isEmpty() ? LINES : command.operands();
        try {
            List<String> echoes = echoAll(path, lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT \"" + lines.get(line) + "\"\nRCVD \"" + echoes.get(line) + "\"");
            }
            System.out.println("Disconnected from " + path);
        } catch (IOException e) {
            throw CommandLine.fatal(problem(e, path));
        }
    }
}
