package netbasics.chapters.tls;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.tls.LegacyTls;
import netbasics.fixtures.tls.ReferenceContexts;
import netbasics.fixtures.tls.StartTlsTestServer;
import netbasics.fixtures.tls.StartTlsTestServer.Behaviour;
import netbasics.fixtures.tls.TestPki;
import netbasics.fixtures.tls.TestPki.Identity;
import netbasics.fixtures.tls.TlsTestClient;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.CurrentTest;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * StartTls: upgrade after STARTTLS, never fall back.
 *
 * <table>
 * <caption>Each clause of the contract (javadoc, TODO, "Upgrading a connection", "Never fall back") and its test</caption>
 * <tr><th>clause</th><th>test</th></tr>
 * <tr><td>client: reads the greeting, sends STARTTLS, upgrades the same connection on 220, echoes over TLS, closes when
 *     done</td>
 *     <td>{@link #upgrades_the_same_connection_and_echoes_over_tls}</td></tr>
 * <tr><td>client: reads until each whole echo is back</td><td>{@link #reads_until_the_whole_echo_is_back}</td></tr>
 * <tr><td>client: the greeting must start with 220, else throw</td><td>{@link #refuses_a_server_that_does_not_greet_with_220}</td></tr>
 * <tr><td>client: a reply other than 220 throws; nothing more is sent; the connection is closed</td>
 *     <td>{@link #refuses_to_go_on_in_plain_text_when_starttls_is_refused}</td></tr>
 * <tr><td>client: the handshake checks chain, name and dates (rogue CA, other.example, expired), TLS 1.2 floor; a failure
 *     throws, nothing sent</td><td>{@link #refuses_to_go_on_in_plain_text_when_the_upgrade_fails}</td></tr>
 * <tr><td>client: SNI for a host name, none for an address literal</td>
 *     <td>{@link #sends_the_name_as_sni_and_none_for_an_address}</td></tr>
 * <tr><td>client: timeout bounds the connect and every read (no greeting, no answer to STARTTLS, no ServerHello, no
 *     echo)</td><td>{@link #gives_up_on_a_server_that_never_finishes_its_part}</td></tr>
 * <tr><td>startTls returns a TLS socket whose handshake is done</td><td>{@link #start_tls_returns_a_verified_socket}</td></tr>
 * <tr><td>server: greets, answers STARTTLS with 220, upgrades as the TLS server, echoes</td>
 *     <td>{@link #server_greets_upgrades_on_starttls_and_echoes}</td></tr>
 * <tr><td>server: every other line gets 530, nothing is echoed in plain text; a lone \n ends a line</td>
 *     <td>{@link #server_echoes_nothing_in_plain_text}</td></tr>
 * <tr><td>server: a failed handshake ends the connection</td><td>{@link #server_ends_the_connection_when_the_upgrade_fails}</td></tr>
 * <tr><td>server: TLS 1.2 floor after STARTTLS</td><td>{@link #server_refuses_tls_1_0_and_1_1_after_starttls}</td></tr>
 * <tr><td>server: one deadline for the plain text and the handshake, not a read timeout</td>
 *     <td>{@link #one_deadline_bounds_the_plain_text_part_and_the_handshake}</td></tr>
 * <tr><td>server: the deadline is cancelled once upgraded</td><td>{@link #the_echo_may_pause_longer_than_the_deadline}</td></tr>
 * <tr><td>server: each connection on its own thread</td><td>{@link #server_serves_a_second_client_while_a_first_one_dawdles}</td></tr>
 * <tr><td>server: returns quietly when its listener is closed; one failed accept() does not end it</td>
 *     <td>every server test's {@code server.stop()}; {@link #one_failed_accept_does_not_end_the_server}</td></tr>
 * <tr><td>main: --serve serves; the client talks to it</td><td>{@link #main_serves_and_talks_starttls}</td></tr>
 * </table>
 * Reading the plain-text lines a byte at a time is advice on how, not a clause: the server of this protocol sends nothing
 * after its 220 until the ClientHello, so a client that reads ahead loses nothing here.
 */
@Exercise(chapter = "06-tls", script = "StartTls")
public class StartTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /**
     * The server's deadline where a test is not about it: it runs from the accept to the end of the
     * handshake, which a cold JVM on a busy machine can take seconds to reach.
     */
    private static final Duration SERVER_DEADLINE = Duration.ofSeconds(10);
    /**
     * How soon the server must end a connection whose handshake failed: the failure is at once (plain text where the
     * ClientHello belongs), and the bound is well short of the server's deadline, which would end it anyway.
     */
    private static final Duration FAILED_HANDSHAKE_ENDS_WITHIN = Duration.ofSeconds(4);
    private static final TestPki PKI = TestPki.get();
    private static final List<String> LINES = List.of("secret one", "secret £€ two");

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocket.class, SSLContext.class, Duration.class);
    }

    private static Contract startTls(Script script) {
        return script.method("startTls", SSLSocket.class, Socket.class, SSLContext.class, String.class, Duration.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, SSLContext.class, InetSocketAddress.class, String.class, List.class, Duration.class);
    }

    // The client's side

    @Graded(points = 3, hint = "Read the greeting, send \"STARTTLS\", read the 220 reply, then wrap the same socket with "
            + "createSocket(plain, serverName, port, true) and startHandshake(); echo over the TLS socket, and close it when done. "
            + "See \"Upgrading a connection\".")
    @Test
    void upgrades_the_same_connection_and_echoes_over_tls(Script script) throws Exception {
        try (var server = StartTlsTestServer.start(PKI.localhost())) {
            List<String> echoes = echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", LINES, TIMEOUT);
            assertThat(echoes).as("what echoAll returned for %s through a STARTTLS server", LINES).isEqualTo(LINES);
            assertThat(server.connectionsAccepted()).as("connections made to the server (the upgrade happens on the first)").isEqualTo(1);
            var seen = server.connections().getFirst();
            assertThat(seen.plainLines()).as("what the client said in plain text").containsExactly("STARTTLS");
            assertThat(seen.protocol()).as("the TLS protocol after the upgrade").isIn("TLSv1.3", "TLSv1.2");
            assertThat(seen.awaitEnd(TIMEOUT)).as("whether the server saw the connection end within %d ms of echoAll's return "
                    + "(echoAll closes the TLS socket when it is done, which sends close_notify and closes the socket under it)",
                    TIMEOUT.toMillis()).isTrue();
        }
    }

    @Graded(points = 3, hint = "A reply other than 220 means no TLS: throw an IOException and send nothing more. Going on in plain "
            + "text is exactly what an attacker who strips STARTTLS wants. See \"Never fall back\".")
    @Test
    void refuses_to_go_on_in_plain_text_when_starttls_is_refused(Script script) throws Exception {
        try (var server = StartTlsTestServer.refusing()) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", LINES, TIMEOUT));
            var seen = server.connections().getFirst();
            assertThat(seen.awaitEnd(TIMEOUT)).as("whether the client closed its connection within %d ms of the server's \"454 TLS "
                    + "not available\" (a connection that failed is closed, not left open)", TIMEOUT.toMillis()).isTrue();
            assertThat(seen.plainBytesAfterRefusal()).as("bytes the client sent in plain text after the server answered STARTTLS with "
                    + "\"454 TLS not available\" (%s)", seen).isZero();
            assertThat(thrown).as("what echoAll threw when the server refused STARTTLS").isInstanceOf(IOException.class);
        }
    }

    @Graded(points = 1, hint = "A read returns whatever has arrived, over TLS as over TCP: read until as many bytes as you sent have "
            + "come back. See \"A client that checks\".")
    @Test
    void reads_until_the_whole_echo_is_back(Script script) throws Exception {
        try (var server = StartTlsTestServer.behaving(Behaviour.ECHO_BYTE_BY_BYTE)) {
            List<String> lines = List.of("an echo that comes back one byte per TLS record £€");
            List<String> echoes = echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", lines, TIMEOUT);
            assertThat(echoes).as("what echoAll returned through a server that echoes one byte per TLS record").isEqualTo(lines);
        }
    }

    @Graded(points = 1, hint = "The greeting must start with 220; any other greeting (554: no service) means there is no conversation "
            + "to upgrade: throw an IOException, and send nothing. See \"Upgrading a connection\".")
    @Test
    void refuses_a_server_that_does_not_greet_with_220(Script script) throws Exception {
        try (var server = StartTlsTestServer.behaving(Behaviour.GREETS_WITH_554)) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", LINES, TIMEOUT));
            assertThat(thrown).as("what echoAll threw for a server that greeted with \"%s\"", StartTlsTestServer.NO_SERVICE)
                    .isInstanceOf(IOException.class);
            var seen = server.connections().getFirst();
            seen.awaitEnd(TIMEOUT);
            assertThat(seen.tlsBytes()).as("bytes the client sent over TLS to a server that greeted with \"%s\" (%s)",
                    StartTlsTestServer.NO_SERVICE, seen).isZero();
        }
    }

    @Graded(points = 2, hint = "A failed handshake after STARTTLS ends the conversation: let the exception out, never carry on over "
            + "the plain socket. See \"Never fall back\".")
    @Test
    void refuses_to_go_on_in_plain_text_when_the_upgrade_fails(Script script) throws Exception {
        for (Identity identity : List.of(Identity.UNTRUSTED, Identity.OTHER_HOST, Identity.EXPIRED)) {
            try (var server = StartTlsTestServer.start(PKI.credentials(identity))) {
                Throwable thrown = catchThrowable(() -> echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", LINES, TIMEOUT));
                var seen = server.connections().getFirst();
                seen.awaitEnd(TIMEOUT);
                assertThat(thrown).as("what echoAll threw when the server's certificate (%s) failed the check after STARTTLS",
                        describe(identity)).isInstanceOf(IOException.class);
                assertThat(seen.tlsBytes()).as("bytes received over TLS").isZero();
                assertThat(seen.plainLines()).as("what the client said in plain text (the lines it was to send go over TLS or nowhere)")
                        .containsExactly("STARTTLS");
            }
        }
        if (LegacyTls.enabled()) {
            try (var server = StartTlsTestServer.start(PKI.localhost(), LegacyTls.OLD_PROTOCOLS)) {
                Throwable thrown = catchThrowable(() -> echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", LINES, TIMEOUT));
                assertThat(thrown).as("what echoAll threw when the server answered STARTTLS, then spoke only TLS 1.0 and 1.1 (TLS 1.2 "
                        + "is the floor)").isInstanceOf(IOException.class);
                assertThat(server.connections().getFirst().protocol()).as("the protocol agreed after STARTTLS").isNull();
            }
        }
    }

    @Graded(points = 1, hint = "startTls returns the TLS socket with its handshake done, the name checked. See \"Upgrading a "
            + "connection\".")
    @Test
    void start_tls_returns_a_verified_socket(Script script) throws Exception {
        try (var server = StartTlsTestServer.start(PKI.localhost()); var plain = new Socket()) {
            plain.connect(server.address(), 2_000);
            SSLSocket tls = startTls(script).call(plain, ReferenceContexts.client(), "localhost", TIMEOUT);
            try (tls) {
                assertThat(tls.getSession().getPeerPrincipal().getName()).as("the server the TLS socket talks to")
                        .isEqualTo(PKI.localhost().subject());
                tls.getOutputStream().write(utf8("x"));
                tls.getOutputStream().flush();
                assertThat(tls.getInputStream().read()).isEqualTo('x');
            }
        }
    }

    @Graded(points = 1, hint = "The TLS part of startTls is any TLS client's: setServerNames(List.of(new SNIHostName(name))) for a "
            + "host name, and no SNI for an address literal such as 127.0.0.1 (SNIHostName refuses one). See \"Host names and SNI\".")
    @Test
    void sends_the_name_as_sni_and_none_for_an_address(Script script) throws Exception {
        try (var server = StartTlsTestServer.start(PKI.localhost())) {
            echoAll(script).call(ReferenceContexts.client(), server.address(), "localhost", List.of("by name"), TIMEOUT);
            assertThat(server.connections().getFirst().serverNames()).as("the SNI sent after STARTTLS, meaning to reach \"localhost\"")
                    .containsExactly("localhost");
        }
        try (var server = StartTlsTestServer.start(PKI.localhost())) {
            List<String> echoes = echoAll(script).call(ReferenceContexts.client(), server.address(), "127.0.0.1", List.of("by address"), TIMEOUT);
            assertThat(echoes).as("echoes through a server reached as \"127.0.0.1\", a name its certificate holds").containsExactly("by address");
            assertThat(server.connections().getFirst().serverNames()).as("the SNI sent for an address literal (SNI carries host names "
                    + "only)").isEmpty();
        }
    }

    @Graded(points = 2, hint = "timeout bounds every wait: the connect (connect(address, millis)), the greeting, the answer to "
            + "STARTTLS and each read of the handshake and the echo (setSoTimeout on the plain socket, before the first read). "
            + "See \"Deadlines\" and \"Upgrading a connection\".")
    @Test
    void gives_up_on_a_server_that_never_finishes_its_part(Script script) throws Exception {
        Duration timeout = Duration.ofMillis(300);
        Map<String, AutoCloseable> peers = new LinkedHashMap<>();
        try {
            peers.put("a server that accepts and never greets", StartTlsTestServer.behaving(Behaviour.SILENT));
            peers.put("a server that greets and never answers STARTTLS", StartTlsTestServer.behaving(Behaviour.GREET_ONLY));
            peers.put("a server that answers STARTTLS with 220 and never sends its ServerHello",
                    StartTlsTestServer.behaving(Behaviour.READY_THEN_SILENT));
            peers.put("a server that completes the handshake and never echoes", StartTlsTestServer.behaving(Behaviour.STALL_AFTER_HANDSHAKE));
            peers.put("an address whose connect never completes (a full backlog)", SilentTcpPort.open());
            // The five waits are the same lesson: they run side by side, each bounded on its own.
            long started = System.nanoTime();
            Map<String, Call> calls = new LinkedHashMap<>();
            peers.forEach((what, peer) -> calls.put(what, echoAll(script).within(Duration.ofSeconds(6)).start(ReferenceContexts.client(),
                    peer instanceof StartTlsTestServer server ? server.address() : ((SilentTcpPort) peer).address(), "localhost",
                    List.of("anyone there?"), timeout)));
            // Every outcome is taken before any is judged: a call whose outcome the test never took would look as if it had died.
            Map<String, Throwable> thrown = new LinkedHashMap<>();
            Map<String, Duration> took = new LinkedHashMap<>();
            for (var call : calls.entrySet()) {
                thrown.put(call.getKey(), catchThrowable(() -> call.getValue().result(Duration.ofSeconds(6))));
                took.put(call.getKey(), Duration.ofNanos(System.nanoTime() - started));
            }
            for (String what : calls.keySet()) {
                assertThat(thrown.get(what)).as("what echoAll(..., %d ms) threw for %s", timeout.toMillis(), what)
                        .isInstanceOf(IOException.class);
                assertThat(took.get(what)).as("how long echoAll(..., %d ms) waited for %s", timeout.toMillis(), what)
                        .isLessThan(Duration.ofMillis(3_000));
            }
        } finally {
            for (AutoCloseable peer : peers.values()) {
                peer.close();
            }
        }
    }

    // The server's side

    @Graded(points = 3, hint = "Greet with a 220 line, read lines a byte at a time until STARTTLS, answer 220, then wrap the same "
            + "socket as the server (setUseClientMode(false)), handshake and echo. See \"Upgrading a connection\".")
    @Test
    void server_greets_upgrades_on_starttls_and_echoes(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE);
             var plain = TcpTestClient.connect(address(listener))) {
            assertThat(readLine(plain)).as("the server's greeting").startsWith("220");
            plain.send(utf8("STARTTLS\r\n"));
            assertThat(readLine(plain)).as("the server's answer to STARTTLS").startsWith("220");
            try (var tls = TlsTestClient.over(plain.socket(), "localhost", TlsTestClient.options())) {
                byte[] sent = utf8("now protected £€");
                byte[] echoed = tls.exchange(sent, TIMEOUT);
                assertThat(echoed).as("Sent %s over TLS after STARTTLS; got %s", Bytes.describe(sent), Bytes.describe(echoed)).isEqualTo(sent);
            } catch (IOException e) {
                throw new AssertionError("After \"STARTTLS\" and the server's 220, the TLS handshake on the same connection failed: " + e, e);
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Before STARTTLS nothing is echoed: answer any other line with a 530 line and wait for STARTTLS. "
            + "See \"Upgrading a connection\".")
    @Test
    void server_echoes_nothing_in_plain_text(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE);
             var plain = TcpTestClient.connect(address(listener))) {
            readLine(plain);
            plain.send(utf8("hello in plain text\n"));
            String answer = readLine(plain);
            assertThat(answer).as("the server's answer to \"hello in plain text\" sent before STARTTLS").startsWith("530");
            plain.send(utf8("STARTTLS\n"));
            assertThat(readLine(plain)).as("the answer to STARTTLS, sent after a refused line").startsWith("220");
            try (var tls = TlsTestClient.over(plain.socket(), "localhost", TlsTestClient.options())) {
                assertThat(tls.exchange(utf8("ok"), TIMEOUT)).isEqualTo(utf8("ok"));
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "After its 220 the server expects a ClientHello; anything else fails the handshake, and the connection "
            + "must end there (close the socket), not go on in plain text nor wait for the deadline. See \"Never fall back\".")
    @Test
    void server_ends_the_connection_when_the_upgrade_fails(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE);
             var plain = TcpTestClient.connect(address(listener))) {
            readLine(plain);
            plain.send(utf8("STARTTLS\n"));
            readLine(plain);
            plain.send(utf8("no TLS after all, echo me please\n"));
            Closing.Watched watched = Closing.watch(plain, FAILED_HANDSHAKE_ENDS_WITHIN);
            assertThat(new String(watched.sent(), StandardCharsets.ISO_8859_1)).as("what the server sent to a client that said "
                    + "STARTTLS, got 220, then sent plain text instead of a ClientHello (at most a TLS alert, then the end): %s",
                    watched.describe(FAILED_HANDSHAKE_ENDS_WITHIN)).doesNotContain("echo me");
            assertThat(watched.ended()).as("whether the server ended the connection (end of stream or reset) within %d ms of a "
                    + "failed handshake, its deadline being %d s: after its 220 a client sent \"no TLS after all, echo me "
                    + "please\\n\" instead of a ClientHello, and %s", FAILED_HANDSHAKE_ENDS_WITHIN.toMillis(),
                    SERVER_DEADLINE.toSeconds(), watched.describe(FAILED_HANDSHAKE_ENDS_WITHIN)).isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "The deadline is one timer for the plain-text part and the handshake together, started at the "
            + "accept, that closes the connection when it runs out: a read timeout bounds each read, and a client that sends a byte "
            + "now and then resets it for ever. Cancel it once the handshake is done. See \"Upgrading a connection\".")
    @Test
    void one_deadline_bounds_the_plain_text_part_and_the_handshake(Script script) throws Exception {
        Duration deadline = Duration.ofMillis(500);
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), deadline);
             var trickler = TcpTestClient.connect(address(listener))) {
            readLine(trickler);
            long started = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            while (!closed && Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofMillis(3_500)) < 0) {
                try {
                    trickler.socket().getOutputStream().write('N'); // the start of a line that never ends
                    sent++;
                } catch (IOException brokenPipe) {
                    break;
                }
                closed = Closing.await(trickler, Duration.ofMillis(150));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(closed).as("After the greeting a client sent one byte every 150 ms and never STARTTLS (%d bytes in %d ms); "
                    + "with a deadline of %d ms the server should have closed the connection by then", sent, took.toMillis(),
                    deadline.toMillis()).isTrue();
            assertThat(took).as("when the server closed a connection that trickled, with a deadline of %d ms", deadline.toMillis())
                    .isLessThan(Duration.ofMillis(2_800));
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Once the handshake is done, cancel the deadline: the echo over TLS may pause as long as it likes. "
            + "See \"Upgrading a connection\".")
    @Test
    void the_echo_may_pause_longer_than_the_deadline(Script script) throws Exception {
        // Long enough for a warm handshake on a busy machine (tens of ms), short enough that the pause costs little.
        Duration deadline = Duration.ofMillis(600);
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), deadline);
             var plain = TcpTestClient.connect(address(listener))) {
            readLine(plain);
            plain.send(utf8("STARTTLS\r\n"));
            readLine(plain);
            try (var tls = TlsTestClient.over(plain.socket(), "localhost", TlsTestClient.options())) {
                assertThat(tls.exchange(utf8("before"), TIMEOUT)).isEqualTo(utf8("before"));
                Thread.sleep(deadline.toMillis() + 300); // the pause is the point: longer than the deadline, from the accept on
                byte[] echoed = tls.exchange(utf8("after a pause"), TIMEOUT);
                assertThat(echoed).as("the echo after a pause longer than the deadline (%d ms)", deadline.toMillis())
                        .isEqualTo(utf8("after a pause"));
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "After STARTTLS the server is a TLS server like any other: keep only TLSv1.3 and TLSv1.2 "
            + "(SSLParameters.setProtocols). See \"Versions and the floor\".")
    @Test
    void server_refuses_tls_1_0_and_1_1_after_starttls(Script script) throws Exception {
        Assumptions.assumeTrue(LegacyTls.enabled(), "this JVM cannot speak TLS 1.0 at all, so there is nothing to refuse");
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE)) {
            for (String old : LegacyTls.OLD_PROTOCOLS) {
                try (var plain = TcpTestClient.connect(address(listener))) {
                    readLine(plain);
                    plain.send(utf8("STARTTLS\r\n"));
                    readLine(plain);
                    try (var tls = TlsTestClient.over(plain.socket(), "localhost", TlsTestClient.options().protocols(old))) {
                        throw new AssertionError("A client offering only " + old + " after STARTTLS completed a handshake ("
                                + tls.protocol() + ") with the server; TLS 1.2 must be the floor.");
                    } catch (IOException refused) {
                        // as it should be
                    }
                }
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "accept() can fail while the listener is open (\"Too many open files\"): that costs one connection, "
            + "not the server. Return only when the listener is closed. See \"Upgrading a connection\".")
    @Test
    void one_failed_accept_does_not_end_the_server(Script script) throws Exception {
        try (var listener = FailingListener.failingOnce(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE);
             var plain = TcpTestClient.connect(address(listener))) {
            assertThat(readLine(plain)).as("the greeting to a client that connected after the listener's first accept() threw \"%s\"",
                    FailingListener.MESSAGE).startsWith("220");
            assertThat(listener.failures()).as("accept() calls that threw").isEqualTo(1);
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Each connection on a thread of its own; a client stuck in its plain-text phase holds up nobody.")
    @Test
    void server_serves_a_second_client_while_a_first_one_dawdles(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener, serverContext(), SERVER_DEADLINE);
             var dawdler = TcpTestClient.connect(address(listener));
             var plain = TcpTestClient.connect(address(listener))) {
            assertThat(readLine(plain)).as("the greeting to a second client while the first one says nothing").startsWith("220");
            plain.send(utf8("STARTTLS\n"));
            readLine(plain);
            try (var tls = TlsTestClient.over(plain.socket(), "localhost", TlsTestClient.options())) {
                assertThat(tls.exchange(utf8("second"), TIMEOUT)).isEqualTo(utf8("second"));
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "main with --serve loads --certfile and --keyfile and serves; without it, it is the client, "
            + "trusting --cafile. See \"Run and grade\".")
    @Test
    void main_serves_and_talks_starttls(Script script) throws Exception {
        var localhost = PKI.localhost();
        try (MainProcess server = script.startMain("--serve", "--certfile", localhost.chainFile().toString(),
                "--keyfile", localhost.keyFile().toString(), "--host", "127.0.0.1", "--port", "0")) {
            InetSocketAddress address = Mains.awaitServing(server, Duration.ofSeconds(10));
            try (MainProcess client = script.startMain("--cafile", PKI.caFile().toString(), "--server-name", "localhost",
                    "--host", "127.0.0.1", "--port", String.valueOf(address.getPort()), "over STARTTLS £€")) {
                assertThat(client.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", client.commandLine(),
                        client.transcript()).isZero();
                assertThat(client.stdout()).as("what `%s` printed", client.commandLine()).contains("RCVD over STARTTLS £€");
            }
        }
    }

    private static String describe(Identity identity) {
        return switch (identity) {
            case UNTRUSTED -> "from a CA nobody trusts";
            case OTHER_HOST -> "for other.example";
            case EXPIRED -> "expired";
            default -> identity.name();
        };
    }

    private static SSLContext serverContext() {
        return ReferenceContexts.server(PKI.localhost());
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** One line from the server, read a byte at a time so that nothing after it is taken. */
    private static String readLine(TcpTestClient client) throws IOException {
        var line = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        InputStream in = client.socket().getInputStream();
        while (true) {
            if (System.nanoTime() > deadline || CurrentTest.learnerCodeDied()) {
                throw new AssertionError("No line from the server within " + TIMEOUT.toMillis() + " ms; it had sent "
                        + Bytes.describe(line.toByteArray()) + ".");
            }
            client.socket().setSoTimeout(100);
            int b;
            try {
                b = in.read();
            } catch (java.net.SocketTimeoutException notYet) {
                continue;
            }
            if (b == -1) {
                throw new AssertionError("The server ended the connection where a line was expected; it had sent "
                        + Bytes.describe(line.toByteArray()) + ".");
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8).replaceFirst("\r$", "");
            }
            line.write(b);
        }
    }
}
