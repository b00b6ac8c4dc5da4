///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The book's TCP echo server: it accepts connections on a listening socket and hands each one to
 * a thread of an executor, which sends back every byte the client sends until the client says it
 * is done. The book's design is a pool of 20 threads and a backlog of 5; {@code --threads 0} gives
 * every connection a virtual thread of its own instead.
 *
 * <pre>jbang tcp-echo-server [--host HOST] [--port PORT] [--threads N] [--backlog N]</pre>
 */
public class TcpEchoServer {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final int BOOK_THREADS = 20;
    static final int BOOK_BACKLOG = 5;
    static final Duration GRACE = Duration.ofSeconds(5);
    /** How long serve waits after a failed accept before it tries again. */
    static final Duration ACCEPT_RETRY_PAUSE = Duration.ofMillis(50);

    /**
     * Accepts connections on {@code listener} until it is closed, then returns quietly. Each
     * connection is served on {@code handlers}: everything the client sends is echoed back until the
     * client ends its side of the stream; then the server closes the connection. A client that
     * resets or vanishes ends only its own conversation, and an accept that fails (out of file
     * descriptors, say) is tried again after a short pause: only closing the listener ends serve.
     * The caller owns both the listener and the executor: {@link #stop} is how it ends them.
     */
    public static void serve(ServerSocket listener, ExecutorService handlers) throws IOException {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException failed) {
                if (listener.isClosed()) {
                    return; // closing the listener is how the caller says "stop accepting"
                }
                // Out of descriptors ("Too many open files"), a connection aborted before it was taken:
                // this accept failed, the next one may not. Pause, so a lasting failure does not spin.
                System.err.println("accept failed, trying again shortly: " + failed.getMessage());
                pauseAfterFailedAccept();
                continue;
            }
            try {
                handlers.execute(() -> converse(connection));
            } catch (RejectedExecutionException stopping) {
                connection.close(); // the executor is shutting down: no new conversations
            }
        }
    }

    /**
     * Stops a server gracefully: closes {@code listener} at once, so no new connection is accepted
     * and {@link #serve} returns, then lets the conversations in flight go on until their clients
     * finish, for at most {@code deadline}. Returns true when they all finished in time; false when
     * some were still going (they are left running: the caller decides what to do with them).
     */
    public static boolean stop(ServerSocket listener, ExecutorService handlers, Duration deadline) throws IOException, InterruptedException {
        listener.close();
        handlers.shutdown(); // no new tasks; the running ones carry on
        return handlers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void pauseAfterFailedAccept() throws InterruptedIOException {
        try {
            Thread.sleep(ACCEPT_RETRY_PAUSE);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt(); // the caller's flag stays set for whoever asked us to stop
            throw new InterruptedIOException("interrupted while waiting to accept again");
        }
    }

    private static void converse(Socket connection) {
        try (connection) {
            // Send each piece as soon as it is written: see "Small writes and Nagle's algorithm" in README.md.
            connection.setTcpNoDelay(true);
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            byte[] buffer = new byte[8192];
            // read() returns what has arrived, at least one byte, or -1 once the client has ended its side.
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n); // exactly the n bytes that came, all of them
            }
        } catch (IOException gone) {
            // A client that resets or vanishes ends its own conversation, nobody else's.
            System.err.println("Conversation with " + connection.getRemoteSocketAddress() + " ended abruptly: " + gone.getMessage());
        }
    }

    /** On Ctrl-C: stop accepting at once, and give the conversations in flight {@link #GRACE} to finish. */
    static void stopOnCtrlC(ServerSocket listener, ExecutorService handlers) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                System.out.println(stop(listener, handlers, GRACE) ? "Stopped: every conversation had finished"
                        : "Stopped: conversations still open after " + GRACE.toSeconds() + " s were cut off");
            } catch (IOException | InterruptedException e) {
                System.err.println("Stopping failed: " + e);
            }
        }));
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("TcpEchoServer [--host HOST] [--port PORT] [--threads N] [--backlog N]\n(--threads 0: a virtual thread per connection)", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        int threads = command.number("--threads", BOOK_THREADS, 0, 10_000);
        var listener = new ServerSocket();
        listener.bind(address, command.number("--backlog", BOOK_BACKLOG, 1, 65_535));
        ExecutorService handlers = threads == 0 ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(threads);
        stopOnCtrlC(listener, handlers);
        CommandLine.serving(listener.getLocalSocketAddress());
        serve(listener, handlers);
    }
}
