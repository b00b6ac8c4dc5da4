///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
            try (first; second) {
                // try-with-resources closes both, in reverse order, and keeps every failure
            }
        }
    }

    /**
     * Returns two Unix-domain channels connected to each other: what one writes, the other reads.
     * Nothing is left in the file system: the temporary directory, its socket file and the
     * listener are gone once the pair is returned. Safe to call from many threads at once.
     */
    public static Pair open() throws IOException {
        // A fresh directory for each pair: private to this user, and no two pairs ever share a path.
        Path directory = Files.createTempDirectory("pair");
        Path file = directory.resolve("s");
        try (var listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(file));
            // connect completes once the kernel queues the connection, before accept: one thread does both.
            SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(file));
            try {
                return new Pair(first, listener.accept());
            } catch (IOException e) {
                first.close();
                throw e;
            }
        } finally {
            // The connected channels no longer need the name: remove it, and the directory with it.
            Files.deleteIfExists(file);
            Files.deleteIfExists(directory);
        }
    }

    /** A worker thread writes {@code count} lines into one end; this thread reads them from the other and prints them. */
    static void talk(Pair pair, int count) throws IOException, InterruptedException {
        Thread worker = Thread.ofPlatform().name("worker").start(() -> {
            try {
                for (int n = 1; n <= count; n++) {
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
    }

    public static void main(String[] args) throws Exception {
        var command = new CommandLine("SocketPair [--count N]", args);
        int count = command.number("--count", DEFAULT_COUNT, 0, 1_000_000);
        try (Pair pair = open()) {
            talk(pair, count);
            System.out.println("The worker is done; closing both ends.");
        }
    }
}
