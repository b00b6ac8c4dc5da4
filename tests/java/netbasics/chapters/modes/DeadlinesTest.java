package netbasics.chapters.modes;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.Slicer;
import netbasics.fixtures.TcpPair;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of Deadlines. Contract clauses, from the javadoc of Deadlines.java, its TODOs, and
 * chapter 04's "Deadlines, not read timeouts" and "After a timeout", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>readExactly returns exactly count bytes, however they arrive</td><td>{@code readExactly_reads_every_byte_however_it_arrives}</td></tr>
 * <tr><td>the deadline bounds the whole call, not each read (a byte every 20 ms past it)</td><td>readExactly_gives_up_at_the_deadline_while_bytes_trickle_in, readLine_gives_up_at_the_deadline_while_bytes_trickle_in</td></tr>
 * <tr><td>throws SocketTimeoutException whose bytesTransferred is what was consumed</td><td>{@code readExactly_says_how_many_bytes_it_had_consumed_when_the_deadline_passed}, {@code readLine_gives_up_at_the_deadline_while_bytes_trickle_in}</td></tr>
 * <tr><td>bytesTransferred 0 and the socket left open and readable after a timeout that consumed nothing</td><td>{@code readExactly_times_out_with_nothing_read_and_the_socket_can_be_read_again}</td></tr>
 * <tr><td>the socket's own timeout is as it was when the call returns or throws (success, deadline, EOFException)</td><td>readExactly_leaves_the_socket_timeout_as_it_was, readLine_leaves_the_socket_timeout_as_it_was, huge_deadlines_neither_overflow_nor_pass_at_once</td></tr>
 * <tr><td>a deadline of 0 or less (a negative one too long for toNanos included) or under a millisecond gives up at once, never setSoTimeout(0)</td><td>{@code deadlines_of_zero_or_less_or_under_a_millisecond_give_up_at_once}</td></tr>
 * <tr><td>a huge deadline neither overflows nanoTime + budget, nor toNanos, nor the int of setSoTimeout</td><td>{@code huge_deadlines_neither_overflow_nor_pass_at_once}</td></tr>
 * <tr><td>readExactly of 0 bytes returns an empty array at once and consumes nothing</td><td>{@code readExactly_of_zero_bytes_returns_at_once}</td></tr>
 * <tr><td>throws EOFException when the stream ends first (never a short array)</td><td>{@code readExactly_throws_EOFException_when_the_stream_ends_early}</td></tr>
 * <tr><td>readLine returns one line without \n or \r\n, decoded as UTF-8, and reads nothing past it</td><td>{@code readLine_reads_one_line_at_a_time_and_nothing_more}</td></tr>
 * <tr><td>readLine returns null when the stream ends before any byte</td><td>{@code readLine_reads_one_line_at_a_time_and_nothing_more}</td></tr>
 * <tr><td>readLine throws EOFException when the stream ends inside a line</td><td>{@code readLine_throws_EOFException_when_the_stream_ends_inside_a_line}</td></tr>
 * <tr><td>main prints "Line: ..." or "Too slow" with status 1; --deadline bounds the connect too</td><td>{@code main_prints_a_line_or_gives_up_at_its_deadline}</td></tr>
 * </table>
 *
 * <p>Not graded: the caller's interrupt flag (the calls block in socket reads, which neither check nor
 * clear it, and a contract call runs on a thread of the harness's, so a test cannot set the caller's
 * flag).
 */
@Exercise(chapter = "04-modes", script = "Deadlines")
public class DeadlinesTest {

    private static final String SECTION = "See \"Deadlines, not read timeouts\".";
    /**
     * A byte every 20 ms: every single read gets something long before a read timeout as long as
     * the whole deadline, so only a deadline for the whole call ends it. 400 of them outlast the
     * bound of any call.
     */
    private static final Duration TRICKLE = Duration.ofMillis(20);
    private static final Duration DEADLINE = Duration.ofMillis(300);
    /** How late past its deadline a call may return on a busy machine. */
    private static final Duration SLACK = Duration.ofMillis(1_500);

    private static Contract readExactly(Script script) {
        return script.method("readExactly", byte[].class, Socket.class, int.class, Duration.class).within(Duration.ofSeconds(5));
    }

    private static Contract readLine(Script script) {
        return script.method("readLine", String.class, Socket.class, Duration.class).within(Duration.ofSeconds(5));
    }

    @Graded(points = 2, hint = "Loop until all count bytes are in: a read returns whatever has arrived. " + SECTION)
    @Test
    void readExactly_reads_every_byte_however_it_arrives(Script script) throws Exception {
        byte[] message = new byte[3_000];
        new Random(4401).nextBytes(message);
        try (var pair = TcpPair.open()) {
            CompletableFuture<Void> sending = sendSliced(pair.client(), message, 4402);
            byte[] read = readExactly(script).call(pair.server(), message.length, Duration.ofSeconds(4));
            sending.join();
            assertThat(read).as("readExactly(socket, %d, 4 s) while the %d bytes arrived in slices of 1 to 7 bytes; got %d bytes: %s",
                    message.length, message.length, read.length, Bytes.firstDifference(message, read)).isEqualTo(message);
        }
    }

    @Graded(points = 3, hint = "A read timeout starts again with every read, so a byte every 20 ms never triggers it: before "
            + "each read, set the timeout to what is left of one deadline computed at the start. " + SECTION)
    @Test
    void readExactly_gives_up_at_the_deadline_while_bytes_trickle_in(Script script) throws Exception {
        try (var pair = TcpPair.open(); var trickle = Trickle.start(pair.client().getOutputStream(), (byte) 'x', TRICKLE, 400)) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> readExactly(script).call(pair.server(), 1_000, DEADLINE));
            assertGaveUpAtTheDeadline(thrown, started, "readExactly(socket, 1000, 300 ms)");
        }
    }

    @Graded(points = 1, hint = "Set bytesTransferred on the SocketTimeoutException to the number of bytes already read: the "
            + "caller needs it to know whether the connection is still at a message boundary. See \"After a timeout\".")
    @Test
    void readExactly_says_how_many_bytes_it_had_consumed_when_the_deadline_passed(Script script) throws Exception {
        try (var pair = TcpPair.open(); var trickle = Trickle.start(pair.client().getOutputStream(), (byte) 'x', TRICKLE, 400)) {
            Throwable thrown = catchThrowable(() -> readExactly(script).call(pair.server(), 1_000, DEADLINE));
            assertThat(thrown).as("what readExactly(socket, 1000, 300 ms) threw while a byte arrived every 20 ms").isInstanceOf(SocketTimeoutException.class);
            int sent = trickle.sent();
            assertThat(((SocketTimeoutException) thrown).bytesTransferred)
                    .as("bytesTransferred of the SocketTimeoutException, when about %d bytes had been sent", sent)
                    .isBetween(3, sent);
        }
    }

    @Graded(points = 2, hint = "When nothing at all came before the deadline, nothing was consumed: throw the "
            + "SocketTimeoutException (bytesTransferred 0) and leave the socket open, so the caller can read again. "
            + "See \"After a timeout\".")
    @Test
    void readExactly_times_out_with_nothing_read_and_the_socket_can_be_read_again(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> readExactly(script).call(pair.server(), 5, Duration.ofMillis(300)));
            assertThat(thrown).as("what readExactly(socket, 5, 300 ms) threw when nothing was sent").isInstanceOf(SocketTimeoutException.class);
            assertThat(elapsed(started)).as("how long readExactly(socket, 5, 300 ms) took").isLessThan(Duration.ofMillis(300).plus(SLACK));
            assertThat(((SocketTimeoutException) thrown).bytesTransferred).as("bytesTransferred when nothing was sent").isZero();
            assertThat(pair.server().isClosed()).as("the socket was closed after a timeout that consumed nothing").isFalse();
            pair.client().getOutputStream().write(utf8("later"));
            byte[] read = readExactly(script).call(pair.server(), 5, Duration.ofSeconds(2));
            assertThat(read).as("readExactly(socket, 5, 2 s) after the timeout, when \"later\" was sent: got %s", Bytes.describe(read))
                    .isEqualTo(utf8("later"));
        }
    }

    @Graded(points = 1, hint = "Remember the socket's timeout (getSoTimeout) at the start and set it back in a finally "
            + "block: the deadline is this call's business, the socket's timeout its owner's. " + SECTION)
    @Test
    void readExactly_leaves_the_socket_timeout_as_it_was(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.server().setSoTimeout(7_000);
            pair.client().getOutputStream().write(utf8("four"));
            readExactly(script).call(pair.server(), 4, Duration.ofSeconds(2));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 7000 ms, after readExactly returned").isEqualTo(7_000);
            catchThrowable(() -> readExactly(script).call(pair.server(), 4, Duration.ofMillis(100)));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 7000 ms, after readExactly timed out").isEqualTo(7_000);
            pair.client().getOutputStream().write(utf8("ab"));
            pair.client().shutdownOutput();
            catchThrowable(() -> readExactly(script).call(pair.server(), 4, Duration.ofSeconds(2)));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 7000 ms, after readExactly threw "
                    + "EOFException (the peer sent \"ab\" and ended the stream)").isEqualTo(7_000);
        }
    }

    @Graded(points = 1, hint = "Put the socket's timeout back in a finally block, so it is restored on every way out: a line, "
            + "end of stream, a deadline, an EOFException. " + SECTION)
    @Test
    void readLine_leaves_the_socket_timeout_as_it_was(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.server().setSoTimeout(6_000);
            pair.client().getOutputStream().write(utf8("line\n"));
            readLine(script).call(pair.server(), Duration.ofSeconds(2));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 6000 ms, after readLine returned a line").isEqualTo(6_000);
            catchThrowable(() -> readLine(script).call(pair.server(), Duration.ofMillis(100)));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 6000 ms, after readLine timed out").isEqualTo(6_000);
            pair.client().getOutputStream().write(utf8("cut"));
            pair.client().shutdownOutput();
            catchThrowable(() -> readLine(script).call(pair.server(), Duration.ofSeconds(2)));
            assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 6000 ms, after readLine threw "
                    + "EOFException (the peer sent \"cut\" and ended the stream)").isEqualTo(6_000);
        }
    }

    @Graded(points = 2, hint = "A deadline of zero or less, or of less than a millisecond, has passed, or nearly: give up at "
            + "once. A negative one has passed however long it is (toNanos of a thousand years overflows: look at isNegative "
            + "first), and never hand setSoTimeout a 0 (toMillis of half a millisecond is 0), which waits forever. " + SECTION)
    @Test
    void deadlines_of_zero_or_less_or_under_a_millisecond_give_up_at_once(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            // Each deadline as a learner reads it in a message (Duration's own form of a thousand years ago is PT-8760000H).
            Map<Duration, String> deadlines = new LinkedHashMap<>();
            deadlines.put(Duration.ZERO, "zero");
            deadlines.put(Duration.ofNanos(500_000), "half a millisecond");
            deadlines.put(Duration.ofNanos(1), "one nanosecond");
            deadlines.put(Duration.ofMillis(-1), "minus one millisecond");
            deadlines.put(Duration.ofDays(-365_000), "a thousand years ago");
            for (var deadline : deadlines.entrySet()) {
                Duration within = deadline.getKey();
                String said = deadline.getValue();
                long started = System.nanoTime();
                Throwable thrown = catchThrowable(() -> readExactly(script).within(SLACK).call(pair.server(), 5, within));
                assertThat(thrown).as("what readExactly(socket, 5, %s) did with nothing sent: the deadline had passed, or "
                        + "nearly, so a SocketTimeoutException at once", said).isInstanceOf(SocketTimeoutException.class);
                assertThat(((SocketTimeoutException) thrown).bytesTransferred).as("bytesTransferred after readExactly(socket, 5, %s)", said).isZero();
                thrown = catchThrowable(() -> readLine(script).within(SLACK).call(pair.server(), within));
                assertThat(thrown).as("what readLine(socket, %s) did with nothing sent", said).isInstanceOf(SocketTimeoutException.class);
                assertThat(elapsed(started)).as("how long readExactly and readLine with a deadline of %s took", said).isLessThan(SLACK);
            }
        }
    }

    @Graded(points = 2, hint = "A huge duration is no deadline to speak of: compare elapsed time with the budget instead of "
            + "adding it to nanoTime (which overflows), cap what toNanos cannot count at Long.MAX_VALUE, and the timeout "
            + "at Integer.MAX_VALUE ms. " + SECTION)
    @Test
    void huge_deadlines_neither_overflow_nor_pass_at_once(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.server().setSoTimeout(4_000);
            var out = pair.client().getOutputStream();
            for (Duration within : new Duration[] {Duration.ofNanos(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE),
                    Duration.ofDays(30), Duration.ofMillis(Integer.MAX_VALUE + 1_000L)}) {
                out.write(utf8("data"));
                byte[] read = readExactly(script).call(pair.server(), 4, within);
                assertThat(read).as("readExactly(socket, 4, %s) when \"data\" had been sent", within).isEqualTo(utf8("data"));
                out.write(utf8("a line\n"));
                assertThat(readLine(script).<String>call(pair.server(), within)).as("readLine(socket, %s) when \"a line\\n\" had been sent", within)
                        .isEqualTo("a line");
                assertThat(pair.server().getSoTimeout()).as("the socket's read timeout, set to 4000 ms, after reads with a deadline of %s", within)
                        .isEqualTo(4_000);
            }
        }
    }

    @Graded(points = 1, hint = "Zero bytes are read as soon as asked: return an empty array without waiting. " + SECTION)
    @Test
    void readExactly_of_zero_bytes_returns_at_once(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            long started = System.nanoTime();
            byte[] read = readExactly(script).call(pair.server(), 0, Duration.ofSeconds(2));
            assertThat(read).as("readExactly(socket, 0, 2 s) with nothing sent").isEmpty();
            assertThat(elapsed(started)).as("how long readExactly(socket, 0, 2 s) took, with nothing to wait for").isLessThan(Duration.ofSeconds(1));
            pair.client().getOutputStream().write(utf8("x"));
            assertThat(readExactly(script).<byte[]>call(pair.server(), 1, Duration.ofSeconds(2)))
                    .as("readExactly(socket, 1, 2 s) after readExactly of 0 bytes, when \"x\" was sent: nothing may have been consumed")
                    .isEqualTo(utf8("x"));
        }
    }

    @Graded(points = 1, hint = "read returns -1 when the peer has ended the stream: fewer bytes than asked for is an "
            + "EOFException, never a short array. " + SECTION)
    @Test
    void readExactly_throws_EOFException_when_the_stream_ends_early(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("abc"));
            pair.client().shutdownOutput();
            Throwable thrown = catchThrowable(() -> readExactly(script).call(pair.server(), 10, Duration.ofSeconds(2)));
            assertThat(thrown).as("what readExactly(socket, 10, 2 s) did when the peer sent \"abc\" and ended the stream")
                    .isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "Read a byte at a time up to \\n, so that the next line stays in the socket for the next call "
            + "(a BufferedReader made per call reads ahead and loses it); drop a \\r before the \\n; decode as UTF-8. " + SECTION)
    @Test
    void readLine_reads_one_line_at_a_time_and_nothing_more(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            CompletableFuture<Void> sending = sendSliced(pair.client(), utf8("one\r\ntwo £€\nthree\n"), 4403);
            for (String expected : new String[] {"one", "two £€", "three"}) {
                String line = readLine(script).call(pair.server(), Duration.ofSeconds(3));
                assertThat(line).as("readLine after \"one\\r\\ntwo £€\\nthree\\n\" was sent in slices").isEqualTo(expected);
            }
            sending.join();
            pair.client().shutdownOutput();
            String end = readLine(script).call(pair.server(), Duration.ofSeconds(2));
            assertThat(end).as("readLine once the peer has ended the stream after the last line").isNull();
        }
    }

    @Graded(points = 2, hint = "The deadline is for the whole line: a byte every 20 ms must not keep readLine going. When it "
            + "passes, set the SocketTimeoutException's bytesTransferred to the bytes of the line already read. " + SECTION)
    @Test
    void readLine_gives_up_at_the_deadline_while_bytes_trickle_in(Script script) throws Exception {
        try (var pair = TcpPair.open(); var trickle = Trickle.start(pair.client().getOutputStream(), (byte) 'a', TRICKLE, 400)) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> readLine(script).call(pair.server(), DEADLINE));
            assertGaveUpAtTheDeadline(thrown, started, "readLine(socket, 300 ms)");
            int sent = trickle.sent();
            assertThat(((SocketTimeoutException) thrown).bytesTransferred)
                    .as("bytesTransferred of the SocketTimeoutException readLine threw, when about %d bytes of the line had been sent: "
                            + "the bytes of the line it had consumed", sent).isBetween(3, sent);
        }
    }

    @Graded(points = 1, hint = "End of stream before any byte is null (no more lines); inside a line, it is an EOFException. "
            + SECTION)
    @Test
    void readLine_throws_EOFException_when_the_stream_ends_inside_a_line(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().getOutputStream().write(utf8("unfinished"));
            pair.client().shutdownOutput();
            Throwable thrown = catchThrowable(() -> readLine(script).call(pair.server(), Duration.ofSeconds(2)));
            assertThat(thrown).as("what readLine did when the peer sent \"unfinished\" without \\n and ended the stream")
                    .isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 1, hint = "main connects, reads one line with readLine before --deadline and prints \"Line: ...\", or "
            + "\"Too slow: ...\" and exits with status 1; --deadline bounds the connect as well.")
    @Test
    void main_prints_a_line_or_gives_up_at_its_deadline(Script script) throws Exception {
        // Both start at once: a JVM takes a moment to start.
        try (ServerSocket promptServer = Loopback.tcpListener(); ServerSocket slowServer = Loopback.tcpListener();
             MainProcess prompt = script.startMain("--host", "127.0.0.1", "--port", port(promptServer), "--deadline", "3000");
             MainProcess slow = script.startMain("--host", "127.0.0.1", "--port", port(slowServer), "--deadline", "500");
             SilentTcpPort silentPort = SilentTcpPort.open();
             MainProcess unanswered = script.startMain("--host", "127.0.0.1", "--port", String.valueOf(silentPort.address().getPort()),
                     "--deadline", "500");
             Socket promptPeer = accept(promptServer); Socket slowPeer = accept(slowServer);
             var trickle = Trickle.start(slowPeer.getOutputStream(), (byte) 'z', TRICKLE, 400)) {
            MainOutput.explainingFailure(prompt, () -> {
                promptPeer.getOutputStream().write(utf8("hello there\r\n"));
                assertThat(prompt.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s` once it had its line\n%s",
                        prompt.commandLine(), prompt.transcript()).isZero();
                assertThat(prompt.stdout()).as("what `%s` printed when the server sent \"hello there\\r\\n\"", prompt.commandLine())
                        .contains("Line: hello there");
                assertThat(slow.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s` while a byte came every 20 ms\n%s",
                        slow.commandLine(), slow.transcript()).isEqualTo(1);
                assertThat(slow.stdout()).as("what `%s` printed", slow.commandLine()).contains("Too slow");
                assertThat(unanswered.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`, whose connection attempt was "
                        + "never answered: the deadline bounds the connect too\n%s", unanswered.commandLine(), unanswered.transcript())
                        .isEqualTo(1);
            });
        }
    }

    private static String port(ServerSocket listener) {
        return String.valueOf(listener.getLocalPort());
    }

    private static Socket accept(ServerSocket listener) throws IOException {
        listener.setSoTimeout(15_000); // a JVM starting on a busy machine
        return listener.accept();
    }

    private static void assertGaveUpAtTheDeadline(Throwable thrown, long started, String call) {
        Duration took = elapsed(started);
        assertThat(thrown).as("%s while a byte arrived every %d ms, without end: expected a SocketTimeoutException after "
                + "about %d ms; got %s", call, TRICKLE.toMillis(), DEADLINE.toMillis(), thrown).isInstanceOf(SocketTimeoutException.class);
        assertThat(took).as("how long %s took before giving up", call)
                .isGreaterThanOrEqualTo(DEADLINE.minusMillis(100)).isLessThan(DEADLINE.plus(SLACK));
    }

    private static CompletableFuture<Void> sendSliced(Socket socket, byte[] bytes, long seed) {
        return CompletableFuture.runAsync(() -> {
            try {
                new Slicer(seed, 7, 0.1, Duration.ofMillis(2)).write(socket.getOutputStream(), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
