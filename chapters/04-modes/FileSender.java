///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sends a file, or a range of it, down a channel with {@link FileChannel#transferTo}: the book's
 * {@code sendfile}, which lets the system copy the file to the socket without the bytes passing
 * through the program. {@code transferTo}, like a non-blocking write, may send less than asked,
 * so the sender loops until every byte is gone.
 *
 * <pre>jbang file-sender [--host HOST] [--port PORT] [--offset N] [--length N] FILE</pre>
 */
public class FileSender {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;

    /**
     * Sends {@code count} bytes of {@code file}, starting at {@code position}, to {@code target},
     * and returns how many it sent (always {@code count}). A range that does not lie within the
     * file is an {@link IllegalArgumentException}, thrown before anything is sent; an empty range
     * anywhere from 0 to the file's size sends nothing. A file that shrinks while it is sent is an
     * {@link java.io.EOFException}. Neither channel is closed: both are the caller's.
     */
    public static long send(FileChannel file, long position, long count, WritableByteChannel target) throws IOException {
        // TODO Check that the range lies within the file (without overflowing), then call transferTo until all count
        //  bytes are sent: it may send fewer than asked, and nothing at all once a shrunk file has ended. See "Sending a file: transferTo" in README.md.
        throw new UnsupportedOperationException("TODO send: transferTo until the whole range is sent (README.md, \"Sending a file: transferTo\")");
    }

    /**
     * Sends the whole of {@code file} to {@code target} and returns its size. The file is opened
     * and closed here, whether the send succeeds or fails; {@code target} stays open (it is the
     * caller's).
     */
    public static long sendFile(Path file, WritableByteChannel target) throws IOException {
        // TODO Open the file, send all of it with send, close the file (not the target). See "Sending a file: transferTo"
        //  in README.md.
        throw new UnsupportedOperationException("TODO sendFile: the whole file (README.md, \"Sending a file: transferTo\")");
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("FileSender [--host HOST] [--port PORT] [--offset N] [--length N] FILE", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        long offset = command.number("--offset", 0L, 0, Long.MAX_VALUE);
        long length = command.number("--length", -1L, 0, Long.MAX_VALUE); // -1: to the end of the file
        Path file = command.file("FILE");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); SocketChannel socket = SocketChannel.open(server)) {
            long sent = send(channel, offset, length == -1 ? Math.max(0, channel.size() - offset) : length, socket);
            socket.shutdownOutput(); // "that is all": the receiver reads end of stream
            System.out.println("Sent " + sent + " bytes of " + file + " (from byte " + offset + ") to " + CommandLine.shown(server));
        } catch (IllegalArgumentException badRange) {
            throw command.fail(badRange.getMessage());
        }
    }
}
