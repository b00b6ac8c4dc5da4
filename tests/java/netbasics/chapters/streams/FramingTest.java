package netbasics.chapters.streams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Slicer;
import netbasics.fixtures.TcpPair;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code Framing} ("Framing: where does a message end?") and the test that checks
 * each clause:
 * <ul>
 * <li>writeFrame: a 4-byte big-endian length, then the payload, flushed:
 *     {@code writeFrame_sends_a_big_endian_length_then_the_payload}, {@code writeFrame_flushes_so_the_frame_leaves_at_once}
 * <li>readFrame returns whole payloads however the bytes arrive: {@code readFrame_returns_whole_frames_however_the_bytes_arrive}
 * <li>null at a clean end between frames, an empty frame as empty: {@code readFrame_returns_null_at_a_clean_end_and_an_empty_frame_as_empty}
 * <li>EOFException naming the missing bytes when the stream ends inside a frame:
 *     {@code readFrame_throws_EOFException_naming_the_missing_bytes_when_a_frame_is_cut_short}
 * <li>ProtocolException for a length above maxLength (before allocating or reading it) or negative:
 *     {@code readFrame_rejects_a_length_above_the_maximum_before_reading_it}, {@code readFrame_rejects_a_negative_length}
 * <li>writeLine: UTF-8 and "\n", flushed; IllegalArgumentException for a "\n" inside:
 *     {@code writeLine_sends_utf8_text_ending_in_a_newline}, {@code writeLine_refuses_text_that_contains_a_newline}
 * <li>readLine returns whole lines however they arrive, leaves the next lines unread, takes "\r\n":
 *     {@code readLine_returns_whole_lines_however_the_bytes_arrive}, {@code readLine_leaves_the_next_lines_for_the_next_calls},
 *     {@code readLine_tolerates_crlf_endings}
 * <li>EOFException for a line cut short: {@code readLine_throws_EOFException_for_a_line_cut_short}; null at a clean
 *     end: {@code readLine_returns_whole_lines_however_the_bytes_arrive}
 * <li>ProtocolException once maxLength bytes came without "\n", without waiting for more (at the limit
 *     accepted, past it refused; a "\r" counts too): {@code readLine_rejects_a_line_above_the_maximum_without_waiting_for_its_end}
 * <li>a read timeout on the caller's socket reaches the caller as it is (not null, not an EOF, not a
 *     partial line): {@code a_read_timeout_reaches_the_caller_as_it_is}
 * <li>main prints each frame it receives and how each connection ended: {@code main_prints_the_frames_it_receives}
 * </ul>
 * The streams are the test's.
 *
 * <p>Not graded: writeFrame's header and payload in one write (the solution does it so that a frame leaves
 * as one segment, but a header written first and the payload after, then one flush, is just as correct).
 *
 * <p>Not graded: main's {@code --lines}, which prints each line instead of each frame. main and printFrames are
 * given whole in the stub: what {@code --lines} adds to the path main_prints_the_frames_it_receives takes is given
 * code (the flag, printFrames' branch for lines) and calls of readLine, which the readLine tests grade, so a test of
 * it could fail only where one of those fails already.
 */
@Exercise(chapter = "03-streams", script = "Framing")
public class FramingTest {

    private static final String SECTION = "See \"Framing: where does a message end?\".";
    /** A generous bound for anything that should happen at once on loopback. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    private static final int MAX = 64 * 1024;

    private static Contract writeFrame(Script script) {
        return script.method("writeFrame", void.class, OutputStream.class, byte[].class).within(PROMPTLY);
    }

    private static Contract readFrame(Script script) {
        return script.method("readFrame", byte[].class, InputStream.class, int.class).within(PROMPTLY);
    }

    private static Contract writeLine(Script script) {
        return script.method("writeLine", void.class, OutputStream.class, String.class).within(PROMPTLY);
    }

    private static Contract readLine(Script script) {
        return script.method("readLine", String.class, InputStream.class, int.class).within(PROMPTLY);
    }

    // ---- length-prefixed frames: the writer, its bytes checked one by one

    @Graded(points = 2, hint = "A frame is the payload's length as 4 bytes, most significant byte first (big-endian, "
            + "as DataOutputStream.writeInt or ByteBuffer.putInt write it), then the payload itself. " + SECTION)
    @Test
    void writeFrame_sends_a_big_endian_length_then_the_payload(Script script) throws Exception {
        var random = new Random(3_001);
        try (var pair = TcpPair.open()) {
            for (int size : new int[] {5, 0, 1, 300, 70_000, 258}) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                String what = "writeFrame(a payload of " + size + " bytes)";
                var writing = writeFrame(script).start(pair.client().getOutputStream(), payload);
                byte[] header = Received.exactly(pair.server(), 4, PROMPTLY);
                assertThat(header).as("%s: a 4-byte length should have arrived, but only %s came", what, Bytes.describe(header)).hasSize(4);
                int length = ByteBuffer.wrap(header).getInt();
                assertThat(length).as("%s sent the length %d (bytes %s); expected %d (bytes %s): four bytes, most significant first",
                        what, length, hex(length), size, hex(size)).isEqualTo(size);
                byte[] received = Received.exactly(pair.server(), size, PROMPTLY);
                writing.result(PROMPTLY);
                assertThat(received).as("the payload sent by %s: %s", what, Bytes.firstDifference(payload, received)).isEqualTo(payload);
            }
            pair.client().shutdownOutput();
            byte[] more = Received.exactly(pair.server(), 1, PROMPTLY);
            assertThat(more).as("after the last frame, writeFrame must have sent nothing more, but %s came", Bytes.describe(more)).isEmpty();
        }
    }

    @Graded(points = 1, hint = "The caller may hand you a buffered stream: flush() after writing, so that the frame leaves "
            + "now and not when a buffer happens to fill. " + SECTION)
    @Test
    void writeFrame_flushes_so_the_frame_leaves_at_once(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            var buffered = new BufferedOutputStream(pair.client().getOutputStream(), 8192);
            writeFrame(script).call(buffered, utf8("now"));
            byte[] received = Received.exactly(pair.server(), 7, PROMPTLY);
            assertThat(received).as("writeFrame(a BufferedOutputStream, \"now\") returned; within %d ms, %s reached the other end; "
                    + "expected the whole frame, 00 00 00 03 then \"now\"%s", PROMPTLY.toMillis(), Bytes.describe(received),
                    received.length == 0 ? ": it is still sitting in the buffer" : "").isEqualTo(frame(utf8("now")));
        }
    }

    // ---- length-prefixed frames: the reader, fed by DataOutputStream through slices

    @Graded(points = 3, hint = "One read() returns whatever has arrived so far, which may be part of a frame or parts of "
            + "two. Read exactly 4 bytes of length, then exactly that many bytes of payload (readNBytes, or "
            + "DataInputStream.readFully, loop for you), and read nothing beyond. " + SECTION)
    @Test
    void readFrame_returns_whole_frames_however_the_bytes_arrive(Script script) throws Exception {
        var random = new Random(3_002);
        List<byte[]> payloads = new ArrayList<>();
        payloads.add(bytes(random, 2_000));
        payloads.add(utf8("£€ in a frame"));
        for (int i = 0; i < 24; i++) {
            payloads.add(bytes(random, random.nextInt(3) == 0 ? random.nextInt(4) : random.nextInt(3_000)));
        }
        try (var pair = TcpPair.open()) {
            var sending = sendInBackground(pair.client(), out -> {
                // The first frame comes in three parts, far apart: two bytes of its length, then the rest of
                // the length and 500 bytes, then the rest.
                byte[] first = frame(payloads.get(0));
                out.write(first, 0, 2);
                Slicer.pause(Duration.ofMillis(100));
                out.write(first, 2, 502);
                Slicer.pause(Duration.ofMillis(100));
                out.write(first, 504, first.length - 504);
                var slicer = new Slicer(3_003, 64, 0.05, Duration.ofMillis(2));
                for (byte[] payload : payloads.subList(1, payloads.size())) {
                    slicer.write(out, frame(payload));
                }
                pair.client().shutdownOutput();
            });
            InputStream in = pair.server().getInputStream();
            for (int i = 0; i < payloads.size(); i++) {
                byte[] expected = payloads.get(i);
                byte[] got = readFrame(script).call(in, MAX);
                String which = "Frame " + (i + 1) + " of " + payloads.size() + " (" + expected.length + " bytes, sent "
                        + (i == 0 ? "in three parts 100 ms apart" : "in slices of 1 to 64 bytes") + ")";
                assertThat(got).as("%s: readFrame returned null (no more frames), but the frame had been sent", which).isNotNull();
                assertThat(got).as("%s: readFrame returned %d bytes (%s): %s", which, got.length, Bytes.describe(got),
                        Bytes.firstDifference(expected, got)).isEqualTo(expected);
            }
            byte[] afterLast = readFrame(script).call(in, MAX);
            assertThat(afterLast).as("After the last frame the sender ended its stream; readFrame must then return null "
                    + "(no more frames)").isNull();
            sending.join();
        }
    }

    @Graded(points = 2, hint = "An empty payload is a frame (length 0) and is returned as an empty array. Only an end of "
            + "stream before the first byte of a length means \"no more frames\": return null then. " + SECTION)
    @Test
    void readFrame_returns_null_at_a_clean_end_and_an_empty_frame_as_empty(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            OutputStream out = pair.client().getOutputStream();
            out.write(frame(utf8("one")));
            out.write(frame(new byte[0]));
            out.write(frame(utf8("three")));
            pair.client().shutdownOutput();
            InputStream in = pair.server().getInputStream();
            assertThat((byte[]) readFrame(script).call(in, MAX)).as("the first frame, \"one\"").isEqualTo(utf8("one"));
            assertThat((byte[]) readFrame(script).call(in, MAX)).as("the second frame, whose length is 0").isNotNull().isEmpty();
            assertThat((byte[]) readFrame(script).call(in, MAX)).as("the third frame, \"three\"").isEqualTo(utf8("three"));
            assertThat((byte[]) readFrame(script).call(in, MAX))
                    .as("the stream ended cleanly after three frames: readFrame must return null").isNull();
        }
    }

    @Graded(points = 2, hint = "A stream that ends part way through a frame is not a clean end: the frame is lost. Throw "
            + "an EOFException, and say how many bytes were missing. " + SECTION)
    @Test
    void readFrame_throws_EOFException_naming_the_missing_bytes_when_a_frame_is_cut_short(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            OutputStream out = pair.client().getOutputStream();
            byte[] whole = frame(new byte[1_000]);
            out.write(whole, 0, 4 + 600);
            pair.client().shutdownOutput();
            Throwable thrown = catchThrowable(() -> readFrame(script).call(pair.server().getInputStream(), MAX));
            String what = "A frame said 1000 bytes, 600 came, then the stream ended.";
            assertThat(thrown).as("%s readFrame returned normally; it must throw an EOFException", what).isNotNull();
            assertThat(thrown).as("%s readFrame threw %s; expected an EOFException", what, thrown).isInstanceOf(EOFException.class);
            assertThat(String.valueOf(thrown.getMessage())).as("%s The EOFException's message must say that 400 bytes were missing; "
                    + "it says: %s", what, thrown.getMessage()).containsPattern("\\b400\\b");
        }
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(new byte[] {0, 0, 1});
            pair.client().shutdownOutput();
            Throwable thrown = catchThrowable(() -> readFrame(script).call(pair.server().getInputStream(), MAX));
            assertThat(thrown).as("3 of a frame's 4 length bytes came, then the stream ended: readFrame must throw an EOFException, "
                    + "but %s", thrown == null ? "it returned normally" : "it threw " + thrown).isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "Check the length against the caller's maximum before allocating or reading anything: four "
            + "bytes from a peer must not make you reserve 2 GiB, or wait for them. Throw a ProtocolException. " + SECTION)
    @Test
    void readFrame_rejects_a_length_above_the_maximum_before_reading_it(Script script) throws Exception {
        for (int length : new int[] {Integer.MAX_VALUE, MAX + 1}) {
            try (var pair = TcpPair.open()) {
                pair.client().getOutputStream().write(ByteBuffer.allocate(4).putInt(length).array());
                Throwable thrown = catchThrowable(() -> readFrame(script).call(pair.server().getInputStream(), MAX));
                String what = "A frame's length said " + length + " bytes, with a maximum of " + MAX + " (and no payload followed).";
                assertThat(thrown).as("%s readFrame returned normally; it must throw a ProtocolException", what).isNotNull();
                if (thrown instanceof OutOfMemoryError) {
                    throw new AssertionError(what + " readFrame tried to allocate the whole length: " + thrown, thrown);
                }
                assertThat(thrown).as("%s readFrame %s; it must reject the length at once with a ProtocolException", what,
                        thrown.getMessage() != null && thrown.getMessage().contains("did not return") ? "waited" : "threw " + thrown)
                        .isInstanceOf(ProtocolException.class);
            }
        }
        try (var pair = TcpPair.open()) {
            byte[] payload = new byte[MAX];
            new Random(3_004).nextBytes(payload);
            sendInBackground(pair.client(), out -> out.write(frame(payload)));
            byte[] got = readFrame(script).call(pair.server().getInputStream(), MAX);
            assertThat(got).as("a frame of exactly the maximum, %d bytes, is allowed: %s", MAX,
                    got == null ? "readFrame returned null" : Bytes.firstDifference(payload, got)).isEqualTo(payload);
        }
    }

    @Graded(points = 1, hint = "The length is a signed int: a peer can send 0x80000000 or 0xFFFFFFFF. Reject a negative "
            + "length with a ProtocolException. " + SECTION)
    @Test
    void readFrame_rejects_a_negative_length(Script script) throws Exception {
        for (int length : new int[] {-1, Integer.MIN_VALUE}) {
            try (var pair = TcpPair.open()) {
                pair.client().getOutputStream().write(ByteBuffer.allocate(4).putInt(length).array());
                Throwable thrown = catchThrowable(() -> readFrame(script).call(pair.server().getInputStream(), MAX));
                assertThat(thrown).as("A frame's length was %s (%d): readFrame must throw a ProtocolException, but %s", hex(length),
                        length, thrown == null ? "it returned normally" : "it threw " + thrown).isInstanceOf(ProtocolException.class);
            }
        }
    }

    // ---- line frames

    @Graded(points = 2, hint = "A line frame is the text in UTF-8 (name the charset: the platform's may be another) "
            + "followed by \\n; flush it. " + SECTION)
    @Test
    void writeLine_sends_utf8_text_ending_in_a_newline(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            var buffered = new BufferedOutputStream(pair.client().getOutputStream(), 8192);
            var sent = new ByteArrayOutputStream();
            for (String line : new String[] {"hello", "", "£€ naïve", "tab\there"}) {
                writeLine(script).call(buffered, line);
                sent.write(utf8(line + "\n"));
            }
            byte[] expected = sent.toByteArray();
            byte[] received = Received.exactly(pair.server(), expected.length, PROMPTLY);
            assertThat(received).as("writeLine(\"hello\"), writeLine(\"\"), writeLine(\"£€ naïve\"), writeLine(\"tab\\there\") "
                    + "over a buffered stream sent %s; expected %s: %s", Bytes.describe(received), Bytes.describe(expected),
                    Bytes.firstDifference(expected, received)).isEqualTo(expected);
        }
    }

    @Graded(points = 1, hint = "A \\n inside the text would end the frame early and turn one message into two. Refuse such "
            + "a line with an IllegalArgumentException, before writing anything. " + SECTION)
    @Test
    void writeLine_refuses_text_that_contains_a_newline(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            Throwable thrown = catchThrowable(() -> writeLine(script).call(pair.client().getOutputStream(), "two\nlines"));
            assertThat(thrown).as("writeLine(\"two\\nlines\") must throw an IllegalArgumentException, but %s",
                    thrown == null ? "it returned normally" : "it threw " + thrown).isInstanceOf(IllegalArgumentException.class);
            pair.client().shutdownOutput();
            byte[] written = Received.exactly(pair.server(), 100, PROMPTLY);
            assertThat(written).as("what writeLine(\"two\\nlines\") wrote before refusing: %s", Bytes.describe(written)).isEmpty();
        }
    }

    @Graded(points = 3, hint = "Collect bytes up to the \\n, then decode them all at once as UTF-8: a character such as € "
            + "takes three bytes, which may arrive in different reads. Read nothing past the \\n. " + SECTION)
    @Test
    void readLine_returns_whole_lines_however_the_bytes_arrive(Script script) throws Exception {
        var random = new Random(3_005);
        List<String> lines = new ArrayList<>(List.of("£€ first", "", "second line", "naïve €uro ½"));
        for (int i = 0; i < 20; i++) {
            lines.add(randomText(random, random.nextInt(120)));
        }
        var stream = new ByteArrayOutputStream();
        lines.forEach(line -> stream.writeBytes(utf8(line + "\n")));
        try (var pair = TcpPair.open()) {
            var sending = sendInBackground(pair.client(), out -> {
                new Slicer(3_006, 5, 0.05, Duration.ofMillis(2)).write(out, stream.toByteArray());
                pair.client().shutdownOutput();
            });
            InputStream in = pair.server().getInputStream();
            for (int i = 0; i < lines.size(); i++) {
                String got = readLine(script).call(in, 1_000);
                assertThat(got).as("Line %d of %d, sent in slices of 1 to 5 bytes: expected \"%s\" (%s), readLine returned %s",
                        i + 1, lines.size(), lines.get(i), Bytes.describe(utf8(lines.get(i))),
                        got == null ? "null" : "\"" + got + "\" (" + Bytes.describe(utf8(got)) + ")").isEqualTo(lines.get(i));
            }
            assertThat((String) readLine(script).call(in, 1_000)).as("After the last line the sender ended its stream; readLine "
                    + "must then return null (no more lines)").isNull();
            sending.join();
        }
    }

    @Graded(points = 2, hint = "Several lines often arrive in one read. A reader made afresh on each call (a new "
            + "BufferedReader, say) reads ahead and takes the next lines with it when it is dropped. " + SECTION)
    @Test
    void readLine_leaves_the_next_lines_for_the_next_calls(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("alpha\nbeta\ngamma\n"));
            InputStream in = pair.server().getInputStream();
            for (String expected : new String[] {"alpha", "beta", "gamma"}) {
                String got = readLine(script).call(in, 1_000);
                assertThat(got).as("\"alpha\\nbeta\\ngamma\\n\" was sent in one write; readLine, called again, returned %s "
                        + "where \"%s\" was expected", got == null ? "null" : "\"" + got + "\"", expected).isEqualTo(expected);
            }
        }
    }

    @Graded(points = 1, hint = "Many protocols (HTTP, SMTP) end lines with \\r\\n. Accept both endings and return the "
            + "line without them, \\r included. " + SECTION)
    @Test
    void readLine_tolerates_crlf_endings(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("GET / HTTP/1.0\r\nHost: example\r\n\r\nplain\n"));
            InputStream in = pair.server().getInputStream();
            for (String expected : new String[] {"GET / HTTP/1.0", "Host: example", "", "plain"}) {
                String got = readLine(script).call(in, 1_000);
                assertThat(got).as("Lines ending in \\r\\n: expected \"%s\", readLine returned %s", expected,
                        got == null ? "null" : Bytes.describe(utf8(got))).isEqualTo(expected);
            }
        }
    }

    @Graded(points = 1, hint = "End of stream before any byte of a line means \"no more lines\" (null); after some bytes "
            + "but before the \\n, the line was cut short: throw an EOFException. " + SECTION)
    @Test
    void readLine_throws_EOFException_for_a_line_cut_short(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("complete\nno newline"));
            pair.client().shutdownOutput();
            InputStream in = pair.server().getInputStream();
            assertThat((String) readLine(script).call(in, 1_000)).as("the first line").isEqualTo("complete");
            Throwable thrown = catchThrowable(() -> readLine(script).call(in, 1_000));
            assertThat(thrown).as("\"no newline\" came, then the stream ended: readLine must throw an EOFException, but %s",
                    thrown == null ? "it returned normally" : "it threw " + thrown).isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "Count the bytes as they come: as soon as a line has more than the maximum without a \\n, "
            + "throw a ProtocolException. Waiting for the \\n lets a peer fill your memory. " + SECTION)
    @Test
    void readLine_rejects_a_line_above_the_maximum_without_waiting_for_its_end(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("x".repeat(100) + "\n" + "y".repeat(101) + "\n"));
            InputStream in = pair.server().getInputStream();
            String exact = readLine(script).call(in, 100);
            assertThat(exact).as("a line of exactly the maximum, 100 bytes, is allowed").isEqualTo("x".repeat(100));
            Throwable thrown = catchThrowable(() -> readLine(script).call(in, 100));
            assertThat(thrown).as("A line of 101 bytes with a maximum of 100: readLine must throw a ProtocolException, but %s",
                    thrown == null ? "it returned normally" : "it threw " + thrown).isInstanceOf(ProtocolException.class);
        }
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("c".repeat(99) + "\r\n" + "d".repeat(100) + "\r\n"));
            InputStream in = pair.server().getInputStream();
            String exact = readLine(script).call(in, 100);
            assertThat(exact).as("99 bytes and \\r\\n with a maximum of 100 (the \\r counts: 100 bytes before the \\n) is allowed")
                    .isEqualTo("c".repeat(99));
            Throwable thrown = catchThrowable(() -> readLine(script).call(in, 100));
            assertThat(thrown).as("100 bytes and \\r\\n with a maximum of 100: the \\r counts too, so 101 bytes came before the "
                    + "\\n and readLine must throw a ProtocolException, but %s", thrown == null ? "it returned normally"
                    : "it threw " + thrown).isInstanceOf(ProtocolException.class);
        }
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("z".repeat(20_000)));
            Throwable thrown = catchThrowable(() -> readLine(script).call(pair.server().getInputStream(), 100));
            assertThat(thrown).as("20000 bytes without a \\n (and the stream still open), with a maximum of 100: readLine must "
                    + "throw a ProtocolException at once, but %s", thrown == null ? "it returned normally" : thrown.getMessage() != null
                    && thrown.getMessage().contains("did not return") ? "it kept waiting" : "it threw " + thrown)
                    .isInstanceOf(ProtocolException.class);
        }
    }

    // ---- a read that times out is neither an end nor a message

    @Graded(points = 2, hint = "A SocketTimeoutException from a read means \"nothing came in time\", not \"the stream ended\": "
            + "let it reach the caller, who set the timeout. Returning null would say the peer finished cleanly; an "
            + "EOFException would say it ended mid-message; a partial line would pass half a message off as whole. " + SECTION)
    @Test
    void a_read_timeout_reaches_the_caller_as_it_is(Script script) throws Exception {
        record Case(String what, byte[] sent, boolean frame) {}
        var cases = List.of(
                new Case("readFrame with nothing sent", new byte[0], true),
                new Case("readFrame after 2 of the 4 length bytes", new byte[] {0, 0}, true),
                new Case("readFrame after the length 10 and 3 bytes of payload", new byte[] {0, 0, 0, 10, 'a', 'b', 'c'}, true),
                new Case("readLine with nothing sent", new byte[0], false),
                new Case("readLine after \"half a li\"", utf8("half a li"), false));
        // The five cases wait out their timeouts side by side, each on a connection of its own.
        List<TcpPair> pairs = new ArrayList<>();
        try {
            List<Call> calls = new ArrayList<>();
            for (Case c : cases) {
                var pair = TcpPair.open();
                pairs.add(pair);
                pair.server().setSoTimeout(100); // the caller's bound, on the caller's socket
                pair.client().getOutputStream().write(c.sent());
                InputStream in = pair.server().getInputStream();
                calls.add(c.frame() ? readFrame(script).start(in, MAX) : readLine(script).start(in, MAX));
            }
            // Every outcome is taken before any is judged: a call whose outcome the test never took would look as if it had died.
            List<Throwable> outcomes = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Call call = calls.get(i);
                outcomes.add(catchThrowable(() -> {
                    Object returned = call.result(PROMPTLY);
                    throw new AssertionError(c.what() + ", then silence on a socket with a 100 ms read timeout, returned "
                            + (returned instanceof byte[] bytes ? Bytes.describe(bytes) : returned == null ? "null" : "\"" + returned + "\"")
                            + " instead of letting the SocketTimeoutException through: the peer had not ended anything.");
                }));
            }
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Throwable thrown = outcomes.get(i);
                if (thrown instanceof UnsupportedOperationException todo) {
                    throw todo;
                }
                if (thrown instanceof AssertionError failed) {
                    throw failed;
                }
                assertThat(thrown).as("what %s, then silence on a socket with a 100 ms read timeout, threw", c.what())
                        .isInstanceOf(java.net.SocketTimeoutException.class);
            }
        } finally {
            for (TcpPair pair : pairs) {
                try {
                    pair.close();
                } catch (IOException closing) {
                    // the next pair is closed all the same
                }
            }
        }
    }

    // ---- the program

    @Graded(points = 1, hint = "main prints \"Serving at HOST:PORT\", then for each connection a line per frame and "
            + "\"end of stream\" once readFrame returns null.")
    @Test
    void main_prints_the_frames_it_receives(Script script) throws Exception {
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", "0")) {
            var serving = MainOutput.awaitLine(main, Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10), "");
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2))), 2_000);
                socket.getOutputStream().write(frame(utf8("hello")));
                socket.getOutputStream().write(frame(utf8("£€")));
                socket.shutdownOutput();
                String context = "Sent the frames \"hello\" and \"£€\", then ended the stream.";
                MainOutput.awaitLine(main, Pattern.compile("frame of 5 bytes: hello"), PROMPTLY, context);
                MainOutput.awaitLine(main, Pattern.compile("frame of 5 bytes: £€"), PROMPTLY, context);
                MainOutput.awaitLine(main, Pattern.compile("end of stream"), PROMPTLY, context);
            }
        }
        // Only now: a main that has exited tells the test's waits that learner code died, so they stop early.
        try (MainProcess bad = script.startMain("--max", "lots")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    // ---- helpers

    /** A frame as the reference writer makes it: DataOutputStream's big-endian int, then the payload. */
    private static byte[] frame(byte[] payload) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeInt(payload.length);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Words of ASCII and of two- and three-byte UTF-8 characters, so that characters get split across slices. */
    private static String randomText(Random random, int length) {
        String alphabet = "abcdefghij KLMNOP £€½é ñ";
        var text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static String hex(int value) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(ByteBuffer.allocate(4).putInt(value).array());
    }

    private interface Writing {
        void to(OutputStream out) throws IOException;
    }

    /** Sends on a thread of its own, so the reader under test can take its time (or block) on the other end. */
    private static CompletableFuture<Void> sendInBackground(Socket socket, Writing writing) {
        var done = new CompletableFuture<Void>();
        Thread.ofPlatform().daemon().name("test sender").start(() -> {
            try {
                writing.to(socket.getOutputStream());
                done.complete(null);
            } catch (IOException | RuntimeException e) {
                // The reader gave up and the test closed the pair: the assertion on what was read says why.
                done.complete(null);
            }
        });
        return done;
    }
}
