package netbasics.chapters.modes;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes to a connection as fast as it will take the bytes, chunk after chunk, until closed:
 * against a peer that reads nothing back, it blocks once every buffer on the way is full.
 */
final class Flood implements AutoCloseable {

    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();

    private Flood(OutputStream out) {
        thread = Thread.ofPlatform().daemon().name("flood").start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException closed) {
                // the test is over with this connection
            }
        });
    }

    static Flood start(OutputStream out) {
        return new Flood(out);
    }

    long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
