///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Reads from a blocking socket before an overall deadline: exactly N bytes, or one line. A read
 * timeout ({@code setSoTimeout}) bounds each single read, so a peer that trickles a byte now and
 * then could hold a reader forever; a deadline bounds the whole message. On a timeout the thrown
 * {@link SocketTimeoutException} says in {@code bytesTransferred} how much of the message was
 * already consumed: 0 means the connection is exactly where it was, and can be read again.
 *
 * <pre>jbang deadlines [--host HOST] [--port PORT] [--deadline MILLIS]</pre>
 */
public class Deadlines {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final int DEFAULT_DEADLINE_MILLIS = 5_000;

    /**
     * Reads exactly {@code count} bytes from {@code socket}, all of them within {@code within} of
     * the call. Throws {@link SocketTimeoutException} when the deadline passes first (its
     * {@code bytesTransferred} is how many bytes were read by then), {@link EOFException} when the
     * stream ends first. A deadline of zero or less has passed already; one too long to count in
     * nanoseconds is as good as none. The socket's own read timeout is as it was when this returns
     * or throws.
     */
    public static byte[] readExactly(Socket socket, int count, Duration within) throws IOException {
        // TODO Read exactly count bytes, every read waiting only for what is left of one overall deadline; restore the
        //  socket's timeout afterwards. See "Deadlines, not read timeouts" in README.md.
        throw new UnsupportedOperationException("TODO readExactly: count bytes before one deadline (README.md, \"Deadlines, not read timeouts\")");
    }

    /**
     * Reads one line of UTF-8 text from {@code socket} within {@code within} of the call, and
     * returns it without its {@code \n} or {@code \r\n}; null when the stream ends before any
     * byte. Reads nothing past the line's end, so the next call finds the next line. Throws
     * {@link SocketTimeoutException} (with {@code bytesTransferred} set) when the deadline passes
     * first, {@link EOFException} when the stream ends inside a line. The socket's own read
     * timeout is as it was when this returns or throws.
     */
    public static String readLine(Socket socket, Duration within) throws IOException {
        // TODO Read one UTF-8 line, a byte at a time so nothing past its end is consumed, before one overall deadline.
        //  See "Deadlines, not read timeouts" and "After a timeout" in README.md.
        throw new UnsupportedOperationException("TODO readLine: one line before one deadline (README.md, \"Deadlines, not read timeouts\")");
    }

    public static void main(String[] args) {
        var command = new CommandLine("Deadlines [--host HOST] [--port PORT] [--deadline MS]", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        Duration deadline = command.millis("--deadline", Duration.ofMillis(DEFAULT_DEADLINE_MILLIS));
        try (var socket = new Socket()) {
            socket.connect(server, (int) deadline.toMillis());
            System.out.println("Connected to " + CommandLine.shown(server) + "; waiting " + deadline.toMillis() + " ms for a line");
            String line = readLine(socket, deadline);
            System.out.println(line == null ? "The server closed without a line" : "Line: " + line);
        } catch (IOException failed) {
            System.out.println(failed instanceof SocketTimeoutException late ? "Too slow: " + late.getMessage() : "Failed: " + failed);
            System.exit(1);
        }
    }
}
