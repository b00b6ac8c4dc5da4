///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Python's {@code socket.socketpair()} in Java: two Unix-domain channels connected to each other,
 * for two threads of one process to talk over, made through a listener in a fresh private
 * directory that is gone again before the pair is handed out.
 *
 * <pre>jbang socket-pair [--count N]</pre>
 */
public class SocketPair {

    static final int DEFAULT_COUNT = 3;

    /** Two connected channels; closing the pair closes both. */
    public record Pair(SocketChannel first, SocketChannel second) implements Closeable {
        /** Closes both ends, the second even when closing the first fails. */
        @Override
        public void close() throws IOException {
            // TODO Close both ends, the second even when closing the first fails. See "A pair of connected sockets" in README.md.
            throw new UnsupportedOperationException("TODO close: both ends (README.md, \"A pair of connected sockets\")");
        }
    }

    /**
     * Returns two Unix-domain channels connected to each other: what one writes, the other reads.
     * Nothing is left in the file system: the temporary directory, its socket file and the
     * listener are gone once the pair is returned. Safe to call from many threads at once.
     */
    public static Pair open() throws IOException {
        // TODO Bind a Unix-domain listener in a fresh temporary directory, connect a channel to it and accept the other
        //  end; remove the file and the directory before returning. See "A pair of connected sockets" in README.md.
        throw new UnsupportedOperationException("TODO open: a connected pair through a temporary listener (README.md, \"A pair of connected sockets\")");
    }

    public static void main(String[] args) throws Exception {
        int count = DEFAULT_COUNT;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--count" -> count = number(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        int messages = count;
        try (Pair pair = open()) {
            // A worker thread writes on one end; this thread reads what it sends on the other.
            Thread worker = Thread.ofPlatform().name("worker").start(() -> {
                try {
                    for (int n = 1; n <= messages; n++) {
                        ByteBuffer line = ByteBuffer.wrap(("message " + n + " from the worker thread £€\n").getBytes(StandardCharsets.UTF_8));
                        while (line.hasRemaining()) {
                            pair.first().write(line);
                        }
                    }
                    pair.first().shutdownOutput(); // "that is all": the reader sees end of stream
                } catch (IOException e) {
                    System.err.println("The worker could not write: " + e);
                }
            });
            var received = new java.io.ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (pair.second().read(buffer.clear()) != -1) {
                received.write(buffer.array(), 0, buffer.position());
            }
            worker.join();
            received.toString(StandardCharsets.UTF_8).lines().forEach(line -> System.out.println("main thread got: " + line));
            System.out.println("The worker is done; closing both ends.");
        }
    }

    static int number(String text) {
        try {
            int number = Integer.parseInt(text);
            if (number >= 0 && number <= 1_000_000) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        usage("--count takes a number from 0 to 1000000, not '" + text + "'");
        return -1;
    }

    static String usage(String problem) {
        System.err.println("SocketPair: " + problem);
        System.err.println("usage: SocketPair [--count N]");
        System.exit(2);
        return null;
    }
}
