package netbasics.chapters.modes;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.FaultyTcpProxy;
import netbasics.fixtures.FaultyTcpProxy.Faults;
import netbasics.fixtures.FullDescriptorTable;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.Waiting;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The graded suite of SelectorEchoServer. Contract clauses, from the javadoc of serve, its TODO, and
 * chapter 04's "One thread, one selector" to "Stopping a selector loop", and the tests that check
 * them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>every byte a client sends comes back, on one connection, over and over</td><td>{@code echoes_what_a_client_sends_on_one_connection}</td></tr>
 * <tr><td>a connection is closed once its client has ended its stream and had all of its echo</td><td>{@code closes_a_connection_once_its_client_has_ended_and_had_its_echo}</td></tr>
 * <tr><td>one thread serves many clients at once (accept every waiting connection, handle every ready key)</td><td>{@code serves_two_hundred_clients_at_once_on_one_thread}</td></tr>
 * <tr><td>partial writes: what a write could not send is kept per connection and sent on OP_WRITE</td><td>{@code clients_that_read_late_still_get_every_byte}</td></tr>
 * <tr><td>back-pressure: a client that never reads slows only itself</td><td>{@code a_client_that_never_reads_does_not_hold_up_the_others}</td></tr>
 * <tr><td>write interest only while bytes are owed; no spinning while idle</td><td>{@code does_not_spin_while_clients_are_idle_or_not_reading}</td></tr>
 * <tr><td>state is per connection: bytes of clients arriving in pieces at once never mix</td><td>slow_readers_behind_a_throttled_network_get_every_byte, clients_that_read_late_still_get_every_byte</td></tr>
 * <tr><td>a connection that fails (a reset) is closed and the others go on</td><td>{@code survives_clients_that_reset}</td></tr>
 * <tr><td>a reset connection is closed, so its key is cancelled and the loop does not spin on it</td><td>{@code forgets_a_reset_connection_instead_of_spinning_on_it}</td></tr>
 * <tr><td>a failed accept ends one attempt, not the server; the queued client is served later</td><td>{@code goes_on_serving_after_an_accept_fails}</td></tr>
 * <tr><td>returns quietly once the listener is closed, closing every connection it accepted</td><td>{@code closes_every_connection_and_returns_when_its_listener_is_closed}</td></tr>
 * <tr><td>main prints "Serving at HOST:PORT" and serves there; bad arguments: usage, status 2</td><td>{@code main_serves_at_the_address_it_prints}</td></tr>
 * </table>
 *
 * <p>Not graded: resting a tick after a failed accept instead of trying again at once. The chapter
 * advises it, but a server that retries at once and logs every failure is held up by its own output
 * as much as it spins, so its CPU time tells nothing reliable.
 */
@Exercise(chapter = "04-modes", script = "SelectorEchoServer")
public class SelectorEchoServerTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);
    /** A server that waits in select uses next to no CPU while nothing can be done; one that spins uses a core. */
    private static final Duration CPU_WINDOW = Duration.ofMillis(400);

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocketChannel.class);
    }

    @Graded(points = 2, hint = "Accept on OP_ACCEPT, register each connection non-blocking for OP_READ, and write back what "
            + "each read brought. See \"One thread, one selector\".")
    @Test
    void echoes_what_a_client_sends_on_one_connection(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var client = TcpTestClient.connect(address(listener))) {
            for (String message : List.of("Hello £€", "a second message on the same connection", "and a third")) {
                assertEcho(utf8(message), client.exchange(utf8(message), REPLY_WITHIN), "on one connection");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "read returns -1 once the client has ended its stream: close that channel (which also "
            + "cancels its key), so the client reads the end of the stream too. See \"One thread, one selector\".")
    @Test
    void closes_a_connection_once_its_client_has_ended_and_had_its_echo(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var client = TcpTestClient.connect(address(listener))) {
            client.send(utf8("bye"));
            client.shutdownOutput();
            assertEcho(utf8("bye"), client.receive(3, REPLY_WITHIN), "and then ended its side");
            assertThat(client.awaitEndOfStream(REPLY_WITHIN))
                    .as("The client sent \"bye\" and ended its side (shutdownOutput); the server should echo it and then "
                            + "close the connection, so that the client reads the end of the stream within %d ms", REPLY_WITHIN.toMillis())
                    .isTrue();
            server.stop();
        }
    }

    @Graded(points = 3, hint = "One thread serves everyone only if it never waits for one client: handle every ready key, "
            + "accept every waiting connection, and go back to select. See \"One thread, one selector\".")
    @Test
    void serves_two_hundred_clients_at_once_on_one_thread(Script script) throws Exception {
        int count = 200;
        try (var listener = listener(count); var server = Serving.start(serve(script), listener); var clients = new Clients()) {
            for (int c = 0; c < count; c++) {
                clients.add(TcpTestClient.connect(address(listener)));
            }
            for (int c = 0; c < count; c++) {
                clients.get(c).send(utf8(String.format("client %03d", c)));
            }
            for (int c = 0; c < count; c++) {
                assertEcho(utf8(String.format("client %03d", c)), clients.get(c).receive(10, Duration.ofSeconds(5)),
                        "while " + count + " clients were connected at once");
            }
            server.stop();
        }
    }

    @Graded(points = 3, hint = "A non-blocking write takes only what fits: keep the rest in the connection's own buffer "
            + "(attached to its key), switch its interest to OP_WRITE, and send the rest when the selector says there is "
            + "room. See \"Partial writes and back-pressure\".")
    @Test
    void clients_that_read_late_still_get_every_byte(Script script) throws Exception {
        var random = new Random(4411);
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var first = slowReader(listener); var second = slowReader(listener)) {
            List<Socket> clients = List.of(first, second);
            List<byte[]> messages = new ArrayList<>();
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (Socket client : clients) {
                byte[] message = new byte[4 << 20];
                random.nextBytes(message);
                messages.add(message);
                sending.add(CompletableFuture.runAsync(() -> {
                    try {
                        client.getOutputStream().write(message);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            // Not reading on purpose for a while: the server's writes to both must then stop part-way.
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            for (int c = 0; c < clients.size(); c++) {
                byte[] echoed = readFully(clients.get(c), messages.get(c).length,
                        "Two clients each sent 4 MB at once and waited 200 ms before reading their echo");
                assertThat(echoed).as("Client %d of 2 sent 4 MB at the same time as the other, and read its echo only after "
                        + "200 ms: %s", c, Bytes.firstDifference(messages.get(c), echoed)).isEqualTo(messages.get(c));
            }
            sending.forEach(CompletableFuture::join);
            server.stop();
        }
    }

    @Graded(points = 3, hint = "Never loop on write until everything is sent: with a client that does not read, that loop "
            + "never ends and every other client waits. Leave the rest for OP_WRITE. See \"Partial writes and back-pressure\".")
    @Test
    void a_client_that_never_reads_does_not_hold_up_the_others(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var jammed = slowReader(listener); var flood = Flood.start(jammed.getOutputStream())) {
            awaitStalled(flood);
            try (var other = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("am I served?"), other.exchange(utf8("am I served?"), REPLY_WITHIN),
                        "while another client had sent " + flood.sent() / 1024 + " KB and read none of its echo");
            }
            server.stop();
        }
    }

    @Graded(points = 3, hint = "Ask for OP_WRITE only while a connection has bytes waiting to go, and go back to OP_READ "
            + "once they are sent: a socket is writable nearly all the time, so standing write interest wakes select at "
            + "once, forever. See \"Writable is nearly always true\".")
    @Test
    void does_not_spin_while_clients_are_idle_or_not_reading(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var idle = TcpTestClient.connect(address(listener));
             var jammed = slowReader(listener); var flood = Flood.start(jammed.getOutputStream())) {
            assertEcho(utf8("then I rest"), idle.exchange(utf8("then I rest"), REPLY_WITHIN), "before going quiet");
            awaitStalled(flood);
            var cpu = ServerThread.of(server).cpuUseDuring(CPU_WINDOW);
            assertThat(cpu.looksIdle()).as("while one client was idle after its echo and another had stopped reading (%d KB "
                    + "sent, none of the echo read), %s: a server waiting in select uses next to none", flood.sent() / 1024, cpu)
                    .isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Each connection needs its own buffer (attach it to its key): bytes that arrive in small "
            + "pieces, for several clients at once, must not mix. See \"Partial writes and back-pressure\".")
    @Test
    void slow_readers_behind_a_throttled_network_get_every_byte(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var proxy = FaultyTcpProxy.start(address(listener), Faults.none().sliced(64, Duration.ofMillis(1)),
                     Faults.none().throttled(100_000).sliced(512, Duration.ofMillis(1)), 4412);
             var clients = new Clients()) {
            List<byte[]> messages = new ArrayList<>();
            var random = new Random(4413);
            for (int c = 0; c < 5; c++) {
                byte[] message = new byte[20_000];
                random.nextBytes(message);
                messages.add(message);
                clients.add(TcpTestClient.connect(proxy.address())).send(message);
            }
            for (int c = 0; c < 5; c++) {
                assertEcho(messages.get(c), clients.get(c).receive(messages.get(c).length, Duration.ofSeconds(10)),
                        "by client " + c + " of 5, through a network that slices and throttles (100 KB/s each way back)");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A read or write on a reset connection throws an IOException: close that channel and go "
            + "on with the others; never let it end serve. See \"One thread, one selector\".")
    @Test
    void survives_clients_that_reset(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var proxy = FaultyTcpProxy.start(address(listener), Faults.none().resetAfter(10), Faults.none(), 4414)) {
            try (var resetter = TcpTestClient.connect(address(listener))) {
                resetter.send(new byte[20_000]);
                resetter.reset();
            }
            try (var cutOff = TcpTestClient.connect(proxy.address())) {
                cutOff.send(utf8("this conversation is reset after ten bytes"));
                cutOff.receiveAny(100, Duration.ofMillis(500)); // whatever comes before the reset does
            }
            try (var next = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("still there?"), next.exchange(utf8("still there?"), REPLY_WITHIN),
                        "after one client reset in the middle of its echo and another was reset by the network");
            }
            assertThat(server.call().isRunning()).as("serve is still running after clients reset").isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Close a connection whose read or write failed: closing cancels its key. A reset channel "
            + "left registered is reported ready at every select, and the loop spins on it for ever. "
            + "See \"One thread, one selector\".")
    @Test
    void forgets_a_reset_connection_instead_of_spinning_on_it(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener)) {
            for (int c = 0; c < 3; c++) {
                try (var resetter = TcpTestClient.connect(address(listener))) {
                    resetter.exchange(utf8("reset " + c), REPLY_WITHIN); // served: registered with the selector
                    resetter.send(utf8("and now gone"));
                    resetter.reset();
                }
            }
            try (var next = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("anyone?"), next.exchange(utf8("anyone?"), REPLY_WITHIN), "after three clients reset");
            }
            var cpu = ServerThread.of(server).cpuUseDuring(CPU_WINDOW);
            assertThat(cpu.looksIdle()).as("after three clients had reset their connections and a fourth had had its echo, %s: "
                    + "a reset connection that stays registered is ready at every select", cpu).isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "accept() can fail, most often with \"Too many open files\": that ends one attempt, not the "
            + "server. Catch the IOException around accept, leave the connection queued, and try again a moment later "
            + "(only a ClosedChannelException means the listener is closed). See \"One thread, one selector\".")
    // Fills the process's descriptor table for a moment: nothing else may run meanwhile.
    @ResourceLock(value = Resources.GLOBAL, mode = ResourceAccessMode.READ_WRITE)
    @Test
    void goes_on_serving_after_an_accept_fails(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener);
             var served = TcpTestClient.connect(address(listener)); var waiting = SocketChannel.open()) {
            assertEcho(utf8("before"), served.exchange(utf8("before"), REPLY_WITHIN), "before the descriptors ran out");
            // Found now: loading a class needs a file, and none can be opened once the table is full.
            ServerThread serverThread = ServerThread.of(server);
            serverThread.awaitRoundsSince(serverThread.cpuNanos(), 1, Duration.ofMillis(1)); // its code loaded now too
            boolean tried;
            try (var full = FullDescriptorTable.fill()) {
                // connect needs no new descriptor here; the server's accept needs one, and fails.
                long cpuBefore = serverThread.cpuNanos();
                waiting.connect(address(listener));
                // The server's select wakes for the waiting connection: once its thread has been round its loop a
                // couple of times, it has tried to accept, however busy the machine.
                tried = serverThread.awaitRoundsSince(cpuBefore, 3, Duration.ofSeconds(5));
            }
            assertThat(tried).as("whether the server's thread went round its loop in the 5 s after a client connected "
                    + "(it selects with a timeout, so it should)").isTrue();
            assertThat(server.call().isRunning())
                    .as("serve, after one accept() failed with \"Too many open files\" (%s)", server.call().failure().map(Object::toString)
                            .orElse("it returned"))
                    .isTrue();
            try (var after = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("after"), after.exchange(utf8("after"), REPLY_WITHIN), "once descriptors were free again");
            }
            waiting.socket().setSoTimeout((int) REPLY_WITHIN.toMillis());
            waiting.write(java.nio.ByteBuffer.wrap(utf8("queued")));
            byte[] echoed = waiting.socket().getInputStream().readNBytes(6);
            assertEcho(utf8("queued"), echoed, "by the client whose connection was waiting while accept failed");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Closing the listener does not wake select: select with a timeout, check listener.isOpen(), "
            + "and on the way out close every connection you accepted and the selector. See \"Stopping a selector loop\".")
    @Test
    void closes_every_connection_and_returns_when_its_listener_is_closed(Script script) throws Exception {
        try (var listener = listener(16); var server = Serving.start(serve(script), listener); var clients = new Clients()) {
            for (int c = 0; c < 3; c++) {
                byte[] message = utf8("client " + c);
                assertEcho(message, clients.add(TcpTestClient.connect(address(listener))).exchange(message, REPLY_WITHIN),
                        "before the listener was closed");
            }
            server.stop();
            for (int c = 0; c < 3; c++) {
                assertThat(clients.get(c).awaitEndOfStream(REPLY_WITHIN))
                        .as("client %d, connected when the listener was closed and serve returned: the server should have "
                                + "closed its connection (it owns them; nobody else can)", c).isTrue();
            }
        }
    }

    @Graded(points = 1, hint = "main binds --host and --port, prints \"Serving at HOST:PORT\", and calls serve.")
    @Test
    void main_serves_at_the_address_it_prints(Script script) throws Exception {
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", "0"); var clients = new Clients()) {
            MainOutput.explainingFailure(main, () -> {
                var serving = main.awaitLine(Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10));
                var address = new InetSocketAddress(InetAddress.getByName(serving.group(1)), Integer.parseInt(serving.group(2)));
                for (int c = 0; c < 3; c++) {
                    clients.add(TcpTestClient.connect(address)).send(utf8("client " + c));
                }
                for (int c = 0; c < 3; c++) {
                    assertEcho(utf8("client " + c), clients.get(c).receive(8, REPLY_WITHIN), "to `" + main.commandLine() + "`");
                }
            });
        }
        try (MainProcess bad = script.startMain("--port", "many")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    private static ServerSocketChannel listener(int backlog) throws IOException {
        var listener = ServerSocketChannel.open();
        listener.bind(Loopback.anyPort(), backlog);
        return listener;
    }

    /** A client with a small receive buffer, so that a server writing to it soon has to wait for room. */
    private static Socket slowReader(ServerSocketChannel listener) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(4 * 1024);
        socket.connect(address(listener), 2_000);
        return socket;
    }

    /** Reads {@code count} bytes, failing with what the test did when the echo breaks off or stops coming. */
    private static byte[] readFully(Socket client, int count, String what) {
        byte[] echoed = new byte[count];
        try {
            Waiting.readFully(client, echoed, Duration.ofSeconds(10));
            return echoed;
        } catch (IOException e) {
            throw new AssertionError(what + "; the echo broke off with " + e + ". The server must keep what a write could "
                    + "not send, and send it when the client makes room.", e);
        }
    }

    /** Waits until a flooding client can send no more: every buffer between it and the server is full. */
    private static void awaitStalled(Flood flood) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = flood.sent();
            boolean stalled = now > 0 && now == last[0];
            last[0] = now;
            return stalled;
        });
    }

    private static InetSocketAddress address(ServerSocketChannel listener) throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    private static void assertEcho(byte[] sent, byte[] echoed, String how) {
        assertThat(echoed)
                .as("Sent %d bytes (%s) %s; %d bytes came back (%s): %s", sent.length, Bytes.describe(sent), how, echoed.length,
                        Bytes.describe(echoed), Bytes.firstDifference(sent, echoed))
                .isEqualTo(sent);
    }

    /** The test's clients, all closed when the test ends. */
    private static final class Clients implements AutoCloseable {
        private final List<TcpTestClient> all = new ArrayList<>();

        TcpTestClient add(TcpTestClient client) {
            all.add(client);
            return client;
        }

        TcpTestClient get(int index) {
            return all.get(index);
        }

        @Override
        public void close() {
            all.forEach(TcpTestClient::close);
        }
    }
}
