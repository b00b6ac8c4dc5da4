package netbasics.chapters.tls;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.tls.LegacyTls;
import netbasics.fixtures.tls.Openssl;
import netbasics.fixtures.tls.ReferenceContexts;
import netbasics.fixtures.tls.TestPki;
import netbasics.fixtures.tls.TestPki.Identity;
import netbasics.fixtures.tls.TlsTestClient;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TlsEchoServer: TLS on each accepted connection, on its own thread, with a handshake deadline; mutual TLS on demand.
 *
 * <table>
 * <caption>Each clause of the contract (javadoc, TODO, "Deadlines", "The server wraps what it accepts", "When a handshake
 * fails", "Mutual TLS") and its test</caption>
 * <tr><th>clause</th><th>test</th></tr>
 * <tr><td>wraps each accepted connection as the TLS server and echoes, presenting the whole chain</td>
 *     <td>{@link #speaks_tls_on_each_accepted_connection_and_echoes}</td></tr>
 * <tr><td>each connection on its own thread: a stalled handshake holds up nobody</td>
 *     <td>{@link #a_client_that_stalls_its_handshake_holds_up_nobody_else}</td></tr>
 * <tr><td>the handshake done within handshakeTimeout, or the connection closed: a silent client</td>
 *     <td>{@link #drops_a_stalled_handshake_at_its_deadline}</td></tr>
 * <tr><td>the deadline bounds the whole handshake, not each read: a trickling ClientHello</td>
 *     <td>{@link #the_handshake_deadline_bounds_the_whole_handshake_not_each_read}</td></tr>
 * <tr><td>the deadline is for the handshake only: a conversation may pause longer</td>
 *     <td>{@link #a_conversation_may_pause_longer_than_the_handshake_deadline}</td></tr>
 * <tr><td>a failed handshake costs only its own connection</td><td>{@link #survives_clients_whose_handshake_fails}</td></tr>
 * <tr><td>TLS 1.2 is the floor</td><td>{@link #refuses_tls_1_0_and_1_1}</td></tr>
 * <tr><td>requireClientCert: a certificate needed (not wanted), from a trusted CA; "Authenticated as SUBJECT" first</td>
 *     <td>{@link #demands_a_client_certificate_and_names_its_subject}</td></tr>
 * <tr><td>echoes until the client ends its stream, then closes the connection</td>
 *     <td>{@link #closes_the_connection_when_the_client_ends_its_stream}</td></tr>
 * <tr><td>returns quietly when the listener is closed</td><td>{@link #returns_quietly_when_its_listener_is_closed} (and every
 *     test's {@code server.stop()})</td></tr>
 * <tr><td>one failed accept() on an open listener does not end the server</td>
 *     <td>{@link #one_failed_accept_does_not_end_the_server}</td></tr>
 * <tr><td>main: a context from --certfile and --keyfile, "Serving at", usage and exit 2 without them</td>
 *     <td>{@link #main_serves_tls_from_pem_files}</td></tr>
 * <tr><td>another TLS implementation verifies it and gets its echo (mutual TLS)</td>
 *     <td>{@link #openssl_s_client_verifies_the_server_and_gets_its_echo}</td></tr>
 * </table>
 * <p>Not graded: the short pause after a failed accept (a server that tries again at once still serves;
 * only its CPU use differs while descriptors run out), and main's own 10-second handshake deadline
 * (waiting it out would cost a test 10 s; serve's deadline is graded with short ones).
 */
@Exercise(chapter = "06-tls", script = "TlsEchoServer")
public class TlsEchoServerTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);
    /**
     * The handshake deadline where a test is not about it: it runs from the accept to the end of the
     * handshake, which a cold JVM on a busy machine can take seconds to reach.
     */
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final TestPki PKI = TestPki.get();

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocket.class, SSLContext.class, boolean.class, Duration.class);
    }

    /** The server's context: the test PKI's localhost chain, and the test root for client certificates. */
    private static SSLContext context() {
        return ReferenceContexts.server(PKI.localhost(), PKI.root());
    }

    private static Serving start(Script script, ServerSocket listener, boolean requireClientCert, Duration handshakeTimeout) {
        return Serving.start(serve(script), listener, context(), requireClientCert, handshakeTimeout);
    }

    @Graded(points = 3, hint = "Accept on the plain listener, then wrap each accepted socket with "
            + "context.getSocketFactory().createSocket(accepted, null, port, true), setUseClientMode(false), and echo over it. "
            + "See \"The server wraps what it accepts\".")
    @Test
    void speaks_tls_on_each_accepted_connection_and_echoes(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT);
             var client = connect(listener)) {
            for (String line : List.of("Hello over TLS £€", "a second line on the same connection")) {
                assertEcho(utf8(line), client.exchange(utf8(line), REPLY_WITHIN));
            }
            assertThat(client.session().getPeerCertificates()).as("the certificates the server presented").hasSize(2);
            client.close();
            server.stop();
        }
    }

    @Graded(points = 3, hint = "Do the handshake on the connection's own thread, not in the accept loop: a client that connects "
            + "and says nothing must not hold up the next one. See \"The server wraps what it accepts\".")
    @Test
    void a_client_that_stalls_its_handshake_holds_up_nobody_else(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT);
             var staller = TcpTestClient.connect(address(listener))) {
            long started = System.nanoTime();
            try (var client = connect(listener)) {
                assertEcho(utf8("not held up"), client.exchange(utf8("not held up"), REPLY_WITHIN));
            } catch (IOException e) {
                throw new AssertionError("A client connected and said nothing (no ClientHello); a second client then could not "
                        + "complete its handshake: " + e, e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("how long a second client waited for its handshake and echo while a first one stalled its "
                    + "handshake (the handshake deadline is %d ms)", HANDSHAKE_TIMEOUT.toMillis()).isLessThan(Duration.ofMillis(3_000));
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Give the handshake a deadline: a timer started before startHandshake() that closes the connection "
            + "when handshakeTimeout has passed, cancelled once the handshake is done. See \"Deadlines\".")
    @Test
    void drops_a_stalled_handshake_at_its_deadline(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, Duration.ofMillis(300));
             var staller = TcpTestClient.connect(address(listener))) {
            assertThat(Closing.await(staller, Duration.ofSeconds(4)))
                    .as("A client connected and sent nothing; with a handshake deadline of 300 ms the server should have closed "
                            + "the connection within 4 s").isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A read timeout bounds each read, not the handshake: a client that sends its ClientHello a byte at a "
            + "time resets it at every byte. The deadline is a timer that closes the connection when handshakeTimeout has passed "
            + "since the accept, however the bytes come. See \"Deadlines\".")
    @Test
    void the_handshake_deadline_bounds_the_whole_handshake_not_each_read(Script script) throws Exception {
        Duration deadline = Duration.ofMillis(500);
        Duration trickleFor = Duration.ofMillis(3_500);
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, deadline);
             var trickler = TcpTestClient.connect(address(listener))) {
            // The start of a TLS record that announces a 512-byte ClientHello, then its body one byte every 150 ms.
            byte[] hello = new byte[5 + 512];
            hello[0] = 0x16;
            hello[1] = 0x03;
            hello[2] = 0x01;
            hello[3] = 0x02;
            long started = System.nanoTime();
            int sent = 0;
            boolean closed = false;
            while (!closed && sent < hello.length && Duration.ofNanos(System.nanoTime() - started).compareTo(trickleFor) < 0) {
                try {
                    trickler.socket().getOutputStream().write(hello[sent++]);
                } catch (IOException brokenPipe) {
                    closed = true;
                    break;
                }
                closed = Closing.await(trickler, Duration.ofMillis(150));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(closed).as("A client sent the start of a ClientHello one byte every 150 ms (%d bytes in %d ms); with a "
                    + "handshake deadline of %d ms the server should have closed the connection by then, but it was still open",
                    sent, took.toMillis(), deadline.toMillis()).isTrue();
            assertThat(took).as("when the server closed a connection whose ClientHello trickled in, with a handshake deadline of "
                    + "%d ms", deadline.toMillis()).isLessThan(Duration.ofMillis(2_800));
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Once the handshake is done, cancel its deadline (and lift any read timeout you set: setSoTimeout(0)): "
            + "a conversation may pause. See \"Deadlines\".")
    @Test
    void a_conversation_may_pause_longer_than_the_handshake_deadline(Script script) throws Exception {
        // Long enough for a warm handshake on a busy machine (tens of ms), short enough that the pause costs little.
        Duration deadline = Duration.ofMillis(600);
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, deadline);
             var client = connect(listener)) {
            assertEcho(utf8("before a pause"), client.exchange(utf8("before a pause"), REPLY_WITHIN));
            Thread.sleep(deadline.toMillis() + 300); // the pause is the point: longer than the deadline, counted from the accept
            assertEcho(utf8("after a pause"), client.exchange(utf8("after a pause"), REPLY_WITHIN));
            server.stop();
        }
    }

    @Graded(points = 2, hint = "accept() can fail while the listener is open (\"Too many open files\" under load): that costs one "
            + "connection, not the server. Return only when the listener is closed; otherwise report it and accept again. "
            + "See \"When a handshake fails\".")
    @Test
    void one_failed_accept_does_not_end_the_server(Script script) throws Exception {
        try (var listener = FailingListener.failingOnce(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT)) {
            try (var client = connect(listener)) {
                assertEcho(utf8("after a failed accept"), client.exchange(utf8("after a failed accept"), REPLY_WITHIN));
            } catch (IOException e) {
                throw new AssertionError("The listener's first accept() threw \"" + FailingListener.MESSAGE + "\" (the listener stayed "
                        + "open); a client that connected then got no TLS handshake: " + e + (server.call().isRunning() ? ""
                        : " (serve had ended: " + server.call().failure().map(Object::toString).orElse("returned") + ")"), e);
            }
            assertThat(listener.failures()).as("accept() calls that threw").isEqualTo(1);
            server.stop();
        }
    }

    @Graded(points = 3, hint = "A failed handshake throws an IOException (SSLHandshakeException) on that connection's thread: "
            + "catch it there, close that connection, and keep accepting. See \"When a handshake fails\".")
    @Test
    void survives_clients_whose_handshake_fails(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT)) {
            try (var plainText = TcpTestClient.connect(address(listener))) {
                plainText.send(utf8("GET / HTTP/1.0\r\n\r\n")); // plain text where a ClientHello belongs
                Closing.await(plainText, REPLY_WITHIN);
            }
            try (var distrustful = TlsTestClient.connect(address(listener), TestPki.SERVER_NAME,
                    TlsTestClient.options().context(ReferenceContexts.client(PKI.rogueRoot())))) {
                throw new AssertionError("a client that trusts only the rogue CA completed a handshake with the server");
            } catch (IOException expected) {
                // the client aborted the handshake: the server must take that in its stride
            }
            try (var wrongName = TlsTestClient.connect(address(listener), TestPki.OTHER_HOST, TlsTestClient.options())) {
                throw new AssertionError("a client of other.example accepted the localhost certificate");
            } catch (IOException expected) {
                // refused by the client
            }
            try (var client = connect(listener)) {
                assertEcho(utf8("still serving?"), client.exchange(utf8("still serving?"), REPLY_WITHIN));
            }
            assertThat(server.call().isRunning()).as("serve is still running after three clients' handshakes failed").isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Limit the protocols on each wrapped socket to TLSv1.3 and TLSv1.2 (SSLParameters.setProtocols): "
            + "do not rely on the JDK's security policy to refuse TLS 1.0 and 1.1 for you. See \"Versions and the floor\".")
    @Test
    void refuses_tls_1_0_and_1_1(Script script) throws Exception {
        Assumptions.assumeTrue(LegacyTls.enabled(), "this JVM cannot speak TLS 1.0 at all, so there is nothing to refuse");
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT)) {
            for (String old : LegacyTls.OLD_PROTOCOLS) {
                try (var client = TlsTestClient.connect(address(listener), TestPki.SERVER_NAME, TlsTestClient.options().protocols(old))) {
                    throw new AssertionError("A client offering only " + old + " completed a handshake (" + client.protocol()
                            + ") with the server; TLS 1.2 must be the floor.");
                } catch (IOException expected) {
                    // refused: as it should be
                }
            }
            try (var client = connect(listener)) {
                assertThat(client.protocol()).as("the protocol agreed with a modern client").isIn("TLSv1.3", "TLSv1.2");
            }
            server.stop();
        }
    }

    @Graded(points = 3, hint = "With requireClientCert, setNeedClientAuth(true) (not setWantClientAuth, which lets clients "
            + "without a certificate in), then send \"Authenticated as \" + the peer principal's name. See \"Mutual TLS\".")
    @Test
    void demands_a_client_certificate_and_names_its_subject(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, true, HANDSHAKE_TIMEOUT)) {
            var client = PKI.credentials(Identity.CLIENT);
            try (var authenticated = TlsTestClient.connect(address(listener), TestPki.SERVER_NAME, TlsTestClient.options().presenting(client))) {
                assertThat(authenticated.readLine(REPLY_WITHIN)).as("the first line the server sends a client that showed its certificate")
                        .isEqualTo("Authenticated as " + client.subject());
                assertEcho(utf8("mutual £€"), authenticated.exchange(utf8("mutual £€"), REPLY_WITHIN));
            }
            assertRefused(listener, TlsTestClient.options(), "a client without a certificate");
            assertRefused(listener, TlsTestClient.options().presenting(PKI.credentials(Identity.ROGUE_CLIENT)),
                    "a client whose certificate comes from a CA the server does not trust");
            server.stop();
        }
    }

    @Graded(points = 1, hint = "When the client ends its stream (read returns -1), close the connection: try-with-resources on "
            + "the TLS socket sends close_notify and closes the socket under it. See \"The server wraps what it accepts\".")
    @Test
    void closes_the_connection_when_the_client_ends_its_stream(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT);
             var client = TlsTestClient.connect(address(listener), TestPki.SERVER_NAME, TlsTestClient.options().protocols("TLSv1.3"))) {
            assertEcho(utf8("last line"), client.exchange(utf8("last line"), REPLY_WITHIN));
            client.socket().shutdownOutput(); // TLS 1.3 has half-close: close_notify goes out, the echo may still come in
            assertThat(client.awaitEndOfStream(REPLY_WITHIN)).as("whether the server ended the connection within %d ms of the "
                    + "client's close_notify (the end of its stream)", REPLY_WITHIN.toMillis()).isTrue();
            server.stop();
        }
    }

    @Graded(points = 1, hint = "When the listener is closed, accept() throws a SocketException: return quietly then.")
    @Test
    void returns_quietly_when_its_listener_is_closed(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, false, HANDSHAKE_TIMEOUT);
             var client = connect(listener)) {
            assertEcho(utf8("before close"), client.exchange(utf8("before close"), REPLY_WITHIN));
            server.stop();
        }
    }

    @Graded(points = 2, hint = "main builds the context from --certfile and --keyfile (as TlsContexts.serverContext does), binds a "
            + "plain ServerSocket, prints \"Serving at HOST:PORT\" and calls serve. See \"Contexts from files\".")
    @Test
    void main_serves_tls_from_pem_files(Script script) throws Exception {
        var localhost = PKI.localhost();
        try (MainProcess main = script.startMain("--certfile", localhost.chainFile().toString(), "--keyfile", localhost.keyFile().toString(),
                "--host", "127.0.0.1", "--port", "0")) {
            var address = Mains.awaitServing(main, Duration.ofSeconds(10));
            try (var client = TlsTestClient.connect(address)) {
                assertEcho(utf8("hello main"), client.exchange(utf8("hello main"), REPLY_WITHIN));
            } catch (IOException e) {
                throw new AssertionError("A client trusting the test root could not talk TLS to " + address + ", where main said it "
                        + "serves: " + e + "\n" + main.transcript(), e);
            }
        }
        try (MainProcess bad = script.startMain("--port", "8881")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s` (no certificate)", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    @Tag("openssl")
    @Graded(points = 2, hint = "openssl s_client is another TLS implementation: it checks the chain up to ca.pem and the name "
            + "localhost, and must get its line echoed. See \"Talking to openssl\".")
    @Test
    void openssl_s_client_verifies_the_server_and_gets_its_echo(Script script) throws Exception {
        Openssl.assumeInstalled();
        var client = PKI.credentials(Identity.CLIENT);
        try (var listener = Loopback.tcpListener(); var server = start(script, listener, true, HANDSHAKE_TIMEOUT);
             var openssl = Openssl.start("s_client", "-connect", "127.0.0.1:" + listener.getLocalPort(), "-servername", "localhost",
                     "-verify_hostname", "localhost", "-CAfile", PKI.caFile().toString(), "-verify_return_error",
                     "-cert", client.chainFile().toString(), "-cert_chain", client.chainFile().toString(), "-key", client.keyFile().toString(), "-quiet", "-no_ign_eof")) {
            openssl.awaitOutput(Pattern.compile("Authenticated as " + Pattern.quote(client.subject())), Duration.ofSeconds(10));
            openssl.write("echo through openssl\n");
            openssl.awaitOutput(Pattern.compile("echo through openssl"), Duration.ofSeconds(5));
            openssl.closeInput();
            assertThat(openssl.awaitExit(Duration.ofSeconds(5))).as("exit status of openssl s_client. %s", openssl.transcript()).isZero();
            server.stop();
        }
    }

    /** The client must be refused by the TLS layer: in its handshake, or (TLS 1.3) by an alert just after it. */
    private static void assertRefused(ServerSocket listener, TlsTestClient.Options options, String who) throws IOException {
        TlsTestClient client;
        try {
            client = TlsTestClient.connect(address(listener), TestPki.SERVER_NAME, options);
        } catch (IOException refusedInTheHandshake) {
            return;
        }
        try (client) {
            // With TLS 1.3 the server's verdict on the client's certificate arrives after the client's handshake is done.
            client.socket().setSoTimeout((int) REPLY_WITHIN.toMillis());
            int first;
            try {
                first = client.socket().getInputStream().read();
            } catch (javax.net.ssl.SSLException refusedByAnAlert) {
                return;
            } catch (java.net.SocketTimeoutException keptOpen) {
                throw new AssertionError("The server must require client certificates, yet it completed a handshake with " + who
                        + " and kept the connection open: the client was let in.");
            } catch (IOException broken) {
                return; // reset, or the watch closed the connection: either way, not let in
            }
            throw new AssertionError("The server must require client certificates, yet it completed a handshake with " + who
                    + " and then " + (first == -1 ? "closed the connection without a TLS alert" : "sent it data")
                    + ": the client was let in. A server that demands a certificate refuses such a client in the handshake.");
        }
    }

    private static TlsTestClient connect(ServerSocket listener) throws IOException {
        return TlsTestClient.connect(address(listener));
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private static void assertEcho(byte[] sent, byte[] echoed) {
        assertThat(echoed).as("Sent %s over TLS; got %s back: %s", Bytes.describe(sent), Bytes.describe(echoed),
                Bytes.firstDifference(sent, echoed)).isEqualTo(sent);
    }
}
