package netbasics.chapters.modes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.OpenFiles;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graded suite of FileSender. Contract clauses, from the javadoc of send and sendFile, their
 * TODOs, and chapter 04's "Sending a file: transferTo", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>sendFile sends every byte of the file and returns its size</td><td>{@code sendFile_sends_every_byte_of_a_file_of_8_megabytes}</td></tr>
 * <tr><td>send loops: transferTo may send less than asked</td><td>{@code send_carries_on_when_each_transfer_sends_only_part}</td></tr>
 * <tr><td>send sends exactly count bytes from position, and returns count</td><td>{@code send_sends_exactly_the_range_asked_for}</td></tr>
 * <tr><td>a range not within the file is an IllegalArgumentException, before anything is sent</td><td>send_refuses_a_range_past_the_end_before_sending_anything, send_refuses_a_range_whose_end_overflows_or_whose_count_is_negative</td></tr>
 * <tr><td>ranges touching either end of the file, and empty ranges anywhere from 0 to the size, are sent (returning count)</td><td>{@code send_takes_ranges_that_touch_the_ends_of_the_file_and_empty_ones}</td></tr>
 * <tr><td>position + count is never computed where it can overflow; a negative count is refused</td><td>{@code send_refuses_a_range_whose_end_overflows_or_whose_count_is_negative}</td></tr>
 * <tr><td>a file that shrinks while it is sent ends with EOFException, not an endless loop</td><td>{@code send_throws_EOFException_when_the_file_shrinks_while_it_is_sent}</td></tr>
 * <tr><td>sendFile closes the file it opened, when it returns and when it fails</td><td>{@code sendFile_closes_the_file_it_opened_when_it_returns_and_when_it_fails}</td></tr>
 * <tr><td>neither method closes the target, and send does not close the file either: both are the caller's</td><td>{@code sendFile_leaves_the_target_open}, {@code send_sends_exactly_the_range_asked_for}</td></tr>
 * <tr><td>main sends FILE (from --offset) to --host:--port</td><td>{@code main_sends_a_file_to_the_address_it_is_given}</td></tr>
 * </table>
 */
@Exercise(chapter = "04-modes", script = "FileSender")
public class FileSenderTest {

    private static final String SECTION = "See \"Sending a file: transferTo\".";
    private static final Duration WITHIN = Duration.ofSeconds(20);
    /** How much the sipping channel takes per write: less than transferTo offers, so every call is partial. */
    private static final int SIP = 3_000;

    /** Made per test and deleted after it, with the files in it. */
    @TempDir
    Path dir;

    private static Contract send(Script script) {
        return script.method("send", long.class, FileChannel.class, long.class, long.class, WritableByteChannel.class).within(WITHIN);
    }

    private static Contract sendFile(Script script) {
        return script.method("sendFile", long.class, Path.class, WritableByteChannel.class).within(WITHIN);
    }

    @Graded(points = 3, hint = "Open the file, call transferTo with the socket channel as its target until the whole file "
            + "has gone, and return its size. " + SECTION)
    @Test
    void sendFile_sends_every_byte_of_a_file_of_8_megabytes(Script script) throws Exception {
        Path file = dir.resolve("big.bin");
        String sha256 = writeRandomFile(file, 8 << 20, 4421);
        try (var receiver = Receiver.open(false)) {
            long returned = sendFile(script).call(file, receiver.sender());
            var received = receiver.endAndAwait(WITHIN);
            assertThat(received.count()).as("bytes received of an 8 MB file sent with sendFile").isEqualTo(8L << 20);
            assertThat(received.sha256()).as("SHA-256 of the %d bytes received of an 8 MB file", received.count()).isEqualTo(sha256);
            assertThat(returned).as("what sendFile returned for an 8 MB file").isEqualTo(8L << 20);
        }
    }

    @Graded(points = 3, hint = "transferTo returns how many bytes it sent, which may be fewer than asked: loop, from "
            + "position + sent, until all count bytes have gone. " + SECTION)
    @Test
    void send_carries_on_when_each_transfer_sends_only_part(Script script) throws Exception {
        byte[] content = randomBytes(1 << 20, 4422);
        Path file = Files.write(dir.resolve("sipped.bin"), content);
        try (var receiver = Receiver.open(true); var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var sip = new Sip(receiver.sender(), SIP);
            long returned = send(script).call(channel, 0L, (long) content.length, sip);
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            assertThat(got).as("send(file, 0, %d, target) to a target that takes at most %d bytes per write; received %d bytes: %s",
                    content.length, SIP, got.length, Bytes.firstDifference(content, got)).isEqualTo(content);
            assertThat(returned).as("what send returned").isEqualTo(content.length);
        }
    }

    @Graded(points = 2, hint = "transferTo's first argument is where in the file to start: position + what is already sent. "
            + "Send count bytes from there, no more. " + SECTION)
    @Test
    void send_sends_exactly_the_range_asked_for(Script script) throws Exception {
        byte[] content = randomBytes(2 << 20, 4423);
        Path file = Files.write(dir.resolve("ranged.bin"), content);
        long position = 123_457;
        long count = 1_000_003;
        try (var receiver = Receiver.open(true); var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var target = new Sip(receiver.sender(), SIP);
            long returned = send(script).call(channel, position, count, target);
            assertThat(channel.isOpen()).as("whether the caller's file channel was still open after send returned (both "
                    + "channels are the caller's: send must close neither)").isTrue();
            assertThat(target.isOpen()).as("whether the caller's target channel was still open after send returned (both "
                    + "channels are the caller's: send must close neither)").isTrue();
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            byte[] expected = Arrays.copyOfRange(content, (int) position, (int) (position + count));
            assertThat(got).as("send(file of 2 MB, %d, %d, target): received %d bytes: %s", position, count, got.length,
                    Bytes.firstDifference(expected, got)).isEqualTo(expected);
            assertThat(returned).as("what send(file, %d, %d, target) returned", position, count).isEqualTo(count);
        }
    }

    @Graded(points = 1, hint = "Check position and count against file.size() first, and throw IllegalArgumentException "
            + "before sending anything: half a range is worse than none. " + SECTION)
    @Test
    void send_refuses_a_range_past_the_end_before_sending_anything(Script script) throws Exception {
        Path file = Files.write(dir.resolve("short.bin"), randomBytes(10_000, 4424));
        try (var receiver = Receiver.open(true); var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var sip = new Sip(receiver.sender(), SIP);
            Throwable thrown = catchThrowable(() -> send(script).call(channel, 5_000L, 6_000L, sip));
            assertThat(thrown).as("what send(file of 10000 bytes, 5000, 6000, target) threw").isInstanceOf(IllegalArgumentException.class);
            assertThat(sip.taken()).as("bytes sent before the range past the end was refused").isZero();
            thrown = catchThrowable(() -> send(script).call(channel, -1L, 10L, sip));
            assertThat(thrown).as("what send(file, -1, 10, target) threw").isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Graded(points = 2, hint = "A range may touch either end of the file, and an empty one (count 0) sends nothing and "
            + "returns 0: compare count with size - position, which cannot overflow, and use > where the range would end past "
            + "the file, not >=. " + SECTION)
    @Test
    void send_takes_ranges_that_touch_the_ends_of_the_file_and_empty_ones(Script script) throws Exception {
        byte[] content = randomBytes(10_000, 4427);
        Path file = Files.write(dir.resolve("edges.bin"), content);
        try (var receiver = Receiver.open(true); var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var sip = new Sip(receiver.sender(), SIP);
            long[][] ranges = {{0, 1}, {9_999, 1}, {4_000, 0}, {10_000, 0}, {0, 0}, {0, 10_000}};
            var expected = new java.io.ByteArrayOutputStream();
            for (long[] range : ranges) {
                long returned = send(script).call(channel, range[0], range[1], sip);
                assertThat(returned).as("what send(file of 10000 bytes, %d, %d, target) returned", range[0], range[1]).isEqualTo(range[1]);
                expected.write(content, (int) range[0], (int) range[1]);
            }
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            assertThat(got).as("bytes received for the ranges (position, count) %s of a file of 10000 bytes: %s",
                    Arrays.deepToString(ranges), Bytes.firstDifference(expected.toByteArray(), got)).isEqualTo(expected.toByteArray());
        }
    }

    @Graded(points = 1, hint = "position + count can overflow a long and come out negative: compare count with "
            + "size - position instead, and refuse a negative count. " + SECTION)
    @Test
    void send_refuses_a_range_whose_end_overflows_or_whose_count_is_negative(Script script) throws Exception {
        Path file = Files.write(dir.resolve("overflow.bin"), randomBytes(10_000, 4428));
        try (var receiver = Receiver.open(true); var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var sip = new Sip(receiver.sender(), SIP);
            for (long[] range : new long[][] {{5_000, Long.MAX_VALUE}, {Long.MAX_VALUE, 1}, {0, -1}, {10_001, 0}}) {
                Throwable thrown = catchThrowable(() -> send(script).within(Duration.ofSeconds(2)).call(channel, range[0], range[1], sip));
                assertThat(thrown).as("what send(file of 10000 bytes, %d, %d, target) threw", range[0], range[1])
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(sip.taken()).as("bytes sent before send(file, %d, %d, target) was refused", range[0], range[1]).isZero();
            }
        }
    }

    @Graded(points = 2, hint = "transferTo returns 0 once the position is at the end of the file: if the file shrank while "
            + "it was sent, looping on would never end. Look at file.size() again when a transfer sends nothing, and throw "
            + "EOFException. " + SECTION)
    @Test
    void send_throws_EOFException_when_the_file_shrinks_while_it_is_sent(Script script) throws Exception {
        byte[] content = randomBytes(200_000, 4429);
        Path file = Files.write(dir.resolve("shrinking.bin"), content);
        try (var receiver = Receiver.open(false); var channel = FileChannel.open(file, StandardOpenOption.READ);
             var writer = FileChannel.open(file, StandardOpenOption.WRITE)) {
            var sip = new Sip(receiver.sender(), SIP);
            WritableByteChannel shrinking = new WritableByteChannel() {
                @Override
                public int write(java.nio.ByteBuffer source) throws IOException {
                    if (sip.taken() > 0) {
                        writer.truncate(50_000); // someone else cuts the file down while it is being sent
                    }
                    return sip.write(source);
                }

                @Override
                public boolean isOpen() {
                    return sip.isOpen();
                }

                @Override
                public void close() throws IOException {
                    sip.close();
                }
            };
            Throwable thrown = catchThrowable(() -> send(script).within(Duration.ofSeconds(3)).call(channel, 0L, 200_000L, shrinking));
            assertThat(thrown).as("what send(file, 0, 200000, target) did when the file was cut to 50000 bytes after the first "
                    + "write (%d bytes sent by then)", sip.taken()).isInstanceOf(java.io.EOFException.class);
        }
    }

    @Graded(points = 2, hint = "sendFile opens the file, so it closes it, on every way out: try-with-resources around the "
            + "FileChannel, so that a failed send closes it too. " + SECTION)
    @Test
    void sendFile_closes_the_file_it_opened_when_it_returns_and_when_it_fails(Script script) throws Exception {
        Path file = Files.write(dir.resolve("closed.bin"), randomBytes(100_000, 4430));
        try (var receiver = Receiver.open(false)) {
            sendFile(script).call(file, receiver.sender());
            assertThat(OpenFiles.descriptorsOn(file)).as("descriptors still open on %s after sendFile returned", file.getFileName()).isZero();
            receiver.sender().close();
            Throwable thrown = catchThrowable(() -> sendFile(script).call(file, receiver.sender()));
            assertThat(thrown).as("what sendFile did when its target was closed").isInstanceOf(IOException.class);
            assertThat(OpenFiles.descriptorsOn(file)).as("descriptors still open on %s after sendFile failed (%s)", file.getFileName(), thrown)
                    .isZero();
        }
    }

    @Graded(points = 1, hint = "The target belongs to the caller, who may have more to send: close the file you opened, "
            + "not the channel you were given. " + SECTION)
    @Test
    void sendFile_leaves_the_target_open(Script script) throws Exception {
        byte[] content = randomBytes(50_000, 4425);
        Path file = Files.write(dir.resolve("small.bin"), content);
        try (var receiver = Receiver.open(true)) {
            sendFile(script).call(file, receiver.sender());
            assertThat(receiver.sender().isOpen()).as("the socket channel given to sendFile, after it returned").isTrue();
            receiver.sender().write(java.nio.ByteBuffer.wrap(Bytes.utf8("END")));
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            assertThat(got).as("the file, then \"END\" written by the caller after sendFile").hasSize(content.length + 3);
        }
    }

    @Graded(points = 1, hint = "main connects, sends FILE (or --offset/--length of it) with send, and shuts down its output.")
    @Test
    void main_sends_a_file_to_the_address_it_is_given(Script script) throws Exception {
        byte[] content = randomBytes(3 << 20, 4426);
        Path file = Files.write(dir.resolve("main.bin"), content);
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            String port = String.valueOf(((java.net.InetSocketAddress) listener.getLocalAddress()).getPort());
            try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", port, "--offset", "1000", file.toString());
                 var receiver = Receiver.accept(listener, true)) {
                MainOutput.explainingFailure(main, () -> {
                    byte[] got = receiver.await(WITHIN).bytes();
                    byte[] expected = Arrays.copyOfRange(content, 1000, content.length);
                    assertThat(got).as("what `%s` sent: %d bytes, %s\n%s", main.commandLine(), got.length,
                            Bytes.firstDifference(expected, got), main.transcript()).isEqualTo(expected);
                    assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", main.commandLine()).isZero();
                });
            }
        }
    }

    private static byte[] randomBytes(int count, long seed) {
        byte[] bytes = new byte[count];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code size} seeded random bytes to {@code file} and returns their SHA-256. */
    private static String writeRandomFile(Path file, int size, long seed) throws Exception {
        var random = new Random(seed);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
                digest.update(chunk);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
