package netbasics.chapters.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netbasics.conversation.Conversation;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.RecordedSocket;
import netbasics.grading.Contract;
import netbasics.grading.CurrentTest;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import netbasics.report.Exchange.Kind;
import org.junit.jupiter.api.Test;

/**
 * WhoAmI is graded with real clients over loopback, IPv4 and (where it exists) IPv6.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>fiveTuple: TCP CLIENT:PORT -> SERVER:PORT from the server's socket, client first: {@code five_tuple_names_the_protocol_the_client_and_the_server}</li>
 * <li>serve writes the line and "\n" as UTF-8 at once, and flushes: {@code tells_a_client_the_five_tuple_of_its_connection}</li>
 * <li>each connection on a thread of its own: two clients at once, lines differing only in the port: {@code two_clients_at_once_differ_only_in_their_ephemeral_ports}</li>
 * <li>the server reads until the client hangs up, then closes its side (never first): {@code leaves_the_hanging_up_to_the_client}</li>
 * <li>no state shared between conversations; every connection closed once its client is done: {@code serves_a_crowd_each_its_own_line_and_closes_each}</li>
 * <li>a client that resets or leaves at once costs only its own conversation: {@code survives_clients_that_connect_and_leave_at_once}</li>
 * <li>closing the listener: serve returns quietly, without waiting for connections still open, and without ending
 *     them (each is still served until its client hangs up): {@code returns_quietly_when_its_listener_is_closed_with_a_client_still_connected}</li>
 * <li>IPv6 addresses in brackets: {@code serves_ipv6_with_the_same_code}</li>
 * <li>main binds --host and --port, prints "Serving at HOST:PORT" with the real port; usage errors exit 2: {@code main_prints_where_it_serves_and_serves_there}</li>
 * <li>the connection's local end, not the listener's: not graded (on loopback the two agree; the chapter says so)</li>
 * </ul>
 */
@Exercise(chapter = "01-endpoints", script = "WhoAmI")
public class WhoAmITest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);
    /** The same for the first client of a JVM that has just started. */
    private static final Duration MAIN_REPLY_WITHIN = Duration.ofSeconds(10);
    /** How long a server that keeps the connection open is watched for closing it early. */
    private static final Duration STAYS_OPEN_FOR = Duration.ofMillis(100);
    /** How many clients connect at once in the crowd test: enough to mix up conversations that share state. */
    private static final int CROWD = 12;
    /** TCP CLIENT:PORT -> SERVER:PORT, each host an IPv4 address or an IPv6 address in brackets. */
    private static final Pattern LINE = Pattern.compile(
            "TCP (\\[[^\\]]+\\]|\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d+) -> (\\[[^\\]]+\\]|\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d+)");

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocket.class);
    }

    @Graded(points = 2, hint = "On the server's socket of a connection, the remote end (getRemoteSocketAddress, Python's "
            + "getpeername) is the client and the local end (getLocalSocketAddress, getsockname) is the server. "
            + "See \"Who is on the other end\".")
    @Test
    void five_tuple_names_the_protocol_the_client_and_the_server(Script script) throws IOException {
        Contract fiveTuple = script.method("fiveTuple", String.class, Socket.class);
        try (var listener = Loopback.tcpListener(); var client = connect(listener)) {
            listener.setSoTimeout((int) REPLY_WITHIN.toMillis());
            try (Socket accepted = listener.accept()) {
                String line = fiveTuple.call(accepted);
                expectFiveTuple(line, client, "fiveTuple(the server's socket of the connection)");
            }
        }
    }

    @Graded(points = 2, hint = "For each connection, write fiveTuple(connection) and \"\\n\" as UTF-8 bytes to the "
            + "connection's output stream, and flush: the client reads the line while the connection is still open. "
            + "See \"A server with many clients\".")
    @Test
    void tells_a_client_the_five_tuple_of_its_connection(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            try (var client = connect(listener)) {
                String line = readLine(client);
                expectFiveTuple(line, client, "the line the server sent");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Serve each connection on a thread of its own (Thread.ofVirtual().start(...)), so a client "
            + "that stays connected never keeps the next one waiting. See \"A server with many clients\".")
    @Test
    void two_clients_at_once_differ_only_in_their_ephemeral_ports(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener);
             var alice = connect(listener); var bob = connect(listener)) {
            String aliceLine = readLine(alice, "Alice, whose connection is still open,");
            String bobLine = readLine(bob, "Bob, who connected while Alice was still connected,");
            expectFiveTuple(aliceLine, alice, "Alice's line");
            expectFiveTuple(bobLine, bob, "Bob's line");
            assertThat(alice.getLocalPort()).as("the ephemeral ports the system gave Alice and Bob").isNotEqualTo(bob.getLocalPort());
            assertThat(bobLine.replace(":" + bob.getLocalPort() + " ->", ":" + alice.getLocalPort() + " ->"))
                    .as("Bob's line with his port replaced by Alice's: the two five-tuples differ only there").isEqualTo(aliceLine);
            server.stop();
        }
    }

    @Graded(points = 2, hint = "After its line, the server keeps the connection open and reads until the client hangs up "
            + "(read() returns -1); only then does it close its side. See \"A server with many clients\".")
    @Test
    void leaves_the_hanging_up_to_the_client(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener); var client = connect(listener)) {
            readLine(client);
            expectStillOpen(client, "After sending its line, the server closed the connection; it should wait for the client to hang up.");
            client.shutdownOutput(); // the client hangs up its sending side: the server reads the end of the stream
            assertThat(readUntilEnd(client)).as("whether the server closed its side within %d ms of the client hanging up",
                    REPLY_WITHIN.toMillis()).isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Everything one conversation needs (its socket, its streams, its line) belongs to that "
            + "conversation: a local variable of its thread, never a field that the next connection overwrites. Close "
            + "each connection once its client has hung up. See \"A server with many clients\".")
    @Test
    void serves_a_crowd_each_its_own_line_and_closes_each(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            var clients = new java.util.ArrayList<Socket>();
            try {
                for (int i = 0; i < CROWD; i++) {
                    clients.add(connect(listener));
                }
                for (int i = 0; i < CROWD; i++) {
                    Socket client = clients.get(i);
                    expectFiveTuple(readLine(client, "Client " + (i + 1) + " of " + CROWD + " connected at once"), client,
                            "the line of client " + (i + 1) + " of " + CROWD + " connected at once");
                }
                for (Socket client : clients) {
                    client.shutdownOutput();
                }
                for (int i = 0; i < CROWD; i++) {
                    assertThat(readUntilEnd(clients.get(i))).as("whether the server closed its side of client %d of %d within "
                            + "%d ms of that client hanging up (each connection must be closed once its client is done)",
                            i + 1, CROWD, REPLY_WITHIN.toMillis()).isTrue();
                }
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A client may reset the connection before or while you answer it. Catch the IOException of "
            + "that one connection, close it, and go on accepting: one client's trouble must not stop the server.")
    @Test
    void survives_clients_that_connect_and_leave_at_once(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            for (int i = 0; i < 3; i++) {
                try (var rude = connect(listener)) {
                    rude.setSoLinger(true, 0); // closing now sends a reset (RST) instead of a polite end of stream (FIN)
                }
                try (var hasty = connect(listener)) {
                    hasty.shutdownOutput();
                }
            }
            try (var client = connect(listener)) {
                String line = readLine(client, "A client that came after six that left at once");
                expectFiveTuple(line, client, "the line for a client that came after six that left at once");
            }
            assertThat(server.call().isRunning()).as("whether the server is still serving after clients that left at once").isTrue();
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Closing the listener makes accept() throw a SocketException: return then. A connection "
            + "already accepted is not the listener's to end, and its own thread must not hold serve back.")
    @Test
    void returns_quietly_when_its_listener_is_closed_with_a_client_still_connected(Script script) throws IOException {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener); var client = connect(listener)) {
            expectFiveTuple(readLine(client), client, "the line the server sent");
            server.stop();
            expectStillOpen(client, "Once its listener was closed, the server also closed the connection it had accepted; that "
                    + "connection is a socket of its own and stays open until its client hangs up.");
            client.shutdownOutput();
            assertThat(readUntilEnd(client)).as("whether the server, its listener closed, still closed its side of a "
                    + "conversation within %d ms of the client hanging up", REPLY_WITHIN.toMillis()).isTrue();
        }
    }

    @Graded(points = 1, hint = "Nothing in the server depends on the family, but an IPv6 address is written in brackets: "
            + "[::1]:PORT. See \"Writing endpoints down\".")
    @Test
    void serves_ipv6_with_the_same_code(Script script) throws IOException {
        Loopback.assumeIpv6();
        try (var listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(Loopback.ipv6(), 0));
            try (var server = Serving.start(serve(script), listener)) {
                try (var client = connect(listener)) {
                    expectIpv6Line(client);
                }
                server.stop();
            }
        }
    }

    @Graded(points = 1, hint = "main binds --host and --port (0 lets the system choose), prints \"Serving at HOST:PORT\" with "
            + "the port it really got, then calls serve.")
    @Test
    void main_prints_where_it_serves_and_serves_there(Script script) throws IOException {
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", "0")) {
            var serving = main.awaitLine(Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10));
            var address = new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2)));
            try (var client = RecordedSocket.open(address, (int) REPLY_WITHIN.toMillis())) {
                // A JVM just started serves its first client slowly (classes to load), all the more on a busy machine.
                expectFiveTuple(readLine(client, "A client of `" + main.commandLine() + "`", MAIN_REPLY_WITHIN), client,
                        "the line `" + main.commandLine() + "` sent");
            }
        }
        // Only now: a process that has ended (as this one does at once) counts as learner code that died.
        try (MainProcess bad = script.startMain("--port", "not-a-port")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    /** The line a client should get, from what its own socket says: its end is the client, the other the server. */
    private static String expected(Socket client) {
        return "TCP " + client.getLocalAddress().getHostAddress() + ":" + client.getLocalPort()
                + " -> " + client.getInetAddress().getHostAddress() + ":" + client.getPort();
    }

    private static void expectFiveTuple(String line, Socket client, String what) {
        assertThat(line).as("%s, for the client at %s connected to %s%s", what, client.getLocalSocketAddress(),
                client.getRemoteSocketAddress(), swapped(line, client)).isEqualTo(expected(client));
    }

    /** A note for the failure message when the line has client and server the wrong way round. */
    private static String swapped(String line, Socket client) {
        String reversed = "TCP " + client.getInetAddress().getHostAddress() + ":" + client.getPort()
                + " -> " + client.getLocalAddress().getHostAddress() + ":" + client.getLocalPort();
        return reversed.equals(line) ? ": the client and the server are the wrong way round" : "";
    }

    /** The line over IPv6, read leniently: any spelling of the addresses will do, as long as it is in brackets. */
    private static void expectIpv6Line(Socket client) throws IOException {
        String line = readLine(client);
        Matcher parts = LINE.matcher(line);
        assertThat(parts.matches()).as("whether the line %s reads \"TCP [CLIENT]:PORT -> [SERVER]:PORT\", IPv6 in brackets", quoted(line))
                .isTrue();
        assertThat(address(parts.group(1))).as("the client address in %s", quoted(line)).isEqualTo(client.getLocalAddress());
        assertThat(Integer.parseInt(parts.group(2))).as("the client port in %s", quoted(line)).isEqualTo(client.getLocalPort());
        assertThat(address(parts.group(3))).as("the server address in %s", quoted(line)).isEqualTo(client.getInetAddress());
        assertThat(Integer.parseInt(parts.group(4))).as("the server port in %s", quoted(line)).isEqualTo(client.getPort());
    }

    private static Socket connect(ServerSocket listener) throws IOException {
        return RecordedSocket.open(listener.getLocalSocketAddress(), (int) REPLY_WITHIN.toMillis());
    }

    private static String readLine(Socket client) throws IOException {
        return readLine(client, "The client");
    }

    /**
     * The first line the server sends, without its line end. Fails when none comes within two
     * seconds, or as soon as the server has died.
     */
    private static String readLine(Socket client, String who) throws IOException {
        return readLine(client, who, REPLY_WITHIN);
    }

    private static String readLine(Socket client, String who, Duration within) throws IOException {
        var line = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        long deadline = System.nanoTime() + within.toNanos();
        client.setSoTimeout(50);
        while (System.nanoTime() < deadline && !CurrentTest.learnerCodeDied()) {
            int next;
            try {
                next = in.read();
            } catch (SocketTimeoutException notYet) {
                continue;
            }
            if (next == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.write(next);
                recordRead(client, line, "one line, read a byte at a time");
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (next == -1) {
                recordRead(client, line, "the start of a line");
                Conversation.heard(client, Kind.FIN, "");
                throw new AssertionError(who + " at " + client.getLocalSocketAddress() + " was hung up on before a whole line came"
                        + (line.size() == 0 ? "." : "; it got only " + quoted(line.toString(StandardCharsets.UTF_8)) + "."));
            }
            line.write(next);
        }
        recordRead(client, line, "the start of a line");
        Conversation.note(Kind.TIMEOUT, client.getLocalSocketAddress(), null, within.toMillis() + " ms for a whole line");
        throw new AssertionError(who + " at " + client.getLocalSocketAddress() + " connected to " + client.getRemoteSocketAddress()
                + " and got no whole line within " + within.toMillis() + " ms"
                + (line.size() == 0 ? "." : "; it got only " + quoted(line.toString(StandardCharsets.UTF_8)) + " and no \\n."));
    }

    /** Whether the server ends the stream within two seconds (anything it sends meanwhile is skipped). */
    /**
     * Fails unless the server keeps {@code client}'s connection open, and says nothing more, for
     * {@link #STAYS_OPEN_FOR}; {@code ifClosed} is the message when the server closed it.
     */
    private static void expectStillOpen(Socket client, String ifClosed) throws IOException {
        client.setSoTimeout((int) STAYS_OPEN_FOR.toMillis());
        try {
            int next = client.getInputStream().read();
            if (next == -1) {
                Conversation.heard(client, Kind.FIN, "");
            }
            throw new AssertionError(next == -1 ? ifClosed : "After its line, the server sent more: byte " + next + ".");
        } catch (SocketTimeoutException stillOpen) {
            // as it should be: the connection stays open while the client wants it
        }
    }

    private static boolean readUntilEnd(Socket client) throws IOException {
        long deadline = System.nanoTime() + REPLY_WITHIN.toNanos();
        client.setSoTimeout(50);
        while (System.nanoTime() < deadline) {
            try {
                if (client.getInputStream().read() == -1) {
                    Conversation.heard(client, Kind.FIN, "");
                    return true;
                }
            } catch (SocketTimeoutException notYet) {
                // look again, until the deadline
            }
        }
        return false;
    }

    /** What the test read of a line, recorded as one read (it reads a byte at a time, so as not to read past the line). */
    private static void recordRead(Socket client, ByteArrayOutputStream bytes, String how) {
        if (bytes.size() > 0) {
            Conversation.received(Kind.READ, Conversation.TCP, client.getRemoteSocketAddress(), client.getLocalSocketAddress(),
                    bytes.toByteArray(), 0, bytes.size(), how);
        }
    }

    /** An address literal from the line: a dotted quad, or IPv6 in brackets, which getByName never looks up. */
    private static InetAddress address(String literal) throws IOException {
        return InetAddress.getByName(literal);
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }
}
