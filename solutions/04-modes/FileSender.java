///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
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
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        long offset = 0;
        long length = -1;
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.startsWith("--")) {
                file = file == null ? Path.of(option) : Path.of(usage("one FILE only"));
                continue;
            }
            String value = i + 1 < args.length ? args[++i] : usage("missing value after " + option);
            switch (option) {
                case "--host" -> host = value;
                case "--port" -> port = (int) number("--port", value, 0, 65_535);
                case "--offset" -> offset = number("--offset", value, 0, Long.MAX_VALUE);
                case "--length" -> length = number("--length", value, 0, Long.MAX_VALUE);
                default -> usage("unknown option " + option);
            }
        }
        if (file == null || !Files.isRegularFile(file)) {
            usage(file == null ? "which FILE?" : file + " is not a file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
             SocketChannel socket = SocketChannel.open(new InetSocketAddress(host, port))) {
            long count = length == -1 ? Math.max(0, channel.size() - offset) : length;
            long sent = send(channel, offset, count, socket);
            socket.shutdownOutput(); // "that is all": the receiver reads end of stream
            System.out.println("Sent " + sent + " bytes of " + file + " (from byte " + offset + ") to " + host + ":" + port);
        } catch (IllegalArgumentException badRange) {
            System.err.println("FileSender: " + badRange.getMessage());
            System.exit(2);
        }
    }

    static long number(String option, String text, long min, long max) {
        try {
            long number = Long.parseLong(text);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        usage(option + " takes a number from " + min + " to " + max + ", not '" + text + "'");
        return -1;
    }

    static String usage(String problem) {
        System.err.println("FileSender: " + problem);
        System.err.println("usage: FileSender [--host HOST] [--port PORT] [--offset N] [--length N] FILE");
        System.exit(2);
        return null;
    }
}
