///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;

/**
 * The echo server of chapter 03 on one thread: a selector watches the listening channel and every
 * connection, all non-blocking, and the thread only ever does what can be done at once. Each
 * connection keeps the bytes it still owes its client in a buffer of its own; while that buffer
 * is not empty, the server waits for the client to make room (write interest) and reads nothing
 * more from it, so a client that reads slowly slows down only itself.
 *
 * <pre>jbang selector-echo-server [--host HOST] [--port PORT]</pre>
 */
public class SelectorEchoServer {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final int BACKLOG = 1_024;
    static final int BUFFER_SIZE = 16 * 1024;
    /** How often an idle select looks whether the listener has been closed (closing it does not wake a select). */
    static final long TICK_MILLIS = 100;

    /**
     * Serves every client of {@code listener} on the calling thread, until the listener is closed:
     * then closes every connection it accepted and returns quietly. Each connection gets back
     * every byte it sends, and is closed once its client has ended its stream and had all of its
     * echo; a connection that fails (a reset) is closed and the others go on, and so does a failed
     * accept (the server tries again a moment later).
     */
    public static void serve(ServerSocketChannel listener) throws IOException {
        // TODO On this one thread: register the listener with a selector for OP_ACCEPT, and every accepted connection,
        //  non-blocking, for OP_READ with a buffer of its own; echo what each read brings, keep what a write could not
        //  send and wait for OP_WRITE, close on end of stream or error; a failed accept is no reason to stop; when the
        //  listener is closed, close every connection and return. See "One thread, one selector" and "Partial writes and back-pressure" in README.md.
        throw new UnsupportedOperationException("TODO serve: one selector, non-blocking echo (README.md, \"One thread, one selector\")");
    }

    public static void main(String[] args) throws IOException {
        var address = new CommandLine("SelectorEchoServer [--host HOST] [--port PORT]", args).address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(address, BACKLOG);
            CommandLine.serving(listener.getLocalAddress());
            serve(listener);
        }
    }
}
