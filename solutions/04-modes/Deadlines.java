///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
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
        long started = System.nanoTime();
        long budget = nanos(within);
        int previousTimeout = socket.getSoTimeout();
        InputStream in = socket.getInputStream();
        byte[] bytes = new byte[count];
        int received = 0;
        try {
            while (received < count) {
                // Each read may wait only for what is left of the deadline, not for a fresh timeout.
                socket.setSoTimeout(millisLeft(started, budget, within, received));
                int n = in.read(bytes, received, count - received);
                if (n == -1) {
                    throw new EOFException("the stream ended after " + received + " of " + count + " bytes");
                }
                received += n;
            }
            return bytes;
        } catch (SocketTimeoutException late) {
            throw deadlinePassed(within, received);
        } finally {
            socket.setSoTimeout(previousTimeout);
        }
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
        long started = System.nanoTime();
        long budget = nanos(within);
        int previousTimeout = socket.getSoTimeout();
        InputStream in = socket.getInputStream();
        var line = new ByteArrayOutputStream();
        try {
            while (true) {
                socket.setSoTimeout(millisLeft(started, budget, within, line.size()));
                // One byte at a time: a bigger read could swallow the start of the next line.
                int b = in.read();
                if (b == -1) {
                    if (line.size() == 0) {
                        return null;
                    }
                    throw new EOFException("the stream ended inside a line, after " + line.size() + " bytes");
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (SocketTimeoutException late) {
            throw deadlinePassed(within, line.size());
        } finally {
            socket.setSoTimeout(previousTimeout);
        }
    }

    /**
     * The deadline in nanoseconds, never overflowing: a duration too long to count in nanoseconds
     * (hundreds of years) is as good as no deadline, and a negative one has already passed.
     */
    private static long nanos(Duration within) {
        if (within.isNegative()) {
            return 0;
        }
        try {
            return within.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * What is left of the deadline, in whole milliseconds, at least 1 (0 would mean "wait forever")
     * and at most Integer.MAX_VALUE. Elapsed time is compared with the budget, never added to a
     * start time: {@code started + budget} can overflow for a huge budget.
     */
    private static int millisLeft(long started, long budget, Duration within, int received) throws SocketTimeoutException {
        long left = budget - (System.nanoTime() - started);
        if (left <= 0) {
            throw deadlinePassed(within, received);
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis()));
    }

    private static SocketTimeoutException deadlinePassed(Duration within, int received) {
        var late = new SocketTimeoutException("the deadline of " + Duration.ofNanos(nanos(within)).toMillis() + " ms passed after "
                + received + " bytes");
        late.bytesTransferred = received; // 0: nothing consumed, the connection can be read again
        return late;
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
