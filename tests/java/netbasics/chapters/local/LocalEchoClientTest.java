package netbasics.chapters.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import netbasics.fixtures.ChannelEchoPeer;
import netbasics.fixtures.SilentLocalPort;
import netbasics.fixtures.SocketDirectory;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of LocalEchoClient. Contract clauses, from the javadoc of echo and echoAll, their
 * TODOs, and chapter 05's "The echo client" and "No read timeout", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>echo sends the line's UTF-8 bytes, returns the echo decoded whole, and leaves the channel open</td><td>{@code echo_sends_a_line_and_returns_its_echo_on_the_same_open_channel}</td></tr>
 * <tr><td>echo reads until as many bytes as were sent have come, however they are split</td><td>{@code echo_reads_the_whole_echo_however_it_is_split}</td></tr>
 * <tr><td>echo throws EOFException when the server ends the stream first</td><td>{@code echo_throws_EOFException_when_the_server_ends_early}</td></tr>
 * <tr><td>echoAll echoes every line in order over one connection</td><td>{@code echoAll_echoes_every_line_over_one_connection}</td></tr>
 * <tr><td>the whole conversation takes at most timeout: a server that accepts and never answers is a SocketTimeoutException</td><td>{@code echoAll_gives_up_on_a_silent_server_with_a_SocketTimeoutException}</td></tr>
 * <tr><td>the timer closes the channel and never interrupts the caller's thread (its interrupt flag is clear when echoAll returns or gives up)</td><td>{@code echoAll_gives_up_without_interrupting_its_callers_thread}</td></tr>
 * <tr><td>the bound covers the connect: a server whose queue is full is a SocketTimeoutException</td><td>{@code echoAll_gives_up_on_a_server_that_never_accepts}</td></tr>
 * <tr><td>echoAll closes its channel on every way out (the server sees the end of the stream after an EOFException)</td><td>{@code echoAll_closes_its_channel_when_the_server_ends_early}</td></tr>
 * <tr><td>main prints SENT/RCVD per line, and one sentence with status 1 when nothing serves at the path</td><td>{@code main_echoes_its_lines_and_reports_a_missing_server}</td></tr>
 * </table>
 * <p>Not graded: the shutdownOutput() before the close. On the wire it is one end of stream either way
 * (close ends the stream too, and the echoes are all read by then), so no peer can tell the two apart.
 */
@Exercise(chapter = "05-local", script = "LocalEchoClient")
public class LocalEchoClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A timeout short enough for a quick test; the one of 5 s above is the realistic one. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(150);
    /** How late past its timeout a call may return on a busy machine. */
    private static final Duration SLACK = Duration.ofMillis(1_500);

    private static Contract echo(Script script) {
        return script.method("echo", String.class, SocketChannel.class, String.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, Path.class, List.class, Duration.class);
    }

    @Graded(points = 2, hint = "Write the line's UTF-8 bytes until the buffer has none left, then read into a buffer as long as "
            + "what you sent (in bytes, not characters) until it is full. See \"The echo client\".")
    @Test
    void echo_sends_a_line_and_returns_its_echo_on_the_same_open_channel(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var peer = ChannelEchoPeer.on(UnixDomainSocketAddress.of(directory.resolve("e.sock")));
             var channel = SocketChannel.open(peer.address())) {
            for (String line : List.of("Hello £€", "", "a second line on the same channel")) {
                String echoed = echo(script).call(channel, line);
                assertThat(echoed).as("echo(channel, \"%s\") against a reference echo server", line).isEqualTo(line);
                assertThat(channel.isOpen()).as("the channel after echo(channel, \"%s\"): it is the caller's, so it stays open", line)
                        .isTrue();
            }
        }
    }

    @Graded(points = 2, hint = "A read returns whatever has arrived, as little as one byte: keep reading until the whole echo "
            + "is there, and decode it only then. See \"The echo client\".")
    @Test
    void echo_reads_the_whole_echo_however_it_is_split(Script script) throws Exception {
        String line = "€£ arrive here a byte or two at a time, £€";
        try (var directory = SocketDirectory.create(); var server = new ScriptedServer(directory.resolve("s.sock"), ScriptedServer::trickle);
             var channel = SocketChannel.open(server.address())) {
            String echoed = echo(script).within(Duration.ofSeconds(10)).call(channel, line);
            assertThat(echoed).as("echo(channel, \"%s\") against a server that sends the echo back in pieces of 1 or 2 bytes", line)
                    .isEqualTo(line);
        }
    }

    @Graded(points = 1, hint = "read returns -1 when the server has ended the stream: with echo bytes still missing, that is an "
            + "EOFException, never a short answer. See \"The echo client\".")
    @Test
    void echo_throws_EOFException_when_the_server_ends_early(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var server = new ScriptedServer(directory.resolve("h.sock"), ScriptedServer::halfThenEnd);
             var channel = SocketChannel.open(server.address())) {
            Throwable thrown = catchThrowable(() -> echo(script).call(channel, "twelve bytes"));
            assertThat(thrown).as("what echo(channel, \"twelve bytes\") did when the server sent back \"twelve\" and ended the stream")
                    .isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "echoAll opens one SocketChannel to UnixDomainSocketAddress.of(path), echoes every line on it, "
            + "ends its side with shutdownOutput and closes it. See \"The echo client\".")
    @Test
    void echoAll_echoes_every_line_over_one_connection(Script script) throws Exception {
        List<String> lines = List.of("one", "two £€", "three");
        try (var directory = SocketDirectory.create(); var server = new ScriptedServer(directory.resolve("a.sock"), ScriptedServer::echo)) {
            List<?> echoes = echoAll(script).within(Duration.ofSeconds(10)).call(server.path, lines, TIMEOUT);
            assertThat(echoes).as("echoAll(%s, %s, 5 s)", server.path, lines).isEqualTo(lines);
            assertThat(server.accepted.get()).as("connections echoAll made for %d lines", lines.size()).isEqualTo(1);
        }
    }

    @Graded(points = 2, hint = "A Unix-domain channel has no setSoTimeout: start a timer that closes the channel when the time "
            + "is up, and turn the resulting ClosedChannelException into a SocketTimeoutException. See \"No read timeout\".")
    @Test
    void echoAll_gives_up_on_a_silent_server_with_a_SocketTimeoutException(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var server = new ScriptedServer(directory.resolve("q.sock"), ScriptedServer::silent)) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> echoAll(script).within(Duration.ofSeconds(10))
                    .call(server.path, List.of("anyone there?"), SHORT_TIMEOUT));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(thrown).as("what echoAll(%s, [\"anyone there?\"], 150 ms) did against a server that accepts and never "
                    + "answers", server.path).isInstanceOf(SocketTimeoutException.class);
            assertThat(took).as("how long echoAll took with a timeout of 150 ms").isGreaterThanOrEqualTo(Duration.ofMillis(120));
        }
    }

    @Graded(points = 1, hint = "End a waiting read by closing the channel from the timer, never by interrupting the thread "
            + "that called echoAll: an interrupt closes the channel too, but leaves that thread's interrupt flag set, and the "
            + "thread is your caller's. See \"No read timeout\".")
    @Test
    void echoAll_gives_up_without_interrupting_its_callers_thread(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var echoing = new ScriptedServer(directory.resolve("e.sock"), ScriptedServer::echo);
             var silent = new ScriptedServer(directory.resolve("q.sock"), ScriptedServer::silent)) {
            Call answered = echoAll(script).start(echoing.path, List.of("hello"), TIMEOUT);
            assertThat(answered.result(Duration.ofSeconds(10))).as("echoAll(%s, [\"hello\"], 5 s) against an echo server",
                    echoing.path).isEqualTo(List.of("hello"));
            assertThat(answered.leftItsThreadInterrupted()).as("whether the thread that called echoAll had its interrupt flag set "
                    + "when echoAll returned the echo").isFalse();
            Call given = echoAll(script).start(silent.path, List.of("anyone there?"), SHORT_TIMEOUT);
            Throwable thrown = catchThrowable(() -> given.result(Duration.ofSeconds(10)));
            assertThat(thrown).as("what echoAll(%s, [\"anyone there?\"], 150 ms) did against a server that accepts and never "
                    + "answers", silent.path).isInstanceOf(SocketTimeoutException.class);
            assertThat(given.leftItsThreadInterrupted()).as("whether the thread that called echoAll had its interrupt flag set "
                    + "when echoAll gave up with %s: the timer should close the channel, and leave the caller's thread alone",
                    thrown).isFalse();
        }
    }

    @Graded(points = 2, hint = "A connect waits while the server's queue is full: open the channel unconnected "
            + "(SocketChannel.open(StandardProtocolFamily.UNIX)), start the timer, and only then connect, so the timeout "
            + "bounds the connect too. See \"No read timeout\".")
    @Test
    void echoAll_gives_up_on_a_server_that_never_accepts(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var silent = SilentLocalPort.at(directory.resolve("full.sock"))) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> echoAll(script).within(Duration.ofSeconds(5))
                    .call(silent.path(), List.of("let me in"), SHORT_TIMEOUT));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(thrown).as("what echoAll(%s, [\"let me in\"], %d ms) did when connecting waited (%s)", silent.path(),
                    SHORT_TIMEOUT.toMillis(), silent).isInstanceOf(SocketTimeoutException.class);
            assertThat(took).as("how long echoAll took with a timeout of %d ms", SHORT_TIMEOUT.toMillis())
                    .isLessThan(SHORT_TIMEOUT.plus(SLACK));
        }
    }

    @Graded(points = 1, hint = "echoAll opens the channel, so it closes it on every way out: try-with-resources, so that an "
            + "EOFException or a timeout closes it too, and the server sees the end of the stream. See \"The echo client\".")
    @Test
    void echoAll_closes_its_channel_when_the_server_ends_early(Script script) throws Exception {
        var endsSeen = new java.util.concurrent.Semaphore(0);
        try (var directory = SocketDirectory.create();
             var server = new ScriptedServer(directory.resolve("h.sock"), ScriptedServer.halfThenAwaitTheEnd(endsSeen))) {
            Throwable thrown = catchThrowable(() -> echoAll(script).within(Duration.ofSeconds(5))
                    .call(server.path, List.of("twelve bytes"), TIMEOUT));
            assertThat(thrown).as("what echoAll(%s, [\"twelve bytes\"], 5 s) did when the server sent 6 bytes of the echo "
                    + "and ended its stream", server.path).isInstanceOf(EOFException.class);
            assertThat(endsSeen.tryAcquire(2, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the server, after echoAll threw: did its read see the end of the stream (the client closed its "
                            + "channel) within 2 s?").isTrue();
        }
    }

    @Graded(points = 2, hint = "main takes [--path FILE] [LINE...], prints SENT and RCVD for each line, and turns a failure "
            + "into one sentence on standard error and exit status 1.")
    @Test
    void main_echoes_its_lines_and_reports_a_missing_server(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var peer = ChannelEchoPeer.on(UnixDomainSocketAddress.of(directory.resolve("m.sock")))) {
            Path path = directory.resolve("m.sock");
            try (MainProcess main = script.startMain("--path", path.toString(), "Hello £€", "bye")) {
                assertThat(main.awaitExit(Duration.ofSeconds(20))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                        .isZero();
                assertThat(main.stdout()).as("what `%s` printed", main.commandLine())
                        .contains("RCVD \"Hello £€\"").contains("RCVD \"bye\"");
            }
            Path nothing = directory.resolve("nobody.sock");
            try (MainProcess missing = script.startMain("--path", nothing.toString(), "hello?")) {
                assertThat(missing.awaitExit(Duration.ofSeconds(20))).as("exit status of `%s` with no server there\n%s",
                        missing.commandLine(), missing.transcript()).isEqualTo(1);
                assertThat(missing.stderr()).as("what `%s` printed on standard error", missing.commandLine()).contains(nothing.toString());
            }
        }
    }

    /** A one-purpose Unix-domain server for the client's tests: each connection is handled by a script of its own. */
    private static final class ScriptedServer implements AutoCloseable {

        interface Conversation {
            void run(SocketChannel connection) throws IOException, InterruptedException;
        }

        final Path path;
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocketChannel listener;

        ScriptedServer(Path path, Conversation conversation) throws IOException {
            this.path = path;
            this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listener.bind(UnixDomainSocketAddress.of(path));
            Thread.ofPlatform().daemon().name("scripted server " + path).start(() -> {
                while (listener.isOpen()) {
                    try {
                        SocketChannel connection = listener.accept();
                        accepted.incrementAndGet();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (connection) {
                                conversation.run(connection);
                            } catch (IOException | InterruptedException over) {
                                // the test is over with this connection
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        UnixDomainSocketAddress address() {
            return UnixDomainSocketAddress.of(path);
        }

        static void echo(SocketChannel connection) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (connection.read(buffer) != -1) {
                connection.write(buffer.flip());
                buffer.clear();
            }
        }

        /** Echoes in pieces of 1 or 2 bytes with a pause between them. */
        static void trickle(SocketChannel connection) throws IOException, InterruptedException {
            var random = new Random(5050);
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (connection.read(buffer) != -1) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    int piece = Math.min(buffer.remaining(), 1 + random.nextInt(2));
                    connection.write(buffer.slice(buffer.position(), piece));
                    buffer.position(buffer.position() + piece);
                    Thread.sleep(2);
                }
                buffer.clear();
            }
        }

        /** Reads the request, sends back its first half, and ends the stream. */
        static void halfThenEnd(SocketChannel connection) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(12);
            while (buffer.hasRemaining() && connection.read(buffer) != -1) {
                // until the whole request is in
            }
            connection.write(ByteBuffer.wrap("twelve".getBytes(StandardCharsets.UTF_8)));
            connection.shutdownOutput();
        }

        /** Like {@link #halfThenEnd}, then reads on until the client ends its stream, and counts that end. */
        static Conversation halfThenAwaitTheEnd(java.util.concurrent.Semaphore endsSeen) {
            return connection -> {
                halfThenEnd(connection);
                ByteBuffer ignored = ByteBuffer.allocate(4096);
                while (connection.read(ignored.clear()) != -1) {
                    // whatever the client still sends
                }
                endsSeen.release();
            };
        }

        /** Accepts and reads, but never answers. */
        static void silent(SocketChannel connection) throws IOException {
            ByteBuffer ignored = ByteBuffer.allocate(4096);
            while (connection.read(ignored.clear()) != -1) {
                // heard, never answered
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
