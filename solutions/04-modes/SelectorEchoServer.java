///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

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
        Selector selector = Selector.open();
        try {
            listener.configureBlocking(false);
            SelectionKey accepting = listener.register(selector, SelectionKey.OP_ACCEPT);
            boolean resting = false;
            long resumeAcceptingAt = 0;
            while (listener.isOpen()) {
                selector.select(TICK_MILLIS);
                if (resting && System.nanoTime() - resumeAcceptingAt >= 0) {
                    accepting.interestOps(SelectionKey.OP_ACCEPT); // rested a tick: try the waiting connections again
                    resting = false;
                }
                for (Iterator<SelectionKey> ready = selector.selectedKeys().iterator(); ready.hasNext(); ) {
                    SelectionKey key = ready.next();
                    ready.remove(); // the selector only adds to this set: what was handled must be taken out
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        if (!acceptWaiting(listener, selector)) {
                            // The connection stays queued and the listener stays "acceptable": asking again at
                            // once would spin. Stop watching the listener for a tick; conversations go on.
                            accepting.interestOps(0);
                            resting = true;
                            resumeAcceptingAt = System.nanoTime() + TICK_MILLIS * 1_000_000;
                        }
                    } else {
                        converse(key);
                    }
                }
            }
        } catch (ClosedChannelException | CancelledKeyException closed) {
            // the listener was closed between two looks (its key is cancelled then): that is the signal to stop
        } finally {
            for (SelectionKey key : selector.keys()) {
                if (key.channel() instanceof SocketChannel connection) {
                    connection.close(); // the listener is the caller's; the connections are ours to end
                }
            }
            selector.close();
        }
    }

    /**
     * Accepts every connection waiting on the listener. Returns false when an accept fails (most
     * often "Too many open files": every descriptor the process may have is in use): one failed
     * accept is no reason to stop serving, only a closed listener is, which throws.
     */
    private static boolean acceptWaiting(ServerSocketChannel listener, Selector selector) throws ClosedChannelException {
        while (true) {
            SocketChannel connection;
            try {
                connection = listener.accept(); // non-blocking: null once nobody else is waiting
            } catch (ClosedChannelException closed) {
                throw closed;
            } catch (IOException failed) {
                System.err.println("Could not accept a connection (" + failed.getMessage() + "); trying again in " + TICK_MILLIS + " ms");
                return false;
            }
            if (connection == null) {
                return true;
            }
            try {
                connection.configureBlocking(false);
                connection.setOption(StandardSocketOptions.TCP_NODELAY, true); // each echo leaves at once (chapter 03, Nagle)
                // The buffer starts empty, ready to be drained: position == limit == 0.
                connection.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(BUFFER_SIZE).flip());
            } catch (IOException failed) {
                closeQuietly(connection); // reset before it was even set up: it is ours, so close it
            }
        }
    }

    /**
     * One step of one conversation. Between steps the connection's buffer holds what is still owed
     * to the client (position to limit): empty while the server reads, not empty while it waits for
     * the client to make room.
     */
    private static void converse(SelectionKey key) {
        var connection = (SocketChannel) key.channel();
        var owed = (ByteBuffer) key.attachment();
        try {
            if (key.isReadable()) {
                owed.clear();
                int n = connection.read(owed);
                owed.flip();
                if (n == -1) {
                    connection.close(); // the client is done and has had all its echo: so are we
                    return;
                }
            }
            connection.write(owed); // takes what fits in the socket's send buffer: all, some, or none
            if (owed.hasRemaining()) {
                // The client reads slowly: wait until it makes room, and read nothing more from it meanwhile.
                key.interestOps(SelectionKey.OP_WRITE);
            } else {
                // All sent: stop asking about writability (it is almost always true) and listen again.
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException gone) {
            // A reset or a broken pipe ends this conversation, nobody else's.
            System.err.println("Conversation with " + connection.socket().getRemoteSocketAddress() + " ended abruptly: " + gone.getMessage());
            closeQuietly(connection); // closing also cancels its key: the selector stops reporting it
        }
    }

    private static void closeQuietly(SocketChannel connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // closed as far as it can be
        }
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
