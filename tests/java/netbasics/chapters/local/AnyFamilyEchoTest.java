package netbasics.chapters.local;

import static netbasics.chapters.local.LocalEchoServerTest.assertEcho;
import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import netbasics.fixtures.ChannelEchoPeer;
import netbasics.fixtures.ChannelTestClient;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentLocalPort;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.SocketDirectory;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of AnyFamilyEcho. Contract clauses, from the javadoc of listen, serve and echoAll,
 * their TODOs, and chapter 05's "Code for any family", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>listen opens a listener of the address's family and binds it there: IPv4</td><td>{@code serves_over_tcp_ipv4}</td></tr>
 * <tr><td>... IPv6 (skipped where ::1 is missing)</td><td>{@code serves_over_tcp_ipv6}</td></tr>
 * <tr><td>... a socket file; serve removes it when the listener is closed</td><td>{@code serves_over_a_unix_domain_socket_and_removes_its_file}</td></tr>
 * <tr><td>the listener listens on the address it was given, not every interface; port 0 gets a port</td><td>serves_over_tcp_ipv4, serves_over_tcp_ipv6 (assertServes)</td></tr>
 * <tr><td>serve echoes and closes a connection its client ended, in every family</td><td>serves_over_tcp_ipv4, serves_over_tcp_ipv6, serves_over_a_unix_domain_socket_and_removes_its_file</td></tr>
 * <tr><td>each conversation has state of its own: clients sending at once never get each other's bytes</td><td>{@code keeps_conversations_apart_when_clients_send_at_once}</td></tr>
 * <tr><td>echoAll reaches a server of any family with the address as given</td><td>client_echoes_over_tcp_ipv4, client_echoes_over_tcp_ipv6, client_echoes_over_a_unix_domain_socket</td></tr>
 * <tr><td>echoAll echoes each line in turn over that one connection (the echo server counts one)</td><td>client_echoes_over_tcp_ipv4, client_echoes_over_tcp_ipv6, client_echoes_over_a_unix_domain_socket (assertClientEchoes)</td></tr>
 * <tr><td>the whole conversation takes at most timeout, in every family (a server that never answers)</td><td>{@code client_gives_up_on_a_silent_server_in_either_family}</td></tr>
 * <tr><td>the bound covers the connect (a TCP port that never answers, a socket file whose queue is full)</td><td>{@code client_gives_up_on_a_server_that_never_accepts_in_either_family}</td></tr>
 * <tr><td>main serves and echoes over a path and over HOST:PORT; bad arguments: usage, status 2</td><td>{@code main_serves_and_echoes_over_a_path_and_over_tcp}</td></tr>
 * </table>
 * <p>Not graded: the shutdownOutput() before the close. On the wire it is one end of stream either way
 * (close ends the stream too, and the echoes are all read by then), so no peer can tell the two apart.
 */
@Exercise(chapter = "05-local", script = "AnyFamilyEcho")
public class AnyFamilyEchoTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A timeout short enough for a quick test; the one of 5 s above is the realistic one. */
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(150);
    private static final List<String> LINES = List.of("the same code", "over any family: £€", "");

    private static Contract listen(Script script) {
        return script.method("listen", ServerSocketChannel.class, SocketAddress.class);
    }

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocketChannel.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, SocketAddress.class, List.class, Duration.class);
    }

    @Graded(points = 2, hint = "listen opens a ServerSocketChannel of the address's family and binds it to the address as "
            + "given. See \"Code for any family\".")
    @Test
    void serves_over_tcp_ipv4(Script script) throws Exception {
        assertServes(script, new InetSocketAddress(Loopback.ipv4(), 0), "127.0.0.1, port 0");
    }

    @Graded(points = 1, hint = "An InetSocketAddress holding an Inet6Address needs a channel of the INET6 family (or the "
            + "default one); an INET channel cannot bind ::1. See \"Code for any family\".")
    @Test
    void serves_over_tcp_ipv6(Script script) throws Exception {
        Loopback.assumeIpv6();
        assertServes(script, new InetSocketAddress(Loopback.ipv6(), 0), "::1, port 0");
    }

    @Graded(points = 2, hint = "A UnixDomainSocketAddress needs ServerSocketChannel.open(StandardProtocolFamily.UNIX); "
            + "never cast the SocketAddress to InetSocketAddress. serve removes the socket file when it stops. "
            + "See \"Code for any family\".")
    @Test
    void serves_over_a_unix_domain_socket_and_removes_its_file(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("any.sock");
            assertServes(script, UnixDomainSocketAddress.of(path), path.toString());
            assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS))
                    .as("whether the socket file %s is still there after the listener was closed and serve returned", path).isFalse();
        }
    }

    @Graded(points = 1, hint = "Each conversation needs a buffer of its own, made in that conversation: threads that share "
            + "one mix their clients' bytes. See \"Code for any family\".")
    @Test
    void keeps_conversations_apart_when_clients_send_at_once(Script script) throws Exception {
        try (var directory = SocketDirectory.create();
             ServerSocketChannel listener = listen(script).call(UnixDomainSocketAddress.of(directory.resolve("apart.sock")));
             var server = Serving.start(serve(script), listener)) {
            LocalEchoServerTest.assertConversationsKeptApart(listener.getLocalAddress());
            server.stop();
        }
    }


    @Graded(points = 1, hint = "Open a SocketChannel of the address's family, connect it to the address as given, and echo "
            + "every line over that one connection. See \"Code for any family\".")
    @Test
    void client_echoes_over_tcp_ipv4(Script script) throws Exception {
        try (var peer = ChannelEchoPeer.on(new InetSocketAddress(Loopback.ipv4(), 0))) {
            assertClientEchoes(script, peer);
        }
    }

    @Graded(points = 1, hint = "Keep the address as it came: an INET6 channel connected to it reaches ::1. "
            + "See \"Code for any family\".")
    @Test
    void client_echoes_over_tcp_ipv6(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var peer = ChannelEchoPeer.on(new InetSocketAddress(Loopback.ipv6(), 0))) {
            assertClientEchoes(script, peer);
        }
    }

    @Graded(points = 2, hint = "SocketChannel.open() without a family makes an IP channel, which cannot connect to a "
            + "path: open a channel of the address's family (the same switch as for the listener), then connect it. See \"Code for any family\".")
    @Test
    void client_echoes_over_a_unix_domain_socket(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var peer = ChannelEchoPeer.on(UnixDomainSocketAddress.of(directory.resolve("c.sock")))) {
            assertClientEchoes(script, peer);
        }
    }

    @Graded(points = 1, hint = "The timeout bounds the whole conversation in every family; a timer that closes the channel "
            + "works for all of them. See \"No read timeout\".")
    @Test
    void client_gives_up_on_a_silent_server_in_either_family(Script script) throws Exception {
        try (var directory = SocketDirectory.create();
             var silentLocal = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             var silentTcp = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            // Bound and listening, never accepting: a connection completes, and nothing ever answers.
            silentLocal.bind(UnixDomainSocketAddress.of(directory.resolve("quiet.sock")));
            silentTcp.bind(new InetSocketAddress(Loopback.ipv4(), 0));
            List<SocketAddress> silents = List.of(silentLocal.getLocalAddress(), silentTcp.getLocalAddress());
            List<Ended> ends = echoAllAtOnce(script, silents, "anyone there?", Duration.ofSeconds(10));
            for (int i = 0; i < silents.size(); i++) {
                assertThat(ends.get(i).thrown()).as("what echoAll(%s, [\"anyone there?\"], 150 ms) did against a server that "
                        + "never answers", silents.get(i)).isInstanceOf(SocketTimeoutException.class);
                assertThat(ends.get(i).took()).as("how long echoAll took with a timeout of 150 ms")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(120));
            }
        }
    }

    @Graded(points = 2, hint = "A connect can wait too: a TCP host that does not answer, a socket file whose queue is full. "
            + "Open the channel of the address's family unconnected, start the timer, then connect: closing the channel ends "
            + "a waiting connect as it ends a read. See \"Code for any family\".")
    @Test
    void client_gives_up_on_a_server_that_never_accepts_in_either_family(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var silentLocal = SilentLocalPort.at(directory.resolve("full.sock"));
             var silentTcp = SilentTcpPort.open()) {
            List<SocketAddress> silents = List.of(silentLocal.address(), silentTcp.address());
            List<Ended> ends = echoAllAtOnce(script, silents, "let me in", Duration.ofSeconds(5));
            for (int i = 0; i < silents.size(); i++) {
                assertThat(ends.get(i).thrown()).as("what echoAll(%s, [\"let me in\"], %d ms) did when its connect was never "
                        + "answered", silents.get(i), SHORT_TIMEOUT.toMillis()).isInstanceOf(SocketTimeoutException.class);
                assertThat(ends.get(i).took()).as("how long echoAll took with a timeout of %d ms", SHORT_TIMEOUT.toMillis())
                        .isLessThan(SHORT_TIMEOUT.plus(Duration.ofMillis(1_500)));
            }
        }
    }

    /** What one call threw, and how long it took. */
    private record Ended(Throwable thrown, Duration took) {}

    /**
     * Calls echoAll(address, [line], SHORT_TIMEOUT) for each address at once, each on a thread of its
     * own, so that the families wait out their timeouts side by side; returns each call's outcome and
     * its own duration, in order.
     */
    private static List<Ended> echoAllAtOnce(Script script, List<SocketAddress> addresses, String line, Duration bound)
            throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(addresses.size())) {
            List<Future<Ended>> ends = addresses.stream().map(address -> threads.submit(() -> {
                long started = System.nanoTime();
                Throwable thrown = catchThrowable(() -> echoAll(script).within(bound).call(address, List.of(line), SHORT_TIMEOUT));
                return new Ended(thrown, Duration.ofNanos(System.nanoTime() - started));
            })).toList();
            List<Ended> ended = new ArrayList<>();
            for (Future<Ended> end : ends) {
                ended.add(end.get(bound.toMillis() + 2_000, TimeUnit.MILLISECONDS));
            }
            return ended;
        }
    }

    @Graded(points = 2, hint = "main reads ADDRESS as a path when it has a /, else as HOST:PORT; with --serve it prints "
            + "\"Serving at ADDRESS\" and serves there.")
    @Test
    void main_serves_and_echoes_over_a_path_and_over_tcp(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("main.sock");
            try (MainProcess local = script.startMain("--serve", path.toString());
                 MainProcess tcp = script.startMain("--serve", "127.0.0.1:0")) {
                var serving = MainOutput.awaitLine(tcp, Pattern.compile("Serving at 127\\.0\\.0\\.1:(\\d+)"), Duration.ofSeconds(15),
                        "With --serve 127.0.0.1:0, main should print \"Serving at 127.0.0.1:PORT\" with the port it got.");
                var address = new InetSocketAddress(Loopback.ipv4(), Integer.parseInt(serving.group(1)));
                try (var client = ChannelTestClient.connect(address)) {
                    assertEcho(utf8("over tcp"), client.exchange(utf8("over tcp"), REPLY_WITHIN), "to `" + tcp.commandLine() + "`");
                }
                MainOutput.awaitLine(local, Pattern.compile("Serving at " + Pattern.quote(path.toString())), Duration.ofSeconds(15),
                        "With --serve " + path + ", main should print \"Serving at " + path + "\".");
                // Last: once a main has exited, the waits of this test stop early.
                try (MainProcess client = script.startMain(path.toString(), "Hello £€", "bye")) {
                    assertThat(client.awaitExit(Duration.ofSeconds(20))).as("exit status of `%s`\n%s", client.commandLine(),
                            client.transcript()).isZero();
                    assertThat(client.stdout()).as("what `%s` printed", client.commandLine()).contains("RCVD \"Hello £€\"");
                }
            }
            try (MainProcess bad = script.startMain("--serve")) {
                assertThat(bad.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
                assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
            }
        }
    }

    private static void assertServes(Script script, SocketAddress address, String where) throws Exception {
        try (ServerSocketChannel listener = listen(script).call(address); var server = Serving.start(serve(script), listener)) {
            SocketAddress bound = listener.getLocalAddress();
            assertThat(bound).as("where the listener from listen(%s) is bound", where).isNotNull();
            if (bound instanceof InetSocketAddress inet) {
                assertThat(inet.getPort()).as("the port of the listener from listen(%s): port 0 asks the system for one", where)
                        .isPositive();
                assertThat(inet.getAddress()).as("the address the listener from listen(%s) listens on: the one it was given, "
                        + "not every interface of the machine", where).isEqualTo(((InetSocketAddress) address).getAddress());
            } else {
                assertThat(bound).as("where the listener from listen(%s) is bound", where).isEqualTo(address);
            }
            try (var client = ChannelTestClient.connect(bound)) {
                for (String message : List.of("Hello £€", "a second message")) {
                    assertEcho(utf8(message), client.exchange(utf8(message), REPLY_WITHIN), "to " + bound);
                }
                client.shutdownOutput();
                assertThat(client.awaitEndOfStream(REPLY_WITHIN)).as("the server closed the connection the client ended").isTrue();
            }
            server.stop();
        }
    }

    private static void assertClientEchoes(Script script, ChannelEchoPeer peer) {
        SocketAddress server = peer.address();
        List<?> echoes = echoAll(script).within(Duration.ofSeconds(10)).call(server, LINES, TIMEOUT);
        assertThat(echoes).as("echoAll(%s, %s, 5 s) against a reference echo server", server, LINES).isEqualTo(LINES);
        assertThat(peer.accepted()).as("connections echoAll(%s, %s, 5 s) made to the echo server: every line goes over one "
                + "connection", server, LINES).isEqualTo(1);
    }
}
