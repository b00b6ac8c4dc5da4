package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netbasics.grader.Engine;
import netbasics.grader.TreeGrading;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import netbasics.report.Exchange;
import netbasics.report.Exchange.Kind;
import netbasics.report.TranscriptText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a learner sees of a broken exercise, end to end: one planted mistake per chapter (a mutant
 * from tests/mutants whose failure is a conversation), all in one tree, graded once the way a
 * learner's run grades (the engine, a sandboxed worker per exercise, the reports written by the
 * trusted side) but stopping at each exercise's first failure, which keeps it cheap. Then each
 * failing test must show its transcript in its message (what the console, results.json and the
 * job summary print), a sequence diagram in report.html as headless Chromium renders it, and a
 * pcapng capture that tshark reads back packet by packet.
 *
 * <p>{@code -Dworkbook.chapter=02-datagrams} narrows it to that chapter's broken exercise.
 */
class BrokenExerciseReportsTest {

    /** One mistake per chapter, each failing a test that talks to the learner's code over a socket. */
    private static final List<String> BROKEN = List.of(
            "01-endpoints/WhoAmI/hangs-up-first",
            "02-datagrams/UdpEchoServer/small-receive-buffer",
            "03-streams/TcpEchoServer/one-read-is-one-conversation",
            "04-modes/SelectorEchoServer/a-reset-ends-the-server",
            "05-local/LocalEchoServer/forgets-to-flip-the-buffer",
            "06-tls/TlsEchoClient/no-host-name-check",
            "07-resolver/StubResolver/accepts-any-id");

    private static final Path HOME = Workbook.home();
    private static final Path FOLDER = Workbook.target("broken-exercises");
    private static final String TRANSCRIPT = "The conversation (time since the test began, who → whom, what):";
    private static final String NOT_RUN = "This test was not run";

    private static List<Mutant> mutants;
    private static GradeReport report;
    private static Path html;
    /** The failures that ran (not those left out after an exercise's first failure), by exercise. */
    private static Map<String, List<Outcome>> failed;

    @BeforeAll
    static void gradeOneTreeWithAMistakeInEachChapter() throws IOException {
        Set<String> chapters = Set.copyOf(names(System.getProperty(Workbook.CHAPTER)));
        mutants = BROKEN.stream().filter(m -> chapters.isEmpty() || chapters.contains(m.split("/")[0]))
                .map(m -> Mutant.read(HOME.resolve("tests/mutants").resolve(m + Mutant.EXTENSION))).toList();
        assertThat(mutants).as("a broken exercise for the chapters " + chapters).isNotEmpty();
        Path tree = FOLDER.resolve("tree");
        delete(FOLDER);
        mutants.forEach(mutant -> mutant.plantInto(HOME.resolve("solutions"), tree));

        // Each exercise stops at its first failure, and the test that caught the mistake in the last
        // self-check runs first: the passing tests before it in the suite would show nothing here.
        Map<String, String> caughtBy = Mutant.caughtBy(HOME.resolve(Mutant.CAUGHT_BY));
        long started = System.nanoTime();
        try (Engine engine = new Engine(Engine.defaultSlots(), 1)) {
            List<CompletableFuture<List<Outcome>>> graded = mutants.stream().map(mutant -> engine.submitUntilFirstFailure(
                    tree, mutant.chapter(), mutant.script(), false, mutant.triedFirst(caughtBy))).toList();
            List<Outcome> outcomes = new ArrayList<>();
            for (CompletableFuture<List<Outcome>> exercise : graded) { // each in its suite's order, as a learner's run reports them
                List<Outcome> ofExercise = exercise.join();
                List<String> suite = engine.catalog().of(ofExercise.get(0).chapter(), ofExercise.get(0).script()).stream()
                        .map(netbasics.grading.Catalog.Test::name).toList();
                ofExercise.stream().sorted(Comparator.comparingInt(o -> suite.indexOf(o.test()))).forEach(outcomes::add);
            }
            report = new GradeReport(Workbook.display(tree) + "/", outcomes, Duration.ofNanos(System.nanoTime() - started), engine.isolation());
        }
        html = TreeGrading.writeReports(report, FOLDER.resolve("grades"), true);
        failed = new LinkedHashMap<>();
        report.outcomes().stream().filter(o -> o.status() == Outcome.Status.FAILED && !o.message().startsWith(NOT_RUN))
                .forEach(o -> failed.computeIfAbsent(o.exercise(), k -> new ArrayList<>()).add(o));
        failed.values().stream().flatMap(List::stream).forEach(o -> System.out.printf("%s › %s failed (%d events recorded)%n",
                o.exercise(), o.test(), Exchange.fromJson(o.transcript()).events().size()));
    }

    @AfterAll
    static void keepNothingButTheReports() throws IOException {
        delete(FOLDER.resolve("tree"));
        delete(FOLDER.resolve("again"));
    }

    @Test
    void each_broken_exercise_fails_with_its_conversation_in_the_message() throws IOException {
        String results = Files.readString(FOLDER.resolve("grades/results.json"), StandardCharsets.UTF_8);
        String summary = Files.readString(FOLDER.resolve("grades/summary.md"), StandardCharsets.UTF_8);
        for (Mutant mutant : mutants) {
            String exercise = mutant.chapter() + "/" + mutant.script();
            assertThat(failed.get(exercise)).as("%s (%s) fails a test", mutant, mutant.mistake()).isNotEmpty();
            for (Outcome o : failed.get(exercise)) {
                Exchange exchange = Exchange.fromJson(o.transcript());
                assertThat(exchange.events()).as("the recorded conversation of %s › %s", exercise, o.test()).isNotEmpty();
                assertThat(exchange.lifelines()).as("who took part in %s › %s", exercise, o.test()).contains(Exchange.LEARNER);
                // The message is what the console prints (GradeTree, ./jbang workbook check), results.json and the summary carry.
                assertThat(o.message()).as("the message of %s › %s", exercise, o.test())
                        .contains(TRANSCRIPT).contains(Exchange.LEARNER).contains("\n\nHint: ");
                String firstLine = o.message().substring(o.message().indexOf(TRANSCRIPT)).lines().skip(1).findFirst().orElseThrow();
                assertThat(results).as("results.json (Gradescope) carries the transcript of " + o.test()).contains(json(firstLine));
                assertThat(summary).as("summary.md (the Classroom job summary) carries the transcript of " + o.test()).contains(firstLine);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES) // two Chromium starts, each bounded by run(); a cold one once took over 30 s in CI
    void report_html_draws_a_sequence_diagram_for_each_failing_test_in_chromium() throws Exception {
        ReportToolsTest.Rendered rendered = ReportToolsTest.render(html, 4000);
        String dom = rendered.dom();
        List<Outcome> ran = failed.values().stream().flatMap(List::stream).toList();
        assertThat(dom).contains("<table id=\"scores\"").contains("id=\"total\"");
        List<String> items = List.of(dom.split("<li class=\"test "));
        for (Outcome o : ran) {
            String item = items.stream().filter(i -> i.startsWith("failed\"") && i.contains("<summary>✗ " + escaped(o.test()) + " <span")).findFirst()
                    .orElseThrow(() -> new AssertionError("report.html has no failed test " + o.test()));
            assertThat(item).as("the diagram of %s › %s", o.exercise(), o.test())
                    .contains("<svg").contains("class=\"sequence\"").contains(">your code</text>").contains("class=\"event ");
        }
        assertThat(ReportToolsTest.count(dom, "<svg")).as("one diagram per failing test that ran, none for the rest").isEqualTo(ran.size());
        // The first exercise's diagram is on screen: its arrows were painted, not just parsed.
        assertThat(ReportToolsTest.pixelsNear(rendered.screenshot(), 0x2d7d46) + ReportToolsTest.pixelsNear(rendered.screenshot(), 0x1f5fa8))
                .as("green (stream) or blue (datagram) arrow pixels in " + rendered.screenshotFile()).isGreaterThan(20);
    }

    @Test
    void tshark_reads_each_failing_tests_capture_back_with_its_packets() throws Exception {
        String tshark = ReportToolsTest.tshark();
        for (Outcome o : failed.values().stream().flatMap(List::stream).toList()) {
            Exchange exchange = Exchange.fromJson(o.transcript());
            Path file = FOLDER.resolve("grades/pcap").resolve(o.chapter()).resolve(o.script())
                    .resolve(o.test().replaceAll("[^A-Za-z0-9._-]", "_") + ".pcapng");
            assertThat(file).as("the capture of %s › %s", o.exercise(), o.test()).isRegularFile();
            List<String[]> packets = ReportToolsTest.fields(tshark, file, "frame.protocols", "udp.checksum.status",
                    "tcp.checksum.status", "frame.len", "frame.cap_len", "_ws.malformed");
            assertThat(packets).as("the packets of %s (%s)", file, o.test()).hasSize(expectedPackets(exchange));
            assertThat(packets).allSatisfy(row -> {
                assertThat(row[0]).as("the protocols of a packet").matches("eth:ethertype:ip(v6)?:(udp|tcp).*");
                // A packet whose middle the recording did not keep is captured short, and its checksum left unverified (2).
                assertThat(row[1] + row[2]).as("its UDP or TCP checksum (1: good; 2: unverified, for a packet captured short)")
                        .isEqualTo(row[3].equals(row[4]) ? "1" : "2");
                assertThat(row[5]).as("malformed").isEmpty();
            });
            boolean datagrams = exchange.events().stream().anyMatch(e -> e.kind() == Kind.DATAGRAM);
            boolean stream = exchange.events().stream().anyMatch(e -> e.kind() == Kind.CONNECT || e.kind() == Kind.WRITE);
            assertThat(!datagrams || packets.stream().anyMatch(r -> r[0].contains(":udp"))).as("UDP packets in %s", file).isTrue();
            assertThat(!stream || packets.stream().anyMatch(r -> r[0].contains(":tcp"))).as("TCP packets in %s", file).isTrue();
        }
    }

    /**
     * Each chapter text shows what its broken exercise prints: its "When a test fails" transcript is
     * made of lines the grader printed for this very mistake (times, addresses and the bytes' text
     * left aside, as they change from run to run), and it says where the diagram and the capture are.
     */
    @Test
    void each_chapter_text_shows_the_conversation_its_broken_exercise_prints() throws IOException {
        for (Mutant mutant : mutants) {
            Path readme = HOME.resolve("chapters").resolve(mutant.chapter()).resolve("README.md");
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            assertThat(text).as(readme.toString()).contains("### When a test fails").contains("./jbang workbook report")
                    .contains("-Dworkbook.pcap=true").contains("target/grades/pcap/" + mutant.chapter() + "/");
            Matcher block = Pattern.compile("```text\\n(" + Pattern.quote(TRANSCRIPT) + "\\n.*?)```", Pattern.DOTALL).matcher(text);
            assertThat(block.find()).as("a transcript in %s", readme).isTrue();
            List<String> shown = block.group(1).lines().skip(1).toList();
            assertThat(shown).as("the transcript in %s", readme).isNotEmpty()
                    .allSatisfy(line -> assertThat(line).as("a line as TranscriptText writes it").matches(LINE));
            Set<String> printed = gists(failed.get(mutant.chapter() + "/" + mutant.script()));
            List<String> wanted = shown.stream().map(BrokenExerciseReportsTest::gist).toList();
            // Which test fails first, and how far its conversation gets, depend on the machine's load: when this
            // grading's failures do not show every line, grade the mistake again with all its tests, twice at most.
            for (int again = 0; again < 2 && !printed.containsAll(wanted); again++) {
                printed.addAll(gists(gradeAllTests(mutant)));
            }
            assertThat(wanted)
                    .as("the lines of %s's transcript, each as %s printed one for %s", readme, mutant.script(), mutant).isSubsetOf(printed);
        }
    }

    /** The gist of every transcript line of {@code failures}. */
    private static Set<String> gists(List<Outcome> failures) {
        return failures.stream().flatMap(o -> TranscriptText.of(Exchange.fromJson(o.transcript()), 1_000, 1_000).lines().skip(1))
                .filter(line -> LINE.matcher(line).matches()).map(BrokenExerciseReportsTest::gist)
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    /** Grades {@code mutant}'s exercise once more, every test of it; its failures. */
    private static List<Outcome> gradeAllTests(Mutant mutant) {
        Path tree = FOLDER.resolve("again");
        try {
            delete(tree);
            mutant.plantInto(HOME.resolve("solutions"), tree);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Engine engine = new Engine(1, 0)) {
            return TreeGrading.grade(engine, tree, Set.of(mutant.chapter()), Set.of(mutant.script()), false, graded -> {}, outcome -> {})
                    .outcomes().stream().filter(o -> o.status() == Outcome.Status.FAILED).toList();
        }
    }

    /** A transcript line: the time, who (→ whom), what. */
    private static final Pattern LINE = Pattern.compile(" +\\d+\\.\\d ms  (\\S.*?\\S)  +(\\S+)(?: (\\S+))?.*");

    /** Who spoke to whom, and the kind of what they said: "test client → your code: datagram", "your code → dns server: TLS ClientHello". */
    private static String gist(String line) {
        Matcher parts = LINE.matcher(line);
        if (!parts.matches()) {
            return line;
        }
        boolean twoWords = parts.group(2).equals("TLS") || parts.group(2).equals("holds");
        return parts.group(1) + ": " + parts.group(2) + (twoWords && parts.group(3) != null ? " " + parts.group(3) : "");
    }

    /** The packets Pcapng makes of an exchange: a datagram each, three for a connect, a segment per 16 KB written or read, one per FIN or RST. */
    private static int expectedPackets(Exchange exchange) {
        int packets = 0;
        for (Exchange.Event e : exchange.events()) {
            if (e.fromAddress().isBlank() || e.toAddress().isBlank()) {
                continue;
            }
            packets += switch (e.kind()) {
                case DATAGRAM, DUPLICATE -> e.transport().equals("tcp") ? 0 : 1;
                case CONNECT -> 3;
                case WRITE, READ -> Math.max(1, (e.length() + 16 * 1024 - 1) / (16 * 1024));
                case FIN, RST -> 1;
                default -> 0;
            };
        }
        return packets;
    }

    /** {@code text} as it appears inside a JSON string. */
    private static String json(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** {@code text} as a browser's DOM serialises it in an element's text. */
    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static List<String> names(String list) {
        return list == null || list.isBlank() ? List.of() : List.of(list.split(","));
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
