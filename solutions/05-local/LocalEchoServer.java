///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
    /** The file type bits of a Unix mode, and the value that means "socket" (S_IFMT and S_IFSOCK). */
    private static final int FILE_TYPE = 0170000;
    private static final int SOCKET = 0140000;

    /**
     * Binds a listening Unix-domain channel at {@code path}. A socket file already there that nobody
     * listens on (left by a server that crashed) is removed first. Anything else at the path is left
     * alone: a file that is not a socket fails with {@link FileAlreadyExistsException}, and a socket
     * on which another server listens fails with {@link BindException}.
     */
    public static ServerSocketChannel listen(Path path) throws IOException {
        var address = UnixDomainSocketAddress.of(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(path)) {
                throw new FileAlreadyExistsException(path.toString(), null, "it is not a socket, so it is not ours to delete");
            }
            if (someoneListens(address)) {
                throw new BindException(path + " is in use: another server is listening on it");
            }
            Files.delete(path); // stale: its server is gone, and bind fails while the file exists
        }
        var listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(address);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /**
     * Accepts connections on {@code listener} until it is closed, echoing everything each client
     * sends on a virtual thread of its own until the client ends its side; then closes that
     * connection. Once the listener is closed it removes the listener's socket file and returns
     * quietly; the conversations in flight go on.
     */
    public static void serve(ServerSocketChannel listener) throws IOException {
        // Ask now: once the listener is closed, it no longer says where its file is.
        Path file = ((UnixDomainSocketAddress) listener.getLocalAddress()).getPath();
        try {
            while (true) {
                SocketChannel connection;
                try {
                    connection = listener.accept();
                } catch (ClosedChannelException closed) { // AsynchronousCloseException, when closed while waiting
                    return; // closing the listener is how the caller says "stop"
                }
                Thread.ofVirtual().name("echo " + file).start(() -> converse(connection));
            }
        } finally {
            // Closing a Unix-domain listener leaves its file behind: the next server could not bind there.
            Files.deleteIfExists(file);
        }
    }

    private static void converse(SocketChannel connection) {
        try (connection) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (connection.read(buffer) != -1) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    connection.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException gone) {
            // A client that vanishes ends its own conversation, nobody else's.
            System.err.println("A conversation ended abruptly: " + gone.getMessage());
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        // "unix:mode" is the whole st_mode of lstat(2), file type bits included (Linux and macOS).
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & FILE_TYPE) == SOCKET;
    }

    private static boolean someoneListens(UnixDomainSocketAddress address) {
        try (var probe = SocketChannel.open(address)) {
            return true;
        } catch (IOException refused) {
            return false; // "Connection refused": the file outlived its server
        }
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
