package netbasics.chapters.datagrams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.UdpEchoPeer;
import netbasics.fixtures.UdpPortWatch;
import netbasics.fixtures.Waiting;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code UdpEchoClient} ("The connectionless client", "Datagram sizes") and the test
 * that checks each clause:
 * <ul>
 * <li>echo sends the line as one UTF-8 datagram to the server: {@code sends_a_line_as_one_utf8_datagram_and_returns_its_echo}
 * <li>echo returns the reply decoded as UTF-8, exactly its own length: {@code decodes_the_reply_as_utf8_and_only_its_own_length}
 * <li>the receive buffer holds the largest datagram: {@code receives_long_echoes_whole}
 * <li>an empty line is an empty datagram and its echo "": {@code echoes_an_empty_line}
 * <li>throws SocketTimeoutException naming the line and the server once {@code timeout} passes with no
 *     reply, and not before: {@code gives_up_after_the_timeout_with_a_clear_exception}
 * <li>a timeout under a millisecond still ends, one of many days (above an int's milliseconds) still
 *     waits: {@code takes_a_timeout_under_a_millisecond_or_of_many_days}
 * <li>echoAll echoes every line in order from one socket of its own: {@code echoAll_echoes_every_line_in_order_from_one_socket}
 * <li>echoAll closes that socket after the last echo and after a timeout:
 *     {@code echoAll_closes_its_socket_after_the_last_echo_and_after_a_timeout}
 * <li>echoAll reaches ::1 with the same code: {@code echoAll_works_over_ipv6}
 * <li>main sends the lines given or the five example lines, waits its default 2 s, reports a silent
 *     server in one sentence with exit status 1, rejects a bad option:
 *     {@code main_echoes_its_lines_and_reports_a_silent_server} (the one test of the default timeout)
 * </ul>
 * echo works on the caller's socket and leaves it open; that socket is the test's.
 */
@Exercise(chapter = "02-datagrams", script = "UdpEchoClient")
public class UdpEchoClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static Contract echo(Script script) {
        return script.method("echo", String.class, DatagramSocket.class, InetSocketAddress.class, String.class, Duration.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, InetSocketAddress.class, List.class, Duration.class);
    }

    @Graded(points = 2, hint = "Encode the line with getBytes(StandardCharsets.UTF_8), send it as one DatagramPacket to the "
            + "server, then receive one datagram. See \"The connectionless client\".")
    @Test
    void sends_a_line_as_one_utf8_datagram_and_returns_its_echo(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            String line = "Hello £€, datagram";
            String echoed = echo(script).call(socket, peer.address(), line, TIMEOUT);
            assertThat(peer.arrivals()).as("the datagrams that reached the echo server after echo(\"%s\")", line).hasSize(1);
            byte[] arrived = peer.arrivals().get(0).payload();
            assertThat(arrived).as("The server received %s; the UTF-8 bytes of \"%s\" are %s: %s", Bytes.describe(arrived), line,
                    Bytes.describe(utf8(line)), Bytes.firstDifference(utf8(line), arrived)).isEqualTo(utf8(line));
            assertThat(echoed).as("what echo() returned for \"%s\"", line).isEqualTo(line);
        }
    }

    @Graded(points = 2, hint = "Decode exactly the bytes that arrived, as UTF-8: new String(packet.getData(), "
            + "packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8). The platform's charset may not be UTF-8.")
    @Test
    void decodes_the_reply_as_utf8_and_only_its_own_length(Script script) throws Exception {
        try (var server = Loopback.udpSocket(); var socket = Loopback.udpSocket()) {
            var call = echo(script).start(socket, (InetSocketAddress) server.getLocalSocketAddress(), "say something", TIMEOUT);
            var request = new DatagramPacket(new byte[2_048], 2_048);
            Waiting.receive(server, request, TIMEOUT);
            // Not an echo: this server answers with text of its own, so the decoding alone is under test.
            String answer = "Grüße, ½ € and ✓";
            server.send(new DatagramPacket(utf8(answer), utf8(answer).length, request.getSocketAddress()));
            String returned = (String) call.result(TIMEOUT);
            assertThat(returned).as("The server answered the UTF-8 bytes of \"%s\"; echo() returned \"%s\"", answer, returned)
                    .isEqualTo(answer);
        }
    }

    @Graded(points = 2, hint = "A receive buffer shorter than the datagram cuts it silently. Receive into a buffer for "
            + "the largest UDP payload, 65,507 bytes. See \"Datagram sizes\".")
    @Test
    void receives_long_echoes_whole(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            socket.setReceiveBufferSize(1 << 20);
            String kilobytes = "0123456789abcdef€".repeat(300); // 5,700 bytes of UTF-8
            String largest = "x".repeat(65_507);
            for (String line : List.of(kilobytes, largest)) {
                String echoed = echo(script).call(socket, peer.address(), line, TIMEOUT);
                assertThat(utf8(echoed)).as("Sent a line of %d bytes; %d bytes came back from echo(): %s", utf8(line).length,
                        utf8(echoed).length, Bytes.firstDifference(utf8(line), utf8(echoed))).isEqualTo(utf8(line));
            }
        }
    }

    @Graded(points = 1, hint = "An empty line is an empty datagram, and its echo is an empty datagram: return \"\".")
    @Test
    void echoes_an_empty_line(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            assertThat((String) echo(script).call(socket, peer.address(), "", TIMEOUT)).as("echo of an empty line").isEmpty();
            assertThat((String) echo(script).call(socket, peer.address(), "after", TIMEOUT)).as("echo of \"after\"").isEqualTo("after");
        }
    }

    @Graded(points = 3, hint = "Call socket.setSoTimeout with the timeout in milliseconds (0 means forever), and turn "
            + "the SocketTimeoutException into one whose message names the line and the server. See \"The connectionless client\".")
    @Test
    void gives_up_after_the_timeout_with_a_clear_exception(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent(); var socket = Loopback.udpSocket()) {
            Duration timeout = Duration.ofMillis(300);
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> echo(script).within(Duration.ofSeconds(5))
                    .call(socket, silent.address(), "anybody there?", timeout));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(thrown).as("what echo() threw when the server never answered (timeout %d ms)", timeout.toMillis())
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(thrown.getMessage()).as("the message of the SocketTimeoutException").isNotNull()
                    .contains("anybody there?").contains(String.valueOf(silent.address().getPort()));
            assertThat(took).as("how long echo() waited with a timeout of %d ms", timeout.toMillis())
                    .isGreaterThanOrEqualTo(timeout.minusMillis(30));
            assertThat(silent.received()).as("datagrams the server received").isEqualTo(1);
        }
    }

    @Graded(points = 2, hint = "echoAll opens one DatagramSocket (new DatagramSocket() picks a free port), echoes the lines "
            + "in order with echo(), and closes the socket (try-with-resources).")
    @Test
    void echoAll_echoes_every_line_in_order_from_one_socket(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start()) {
            List<String> lines = List.of("first", "second £", "third €", "", "fifth");
            List<Object> echoes = echoAll(script).call(peer.address(), lines, TIMEOUT);
            assertThat(echoes).as("what echoAll returned for %s", lines).containsExactlyElementsOf(List.copyOf(lines));
            assertThat(peer.arrivals()).as("the datagrams the server received").hasSize(lines.size());
            assertThat(peer.arrivals().stream().map(a -> a.from()).distinct()).as("the addresses they came from (one socket for all)")
                    .hasSize(1);
        }
    }

    @Graded(points = 2, hint = "echoAll opens its socket in try-with-resources, so it is closed when the last echo is back "
            + "and also when a timeout cuts the series short.")
    @Test
    void echoAll_closes_its_socket_after_the_last_echo_and_after_a_timeout(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start()) {
            echoAll(script).call(peer.address(), List.of("one", "two"), TIMEOUT);
            UdpPortWatch.assertReleased(peer.arrivals().get(0).from().getPort(), "echoAll, after every line was echoed,");
        }
        try (var silent = UdpEchoPeer.silent()) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(silent.address(), List.of("unanswered"), Duration.ofMillis(100)));
            assertThat(thrown).as("what echoAll threw when the server never answered").isInstanceOf(SocketTimeoutException.class);
            UdpPortWatch.assertReleased(silent.arrivals().get(0).from().getPort(), "echoAll, after a timeout,");
        }
    }

    @Graded(points = 2, hint = "setSoTimeout takes whole milliseconds in an int, and 0 means \"wait forever\": wait at least "
            + "1 ms for a timeout under a millisecond, and Integer.MAX_VALUE ms for one too long for an int. See \"The "
            + "connectionless client\".")
    @Test
    void takes_a_timeout_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent(); var socket = Loopback.udpSocket()) {
            Throwable thrown = catchThrowable(() -> echo(script).within(Duration.ofSeconds(2))
                    .call(socket, silent.address(), "quick?", Duration.ofNanos(300_000)));
            assertThat(thrown).as("what echo() threw with a timeout of 0.3 ms when the server never answered (0.3 ms must "
                    + "not become 0, which setSoTimeout takes as \"forever\")").isInstanceOf(SocketTimeoutException.class);
        }
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            Duration month = Duration.ofDays(30); // 2,592,000,000 ms: more than an int holds
            assertThat((String) echo(script).within(Duration.ofSeconds(2)).call(socket, peer.address(), "patient", month))
                    .as("echo of \"patient\" with a timeout of 30 days, from a server that answers at once").isEqualTo("patient");
        }
    }

    @Graded(points = 1, hint = "Nothing in the client depends on the address family: an unbound DatagramSocket reaches ::1 too.")
    @Test
    void echoAll_works_over_ipv6(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var peer = UdpEchoPeer.on(Loopback.ipv6())) {
            List<String> lines = List.of("over IPv6", "£€");
            List<Object> echoes = echoAll(script).call(peer.address(), lines, TIMEOUT);
            assertThat(echoes).as("what echoAll returned for %s sent to %s", lines, peer.address()).containsExactlyElementsOf(List.copyOf(lines));
        }
    }

    @Graded(points = 2, hint = "main sends each LINE given (or the five example lines), printing what it sent and what "
            + "came back; a timeout prints the exception's message and exits with status 1.")
    @Test
    void main_echoes_its_lines_and_reports_a_silent_server(Script script) throws Exception {
        // All four start at once: each JVM takes a moment to start, and the silent server costs main its 2 s default.
        try (var peer = UdpEchoPeer.start(); var examplePeer = UdpEchoPeer.start(); var silent = UdpEchoPeer.silent();
             MainProcess main = script.startMain("--host", "127.0.0.1", "--port", port(peer), "one", "two £€");
             MainProcess examples = script.startMain("--host", "127.0.0.1", "--port", port(examplePeer));
             MainProcess unanswered = script.startMain("--host", "127.0.0.1", "--port", port(silent), "hello?");
             MainProcess bad = script.startMain("--port", "not-a-port")) {
            assertThat(main.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript()).isZero();
            assertThat(main.stdout()).as("what `%s` printed", main.commandLine()).contains("one").contains("two £€");
            assertThat(peer.arrivals()).as("the datagrams the server received from `%s`", main.commandLine())
                    .extracting(a -> new String(a.payload(), StandardCharsets.UTF_8)).containsExactly("one", "two £€");

            assertThat(examples.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`\n%s", examples.commandLine(),
                    examples.transcript()).isZero();
            assertThat(examplePeer.received()).as("datagrams sent by `%s` (no lines given: the five example lines)",
                    examples.commandLine()).isEqualTo(5);
            assertThat(examplePeer.arrivals()).as("the example lines")
                    .anyMatch(a -> new String(a.payload(), StandardCharsets.UTF_8).contains("£€"));

            assertThat(unanswered.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s` when the server never answers "
                    + "(within 2 s)\n%s", unanswered.commandLine(), unanswered.transcript()).isEqualTo(1);
            assertThat(unanswered.stderr()).as("what `%s` printed on standard error", unanswered.commandLine()).contains("hello?")
                    .doesNotContain("\tat "); // one sentence, not a stack trace

            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    private static String port(UdpEchoPeer peer) {
        return String.valueOf(peer.address().getPort());
    }
}
