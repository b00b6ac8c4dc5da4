package netbasics.chapters.modes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The receiving end of a loopback TCP connection: a thread reads everything until end of stream
 * and keeps the bytes (up to a limit) or only their count and SHA-256 digest, for files too big to
 * hold twice. {@link #sender()} is the connected channel to write to; closing it (or shutting its
 * output) ends the stream.
 */
final class Receiver implements AutoCloseable {

    record Received(long count, String sha256, byte[] bytes) {}

    private final SocketChannel sender;
    private final SocketChannel accepted;
    private final CompletableFuture<Received> received = new CompletableFuture<>();

    private Receiver(SocketChannel sender, SocketChannel accepted, boolean keepBytes) {
        this.sender = sender;
        this.accepted = accepted;
        Thread.ofPlatform().daemon().name("receiver").start(() -> {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                var kept = new ByteArrayOutputStream();
                ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
                long count = 0;
                for (int n; (n = accepted.read(buffer.clear())) != -1; ) {
                    digest.update(buffer.array(), 0, n);
                    if (keepBytes) {
                        kept.write(buffer.array(), 0, n);
                    }
                    count += n;
                }
                received.complete(new Received(count, HexFormat.of().formatHex(digest.digest()), kept.toByteArray()));
            } catch (IOException | NoSuchAlgorithmException e) {
                received.completeExceptionally(e);
            }
        });
    }

    /** A connected pair on loopback; the receiving end keeps the bytes it reads when {@code keepBytes}. */
    static Receiver open(boolean keepBytes) throws IOException {
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel sender = SocketChannel.open(listener.getLocalAddress());
            return new Receiver(sender, listener.accept(), keepBytes);
        }
    }

    /** A receiver for one connection that someone else makes to {@code listener}. */
    static Receiver accept(ServerSocketChannel listener, boolean keepBytes) throws IOException {
        return new Receiver(null, listener.accept(), keepBytes);
    }

    SocketChannel sender() {
        return sender;
    }

    /** Ends the sending side and waits for the receiver to have read everything. */
    Received endAndAwait(Duration within) throws IOException {
        if (sender != null) {
            sender.shutdownOutput();
        }
        return await(within);
    }

    Received await(Duration within) {
        try {
            return received.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the receiving end did not read the end of the stream within " + within.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("the receiving end failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Override
    public void close() throws IOException {
        try (accepted) {
            if (sender != null) {
                sender.close();
            }
        }
    }
}
