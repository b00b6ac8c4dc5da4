///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

    /**
     * Accepts connections on {@code listener} until it is closed, then returns quietly. Each
     * connection is served on {@code handlers}: everything the client sends is echoed back until the
     * client ends its side of the stream; then the server closes the connection. A client that
     * resets or vanishes ends only its own conversation, and an accept that fails (out of file
     * descriptors, say) is tried again after a short pause: only closing the listener ends serve.
     * The caller owns both the listener and the executor: {@link #stop} is how it ends them.
     */
    public static void serve(ServerSocket listener, ExecutorService handlers) throws IOException {
        // TODO Accept connections until the listener is closed (then return quietly), and hand each one to the
        //  executor, which echoes what arrives until the client ends its side, then closes the connection.
        //  An accept that fails while the listener is open is retried after a pause. See "The echo server"
        //  and "When accept fails" in README.md.
        throw new UnsupportedOperationException("TODO serve: accept and echo on the executor (README.md, \"The echo server\")");
    }

    /**
     * Stops a server gracefully: closes {@code listener} at once, so no new connection is accepted
     * and {@link #serve} returns, then lets the conversations in flight go on until their clients
     * finish, for at most {@code deadline}. Returns true when they all finished in time; false when
     * some were still going (they are left running: the caller decides what to do with them).
     */
    public static boolean stop(ServerSocket listener, ExecutorService handlers, Duration deadline) throws IOException, InterruptedException {
        // TODO Stop accepting at once, then let the conversations in flight finish, waiting at most the
        //  deadline; return whether they all did. See "Stopping gracefully" in README.md.
        throw new UnsupportedOperationException("TODO stop: stop accepting, then wait for conversations (README.md, \"Stopping gracefully\")");
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
