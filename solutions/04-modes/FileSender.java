///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
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
        long size = file.size();
        if (position < 0 || count < 0 || position > size || count > size - position) {
            throw new IllegalArgumentException("bytes " + position + " to " + (position + count) + " are not all within a file of "
                    + size + " bytes");
        }
        long sent = 0;
        while (sent < count) {
            // transferTo may send fewer bytes than asked: carry on from where it stopped.
            long n = file.transferTo(position + sent, count - sent, target);
            if (n == 0 && position + sent >= file.size()) {
                throw new EOFException("the file shrank to " + file.size() + " bytes while it was being sent");
            }
            sent += n;
        }
        return sent;
    }

    /**
     * Sends the whole of {@code file} to {@code target} and returns its size. The file is opened
     * and closed here, whether the send succeeds or fails; {@code target} stays open (it is the
     * caller's).
     */
    public static long sendFile(Path file, WritableByteChannel target) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return send(channel, 0, channel.size(), target);
        }
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
