package netbasics.chapters.modes;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A peer that sends one byte at a time with a pause after each, the way a slow (or hostile) client
 * types: every single read gets something well within any read timeout, yet the message never
 * ends. Stops after {@code limit} bytes, or when closed.
 */
final class Trickle implements AutoCloseable {

    private final Thread thread;
    private final AtomicInteger sent = new AtomicInteger();

    private Trickle(OutputStream out, byte value, Duration pause, int limit) {
        thread = Thread.ofPlatform().daemon().name("trickle").start(() -> {
            try {
                while (sent.get() < limit && !Thread.currentThread().isInterrupted()) {
                    // Counted before it is written: no byte can reach the reader that sent() does not count yet.
                    sent.incrementAndGet();
                    out.write(value);
                    out.flush();
                    // Sending late on purpose: the pace of the trickle is the point, not a wait for a condition.
                    LockSupport.parkNanos(pause.toNanos());
                }
            } catch (IOException closed) {
                // the test is over with this connection
            }
        });
    }

    /** Starts sending {@code value}, one byte every {@code pause}, at most {@code limit} bytes. */
    static Trickle start(OutputStream out, byte value, Duration pause, int limit) {
        return new Trickle(out, value, pause, limit);
    }

    /** How many bytes were handed to the socket so far: at least as many as can have arrived. */
    int sent() {
        return sent.get();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
