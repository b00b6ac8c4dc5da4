package netbasics.grading;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;

/**
 * A learner's server running its {@code serve(socket)} on a thread of its own, over a socket the
 * test bound. Closing the socket is how a test stops it; {@link #stop()} also checks that the
 * server then returned, quietly and promptly.
 */
public final class Serving implements AutoCloseable {

    private static final Duration STOP_BOUND = Duration.ofSeconds(2);

    private final Closeable socket;
    private final Call call;

    private Serving(Closeable socket, Call call) {
        this.socket = socket;
        this.call = call;
    }

    /** Calls {@code serve} with the socket and any further arguments, in the background. */
    public static Serving start(Contract serve, Closeable socket, Object... more) {
        Object[] arguments = new Object[more.length + 1];
        arguments[0] = socket;
        System.arraycopy(more, 0, arguments, 1, more.length);
        return new Serving(socket, serve.start(arguments));
    }

    public Call call() {
        return call;
    }

    /** Closes the socket and asserts that the server returned quietly within two seconds. */
    public void stop() {
        closeSocket();
        call.awaitQuietReturn(STOP_BOUND);
    }

    /** Closes the socket without checking how the server took it (for clean-up after a failure). */
    @Override
    public void close() {
        closeSocket();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed, or closing failed: either way the test is over with it
        }
    }
}
