package netbasics.chapters.modes;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Slicer;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of Gather. Contract clauses, from the javadoc of send and receive, their TODOs, and
 * chapter 04's "Gathering writes and scattering reads", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>send uses gathering writes (write(ByteBuffer[])), header before body, no copies (the buffers it hands over are the caller's, or views of them)</td><td>{@code send_writes_the_header_and_the_body_with_gathering_writes}</td></tr>
 * <tr><td>send writes as many times as it takes (partial gathering writes)</td><td>{@code send_carries_on_after_partial_gathering_writes}</td></tr>
 * <tr><td>send returns how many bytes were written in all</td><td>send_writes_the_header_and_the_body_with_gathering_writes, send_carries_on_after_partial_gathering_writes, send_sends_what_remains_of_each_buffer_even_when_one_is_empty</td></tr>
 * <tr><td>send writes what remains of each buffer (position to limit); both end with nothing remaining; an empty header or body is fine</td><td>{@code send_sends_what_remains_of_each_buffer_even_when_one_is_empty}</td></tr>
 * <tr><td>receive uses scattering reads (read(ByteBuffer[])), as many as it takes</td><td>{@code receive_fills_both_buffers_with_scattering_reads}</td></tr>
 * <tr><td>receive fills the header, then the body, however the bytes arrive</td><td>{@code receive_fills_the_header_then_the_body_however_the_bytes_arrive}</td></tr>
 * <tr><td>receive fills what remains of each buffer, an empty body included, and reads nothing past them</td><td>{@code receive_fills_what_remains_of_each_buffer_and_reads_no_further}</td></tr>
 * <tr><td>receive throws EOFException when the stream ends before both are full</td><td>{@code receive_throws_EOFException_when_the_stream_ends_first}</td></tr>
 * <tr><td>main sends a 4-byte big-endian length and the UTF-8 text</td><td>{@code main_sends_a_length_header_and_the_text}</td></tr>
 * </table>
 */
@Exercise(chapter = "04-modes", script = "Gather")
public class GatherTest {

    private static final String SECTION = "See \"Gathering writes and scattering reads\".";
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private static Contract send(Script script) {
        return script.method("send", long.class, GatheringByteChannel.class, ByteBuffer.class, ByteBuffer.class).within(WITHIN);
    }

    private static Contract receive(Script script) {
        return script.method("receive", void.class, ScatteringByteChannel.class, ByteBuffer.class, ByteBuffer.class).within(WITHIN);
    }

    @Graded(points = 2, hint = "Hand both buffers to one write(ByteBuffer[]) call, header first: no separate writes, no "
            + "copying them into one buffer. " + SECTION)
    @Test
    void send_writes_the_header_and_the_body_with_gathering_writes(Script script) throws Exception {
        byte[] header = utf8("HEAD");
        byte[] body = randomBytes(1_000, 4431);
        try (var receiver = Receiver.open(true)) {
            var recording = new Recording(receiver.sender(), Integer.MAX_VALUE);
            long returned = send(script).call(recording, ByteBuffer.wrap(header), ByteBuffer.wrap(body));
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            byte[] expected = concat(utf8("HEAD"), body);
            assertThat(got).as("send(channel, \"HEAD\", 1000-byte body): received %d bytes: %s", got.length,
                    Bytes.firstDifference(expected, got)).isEqualTo(expected);
            assertThat(recording.singleWrites).as("calls of write(ByteBuffer) (a gathering write is write(ByteBuffer[]))").isZero();
            assertThat(recording.gatheringWrites).as("calls of write(ByteBuffer[]) for a channel that took everything at once").isEqualTo(1);
            assertThat(recording.gatheredCopies(header, body)).as("buffers handed to write(ByteBuffer[]) that hold a copy of the "
                    + "bytes, not the caller's 4-byte header and 1000-byte body themselves (or views of them, such as a duplicate "
                    + "or a slice): the gathering write is what puts them together, so hand it the two buffers you were given")
                    .isEmpty();
            assertThat(returned).as("what send returned").isEqualTo(1_004);
        }
    }

    @Graded(points = 3, hint = "A gathering write may take only part, even part of the header: write the same array again "
            + "until neither buffer has anything remaining. " + SECTION)
    @Test
    void send_carries_on_after_partial_gathering_writes(Script script) throws Exception {
        byte[] header = randomBytes(10, 4432);
        byte[] body = randomBytes(100_000, 4433);
        try (var receiver = Receiver.open(true)) {
            var recording = new Recording(receiver.sender(), 7);
            long returned = send(script).call(recording, ByteBuffer.wrap(header), ByteBuffer.wrap(body));
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            byte[] expected = concat(header, body);
            assertThat(got).as("send(channel, 10-byte header, 100000-byte body) to a channel that takes 7 bytes per write; "
                    + "received %d bytes: %s", got.length, Bytes.firstDifference(expected, got)).isEqualTo(expected);
            assertThat(returned).as("what send returned").isEqualTo(100_010);
        }
    }

    @Graded(points = 3, hint = "A scattering read fills the header first, then the body, with whatever has arrived: call "
            + "read(ByteBuffer[]) again until both are full. " + SECTION)
    @Test
    void receive_fills_the_header_then_the_body_however_the_bytes_arrive(Script script) throws Exception {
        byte[] header = randomBytes(12, 4434);
        byte[] body = randomBytes(5_000, 4435);
        try (var connection = Connection.open()) {
            SocketChannel writer = connection.writer();
            SocketChannel reader = connection.reader();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    new Slicer(4436, 9, 0.2, Duration.ofMillis(2)).write(writer.socket().getOutputStream(), concat(header, body));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertReceives(script, reader, header, body, "the bytes arriving in slices of 1 to 9");
            sending.join();
        }
    }

    @Graded(points = 2, hint = "Hand both buffers to read(ByteBuffer[]) in one array, header first, and call it again "
            + "until both are full: no read(ByteBuffer) of one buffer, then the other. " + SECTION)
    @Test
    void receive_fills_both_buffers_with_scattering_reads(Script script) throws Exception {
        byte[] header = randomBytes(6, 4437);
        byte[] body = randomBytes(60, 4438);
        try (var connection = Connection.open()) {
            connection.writer().write(ByteBuffer.wrap(concat(header, body)));
            var recording = new Recording(connection.reader(), 7);
            assertReceives(script, recording, header, body, "from a channel that gives 7 bytes per read");
            assertThat(recording.singleReads).as("calls of read(ByteBuffer), one buffer at a time, by receive(channel, 6-byte "
                    + "header, 60-byte body) (scattering reads, read(ByteBuffer[]): %d)", recording.scatteringReads).isZero();
            assertThat(recording.scatteringReads).as("calls of read(ByteBuffer[]) for 66 bytes that came 7 per read").isPositive();
        }
    }

    @Graded(points = 1, hint = "read(ByteBuffer[]) returns -1 at end of stream: with room still left in the buffers that "
            + "is an EOFException. " + SECTION)
    @Test
    void receive_throws_EOFException_when_the_stream_ends_first(Script script) throws Exception {
        try (var connection = Connection.open()) {
            SocketChannel writer = connection.writer();
            SocketChannel reader = connection.reader();
            writer.write(ByteBuffer.wrap(utf8("HEADbo")));
            writer.shutdownOutput();
            Throwable thrown = catchThrowable(() -> receive(script).within(Duration.ofSeconds(3))
                    .call(reader, ByteBuffer.allocate(4), ByteBuffer.allocate(10)));
            assertThat(thrown).as("what receive(channel, 4-byte header, 10-byte body) did when 6 bytes came and the stream ended")
                    .isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "Send what remains of each buffer (position to limit), whatever its position: never rewind or "
            + "flip a buffer you were given. Loop while either has something remaining, so an empty body or an empty header "
            + "is fine. " + SECTION)
    @Test
    void send_sends_what_remains_of_each_buffer_even_when_one_is_empty(Script script) throws Exception {
        try (var receiver = Receiver.open(true)) {
            var recording = new Recording(receiver.sender(), 3);
            ByteBuffer header = ByteBuffer.wrap(utf8("--HEAD")).position(2); // "--" was sent before
            ByteBuffer body = ByteBuffer.wrap(utf8("body and more")).limit(4); // " and more" is not part of it
            long returned = send(script).call(recording, header, body);
            ByteBuffer headerOnly = ByteBuffer.wrap(utf8("ALONE"));
            long returnedAlone = send(script).call(recording, headerOnly, ByteBuffer.allocate(0));
            ByteBuffer bodyOnly = ByteBuffer.wrap(utf8("BODY"));
            long returnedBodyOnly = send(script).call(recording, ByteBuffer.allocate(0), bodyOnly);
            long returnedNothing = send(script).call(recording, ByteBuffer.allocate(0), ByteBuffer.allocate(0));
            byte[] got = receiver.endAndAwait(WITHIN).bytes();
            assertThat(new String(got, java.nio.charset.StandardCharsets.UTF_8)).as("what arrived for send(header \"--HEAD\" at "
                    + "position 2, body \"body and more\" with limit 4), then (\"ALONE\", empty body), then (empty header, "
                    + "\"BODY\"), then (empty, empty), to a channel that takes 3 bytes per write").isEqualTo("HEADbodyALONEBODY");
            assertThat(new long[] {returned, returnedAlone, returnedBodyOnly, returnedNothing}).as("what the four sends returned")
                    .containsExactly(8, 5, 4, 0);
            assertThat(header.hasRemaining() || body.hasRemaining() || headerOnly.hasRemaining() || bodyOnly.hasRemaining())
                    .as("anything remaining in the buffers after send").isFalse();
        }
    }

    @Graded(points = 2, hint = "Fill what remains of each buffer (position to limit), even when one has no room at all, and "
            + "read nothing past them: the next message stays in the channel. " + SECTION)
    @Test
    void receive_fills_what_remains_of_each_buffer_and_reads_no_further(Script script) throws Exception {
        try (var connection = Connection.open()) {
            SocketChannel writer = connection.writer();
            SocketChannel reader = connection.reader();
            writer.write(ByteBuffer.wrap(utf8("HEADbodyONLYNEXT")));
            ByteBuffer header = ByteBuffer.wrap(utf8("--____")).position(2);
            ByteBuffer body = ByteBuffer.wrap(utf8("____ and more")).limit(4);
            receive(script).within(Duration.ofSeconds(3)).call(reader, header, body);
            assertThat(new String(header.array(), java.nio.charset.StandardCharsets.UTF_8) + "|"
                    + new String(body.array(), java.nio.charset.StandardCharsets.UTF_8))
                    .as("the header buffer (\"--____\" at position 2) and the body buffer (\"____ and more\", limit 4) "
                            + "after receive, when \"HEADbodyONLYNEXT\" was sent").isEqualTo("--HEAD|body and more");
            ByteBuffer alone = ByteBuffer.allocate(4);
            receive(script).within(Duration.ofSeconds(3)).call(reader, alone, ByteBuffer.allocate(0));
            assertThat(alone.array()).as("a 4-byte header received with an empty body, next").isEqualTo(utf8("ONLY"));
            ByteBuffer next = ByteBuffer.allocate(4);
            reader.configureBlocking(false);
            reader.read(next);
            assertThat(next.array()).as("what was left in the channel after the two receives (nothing past their "
                    + "buffers may be read)").isEqualTo(utf8("NEXT"));
        }
    }

    @Graded(points = 1, hint = "main sends a 4-byte big-endian length header and the UTF-8 text with send.")
    @Test
    void main_sends_a_length_header_and_the_text(Script script) throws Exception {
        try (var listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            String port = String.valueOf(((InetSocketAddress) listener.getLocalAddress()).getPort());
            try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", port, "hello");
                 var receiver = Receiver.accept(listener, true)) {
                MainOutput.explainingFailure(main, () -> {
                    byte[] got = receiver.await(WITHIN).bytes();
                    byte[] expected = concat(new byte[] {0, 0, 0, 5}, utf8("hello"));
                    assertThat(got).as("what `%s` sent: %s\n%s", main.commandLine(), Bytes.describe(got), main.transcript())
                            .isEqualTo(expected);
                });
            }
        }
    }

    /** Receives from {@code in} into fresh buffers as long as {@code header} and {@code body}; both must come whole. */
    private static void assertReceives(Script script, ScatteringByteChannel in, byte[] header, byte[] body, String how) {
        ByteBuffer headerBuffer = ByteBuffer.allocate(header.length);
        ByteBuffer bodyBuffer = ByteBuffer.allocate(body.length);
        receive(script).call(in, headerBuffer, bodyBuffer);
        assertThat(headerBuffer.array()).as("the %d-byte header buffer after receive, %s", header.length, how).isEqualTo(header);
        assertThat(bodyBuffer.array()).as("the %d-byte body buffer after receive, %s: %s", body.length, how,
                Bytes.firstDifference(body, bodyBuffer.array())).isEqualTo(body);
        assertThat(headerBuffer.hasRemaining() || bodyBuffer.hasRemaining()).as("room left in either buffer").isFalse();
    }

    /** A TCP connection on loopback: a test writes at one end what receive reads at the other. */
    private record Connection(SocketChannel writer, SocketChannel reader) implements AutoCloseable {

        static Connection open() throws IOException {
            try (var listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel writer = SocketChannel.open(listener.getLocalAddress());
                try {
                    return new Connection(writer, listener.accept());
                } catch (IOException e) {
                    writer.close();
                    throw e;
                }
            }
        }

        @Override
        public void close() throws IOException {
            try (writer; reader) {
                // both closed, whatever happens to either
            }
        }
    }

    private static byte[] randomBytes(int count, long seed) {
        byte[] bytes = new byte[count];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
