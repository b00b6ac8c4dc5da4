///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

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
        ByteBuffer sent = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (sent.hasRemaining()) {
            channel.write(sent); // a channel may take only part of the buffer: write until none is left
        }
        // The echo is as long as what was sent, in bytes, not in characters.
        ByteBuffer echo = ByteBuffer.allocate(sent.capacity());
        while (echo.hasRemaining()) {
            if (channel.read(echo) == -1) {
                throw new EOFException("the server ended the stream after echoing " + echo.position() + " of " + echo.capacity() + " bytes");
            }
        }
        // Decode only the whole echo: a read may end in the middle of a character.
        return new String(echo.array(), StandardCharsets.UTF_8);
    }

    /**
     * Connects to the server listening at {@code socketFile} and echoes each line in turn over that
     * one connection; returns the echoes in order. The whole conversation, connect included, takes
     * at most {@code timeout}: a server that keeps the client waiting longer makes it throw a
     * {@link SocketTimeoutException}. The channel is closed on every way out.
     */
    public static List<String> echoAll(Path socketFile, List<String> lines, Duration timeout) throws IOException {
        try (var channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // A Unix-domain channel has no read timeout (no setSoTimeout): a timer closes it instead,
            // which ends a read, or a connect, that is waiting with an AsynchronousCloseException.
            // So the timer starts before connecting: a server that never accepts is a wait too.
            var expired = new AtomicBoolean();
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(timeout);
                    expired.set(true);
                    channel.close();
                } catch (InterruptedException | IOException finishedInTime) {
                    // nothing to do: the conversation is over
                }
            });
            try {
                channel.connect(UnixDomainSocketAddress.of(socketFile));
                List<String> echoes = new ArrayList<>();
                for (String line : lines) {
                    echoes.add(echo(channel, line));
                }
                channel.shutdownOutput(); // "that is all": the server reads end of stream and closes its side
                return echoes;
            } catch (ClosedChannelException closed) {
                if (expired.get()) {
                    throw new SocketTimeoutException(socketFile + " did not answer within " + timeout.toMillis() + " ms");
                }
                throw closed;
            } finally {
                timer.interrupt();
            }
        }
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
