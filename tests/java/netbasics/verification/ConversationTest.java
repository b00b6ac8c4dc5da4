package netbasics.verification;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import netbasics.conversation.Conversation;
import netbasics.conversation.Diff;
import netbasics.conversation.Reproduce;
import netbasics.fixtures.ChannelEchoPeer;
import netbasics.fixtures.ChannelTestClient;
import netbasics.fixtures.FaultyTcpProxy;
import netbasics.fixtures.FaultyTcpProxy.Faults;
import netbasics.fixtures.FaultyUdpRelay;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.SocketDirectory;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.UdpTestClient;
import netbasics.grading.Outcome;
import netbasics.report.Exchange;
import netbasics.report.Exchange.Kind;
import netbasics.report.HtmlReport;
import netbasics.report.Pcapng;
import netbasics.report.SequenceDiagram;
import netbasics.report.TranscriptText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conversation a failing test shows a learner: the fixtures record it, and it renders as a
 * transcript, a hexdump diff, a sequence diagram, a report page and a pcapng capture. Demonstrated
 * here on deliberately broken servers written inline, standing for a learner's mistakes: a UDP echo
 * server whose receive buffer is too small (it cuts datagrams), and a TCP echo server that answers
 * only its first read.
 */
class ConversationTest {

    private static final Duration WITHIN = Duration.ofSeconds(2);

    @AfterEach
    void stopRecording() {
        Conversation.end();
    }

    @Test
    void a_cut_echo_shows_who_said_what_and_the_first_byte_that_differs() throws Exception {
        Conversation.begin();
        byte[] sent = utf8("Hello £€, datagram");
        byte[] reply;
        try (var broken = new CuttingUdpEchoServer(10); var client = UdpTestClient.open()) {
            reply = client.exchange(broken.address(), sent, WITHIN).payload();
        }
        Exchange exchange = Conversation.end();

        assertThat(exchange.events()).extracting(Exchange.Event::kind).containsExactly(Kind.DATAGRAM, Kind.DATAGRAM);
        assertThat(exchange.lifelines()).containsExactly("test client", Exchange.LEARNER);
        String text = TranscriptText.of(exchange);
        assertThat(text).contains("test client → your code").contains("your code → test client")
                .contains("datagram 21 bytes \"Hello £€, datagram\"").contains("datagram 10 bytes hex 48 65 6c 6c 6f 20 c2 a3 e2 82");

        String diff = Diff.bytes(sent, reply);
        assertThat(diff).startsWith("expected 21 bytes, got 10 bytes: they differ from byte 10 (0xa) on — what came stops there");
        List<String> lines = diff.lines().toList();
        int actualRow = lines.indexOf(lines.stream().filter(l -> l.startsWith(" actual")).findFirst().orElseThrow());
        String marker = lines.get(actualRow + 1);
        // The marker stands under byte 10's column in the rows above it.
        assertThat(marker.indexOf("^^")).isEqualTo(lines.get(0 + 1).indexOf("0a"));
        assertThat(Diff.bytes(sent, sent)).isEqualTo("identical (21 bytes)");
        assertThat(Diff.bytes(utf8("abc"), utf8("abd"))).contains("expected 0x63, got 0x64");
    }

    @Test
    void the_fault_relay_shows_its_losses_and_duplicates_as_such() throws Exception {
        Conversation.begin();
        try (var broken = new CuttingUdpEchoServer(1_000);
             var relay = FaultyUdpRelay.to(broken.address()).duplication(1).start();
             var client = UdpTestClient.open()) {
            client.exchange(relay.address(), utf8("twice"), WITHIN);
            for (int more = 0; more < 3; more++) {
                // Each of the two copies is echoed, and each echo doubled on its way back: four in all.
                assertThat(client.receive(WITHIN)).isPresent();
            }
        }
        try (var broken = new CuttingUdpEchoServer(1_000);
             var relay = FaultyUdpRelay.to(broken.address()).loss(1).start();
             var client = UdpTestClient.open()) {
            client.send(relay.address(), utf8("never arrives"));
            assertThat(client.receive(Duration.ofMillis(200))).isEmpty();
        }
        Exchange exchange = Conversation.end();

        assertThat(exchange.events()).extracting(Exchange.Event::kind).contains(Kind.DUPLICATE, Kind.LOSS, Kind.TIMEOUT);
        assertThat(exchange.events()).filteredOn(e -> e.kind() == Kind.LOSS).singleElement()
                .satisfies(loss -> assertThat(loss.from()).isEqualTo("fault relay"));
        // One datagram the client sent, two the relay sent on, two the learner's code answered, four the relay sent back.
        assertThat(exchange.events().subList(0, 9)).extracting(e -> e.from() + " → " + e.to()).containsExactly(
                "test client → fault relay", "fault relay → your code", "fault relay → your code",
                "your code → fault relay", "fault relay → test client", "fault relay → test client",
                "your code → fault relay", "fault relay → test client", "fault relay → test client");
        String svg = SequenceDiagram.svg(exchange);
        assertThat(svg).contains("class=\"event loss\"").contains("class=\"lost\"").contains("class=\"event duplicate\"")
                .contains(">fault relay</text>");
        assertWellFormedXml(svg);
    }

    @Test
    void a_stream_shows_how_it_was_split_and_how_it_ended() throws Exception {
        Conversation.begin();
        try (var broken = new FirstReadOnlyTcpEchoServer();
             var proxy = FaultyTcpProxy.start(broken.address(), Faults.none(), Faults.none().sliced(3, Duration.ofMillis(1)), 42);
             var client = TcpTestClient.connect(proxy.address())) {
            client.send(utf8("first frame"));
            client.receive(11, WITHIN);
            client.shutdownOutput();
            assertThat(client.awaitEndOfStream(WITHIN)).isTrue();
        }
        Exchange exchange = Conversation.end();

        List<Kind> kinds = exchange.events().stream().map(Exchange.Event::kind).toList();
        // The client's connect to the proxy, then the proxy's own to the server (which may come after the client's first write).
        assertThat(kinds).startsWith(Kind.CONNECT).contains(Kind.WRITE, Kind.READ, Kind.FIN);
        assertThat(kinds).filteredOn(Kind.CONNECT::equals).hasSize(2);
        // The proxy cut the 11-byte echo into segments of 1 to 3 bytes on its way back.
        List<Exchange.Event> segments = exchange.events().stream()
                .filter(e -> e.kind() == Kind.WRITE && e.from().equals("fault proxy") && e.to().equals("test client")).toList();
        assertThat(segments).hasSizeGreaterThanOrEqualTo(4).allSatisfy(s -> assertThat(s.length()).isBetween(1, 3));
        assertThat(exchange.events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Kind.FIN);
            assertThat(e.from()).isEqualTo(Exchange.LEARNER);
        });
        assertWellFormedXml(SequenceDiagram.svg(exchange));
        assertThat(TranscriptText.of(exchange)).contains("fault proxy → your code").contains("FIN: ends its side of the stream");
    }

    @Test
    void a_handshake_refused_for_the_wrong_name_shows_its_steps_and_the_alert() throws Exception {
        var pki = netbasics.fixtures.tls.TestPki.get();
        Conversation.begin();
        // The server plays a learner's that presents a certificate for another host.
        try (var server = netbasics.fixtures.tls.TlsTestServer.start(pki.credentials(netbasics.fixtures.tls.TestPki.Identity.OTHER_HOST))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> netbasics.fixtures.tls.TlsTestClient.connect(server.address()).close())
                    .isInstanceOf(IOException.class);
        }
        Exchange exchange = Conversation.end();
        // Each end records the connection (the client's connect, the server's accept), in whichever order
        // their threads get there; then the handshake.
        List<Kind> kinds = exchange.events().stream().map(Exchange.Event::kind).toList();
        assertThat(kinds).startsWith(Kind.CONNECT);
        assertThat(kinds.stream().filter(kind -> kind != Kind.CONNECT).toList()).startsWith(Kind.TLS, Kind.TLS);
        String text = TranscriptText.of(exchange);
        // Both ends are fixtures here, and each records its own side: the client its ClientHello and its refusal.
        assertThat(text).contains("tls test client → tls test server  TLS ClientHello for localhost")
                .contains("tls test client → tls test server  TLS handshake failed: (certificate_unknown) No subject alternative DNS name");
        assertWellFormedXml(SequenceDiagram.svg(exchange));
    }

    @Test
    void a_unix_domain_stream_is_recorded_under_stand_ins_and_captured_as_tcp() throws Exception {
        try (var directory = SocketDirectory.create()) {
            var path = java.net.UnixDomainSocketAddress.of(directory.resolve("echo.sock"));
            Conversation.begin();
            // A learner's server that echoes only its first read, over a socket file.
            try (var listener = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX).bind(path)) {
                Thread.ofPlatform().daemon().start(() -> {
                    try (var connection = listener.accept()) {
                        ByteBuffer buffer = ByteBuffer.allocate(1024);
                        connection.read(buffer);
                        connection.write(buffer.flip());
                        connection.shutdownOutput();
                    } catch (IOException closed) {
                        // the test is over
                    }
                });
                try (var client = ChannelTestClient.connect(path)) {
                    client.send(utf8("first"), WITHIN);
                    client.receive(5, WITHIN);
                    assertThat(client.awaitEndOfStream(WITHIN)).isTrue();
                }
            }
            // And a learner's client talking to the echo peer over a socket file of its own.
            var peerPath = java.net.UnixDomainSocketAddress.of(directory.resolve("peer.sock"));
            try (var peer = ChannelEchoPeer.on(peerPath); var learner = java.nio.channels.SocketChannel.open(peerPath)) {
                learner.write(ByteBuffer.wrap(utf8("hi peer")));
                learner.shutdownOutput();
                ByteBuffer echo = ByteBuffer.allocate(16);
                while (learner.read(echo) != -1) {
                    // until the peer ends its side
                }
            }
            Exchange exchange = Conversation.end();
            String text = TranscriptText.of(exchange);
            assertThat(text).contains("test client → your code  connect").contains("test client → your code  wrote 5 bytes \"first\"")
                    .contains("your code → test client  sent 5 bytes \"first\"").contains("your code → test client  FIN")
                    .contains("your code → echo peer    sent 7 bytes \"hi peer\"").contains("echo peer → your code    wrote 7 bytes");
            assertThat(exchange.events()).allSatisfy(e -> assertThat(e.fromAddress()).startsWith(directory.path().toString()));
            // The capture draws both streams as TCP between stand-ins, and says what they stand for.
            String capture = new String(Pcapng.bytes(exchange), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(capture).contains("127.1.0.1:49152 stands for the Unix-domain socket ").contains(directory.path().toString());
        }
    }

    @Test
    void the_tls_servers_record_their_side_of_the_handshake_the_alert_and_the_plain_text_after_a_refusal() throws Exception {
        var pki = netbasics.fixtures.tls.TestPki.get();
        Conversation.begin();
        try (var server = netbasics.fixtures.tls.TlsTestServer.start(pki.localhost())) {
            // A learner's client that trusts the test root: a handshake, an echo.
            var context = netbasics.fixtures.tls.ReferenceContexts.client();
            try (var learner = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("localhost", server.address().getPort())) {
                learner.getOutputStream().write(utf8("over TLS"));
                learner.getInputStream().readNBytes(8);
            }
            // One that trusts nothing the server shows: it refuses the handshake with an alert.
            try (var refusing = (javax.net.ssl.SSLSocket) javax.net.ssl.SSLContext.getDefault().getSocketFactory()
                    .createSocket("localhost", server.address().getPort())) {
                org.assertj.core.api.Assertions.assertThatThrownBy(refusing::startHandshake).isInstanceOf(IOException.class);
            }
            server.connections().get(1).awaitEnd(WITHIN);
        }
        try (var refusing = netbasics.fixtures.tls.StartTlsTestServer.refusing();
             var learner = new Socket(refusing.address().getAddress(), refusing.address().getPort())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(learner.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            in.readLine();
            learner.getOutputStream().write(utf8("STARTTLS\n"));
            in.readLine();
            learner.getOutputStream().write(utf8("secret"));
            learner.shutdownOutput();
            refusing.connections().get(0).awaitEnd(WITHIN);
        }
        String text = TranscriptText.of(Conversation.end());
        assertThat(text).contains("your code → tls test server  connect").contains("your code → tls test server  TLS ClientHello without SNI")
                .contains("tls test server → your code  TLS ServerHello TLSv1.3").contains("TLS handshake done: TLSv1.3")
                .contains("sent 8 bytes \"over TLS\" (arrived in one read) — TLS application data, decrypted")
                .containsAnyOf("your code → tls test server  TLS alert certificate_unknown: the handshake was refused",
                        // the refusing client can close before the server's flight is all written: its write fails first
                        "your code → tls test server  TLS handshake ended by the other side: Broken pipe",
                        "your code → tls test server  TLS handshake ended by the other side: Connection reset")
                .contains("starttls server → your code  wrote 38 bytes \"220 netbasics echo, STARTTLS required\\n\"")
                .contains("sent 9 bytes \"STARTTLS\\n\"").contains("wrote 22 bytes \"454 TLS not available\\n\"")
                .contains("sent 6 bytes \"secret\"").contains("in plain text, after the refusal");
    }

    @Test
    void the_silent_port_records_each_connection_attempt_it_never_answers() throws Exception {
        Conversation.begin();
        try (var silent = SilentTcpPort.open(); var learner = new Socket()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(silent.watchable(),
                    "this kernel's /proc/net/tcp and tcp6 do not list this network's sockets (a sandboxed kernel's may not), "
                            + "so no attempt can be seen");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> learner.connect(silent.address(), 300))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        } // closing the port waits for its watch's last look, which sees the attempt gone
        String text = TranscriptText.of(Conversation.end());
        assertThat(text).containsPattern("silent port +listens with its queue full")
                .containsPattern("your code → silent port +SYN: a connection attempt, never answered")
                .containsPattern("your code → silent port +waited — about \\d+ ms for its connect, then gave up");
    }

    @Test
    void an_address_a_fixture_gave_back_before_the_test_began_speaks_for_the_learner() throws Exception {
        try (var earlier = Loopback.tcpListener(); var during = Loopback.tcpListener(); var peer = Loopback.tcpListener()) {
            // A fixture of a test that is over gave its port back; the system may hand that port to the learner's code next.
            Conversation.claim("echo peer", earlier.getLocalSocketAddress());
            Conversation.release(earlier.getLocalSocketAddress());
            Conversation.begin();
            // A fixture of this test gives its port back: what it still sends is its own for a while.
            Conversation.claim("fault proxy", during.getLocalSocketAddress());
            Conversation.release(during.getLocalSocketAddress());
            Conversation.received(Kind.READ, Conversation.TCP, earlier.getLocalSocketAddress(), peer.getLocalSocketAddress(),
                    utf8("mine"), 0, 4, "");
            Conversation.received(Kind.READ, Conversation.TCP, during.getLocalSocketAddress(), peer.getLocalSocketAddress(),
                    utf8("its"), 0, 3, "");
        }
        Exchange exchange = Conversation.end();
        assertThat(exchange.events()).singleElement().satisfies(read -> {
            assertThat(read.from()).isEqualTo(Exchange.LEARNER);
            assertThat(read.length()).isEqualTo(4);
        });
    }

    @Test
    void recording_is_bounded_per_event_and_per_test_and_says_so() throws Exception {
        Conversation.begin();
        try (var broken = new CuttingUdpEchoServer(65_507); var client = UdpTestClient.open()) {
            byte[] big = new byte[60_000];
            Arrays.fill(big, (byte) 7);
            client.exchange(broken.address(), big, WITHIN);
            for (int i = 0; i < 2_100; i++) {
                client.send(broken.address(), utf8("flood " + i));
            }
        }
        Exchange exchange = Conversation.end();

        Exchange.Event big = exchange.events().get(0);
        assertThat(big.length()).isEqualTo(60_000);
        assertThat(big.head()).hasSize(2048);
        assertThat(big.tail()).hasSize(1024);
        assertThat(big.cut()).isTrue();
        assertThat(TranscriptText.what(big)).contains("bytes not kept");
        assertThat(exchange.events()).hasSizeLessThanOrEqualTo(1_000);
        assertThat(exchange.eventsLeftOut()).isPositive();
        String text = TranscriptText.of(exchange);
        assertThat(text).contains("events left out here").contains("later events were not recorded");
        assertThat(text.lines().count()).isLessThan(40);
        assertThat(Conversation.recording()).isFalse();
        // Outside begin and end nothing is recorded.
        try (var client = UdpTestClient.open()) {
            client.send(client.address(), utf8("unheard"));
        }
        assertThat(Conversation.snapshot().isEmpty()).isTrue();
    }

    @Test
    void the_json_form_reads_back_the_same_and_bad_json_reads_as_nothing() throws Exception {
        Conversation.begin();
        try (var broken = new CuttingUdpEchoServer(4); var client = UdpTestClient.open()) {
            client.exchange(broken.address(), new byte[] {0, 1, 2, 3, (byte) 0xff}, WITHIN);
        }
        Exchange exchange = Conversation.end();
        Exchange read = Exchange.fromJson(exchange.toJson());
        assertThat(read.events()).hasSize(2);
        assertThat(read.events().get(0).head()).containsExactly(0, 1, 2, 3, 0xff);
        assertThat(read.events().get(1).fromAddress()).isEqualTo(exchange.events().get(1).fromAddress());
        assertThat(TranscriptText.of(read)).isEqualTo(TranscriptText.of(exchange));
        assertThat(TranscriptText.markdown(read)).startsWith("```text\n").endsWith("```\n").contains("your code → test client");
        assertThat(TranscriptText.markdown(Exchange.empty())).isEmpty();
        assertThat(Exchange.fromJson("{not json").isEmpty()).isTrue();
        assertThat(Exchange.fromJson("").isEmpty()).isTrue();
        assertThat(Exchange.fromJson("[1,2]").isEmpty()).isTrue();
    }

    @Test
    void the_report_escapes_what_untrusted_code_wrote_and_draws_each_failing_test() throws Exception {
        Exchange exchange = new Exchange(0, List.of("test client", Exchange.LEARNER), List.of(
                new Exchange.Event(0, Kind.DATAGRAM, "test client", Exchange.LEARNER, "127.0.0.1:5000", "127.0.0.1:6000", "udp", 5,
                        utf8("<b>hi"), null, "</svg><script>alert(1)</script>")), 0, 0);
        List<Outcome> outcomes = List.of(
                new Outcome("02-datagrams", "UdpEchoServer", "echoes a datagram", 2, Outcome.Status.FAILED,
                        "No echo <script>alert(2)</script>\n\nHint: Receive & send back.", "printed </pre>", exchange.toJson()),
                new Outcome("02-datagrams", "UdpEchoServer", "echoes an empty datagram", 1, Outcome.Status.PASSED, ""));
        String html = HtmlReport.html("solutions/", outcomes);
        assertThat(html).doesNotContain("<script").contains("&lt;script&gt;alert(2)").contains("Receive &amp; send back.")
                .contains("class=\"hint\"").contains("<svg").contains("1 / 3 points (33 %)");
        // Nothing to fetch: the only address in the page is the SVG namespace, which names and loads nothing.
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).contains("default-src 'none'")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("src=").doesNotContain("href=\"http");
        assertWellFormedXml(SequenceDiagram.svg(exchange));
    }

    @Test
    void the_pcapng_has_a_section_an_interface_and_a_packet_per_datagram() throws Exception {
        Conversation.begin();
        try (var broken = new CuttingUdpEchoServer(10); var client = UdpTestClient.open()) {
            client.exchange(broken.address(), utf8("Hello £€, datagram"), WITHIN);
        }
        byte[] file = Pcapng.bytes(Conversation.end());
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Integer> types = new ArrayList<>();
        while (in.remaining() >= 12) {
            int start = in.position();
            int type = in.getInt();
            int length = in.getInt();
            assertThat(length % 4).isZero();
            assertThat(in.getInt(start + length - 4)).isEqualTo(length);
            types.add(type);
            in.position(start + length);
        }
        assertThat(in.remaining()).isZero();
        assertThat(types).containsExactly(0x0A0D0D0A, 1, 6, 6);
    }

    @Test
    void reproduce_lines_use_the_scripts_alias_and_tools_the_dev_container_has() {
        assertThat(Reproduce.udpServer("udp-echo-server", utf8("hello")))
                .startsWith("Reproduce by hand: ./jbang udp-echo-server --port 9000")
                .contains("python3 -c 'import socket;").contains("s.sendto(b\"hello\", (\"127.0.0.1\", 9000))");
        assertThat(Reproduce.udpServer("udp-echo-server", new byte[] {0, (byte) 0xff})).contains("bytes.fromhex(\"00ff\")");
        assertThat(Reproduce.tcpClient("tcp-echo-client", "hello")).contains("ss.TCPServer").contains("./jbang tcp-echo-client --port 9000 hello");
        assertThat(Reproduce.tlsServer("tls-echo-server")).contains("openssl s_client -connect 127.0.0.1:9000 -servername localhost");
        assertThat(Reproduce.alias("UdpEchoServer")).isEqualTo("udp-echo-server");
        assertThat(Reproduce.alias("StartTls")).isEqualTo("start-tls");
    }

    @Test
    void the_reproduce_line_is_guessed_from_who_spoke_first() throws Exception {
        Conversation.begin();
        try (var broken = new CuttingUdpEchoServer(10); var client = UdpTestClient.open()) {
            client.exchange(broken.address(), utf8("ping"), WITHIN);
        }
        assertThat(Reproduce.guess(Conversation.end(), "UdpEchoServer")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("Reproduce by hand: ./jbang udp-echo-server --port 9000").contains("s.sendto(b\"ping\""));
        Conversation.begin();
        try (var broken = new FirstReadOnlyTcpEchoServer(); var client = TcpTestClient.connect(broken.address())) {
            client.exchange(utf8("frame"), WITHIN);
        }
        assertThat(Reproduce.guess(Conversation.end(), "TcpEchoServer")).hasValueSatisfying(line -> assertThat(line)
                .startsWith("Reproduce by hand: ./jbang tcp-echo-server --port 9000").contains("s.sendall(b\"frame\")"));
        assertThat(Reproduce.guess(Exchange.empty(), "TcpEchoServer")).isEmpty();
    }

    static void assertWellFormedXml(String xml) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        InputStream in = new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(factory.newDocumentBuilder().parse(in).getDocumentElement().getNodeName()).isEqualTo("svg");
    }

    /** A UDP echo server with a receive buffer of {@code size} bytes: it cuts longer datagrams, as a learner's might. */
    static final class CuttingUdpEchoServer implements AutoCloseable {
        private final DatagramSocket socket = Loopback.udpSocket();
        private final Thread thread;

        CuttingUdpEchoServer(int size) throws IOException {
            socket.setReceiveBufferSize(1 << 20);
            thread = Thread.ofPlatform().daemon().start(() -> {
                var packet = new DatagramPacket(new byte[size], size);
                while (!socket.isClosed()) {
                    try {
                        packet.setData(new byte[size]);
                        socket.receive(packet);
                        socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        java.net.InetSocketAddress address() {
            return (java.net.InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(2_000);
        }
    }

    /** A TCP echo server that echoes its first read only, then ends its side when the client ends its own. */
    static final class FirstReadOnlyTcpEchoServer implements AutoCloseable {
        private final ServerSocket listener = Loopback.tcpListener();
        private final Thread thread;

        FirstReadOnlyTcpEchoServer() throws IOException {
            thread = Thread.ofPlatform().daemon().start(() -> {
                try (Socket connection = listener.accept()) {
                    byte[] buffer = new byte[1024];
                    int n = connection.getInputStream().read(buffer);
                    connection.getOutputStream().write(buffer, 0, Math.max(0, n));
                    while (connection.getInputStream().read(buffer) != -1) {
                        // swallow the rest, as the mistake does
                    }
                    connection.shutdownOutput();
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        java.net.InetSocketAddress address() {
            return (java.net.InetSocketAddress) listener.getLocalSocketAddress();
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(2_000);
        }
    }
}
