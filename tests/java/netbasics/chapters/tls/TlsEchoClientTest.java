package netbasics.chapters.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.Waiting;
import netbasics.fixtures.tls.LegacyTls;
import netbasics.fixtures.tls.Openssl;
import netbasics.fixtures.tls.ReferenceContexts;
import netbasics.fixtures.tls.TestPki;
import netbasics.fixtures.tls.TestPki.Identity;
import netbasics.fixtures.tls.TlsTestServer;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TlsEchoClient: the echo over a connection whose server has proven its certificate and name.
 *
 * <table>
 * <caption>Each clause of the contract (javadoc, TODO, "A client that checks", "Host names and SNI", "Deadlines") and its
 * test</caption>
 * <tr><th>clause</th><th>test</th></tr>
 * <tr><td>echoAll echoes each line, in order, over one verified connection</td>
 *     <td>{@link #echoes_lines_over_a_verified_connection}</td></tr>
 * <tr><td>echoAll reads until each whole echo is back (a read returns whatever has arrived)</td>
 *     <td>{@link #reads_until_the_whole_echo_is_back}</td></tr>
 * <tr><td>echoAll closes its connection when it is done (the server reads the end of the stream)</td>
 *     <td>{@link #echo_all_closes_its_connection_when_it_is_done}</td></tr>
 * <tr><td>connect returns a socket whose handshake is done, with the server proven</td>
 *     <td>{@link #connect_returns_a_socket_whose_handshake_is_done}</td></tr>
 * <tr><td>the server's chain must end at an anchor of the context: self-signed and rogue-CA refused</td>
 *     <td>{@link #refuses_servers_whose_chain_ends_nowhere_trusted}</td></tr>
 * <tr><td>expired and not-yet-valid certificates refused</td><td>{@link #refuses_expired_and_not_yet_valid_certificates}</td></tr>
 * <tr><td>the certificate must name serverName, checked in the handshake, before any byte is sent</td>
 *     <td>{@link #refuses_a_certificate_for_another_host_before_sending_anything}</td></tr>
 * <tr><td>the name checked is serverName, not the address connected to; an address literal is a name too</td>
 *     <td>{@link #checks_the_name_it_was_given_not_the_address}</td></tr>
 * <tr><td>serverName is sent as SNI; no SNI for an address literal</td>
 *     <td>{@link #sends_the_server_name_it_means_to_reach}, {@link #checks_the_name_it_was_given_not_the_address}</td></tr>
 * <tr><td>TLS 1.2 is the floor</td><td>{@link #refuses_a_server_that_speaks_only_tls_1_0_or_1_1}</td></tr>
 * <tr><td>timeout bounds the connect</td><td>{@link #gives_up_on_an_address_whose_connect_never_completes}</td></tr>
 * <tr><td>timeout bounds the handshake's reads (a server that accepts and never answers)</td>
 *     <td>{@link #gives_up_on_a_server_that_never_answers_the_handshake}</td></tr>
 * <tr><td>timeout bounds every later read</td><td>{@link #gives_up_on_a_server_that_stops_answering_after_the_handshake}</td></tr>
 * <tr><td>connect closes the connection when it fails</td><td>{@link #closes_its_connection_when_the_handshake_fails}</td></tr>
 * <tr><td>main: SENT/RCVD lines; a refusal in one line on standard error, exit status 1, nothing sent</td>
 *     <td>{@link #main_echoes_and_refuses_an_expired_server_in_one_line}</td></tr>
 * <tr><td>talks to another TLS implementation</td><td>{@link #talks_to_openssl_s_server}</td></tr>
 * </table>
 */
@Exercise(chapter = "06-tls", script = "TlsEchoClient")
public class TlsEchoClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The timeout for a peer that never answers: nothing has to get through within it, so it can be short. */
    private static final Duration NEVER_ANSWERED_TIMEOUT = Duration.ofMillis(150);
    private static final TestPki PKI = TestPki.get();
    private static final List<String> LINES = List.of("Hello over TLS", "£€ and more", "the end");

    private static Contract connect(Script script) {
        return script.method("connect", SSLSocket.class, SSLContext.class, InetSocketAddress.class, String.class, Duration.class);
    }

    private static Contract echoAll(Script script) {
        return script.method("echoAll", List.class, SSLContext.class, InetSocketAddress.class, String.class, List.class, Duration.class);
    }

    /** The context the client is given: it trusts the test root, and nothing else. */
    private static SSLContext trustingTheRoot() {
        return ReferenceContexts.client();
    }

    @Graded(points = 3, hint = "Connect, wrap the socket with context.getSocketFactory().createSocket(plain, serverName, port, true), "
            + "startHandshake(), then echo each line as chapter 03's client does. See \"A client that checks\".")
    @Test
    void echoes_lines_over_a_verified_connection(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost())) {
            List<String> echoes = echoAll(script).call(trustingTheRoot(), server.address(), "localhost", LINES, TIMEOUT);
            assertThat(echoes).as("what echoAll returned for %s sent to a TLS echo server", LINES).isEqualTo(LINES);
            assertThat(server.connections()).as("connections echoAll made for %d lines (one, for all of them)", LINES.size()).hasSize(1);
            var seen = server.awaitConnection(TIMEOUT);
            assertThat(seen.protocol()).as("the protocol agreed with the server").isIn("TLSv1.3", "TLSv1.2");
        }
    }

    @Graded(points = 1, hint = "A read returns whatever has arrived, over TLS as over TCP: read until as many bytes as you sent have "
            + "come back. See \"A client that checks\".")
    @Test
    void reads_until_the_whole_echo_is_back(Script script) throws Exception {
        try (var server = TlsTestServer.start(TlsTestServer.options(PKI.localhost()).echoingByteByByte())) {
            List<String> lines = List.of("an echo that comes back one byte per TLS record £€");
            List<String> echoes = echoAll(script).call(trustingTheRoot(), server.address(), "localhost", lines, TIMEOUT);
            assertThat(echoes).as("what echoAll returned from a server that echoes one byte per TLS record").isEqualTo(lines);
        }
    }

    @Graded(points = 1, hint = "connect returns the socket with its handshake done: call startHandshake() before returning, so the "
            + "server has proven itself before the caller sends anything. See \"A client that checks\".")
    @Test
    void connect_returns_a_socket_whose_handshake_is_done(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost())) {
            SSLSocket socket = connect(script).call(trustingTheRoot(), server.address(), "localhost", TIMEOUT);
            try (socket) {
                var seen = server.awaitConnection(TIMEOUT);
                assertThat(seen.protocol()).as("the reference server's view of the handshake, before the client sent anything: %s", seen)
                        .isNotNull();
                assertThat(socket.getSession().getPeerPrincipal().getName()).isEqualTo(PKI.localhost().subject());
            }
        }
    }

    @Graded(points = 2, hint = "Send the name you mean to reach as SNI: SSLParameters.setServerNames(List.of(new SNIHostName(name))). "
            + "The JDK sends it by itself only for names with a dot, so \"localhost\" goes without. See \"Host names and SNI\".")
    @Test
    void sends_the_server_name_it_means_to_reach(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost())) {
            echoAll(script).call(trustingTheRoot(), server.address(), "localhost", List.of("sni"), TIMEOUT);
            var seen = server.awaitConnection(TIMEOUT);
            assertThat(seen.serverNames()).as("the server names (SNI) the client sent when it connected to %s as \"localhost\"",
                    server.address()).containsExactly("localhost");
        }
    }

    @Graded(points = 3, hint = "A valid chain is not enough: the certificate must name the host. Turn on host-name checking in the "
            + "handshake with SSLParameters.setEndpointIdentificationAlgorithm(\"HTTPS\"). See \"Host names and SNI\".")
    @Test
    void refuses_a_certificate_for_another_host_before_sending_anything(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.credentials(Identity.OTHER_HOST))) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(trustingTheRoot(), server.address(), "localhost", LINES, TIMEOUT));
            var seen = server.awaitConnection(TIMEOUT);
            seen.awaitEnd(TIMEOUT);
            assertThat(seen.applicationBytes()).as("application bytes the server received, although its certificate (valid, from "
                    + "the trusted CA) is for other.example and the client meant to reach localhost").isZero();
            assertThat(thrown).as("what echoAll threw for a server whose certificate is for other.example").isInstanceOf(IOException.class);
        }
    }

    @Graded(points = 2, hint = "Check the certificate against the name you were given (serverName), not against the address you "
            + "connect to. See \"Host names and SNI\".")
    @Test
    void checks_the_name_it_was_given_not_the_address(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost())) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(trustingTheRoot(), server.address(), "other.example", LINES, TIMEOUT));
            assertThat(thrown).as("Connected to %s meaning to reach \"other.example\"; the server showed a certificate for localhost "
                    + "and 127.0.0.1. echoAll should have refused it", server.address()).isInstanceOf(IOException.class);
        }
        try (var server = TlsTestServer.start(PKI.localhost())) {
            List<String> echoes = echoAll(script).call(trustingTheRoot(), server.address(), "127.0.0.1", List.of("by address"), TIMEOUT);
            assertThat(echoes).as("echoes from a server reached as \"127.0.0.1\", a name its certificate holds").containsExactly("by address");
            assertThat(server.awaitConnection(TIMEOUT).serverNames()).as("SNI sent for an address literal (SNI carries host names only)")
                    .isEmpty();
        }
    }

    @Graded(points = 2, hint = "Use the context you are given, whose trust managers know the trusted CAs; never replace them with "
            + "one that accepts every certificate. See \"Certificates, chains and anchors\".")
    @Test
    void refuses_servers_whose_chain_ends_nowhere_trusted(Script script) throws Exception {
        for (Identity identity : List.of(Identity.SELF_SIGNED, Identity.UNTRUSTED)) {
            try (var server = TlsTestServer.start(PKI.credentials(identity))) {
                Throwable thrown = catchThrowable(() -> echoAll(script).call(trustingTheRoot(), server.address(), "localhost", LINES, TIMEOUT));
                assertThat(thrown).as("what echoAll threw for a server with a %s certificate for localhost",
                        identity.name().toLowerCase().replace('_', '-')).isInstanceOf(IOException.class);
                assertThat(server.awaitConnection(TIMEOUT).applicationBytes()).isZero();
            }
        }
    }

    @Graded(points = 1, hint = "Expiry is part of the chain check the trust manager does; do not work around it. See \"Certificates, "
            + "chains and anchors\".")
    @Test
    void refuses_expired_and_not_yet_valid_certificates(Script script) throws Exception {
        for (Identity identity : List.of(Identity.EXPIRED, Identity.NOT_YET_VALID)) {
            try (var server = TlsTestServer.start(PKI.credentials(identity))) {
                Throwable thrown = catchThrowable(() -> echoAll(script).call(trustingTheRoot(), server.address(), "localhost", LINES, TIMEOUT));
                assertThat(thrown).as("what echoAll threw for a server whose certificate is %s", identity == Identity.EXPIRED
                        ? "expired" : "not valid yet").isInstanceOf(IOException.class);
            }
        }
    }

    @Graded(points = 2, hint = "Offer only TLSv1.3 and TLSv1.2 (SSLParameters.setProtocols): a client that still speaks TLS 1.0 "
            + "lets an attacker downgrade it. See \"Versions and the floor\".")
    @Test
    void refuses_a_server_that_speaks_only_tls_1_0_or_1_1(Script script) throws Exception {
        Assumptions.assumeTrue(LegacyTls.enabled(), "this JVM cannot speak TLS 1.0 at all, so there is nothing to refuse");
        try (var server = TlsTestServer.start(PKI.localhost(), LegacyTls.OLD_PROTOCOLS)) {
            Throwable thrown = catchThrowable(() -> echoAll(script).call(trustingTheRoot(), server.address(), "localhost", LINES, TIMEOUT));
            assertThat(thrown).as("what echoAll threw for a server that speaks only TLS 1.0 and 1.1").isInstanceOf(IOException.class);
            assertThat(server.awaitConnection(TIMEOUT).protocol()).as("the protocol the server agreed with the client").isNull();
        }
    }

    @Graded(points = 2, hint = "setSoTimeout before startHandshake: the handshake reads too, and a server that accepts but never "
            + "answers would hold the client forever. See \"Deadlines\".")
    @Test
    void gives_up_on_a_server_that_never_answers_the_handshake(Script script) throws Exception {
        try (var silent = Loopback.tcpListener()) { // accepts connections (the system does) but never speaks
            var address = (InetSocketAddress) silent.getLocalSocketAddress();
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> connect(script).within(Duration.ofSeconds(6))
                    .call(trustingTheRoot(), address, "localhost", NEVER_ANSWERED_TIMEOUT));
            assertThat(thrown).as("what connect(..., 150 ms) threw for a server that never answers the ClientHello")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Graded(points = 2, hint = "Connect with the timeout: plain.connect(server, (int) timeout.toMillis()). A connect with no bound "
            + "waits for minutes at an address that never answers. See \"A client that checks\".")
    @Test
    void gives_up_on_an_address_whose_connect_never_completes(Script script) throws Exception {
        try (var silent = SilentTcpPort.open()) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> connect(script).within(Duration.ofSeconds(6))
                    .call(trustingTheRoot(), silent.address(), "localhost", NEVER_ANSWERED_TIMEOUT));
            assertThat(thrown).as("what connect(..., 150 ms) threw for %s, whose connect never completes (a full backlog)", silent)
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("how long connect(..., 150 ms) waited for %s", silent)
                    .isLessThan(Duration.ofSeconds(3));
        }
    }

    @Graded(points = 1, hint = "When connect fails after the plain socket is connected (a handshake that times out or is refused), "
            + "close that socket before letting the exception out: the caller never got it, so nobody else can. See \"A client "
            + "that checks\".")
    @Test
    void closes_its_connection_when_the_handshake_fails(Script script) throws Exception {
        try (var silent = Loopback.tcpListener()) {
            var address = (InetSocketAddress) silent.getLocalSocketAddress();
            var call = connect(script).within(Duration.ofSeconds(6)).start(trustingTheRoot(), address, "localhost", NEVER_ANSWERED_TIMEOUT);
            try (var accepted = Waiting.accept(silent, Duration.ofSeconds(3))) {
                Throwable thrown = catchThrowable(() -> call.result(Duration.ofSeconds(5)));
                assertThat(thrown).as("what connect(..., 150 ms) threw for a server that never answers the ClientHello")
                        .isInstanceOf(IOException.class);
                accepted.setSoTimeout(2_000);
                var in = accepted.getInputStream();
                boolean ended;
                try {
                    in.readNBytes(64 * 1024); // the ClientHello, and then the end of the stream once the client closes
                    ended = true;
                } catch (SocketTimeoutException stillOpen) {
                    ended = false;
                } catch (IOException reset) {
                    ended = true;
                }
                assertThat(ended).as("whether the client closed its connection within 2 s of connect's handshake timing out (the "
                        + "server saw its ClientHello, then waited for the end of the stream)").isTrue();
            }
        }
    }

    @Graded(points = 1, hint = "echoAll closes its socket when it is done (try-with-resources): closing sends close_notify, and the "
            + "server reads the end of the stream. See \"A client that checks\".")
    @Test
    void echo_all_closes_its_connection_when_it_is_done(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost())) {
            echoAll(script).call(trustingTheRoot(), server.address(), "localhost", List.of("bye"), TIMEOUT);
            assertThat(server.awaitConnection(TIMEOUT).awaitEnd(TIMEOUT)).as("whether the server saw the connection end within %d ms "
                    + "of echoAll's return", TIMEOUT.toMillis()).isTrue();
        }
    }

    @Graded(points = 1, hint = "Keep the read timeout after the handshake: every read of an echo is bounded too. See \"Deadlines\".")
    @Test
    void gives_up_on_a_server_that_stops_answering_after_the_handshake(Script script) throws Exception {
        try (var server = TlsTestServer.start(TlsTestServer.options(PKI.localhost()).stallingAfterHandshake())) {
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> echoAll(script).within(Duration.ofSeconds(6))
                    .call(trustingTheRoot(), server.address(), "localhost", LINES, Duration.ofMillis(300)));
            assertThat(thrown).as("what echoAll(..., 300 ms) threw for a server that completes the handshake, then never echoes")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("how long echoAll(..., 300 ms) waited for its first echo")
                    .isLessThan(Duration.ofSeconds(4));
        }
    }

    @Graded(points = 2, hint = "main builds a context from --cafile, calls echoAll, prints SENT/RCVD lines; on a refusal it prints "
            + "one line saying why and exits with status 1. See \"Run and grade\".")
    @Test
    void main_echoes_and_refuses_an_expired_server_in_one_line(Script script) throws Exception {
        try (var server = TlsTestServer.start(PKI.localhost());
             MainProcess main = script.startMain("--cafile", PKI.caFile().toString(), "--server-name", "localhost",
                     "--host", "127.0.0.1", "--port", String.valueOf(server.address().getPort()), "Hello £€")) {
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript()).isZero();
            assertThat(main.stdout()).as("what `%s` printed", main.commandLine()).contains("RCVD Hello £€");
        }
        try (var server = TlsTestServer.start(PKI.credentials(Identity.EXPIRED));
             MainProcess main = script.startMain("--cafile", PKI.caFile().toString(), "--host", "localhost",
                     "--port", String.valueOf(server.address().getPort()), "secret")) {
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s` against a server with an expired certificate\n%s",
                    main.commandLine(), main.transcript()).isEqualTo(1);
            assertThat(main.stderr().strip().lines().toList()).as("what it printed on standard error: one line that says why")
                    .hasSize(1).allSatisfy(line -> assertThat(line).containsIgnoringCase("expired"));
            assertThat(server.awaitConnection(TIMEOUT).applicationBytes()).as("bytes of \"secret\" the server received").isZero();
        }
    }

    @Tag("openssl")
    @Graded(points = 1, hint = "openssl s_server is another TLS implementation; a correct client talks to it as to the JDK's. "
            + "See \"Talking to openssl\".")
    @Test
    void talks_to_openssl_s_server(Script script) throws Exception {
        Openssl.assumeInstalled();
        var localhost = PKI.localhost();
        try (var openssl = Openssl.start("s_server", "-accept", "127.0.0.1:0", "-cert", localhost.chainFile().toString(),
                "-cert_chain", localhost.chainFile().toString(), "-key", localhost.keyFile().toString(), "-naccept", "1")) {
            var accept = openssl.awaitOutput(Pattern.compile("ACCEPT 127\\.0\\.0\\.1:(\\d+)"), Duration.ofSeconds(10));
            var address = new InetSocketAddress("127.0.0.1", Integer.parseInt(accept.group(1)));
            var client = echoAll(script).within(Duration.ofSeconds(10)).start(trustingTheRoot(), address, "localhost",
                    List.of("relayed by openssl"), Duration.ofSeconds(5));
            // s_server prints what it receives and sends what it reads: the test plays the echo.
            openssl.awaitOutput(Pattern.compile("relayed by openssl"), Duration.ofSeconds(8));
            openssl.write("relayed by openssl");
            assertThat(client.result(Duration.ofSeconds(8))).as("what echoAll returned through openssl s_server")
                    .isEqualTo(List.of("relayed by openssl"));
        }
    }
}
