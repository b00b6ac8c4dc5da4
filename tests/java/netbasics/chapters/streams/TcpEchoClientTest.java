package netbasics.chapters.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.FaultyTcpProxy;
import netbasics.fixtures.FaultyTcpProxy.Faults;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.MuteTcpPeer;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.TcpEchoPeer;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code TcpEchoClient} ("The echo client") and the test that checks each clause:
 * <ul>
 * <li>echo sends the line's UTF-8 bytes, all of them, and reads until as many bytes came back:
 *     {@code echoes_each_line_over_one_connection}, {@code sends_a_long_line_whole},
 *     {@code reads_until_the_whole_echo_is_back_however_it_is_split}
 * <li>the echo is decoded only once whole: {@code keeps_characters_whole_when_the_echo_splits_them}
 * <li>an empty line sends and waits for nothing: {@code echoes_an_empty_line_without_waiting_for_it}
 * <li>echo leaves the caller's socket open: {@code leaves_the_callers_socket_open}
 * <li>an echo cut short is an EOFException, never a partial echo: {@code reports_an_echo_cut_short_as_an_error}
 * <li>echoAll's timeout bounds the connection attempt: {@code gives_up_on_a_server_that_never_answers_the_connection}
 * <li>and each wait for the server (the first read included): {@code gives_up_on_a_silent_server_after_its_timeout}
 * <li>echoAll's socket is closed when it gives up: {@code closes_its_socket_when_it_gives_up}
 * <li>a timeout under a millisecond still ends, one of many days still waits:
 *     {@code takes_a_timeout_under_a_millisecond_or_of_many_days}
 * <li>main echoes the lines given or the book's, and says in one sentence what went wrong:
 *     {@code main_prints_what_it_sent_and_what_came_back}, {@code main_says_in_one_sentence_when_no_server_is_there}
 * </ul>
 * <p>Not graded: the shutdownOutput() before the close. On the wire it is one FIN either way (close sends
 * it too, and the echoes are all read by then), so no peer can tell the two apart.
 * */
@Exercise(chapter = "03-streams", script = "TcpEchoClient")
public class TcpEchoClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SLOW = Duration.ofMillis(1);
    private static final List<String> LINES = List.of("A few lines of text", "with characters that are not ASCII: €£",
            "to try out", "the server", "and the client.");

    private static Contract echo(Script script) {
        return script.method("echo", String.class, Socket.class, String.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, InetSocketAddress.class, List.class, Duration.class);
    }

    @Graded(points = 2, hint = "Connect once, then for each line write its UTF-8 bytes and read its echo back before the "
            + "next line. See \"The echo client\".")
    @Test
    void echoes_each_line_over_one_connection(Script script) throws Exception {
        try (var peer = TcpEchoPeer.start()) {
            List<String> echoes = echoAll(script).call(peer.address(), LINES, TIMEOUT);
            assertEchoes(LINES, echoes, "straight to an echo server");
            assertThat(peer.connectionsAccepted()).as("connections the echo server saw for %d lines", LINES.size()).isEqualTo(1);
        }
    }

    @Graded(points = 3, hint = "One read returns whatever has arrived so far, maybe a single byte. Keep reading until as many "
            + "bytes have come back as you sent. See \"Streams have no message boundaries\".")
    @Test
    void reads_until_the_whole_echo_is_back_however_it_is_split(Script script) throws Exception {
        try (var peer = TcpEchoPeer.start();
             var proxy = FaultyTcpProxy.start(peer.address(), Faults.none(), Faults.none().sliced(3, SLOW), 8881)) {
            List<String> echoes = echoAll(script).call(proxy.address(), LINES, TIMEOUT);
            assertEchoes(LINES, echoes, "through a proxy that cuts each echo into segments of 1 to 3 bytes");
        }
    }

    @Graded(points = 2, hint = "Count the echo in bytes (\"€\" is 3 bytes in UTF-8), and decode only once the whole echo is "
            + "in: a segment can end in the middle of a character. See \"Streams have no message boundaries\".")
    @Test
    void keeps_characters_whole_when_the_echo_splits_them(Script script) throws Exception {
        List<String> lines = List.of("€£", "Prices: £5, €6, ✓", "𝄞 clef");
        try (var peer = TcpEchoPeer.start();
             var proxy = FaultyTcpProxy.start(peer.address(), Faults.none(), Faults.none().sliced(1, SLOW), 8882)) {
            List<String> echoes = echoAll(script).call(proxy.address(), lines, TIMEOUT);
            assertEchoes(lines, echoes, "through a proxy that sends each echo back one byte at a time");
        }
    }

    @Graded(points = 2, hint = "Write all the bytes of the line, not a first part of them: OutputStream.write(bytes) sends "
            + "everything, like Python's sendall. See \"Streams have no message boundaries\".")
    @Test
    void sends_a_long_line_whole(Script script) throws Exception {
        var random = new Random(8881);
        var line = new StringBuilder();
        while (line.length() < 40_000) {
            line.append(random.nextInt(10) == 0 ? '€' : (char) ('a' + random.nextInt(26)));
        }
        List<String> lines = List.of(line.toString(), "and a short one after it");
        try (var peer = TcpEchoPeer.start()) {
            List<String> echoes = echoAll(script).call(peer.address(), lines, TIMEOUT);
            assertEchoes(lines, echoes, "straight to an echo server");
        }
    }

    @Graded(points = 1, hint = "An empty line is zero bytes: nothing to send and no echo to wait for, so return \"\" at "
            + "once instead of waiting for bytes that will never come.")
    @Test
    void echoes_an_empty_line_without_waiting_for_it(Script script) throws Exception {
        List<String> lines = List.of("", "after an empty line");
        try (var peer = TcpEchoPeer.start()) {
            List<String> echoes = echoAll(script).call(peer.address(), lines, TIMEOUT);
            assertEchoes(lines, echoes, "straight to an echo server");
        }
    }

    @Graded(points = 1, hint = "echo works on a socket the caller opened and still owns: read and write through its streams "
            + "but do not close them, because closing a socket's stream closes the socket.")
    @Test
    void leaves_the_callers_socket_open(Script script) throws Exception {
        try (var peer = TcpEchoPeer.start(); var socket = new Socket()) {
            socket.connect(peer.address(), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            for (String line : List.of("first on this socket", "second on the same socket")) {
                assertThat(socket.isClosed()).as("the socket is closed before echo(socket, \"%s\")", line).isFalse();
                String echoed = echo(script).call(socket, line);
                assertEchoes(List.of(line), List.of(echoed), "on a socket the test connected");
            }
        }
    }

    @Graded(points = 2, hint = "When read returns -1 before the whole echo is back, the server has ended the stream: "
            + "throw an EOFException saying how many bytes were missing, never return a partial echo.")
    @Test
    void reports_an_echo_cut_short_as_an_error(Script script) throws Exception {
        String line = "This line is cut after ten bytes";
        try (var peer = TcpEchoPeer.start();
             var proxy = FaultyTcpProxy.start(peer.address(), Faults.none(), Faults.none().endAfter(10), 8883)) {
            Throwable thrown = failureOf("echoAll(..., [\"" + line + "\"]) through a server that ends the stream after echoing 10 bytes",
                    () -> echoAll(script).call(proxy.address(), List.of(line), TIMEOUT));
            assertThat(thrown)
                    .as("echoAll(..., [\"%s\"]) through a server that ends the stream after echoing 10 of its %d bytes threw %s: "
                            + "echo must throw an EOFException when read returns -1 early (and echoAll let it through), not "
                            + "return a partial echo, wait for bytes that cannot come, or throw another kind of IOException",
                            line, line.length(), thrown)
                    .isInstanceOf(EOFException.class);
        }
    }

    @Graded(points = 2, hint = "A server that never answers must not hang the client: set a read timeout with "
            + "socket.setSoTimeout, and let the SocketTimeoutException tell the caller. See \"The echo client\".")
    @Test
    void gives_up_on_a_silent_server_after_its_timeout(Script script) throws Exception {
        try (var peer = TcpEchoPeer.start();
             var proxy = FaultyTcpProxy.start(peer.address(), Faults.none(), Faults.none().stalled(), 8884)) {
            Duration timeout = Duration.ofMillis(150);
            Throwable thrown = failureOf("echoAll(..., [\"anyone there?\"], " + timeout.toMillis() + " ms) against a server that never answers",
                    () -> echoAll(script).within(Duration.ofSeconds(3)).call(proxy.address(), List.of("anyone there?"), timeout));
            assertThat(thrown)
                    .as("echoAll(..., [\"anyone there?\"], %d ms) against a server that accepts but never answers", timeout.toMillis())
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Graded(points = 2, hint = "Pass the timeout to connect(server, millis) too: a server that never answers the handshake "
            + "keeps connect(server) waiting for minutes. See \"The echo client\" and \"Connecting to a name with several addresses\".")
    @Test
    void gives_up_on_a_server_that_never_answers_the_connection(Script script) throws Exception {
        try (var silent = SilentTcpPort.open()) {
            Duration timeout = Duration.ofMillis(150);
            String call = "echoAll(" + silent.address() + ", [\"hello?\"], " + timeout.toMillis() + " ms) to an address that "
                    + "never answers a connection attempt";
            long started = System.nanoTime();
            Throwable thrown = failureOf(call, () -> echoAll(script).within(Duration.ofSeconds(3)).call(silent.address(), List.of("hello?"), timeout));
            assertThat(thrown).as("what %s threw", call).isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("how long %s took", call)
                    .isGreaterThanOrEqualTo(timeout.minusMillis(30));
        }
    }

    @Graded(points = 2, hint = "Open the socket in try-with-resources, so that it is closed when echoAll gives up (a timeout, "
            + "an echo cut short) as well as when it succeeds. See \"The echo client\".")
    @Test
    void closes_its_socket_when_it_gives_up(Script script) throws Exception {
        try (var mute = MuteTcpPeer.start()) {
            String call = "echoAll(..., [\"are you there?\"], 150 ms) against a server that accepts and never answers";
            Throwable thrown = failureOf(call, () -> echoAll(script).within(Duration.ofSeconds(3))
                    .call(mute.address(), List.of("are you there?"), Duration.ofMillis(150)));
            assertThat(thrown).as("what %s threw", call).isInstanceOf(SocketTimeoutException.class);
            mute.assertEveryConnectionEnded("echoAll, after its read timed out,", Duration.ofMillis(500));
        }
    }

    @Graded(points = 2, hint = "connect and setSoTimeout take whole milliseconds in an int, and 0 means \"wait forever\": wait "
            + "at least 1 ms for a timeout under a millisecond, and Integer.MAX_VALUE ms for one too long for an int.")
    @Test
    void takes_a_timeout_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var mute = MuteTcpPeer.start()) {
            String call = "echoAll(..., [\"quick?\"], 0.3 ms) against a server that accepts and never answers";
            Throwable thrown = failureOf(call, () -> echoAll(script).within(Duration.ofSeconds(2))
                    .call(mute.address(), List.of("quick?"), Duration.ofNanos(300_000)));
            assertThat(thrown).as("what %s threw (0.3 ms must not become 0, \"forever\")", call).isInstanceOf(IOException.class);
        }
        try (var peer = TcpEchoPeer.start()) {
            List<String> lines = List.of("patient £€");
            List<Object> echoes = echoAll(script).within(Duration.ofSeconds(2)).call(peer.address(), lines, Duration.ofDays(30));
            assertEchoes(lines, echoes.stream().map(String::valueOf).toList(), "with a timeout of 30 days, to a server that answers at once");
        }
    }

    @Graded(points = 2, hint = "main connects to --host and --port, echoes the lines given (the book's lines when none are), "
            + "and prints for each what it sent and what came back.")
    @Test
    void main_prints_what_it_sent_and_what_came_back(Script script) throws Exception {
        try (var peer = TcpEchoPeer.start()) {
            String port = String.valueOf(peer.address().getPort());
            // Both start at once: each JVM takes a moment to start.
            try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", port, "Hello £€", "second line");
                 MainProcess bookLines = script.startMain("--host", "127.0.0.1", "--port", port)) {
                assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                        .isZero();
                for (String line : List.of("Hello £€", "second line")) {
                    assertThat(main.stdout().lines().filter(l -> l.contains(line)).count())
                            .as("lines of `%s` that show \"%s\", once sent and once received\n%s", main.commandLine(), line, main.transcript())
                            .isGreaterThanOrEqualTo(2);
                }
                assertThat(bookLines.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", bookLines.commandLine(),
                        bookLines.transcript()).isZero();
                assertThat(bookLines.stdout()).as("what `%s` printed: with no lines given it sends the book's lines, \"€£\" among them",
                        bookLines.commandLine()).contains("€£");
            }
        }
    }

    @Graded(points = 1, hint = "main, written for you, turns an IOException from echoAll into one sentence (refused, "
            + "timed out, reset) and a non-zero exit status: let a refused connection reach it as the ConnectException that "
            + "connect throws, not wrapped in an unchecked exception, which ends main with a stack trace instead.")
    @Test
    void main_says_in_one_sentence_when_no_server_is_there(Script script) throws Exception {
        InetSocketAddress nobody = Loopback.closedTcpPort();
        // Both start at once: each JVM takes a moment to start.
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", String.valueOf(nobody.getPort()), "hello?");
             MainProcess bad = script.startMain("--port", "not-a-port")) {
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s` with no server there", main.commandLine())
                    .isEqualTo(1);
            assertThat(main.stderr()).as("what `%s` printed on standard error with no server there", main.commandLine())
                    .containsPattern(Pattern.compile("(?i)refused|connect"))
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception in thread");
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    /** What {@code body} threw; fails, saying what it returned instead, when it threw nothing. */
    private static Throwable failureOf(String call, Callable<Object> body) {
        Object returned;
        try {
            returned = body.call();
        } catch (Throwable thrown) {
            return thrown;
        }
        throw new AssertionError(call + " returned " + returned + " instead of throwing an IOException.");
    }

    private static void assertEchoes(List<String> sent, List<String> echoes, String how) {
        assertThat(echoes).as("echoes returned for %d lines sent %s", sent.size(), how).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            byte[] expected = sent.get(i).getBytes(StandardCharsets.UTF_8);
            byte[] actual = String.valueOf(echoes.get(i)).getBytes(StandardCharsets.UTF_8);
            assertThat(echoes.get(i))
                    .as("Sent line %d (%s, %d bytes) %s; the echo returned was %s (%d bytes): %s", i + 1, Bytes.describe(expected),
                            expected.length, how, Bytes.describe(actual), actual.length, Bytes.firstDifference(expected, actual))
                    .isEqualTo(sent.get(i));
        }
    }
}
