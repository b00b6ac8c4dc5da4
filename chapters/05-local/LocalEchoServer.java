///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The chapter 03 echo server over a Unix-domain socket: the address is a path in the file system
 * instead of a host and a port. Binding creates a socket file there; the server removes a stale
 * one left by a crash, refuses to delete anything else, and removes its own file when it stops.
 *
 * <pre>jbang local-echo-server [--path FILE]</pre>
 */
public class LocalEchoServer {

    static final Path DEFAULT_PATH = Path.of(System.getProperty("java.io.tmpdir"), "netbasics-echo.sock");
    static final Duration GRACE = Duration.ofSeconds(2);

    /**
     * Binds a listening Unix-domain channel at {@code path}. A socket file already there that nobody
     * listens on (left by a server that crashed) is removed first. Anything else at the path is left
     * alone: a file that is not a socket fails with {@link FileAlreadyExistsException}, and a socket
     * on which another server listens fails with {@link BindException}.
     */
    public static ServerSocketChannel listen(Path path) throws IOException {
        // TODO Bind a listening Unix-domain channel at the path. Delete a stale socket file first (nobody answers on it),
        //  but fail, deleting nothing, when the path holds anything else or a live server. See "Cleaning up the socket file" in README.md.
        throw new UnsupportedOperationException("TODO listen: bind at the path, replacing only a stale socket (README.md, \"Cleaning up the socket file\")");
    }

    /**
     * Accepts connections on {@code listener} until it is closed, echoing everything each client
     * sends on a virtual thread of its own until the client ends its side; then closes that
     * connection. Once the listener is closed it removes the listener's socket file and returns
     * quietly; the conversations in flight go on.
     */
    public static void serve(ServerSocketChannel listener) throws IOException {
        // TODO Accept until the listener is closed, echoing each connection on a thread of its own; then remove the
        //  listener's socket file and return quietly. See "Same API, another family" in README.md.
        throw new UnsupportedOperationException("TODO serve: accept and echo, remove the socket file at the end (README.md, \"Same API, another family\")");
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("LocalEchoServer [--path FILE]", args);
        Path path = command.path("--path", DEFAULT_PATH);
        ServerSocketChannel listener;
        try {
            listener = listen(path);
        } catch (IOException e) {
            throw CommandLine.fatal("Cannot serve at " + path + ": " + e.getMessage());
        }
        CommandLine.closeOnCtrlC(listener, GRACE); // serve returns, and removes the socket file
        System.out.println("Serving at " + path + " (Ctrl-C stops)");
        serve(listener);
    }
}
