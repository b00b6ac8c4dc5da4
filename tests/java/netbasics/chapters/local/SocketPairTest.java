package netbasics.chapters.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of SocketPair. Contract clauses, from the javadoc of open and Pair, their TODOs,
 * and chapter 05's "A pair of connected sockets", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>open returns two connected channels: what one writes, the other reads, both ways</td><td>{@code the_two_ends_talk_to_each_other_both_ways}</td></tr>
 * <tr><td>both ends are Unix-domain; the listener's file is in a fresh directory of its own; the file and the directory are gone once the pair is returned</td><td>{@code both_ends_are_unix_domain_and_nothing_is_left_behind}</td></tr>
 * <tr><td>closing the pair closes both ends</td><td>{@code closing_the_pair_closes_both_ends}</td></tr>
 * <tr><td>... the second even when closing the first fails</td><td>{@code closing_the_pair_closes_the_second_end_even_when_closing_the_first_fails}</td></tr>
 * <tr><td>safe to call from many threads at once: no two pairs share a path</td><td>{@code threads_that_make_pairs_at_the_same_time_each_get_their_own}</td></tr>
 * <tr><td>main passes --count lines from a worker thread</td><td>{@code main_passes_lines_from_a_worker_thread}</td></tr>
 * </table>
 *
 * <p>Not graded: closing the temporary listener (once its file is gone nobody can reach it; the
 * harness's leak check covers it).
 */
@Exercise(chapter = "05-local", script = "SocketPair")
public class SocketPairTest {

    private static final Duration TRANSFER_WITHIN = Duration.ofSeconds(10);

    private static Contract open(Script script) {
        return script.method("open", script.nested("Pair"), new Class<?>[0]);
    }

    @Graded(points = 2, hint = "Bind a Unix-domain listener, connect a channel to it, then accept: connect completes before "
            + "accept is called, so one thread can do both. See \"A pair of connected sockets\".")
    @Test
    void the_two_ends_talk_to_each_other_both_ways(Script script) throws Exception {
        byte[] one = new byte[1 << 20];
        byte[] other = new byte[1 << 20];
        new Random(505).nextBytes(one);
        new Random(506).nextBytes(other);
        // Both directions at once, each with a writer and a reader thread: a megabyte fills any buffer.
        // The pair is closed before the threads are waited for, which ends any read or write still blocked.
        try (ExecutorService threads = Executors.newFixedThreadPool(4); var pair = new TestPair(open(script).call())) {
            Future<byte[]> atSecond = threads.submit(() -> readExactly(pair.second, one.length));
            Future<byte[]> atFirst = threads.submit(() -> readExactly(pair.first, other.length));
            threads.submit(() -> writeAll(pair.first, one));
            threads.submit(() -> writeAll(pair.second, other));
            assertArrived(one, bounded(atSecond, pair), "first", "second");
            assertArrived(other, bounded(atFirst, pair), "second", "first");
        }
    }

    @Graded(points = 2, hint = "Make the listener's file in a fresh directory (Files.createTempDirectory), and delete both "
            + "once the pair is connected: connected channels no longer need a name. See \"A pair of connected sockets\".")
    @Test
    void both_ends_are_unix_domain_and_nothing_is_left_behind(Script script) throws Exception {
        try (var pair = new TestPair(open(script).call())) {
            for (SocketChannel end : List.of(pair.first, pair.second)) {
                assertThat(end.isOpen() && end.isConnected()).as("each end of the pair is open and connected").isTrue();
                assertThat(end.getLocalAddress()).as("the local address of an end of the pair: a socketpair is Unix-domain")
                        .isInstanceOf(UnixDomainSocketAddress.class);
            }
            for (SocketAddress address : List.of(pair.first.getLocalAddress(), pair.second.getLocalAddress())) {
                Path path = ((UnixDomainSocketAddress) address).getPath();
                if (path.toString().isEmpty()) {
                    continue; // the connecting end has no name of its own
                }
                Path directory = path.toAbsolutePath().getParent();
                boolean sharedTemporaryDirectory = directory.equals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
                boolean fileLeft = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
                boolean directoryLeft = !sharedTemporaryDirectory && Files.exists(directory);
                Files.deleteIfExists(path); // whatever the outcome, the test leaves nothing behind either
                if (directoryLeft) {
                    Files.deleteIfExists(directory);
                }
                assertThat(fileLeft).as("whether the listener's socket file %s was still there once the pair was returned", path)
                        .isFalse();
                assertThat(sharedTemporaryDirectory).as("whether the listener's socket file %s was made right in the shared "
                        + "temporary directory, where every pair would meet every other, instead of in a fresh directory of its "
                        + "own", path).isFalse();
                assertThat(directoryLeft)
                        .as("whether the directory %s made for the socket file was still there once the pair was returned", directory)
                        .isFalse();
            }
        }
    }

    @Graded(points = 1, hint = "close closes both ends, the second even when closing the first throws: try (first; second) {}. "
            + "See \"A pair of connected sockets\".")
    @Test
    void closing_the_pair_closes_both_ends(Script script) throws Exception {
        Object pair = open(script).call();
        var ends = new TestPair(pair);
        ((AutoCloseable) pair).close();
        assertThat(ends.first.isOpen()).as("the first end, after the pair was closed").isFalse();
        assertThat(ends.second.isOpen()).as("the second end, after the pair was closed").isFalse();
    }

    @Graded(points = 1, hint = "first.close() may throw; the second end must be closed all the same: try (first; second) {} "
            + "closes both and keeps every failure. See \"A pair of connected sockets\".")
    @Test
    void closing_the_pair_closes_the_second_end_even_when_closing_the_first_fails(Script script) throws Exception {
        try (var second = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            Object pair = script.nested("Pair").getDeclaredConstructor(SocketChannel.class, SocketChannel.class)
                    .newInstance(new FailsToClose(), second);
            Throwable thrown = catchThrowable(() -> ((AutoCloseable) pair).close());
            if (thrown instanceof UnsupportedOperationException todo) {
                throw todo; // not written yet
            }
            assertThat(thrown).as("what Pair.close() did when closing its first end threw an IOException: that failure "
                    + "should reach the caller").isInstanceOf(IOException.class);
            assertThat(second.isOpen()).as("the second end, after Pair.close() when closing the first end failed").isFalse();
        }
    }

    @Graded(points = 2, hint = "Pairs made at the same time must not share a path: a fresh temporary directory per pair "
            + "gives each its own. See \"A pair of connected sockets\".")
    @Test
    void threads_that_make_pairs_at_the_same_time_each_get_their_own(Script script) throws Exception {
        int threadCount = 8;
        int pairsEach = 10;
        Contract open = open(script).within(Duration.ofSeconds(20));
        List<Future<String>> results = new ArrayList<>();
        var start = new java.util.concurrent.CountDownLatch(threadCount);
        try (ExecutorService threads = Executors.newFixedThreadPool(threadCount)) {
            for (int t = 0; t < threadCount; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    start.countDown();
                    start.await(10, TimeUnit.SECONDS); // all at once, as far as the machine allows
                    for (int p = 0; p < pairsEach; p++) {
                        byte[] token = String.format("thread %d, pair %d", thread, p).getBytes(StandardCharsets.UTF_8);
                        try (var pair = new TestPair(open.call())) {
                            writeAll(pair.first, token);
                            byte[] got = bounded(readLater(pair.second, token.length), pair);
                            if (!Arrays.equals(token, got)) {
                                return "sent " + Bytes.describe(token) + " on the first end of a pair; its second end read "
                                        + Bytes.describe(got);
                            }
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> result : results) {
                String outcome;
                try {
                    outcome = result.get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    outcome = "failed: " + e.getCause();
                }
                assertThat(outcome).as("%d threads each made %d pairs at the same time, and sent a message through each",
                        threadCount, pairsEach).isEqualTo("ok");
            }
        }
    }

    @Graded(points = 1, hint = "main opens a pair, lets a worker thread write --count lines on one end, and prints each line "
            + "it reads from the other.")
    @Test
    void main_passes_lines_from_a_worker_thread(Script script) throws Exception {
        try (MainProcess main = script.startMain("--count", "2")) {
            assertThat(main.awaitExit(Duration.ofSeconds(20))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                    .isZero();
            main.awaitLine(Pattern.compile("main thread got: message 2 from the worker thread £€"), Duration.ofSeconds(2));
        }
        try (MainProcess bad = script.startMain("--count", "many")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
        }
    }

    /** The two ends of the learner's pair, read from its record by their accessors. */
    /** A channel whose close fails, as a close can (a flush that fails, an interrupted close). */
    private static final class FailsToClose extends SocketChannel {
        FailsToClose() {
            super(java.nio.channels.spi.SelectorProvider.provider());
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            throw new IOException("this end fails to close, on purpose");
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
        }

        @Override
        public SocketChannel bind(SocketAddress local) {
            throw new UnsupportedOperationException("not for this test");
        }

        @Override
        public <T> SocketChannel setOption(java.net.SocketOption<T> name, T value) {
            throw new UnsupportedOperationException("not for this test");
        }

        @Override
        public <T> T getOption(java.net.SocketOption<T> name) {
            throw new UnsupportedOperationException("not for this test");
        }

        @Override
        public java.util.Set<java.net.SocketOption<?>> supportedOptions() {
            return java.util.Set.of();
        }

        @Override
        public SocketChannel shutdownInput() {
            return this;
        }

        @Override
        public SocketChannel shutdownOutput() {
            return this;
        }

        @Override
        public java.net.Socket socket() {
            throw new UnsupportedOperationException("not for this test");
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isConnectionPending() {
            return false;
        }

        @Override
        public boolean connect(SocketAddress remote) {
            throw new UnsupportedOperationException("not for this test");
        }

        @Override
        public boolean finishConnect() {
            return true;
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return null;
        }

        @Override
        public int read(ByteBuffer dst) {
            return -1;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) {
            return -1;
        }

        @Override
        public int write(ByteBuffer src) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return 0;
        }

        @Override
        public SocketAddress getLocalAddress() {
            return null;
        }
    }

    private static final class TestPair implements AutoCloseable {
        final SocketChannel first;
        final SocketChannel second;

        TestPair(Object pair) throws ReflectiveOperationException {
            this.first = (SocketChannel) pair.getClass().getMethod("first").invoke(pair);
            this.second = (SocketChannel) pair.getClass().getMethod("second").invoke(pair);
        }

        @Override
        public void close() throws IOException {
            try (first; second) {
                // both closed
            }
        }
    }

    private static Void writeAll(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return null;
    }

    private static byte[] readExactly(SocketChannel channel, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count);
        while (buffer.hasRemaining() && channel.read(buffer) != -1) {
            // until all have come, or the stream ends
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static Future<byte[]> readLater(SocketChannel channel, int count) {
        var read = new FutureTask<>(() -> readExactly(channel, count));
        Thread.ofVirtual().start(read);
        return read;
    }

    /** The result of a blocking read, or a failure after a while; the pair is closed then, which ends the read. */
    private static byte[] bounded(Future<byte[]> read, TestPair pair) throws Exception {
        try {
            return read.get(TRANSFER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pair.close();
            throw new AssertionError("Nothing arrived at the other end of the pair within " + TRANSFER_WITHIN.toSeconds()
                    + " s: are the two channels connected to each other?");
        }
    }

    private static void assertArrived(byte[] sent, byte[] got, String from, String to) {
        assertThat(got).as("Wrote %d bytes on the %s end; the %s end read %d: %s", sent.length, from, to, got.length,
                Bytes.firstDifference(sent, got)).isEqualTo(sent);
    }
}
