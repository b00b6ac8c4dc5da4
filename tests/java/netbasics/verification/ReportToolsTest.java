package netbasics.verification;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import netbasics.conversation.Conversation;
import netbasics.conversation.Diff;
import netbasics.fixtures.FaultyTcpProxy;
import netbasics.fixtures.FaultyTcpProxy.Faults;
import netbasics.fixtures.FaultyUdpRelay;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.UdpTestClient;
import netbasics.grading.Outcome;
import netbasics.report.HtmlReport;
import netbasics.report.Pcapng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a learner sees, checked with the tools a learner would use: report.html rendered by a real
 * browser (headless Chromium: the DOM it built and a screenshot of it), and the pcapng capture read
 * back by tshark. Each check skips, saying why, where its tool is not installed; CI installs both.
 *
 * <p>The conversations are recorded from deliberately broken servers (see {@link ConversationTest}):
 * a UDP echo server that cuts datagrams, behind a relay that loses one, and a TCP echo server
 * behind a proxy that slices the stream.
 */
class ReportToolsTest {

    private static final Duration WITHIN = Duration.ofSeconds(2);
    private static final Path FOLDER = Path.of("target", "conversation-check");
    private static List<Outcome> outcomes;

    @BeforeAll
    static void recordTwoFailingTests() throws Exception {
        Files.createDirectories(FOLDER);
        outcomes = new ArrayList<>();

        Conversation.begin();
        byte[] sent = utf8("Hello £€, datagram");
        String diff;
        try (var broken = new ConversationTest.CuttingUdpEchoServer(10);
             var relay = FaultyUdpRelay.to(broken.address()).loss(0.5).seed(3).start();
             var client = UdpTestClient.open()) {
            byte[] reply = new byte[0];
            for (int attempt = 0; attempt < 6 && reply.length == 0; attempt++) {
                client.send(relay.address(), sent);
                reply = client.receive(Duration.ofMillis(300)).map(UdpTestClient.Datagram::payload).orElse(new byte[0]);
            }
            diff = Diff.bytes(sent, reply);
        }
        String udp = Conversation.end().toJson();
        outcomes.add(new Outcome("02-datagrams", "UdpEchoServer", "echoes a datagram to its sender", 2, Outcome.Status.FAILED,
                "The echo differs from what was sent:\n" + diff + "\n\nHint: Size the receive buffer for the largest datagram.", "", udp));

        Conversation.begin();
        try (var broken = new ConversationTest.FirstReadOnlyTcpEchoServer();
             var proxy = FaultyTcpProxy.start(broken.address(), Faults.none(), Faults.none().sliced(4, Duration.ofMillis(1)), 7);
             var client = TcpTestClient.connect(proxy.address())) {
            client.send(utf8("first frame"));
            client.receive(11, WITHIN);
            client.shutdownOutput();
            client.awaitEndOfStream(WITHIN);
        }
        String tcp = Conversation.end().toJson();
        outcomes.add(new Outcome("03-streams", "TcpEchoServer", "echoes every read", 2, Outcome.Status.FAILED,
                "Only the first read came back.\n\nHint: Loop until read returns -1.", "", tcp));
        outcomes.add(new Outcome("03-streams", "TcpEchoServer", "ends its side after the client's", 1, Outcome.Status.PASSED, ""));
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES) // two Chromium starts, each bounded by run(); a cold one once took over 30 s in CI
    void chromium_renders_the_report_with_its_table_tests_and_diagrams() throws Exception {
        Path report = HtmlReport.write(FOLDER, "broken/", outcomes).toAbsolutePath();
        Rendered rendered = render(report, 2400);
        String dom = rendered.dom();
        assertThat(dom).contains("<table id=\"scores\"").contains("id=\"total\"").contains("1 / 5 points (20 %)");
        assertThat(count(dom, "<li class=\"test failed\"")).isEqualTo(2);
        assertThat(count(dom, "<li class=\"test passed\"")).isEqualTo(1);
        assertThat(count(dom, "<svg")).isEqualTo(2);
        assertThat(dom).contains("class=\"event loss\"").contains("class=\"event write\"").contains("class=\"event fin\"")
                .contains("class=\"hint\"").contains("^^ first difference");

        BufferedImage image = rendered.screenshot();
        // The loss is drawn in the diagram's red, the stream's segments in its green: the SVG was painted, not just parsed.
        assertThat(pixelsNear(image, 0xc0392b)).as("red pixels of the lost datagram").isGreaterThan(20);
        assertThat(pixelsNear(image, 0x2d7d46)).as("green pixels of the stream segments").isGreaterThan(20);
    }

    /** What headless Chromium made of a page: the DOM it built, and a screenshot of its top. */
    record Rendered(String dom, BufferedImage screenshot, Path screenshotFile) {}

    /**
     * Renders {@code report} in headless Chromium (skipping, or in CI failing, where there is none):
     * the DOM it built, and a screenshot 1280 pixels wide and {@code height} high, next to the page
     * (never kept in the repository: target/ only).
     */
    static Rendered render(Path report, int height) throws Exception {
        Optional<String> chromium = onPath("chromium", "chromium-browser", "google-chrome");
        assumeInstalled(chromium, "no chromium on the PATH (Debian package chromium; .ci/run installs it)");
        Path page = report.toAbsolutePath();
        Path profile = Files.createTempDirectory("netbasics-chromium");
        List<String> headless = List.of(chromium.get(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage");

        List<String> dump = new ArrayList<>(headless);
        dump.addAll(List.of("--user-data-dir=" + profile.resolve("dom"), "--dump-dom", page.toUri().toString()));
        String dom = run(dump);

        Path screenshot = page.resolveSibling(page.getFileName().toString().replaceFirst("\\.html$", "") + ".png");
        Files.deleteIfExists(screenshot);
        List<String> shoot = new ArrayList<>(headless);
        shoot.addAll(List.of("--hide-scrollbars", "--window-size=1280," + height, "--user-data-dir=" + profile.resolve("shot"),
                "--screenshot=" + screenshot, page.toUri().toString()));
        run(shoot);
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("a PNG screenshot at " + screenshot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1280);
        return new Rendered(dom, image, screenshot);
    }

    /** The tshark on the PATH (skipping, or in CI failing, where there is none). */
    static String tshark() {
        Optional<String> tshark = onPath("tshark");
        assumeInstalled(tshark, "no tshark on the PATH (Debian package tshark; .ci/run installs it)");
        return tshark.get();
    }

    @Test
    void tshark_reads_the_capture_back_packet_by_packet() throws Exception {
        Optional<String> tshark = Optional.of(tshark());
        List<Path> files = Pcapng.writeAll(FOLDER.resolve("pcap"), outcomes);
        assertThat(files).hasSize(2);

        List<String[]> udp = fields(tshark.get(), files.get(0), "ip.src", "udp.srcport", "udp.dstport", "udp.length",
                "udp.checksum.status", "ip.checksum.status", "frame.comment", "_ws.malformed");
        assertThat(udp).isNotEmpty().allSatisfy(row -> {
            assertThat(row[0]).isEqualTo("127.0.0.1");
            assertThat(row[4]).as("UDP checksum status (1: good)").isEqualTo("1");
            assertThat(row[5]).as("IP checksum status (1: good)").isEqualTo("1");
            assertThat(row[7]).as("malformed").isEmpty();
        });
        assertThat(udp).anySatisfy(row -> assertThat(row[3]).isEqualTo(String.valueOf(8 + 21)));
        assertThat(udp).anySatisfy(row -> assertThat(row[3]).isEqualTo(String.valueOf(8 + 10)));
        assertThat(udp).anySatisfy(row -> assertThat(row[6]).contains("LOST"));

        List<String[]> tcp = fields(tshark.get(), files.get(1), "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset",
                "tcp.len", "tcp.seq", "tcp.checksum.status", "_ws.malformed", "tcp.analysis.lost_segment",
                "tcp.analysis.retransmission", "tcp.analysis.out_of_order");
        assertThat(tcp.get(0)).startsWith("1", "0");
        assertThat(tcp.get(1)).startsWith("1", "1");
        assertThat(tcp).filteredOn(row -> row[2].equals("1")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(tcp).allSatisfy(row -> {
            assertThat(row[6]).as("TCP checksum status (1: good)").isEqualTo("1");
            assertThat(row[7]).as("malformed").isEmpty();
            // Lost segments, retransmissions and reordering would mean inconsistent sequence numbers; a port pair that a
            // later connection of the recording happens to reuse is no fault of the capture, so that flag is not asked.
            assertThat(String.join("", row[8], row[9], row[10])).as("tshark's TCP analysis (lost segments, retransmissions, out of order)").isEmpty();
        });
        // The sliced echo: several segments of 1 to 4 bytes.
        assertThat(tcp).filteredOn(row -> !row[4].isEmpty() && Integer.parseInt(row[4]) > 0 && Integer.parseInt(row[4]) <= 4)
                .hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void tshark_reads_an_ipv6_stream_with_its_reset() throws Exception {
        Optional<String> tshark = Optional.of(tshark());
        String client = "[::1]:40000";
        String server = "[::1]:8881";
        var exchange = new netbasics.report.Exchange(0, List.of("test client", netbasics.report.Exchange.LEARNER), List.of(
                event(0, netbasics.report.Exchange.Kind.CONNECT, "test client", client, server, new byte[0]),
                event(10, netbasics.report.Exchange.Kind.WRITE, "test client", client, server, utf8("hello")),
                event(20, netbasics.report.Exchange.Kind.READ, netbasics.report.Exchange.LEARNER, server, client, utf8("hel")),
                event(30, netbasics.report.Exchange.Kind.RST, netbasics.report.Exchange.LEARNER, server, client, new byte[0])), 0, 0);
        Path file = FOLDER.resolve("ipv6.pcapng");
        Pcapng.write(exchange, file);
        List<String[]> rows = fields(tshark.get(), file, "ipv6.src", "ipv6.dst", "tcp.flags.syn", "tcp.flags.reset", "tcp.len",
                "tcp.checksum.status", "tcp.ack", "tcp.seq");
        assertThat(rows).hasSize(6); // SYN, SYN-ACK, ACK, data, data back, RST
        assertThat(rows.get(0)).startsWith("::1", "::1", "1", "0");
        assertThat(rows.get(3)[4]).isEqualTo("5");
        assertThat(rows.get(4)[4]).isEqualTo("3");
        assertThat(rows.get(4)[6]).as("the reply acknowledges the 5 bytes after the SYN (relative)").isEqualTo("6");
        assertThat(rows.get(5)[3]).isEqualTo("1");
        assertThat(rows).allSatisfy(row -> assertThat(row[5]).as("TCP checksum status (1: good)").isEqualTo("1"));
    }

    private static netbasics.report.Exchange.Event event(long micros, netbasics.report.Exchange.Kind kind, String from,
                                                         String fromAddress, String toAddress, byte[] bytes) {
        String to = from.equals("test client") ? netbasics.report.Exchange.LEARNER : "test client";
        return new netbasics.report.Exchange.Event(micros, kind, from, to, fromAddress, toAddress, "tcp", bytes.length, bytes, null, "");
    }

    /** Each packet of {@code file} as tshark dissects it (checksums verified): the {@code fields} asked for, in order. */
    static List<String[]> fields(String tshark, Path file, String... fields) throws Exception {
        List<String> command = new ArrayList<>(List.of(tshark, "-r", file.toString(), "-o", "udp.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-T", "fields", "-E", "separator=\t"));
        for (String field : fields) {
            command.add("-e");
            command.add(field);
        }
        return run(command).lines().filter(l -> !l.isBlank()).map(l -> l.split("\t", -1)).toList();
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("netbasics-tool", ".out");
        var process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within 90 s");
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        assertThat(process.exitValue()).as(String.join(" ", command) + " exit status").isZero();
        return output;
    }

    /** Skips without the tool, unless .ci/run said it installed the tools (NETBASICS_REPORT_TOOLS=required): then a missing one fails. */
    private static void assumeInstalled(Optional<String> tool, String reason) {
        if ("required".equals(System.getenv("NETBASICS_REPORT_TOOLS"))) {
            assertThat(tool).as(reason).isPresent();
        }
        assumeTrue(tool.isPresent(), reason);
    }

    private static Optional<String> onPath(String... names) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                File candidate = new File(directory, name);
                if (candidate.canExecute()) {
                    return Optional.of(candidate.getPath());
                }
            }
        }
        return Optional.empty();
    }

    static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) < 12 && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 12
                        && Math.abs((p & 0xff) - (rgb & 0xff)) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}
