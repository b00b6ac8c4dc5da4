package netbasics.chapters.tls;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import netbasics.fixtures.Loopback;

/**
 * A listening socket on 127.0.0.1 whose first {@code accept()} fails, as one does when the process
 * is out of file descriptors ("Too many open files"), while the listener itself stays open and
 * every later accept() works. The test hands it to a server under test, and it stays the test's.
 */
final class FailingListener extends ServerSocket {

    static final String MESSAGE = "Too many open files (the test's listener fails its first accept() on purpose)";

    private final AtomicInteger failuresLeft;
    private final AtomicInteger failures = new AtomicInteger();

    private FailingListener(int failuresLeft) throws IOException {
        this.failuresLeft = new AtomicInteger(failuresLeft);
        bind(Loopback.anyPort());
    }

    static FailingListener failingOnce() throws IOException {
        return new FailingListener(1);
    }

    /** How many accept() calls have thrown so far. */
    int failures() {
        return failures.get();
    }

    @Override
    public Socket accept() throws IOException {
        if (failuresLeft.getAndDecrement() > 0) {
            failures.incrementAndGet();
            throw new IOException(MESSAGE); // what the JDK throws for EMFILE: an IOException, not a SocketException
        }
        return super.accept();
    }
}
