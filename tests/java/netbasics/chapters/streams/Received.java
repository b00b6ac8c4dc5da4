package netbasics.chapters.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import netbasics.grading.CurrentTest;

/** Reads what the code under test sent, bounded in time, and stops waiting as soon as that code has died. */
final class Received {

    private static final int WATCH_INTERVAL_MILLIS = 50;

    private Received() {}

    /**
     * Up to {@code count} bytes from {@code socket}: all of them, or fewer when the stream ends, the
     * bound passes, or the code under test has died first.
     */
    static byte[] exactly(Socket socket, int count, Duration bound) throws IOException {
        var received = new ByteArrayOutputStream();
        read(socket, count, bound, true, received);
        return received.toByteArray();
    }

    /** Everything until end of stream; {@code ended} says whether the end came within the bound. */
    record All(byte[] bytes, boolean ended) {}

    static All untilEnd(Socket socket, Duration bound) throws IOException {
        var received = new ByteArrayOutputStream();
        boolean ended = read(socket, Integer.MAX_VALUE, bound, true, received);
        return new All(received.toByteArray(), ended);
    }

    /** Like {@link #untilEnd}, but waits out the bound even when code under test has died: for a reference peer serving a program. */
    static All untilEndWithin(Socket socket, Duration bound) throws IOException {
        var received = new ByteArrayOutputStream();
        boolean ended = read(socket, Integer.MAX_VALUE, bound, false, received);
        return new All(received.toByteArray(), ended);
    }

    /** Returns true when the stream ended. */
    private static boolean read(Socket socket, int count, Duration bound, boolean watch, ByteArrayOutputStream into) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + bound.toNanos();
        int previousTimeout = socket.getSoTimeout();
        try {
            while (into.size() < count) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0 || watch && CurrentTest.learnerCodeDied()) {
                    return false;
                }
                socket.setSoTimeout((int) Math.max(1, Math.min(left, WATCH_INTERVAL_MILLIS)));
                try {
                    int n = in.read(buffer, 0, Math.min(buffer.length, count - into.size()));
                    if (n < 0) {
                        return true;
                    }
                    into.write(buffer, 0, n);
                } catch (SocketTimeoutException notYet) {
                    // look again, until the deadline
                }
            }
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previousTimeout);
            }
        }
    }
}
