package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import netbasics.chapters.datagrams.UdpEchoServerTest;
import netbasics.grading.ExerciseFilter;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Script;
import netbasics.grading.Workbook;
import netbasics.workbook.WorkbookCommand;
import org.junit.jupiter.api.Test;

/**
 * The grading machinery keeps its promises to learners: a script that does not compile fails only
 * its own tests, with javac's message; a mistyped contract names the signature it expected; a
 * call that never returns costs its test and says so; reports agree with the table.
 */
class HarnessTest {

    private static final String CHAPTER = "02-datagrams";
    private static final String SCRIPT = "UdpEchoServer";

    @Test
    void a_script_that_does_not_compile_fails_its_own_tests_with_javacs_message() throws IOException {
        List<Outcome> outcomes = gradeVariant("compile-error", solution -> solution.replace("serve(socket);", "serve(socket)"));
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(o.message()).contains("UdpEchoServer.java does not compile").contains("error: ';' expected");
        });
    }

    @Test
    void a_file_pulled_in_that_does_not_compile_is_named_as_the_one_to_fix() throws IOException {
        Path tree = variant("pulls-in-a-broken-file", solution -> solution.replace("public class UdpEchoServer {", "public class UdpEchoServer  {"));
        Path pulledIn = tree.resolve("cli/CommandLine.java");
        String commandLine = Files.readString(pulledIn, StandardCharsets.UTF_8);
        Files.writeString(pulledIn, commandLine.replaceFirst(";\n", "\n"), StandardCharsets.UTF_8);
        List<Outcome> outcomes;
        try (var engine = new netbasics.grader.Engine(1, 0)) { // the grader's own path, as every platform grades
            outcomes = engine.submit(tree, CHAPTER, SCRIPT, false, false).join();
        }
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(o.message()).containsPattern("^\\S*cli/CommandLine\\.java does not compile, and \\S*" + CHAPTER + "/" + SCRIPT
                    + "\\.java needs it \\(//SOURCES\\), so none of its tests can run:\n").contains("error: ';' expected");
        });
        assertThat(WorkbookCommand.Mark.of(outcomes)).as("the status of the exercise").isEqualTo(WorkbookCommand.Mark.DOES_NOT_COMPILE);
    }

    @Test
    void workers_started_from_the_class_data_archive_grade_as_any_other() {
        try (var engine = new netbasics.grader.Engine(1, 0)) {
            assertThat(engine.awaitClassData(Duration.ofSeconds(60))).as("the class-data archive the grading workers start from")
                    .hasValueSatisfying(archive -> assertThat(archive).isRegularFile());
            List<Outcome> solved = engine.submit(Workbook.home().resolve("solutions"), "05-local", "SocketPair", false, false).join();
            assertThat(solved).as("the solution's outcomes, graded by workers started from the archive").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).as(o.message()).isEqualTo(Outcome.Status.PASSED));
            List<Outcome> stubbed = engine.submit(Workbook.home().resolve("chapters"), "05-local", "SocketPair", false, false).join();
            assertThat(stubbed).as("the stub's outcomes, graded by workers started from the archive").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.message()).contains("TODO"));
        }
    }

    @Test
    void a_mistyped_contract_method_fails_naming_the_exact_signature_expected() throws IOException {
        List<Outcome> outcomes = gradeVariant("wrong-signature",
                solution -> solution.replace("public static void serve(DatagramSocket socket)", "public static void serve(DatagramSocket socket, int spare)")
                        .replace("serve(socket);", "serve(socket, 0);"));
        // The test of main runs the script as a program, not through the contract, so it may pass.
        assertThat(outcomes).filteredOn(o -> o.status() == Outcome.Status.FAILED).hasSizeGreaterThan(outcomes.size() / 2)
                .allSatisfy(o -> assertThat(o.message())
                .contains("must declare\n    public static void serve(java.net.DatagramSocket)")
                .contains("serve(java.net.DatagramSocket,int)"));
    }

    @Test
    void a_server_that_never_stops_costs_only_its_tests_and_says_so() throws IOException {
        Path tree = variant("never-stops", solution -> solution.replace("while (!socket.isClosed())", "while (true)").replace(
                "                    return; // closing the socket is how the caller says \"stop\"",
                "                    while (true) { java.util.concurrent.locks.LockSupport.park(); Thread.interrupted(); }"));
        long started = System.nanoTime();
        List<Outcome> outcomes = GradingRun.gradeOne(tree, UdpEchoServerTest.class, "returns_quietly_when_its_socket_is_closed");
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.message())
                .contains("UdpEchoServer.serve(DatagramSocket) did not return within 2000 ms of its socket being closed"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("time the hanging server cost").isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void a_socket_left_for_the_garbage_collector_is_still_a_leak_and_says_where_it_was_opened() throws IOException {
        // The JDK closes a socket nothing refers to when the collector finds it: without the grader
        // holding what graded code opens, this leak would go unseen in most runs.
        Path tree = variant("leaks-to-the-collector", solution -> solution.replace(
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n",
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n        new DatagramSocket();\n        System.gc();\n"));
        List<Outcome> outcomes = GradingRun.gradeOne(tree, UdpEchoServerTest.class, "echoes_a_datagram_to_its_sender");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(o.message()).contains("left open what it opened").contains("a UDP socket bound to")
                    .containsPattern("a DatagramSocket opened at UdpEchoServer\\.java:\\d+, in serve");
        });
    }

    @Test
    void a_thread_left_running_fails_the_test_that_started_it_and_says_where() throws IOException {
        Path tree = variant("leaves-a-thread", solution -> solution.replace(
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n",
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n        Thread.ofVirtual().start(() -> {\n"
                        + "            try { Thread.sleep(30_000); } catch (InterruptedException e) { }\n        });\n"));
        List<Outcome> outcomes = GradingRun.gradeOne(tree, UdpEchoServerTest.class, "echoes_a_datagram_to_its_sender");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(o.message()).contains("left running what it started")
                    .containsPattern("a thread started at UdpEchoServer\\.java:\\d+, in serve \\(virtual\\), still running");
        });
    }

    @Test
    void an_executor_never_shut_down_and_a_timer_never_cancelled_fail_the_test_that_made_them() throws IOException {
        Path tree = variant("leaves-an-executor-and-a-timer", solution -> solution.replace(
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n",
                "        byte[] buffer = new byte[MAX_DATAGRAM];\n"
                        + "        java.util.concurrent.Executors.newSingleThreadExecutor().submit(() -> { });\n"
                        + "        new java.util.Timer(true).schedule(new java.util.TimerTask() { public void run() { } }, 30_000);\n"));
        List<Outcome> outcomes = GradingRun.gradeOne(tree, UdpEchoServerTest.class, "echoes_a_datagram_to_its_sender");
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
            assertThat(o.message()).contains("left running what it started")
                    .containsPattern("an ExecutorService made at UdpEchoServer\\.java:\\d+, in serve, never shut down")
                    .containsPattern("a Timer made at UdpEchoServer\\.java:\\d+, in serve, never cancelled");
        });
    }

    @Test
    void a_main_that_closes_its_listener_before_its_todo_is_printed_still_says_not_done() throws IOException {
        // As a stub's main can: its listener is closed as the TODO unwinds, and the test's connection is refused
        // while the TODO's stack trace is still to come. The test's end must not take the trace with the program.
        Path tree = variant("03-streams", "Framing", "closes-before-its-todo", solution -> solution.replace(
                "            CommandLine.serving(listener.getLocalSocketAddress());\n",
                "            CommandLine.serving(listener.getLocalSocketAddress());\n            listener.close();\n"
                        + "            try { Thread.sleep(300); } catch (InterruptedException e) { }\n"
                        + "            if (listener.isClosed()) throw new UnsupportedOperationException(\"TODO main: serve\");\n"));
        List<Outcome> outcomes = GradingRun.gradeOne(tree, netbasics.chapters.streams.FramingTest.class, "main_prints_the_frames_it_receives");
        assertThat(outcomes).singleElement().satisfies(o -> assertThat(o.message()).startsWith("Not done yet: TODO main: serve"));
    }

    @Test
    void a_stub_failure_says_not_done_and_gives_the_hint() {
        List<Outcome> outcomes = GradingRun.grade(Workbook.home().resolve("chapters"), Set.of(CHAPTER), Set.of(SCRIPT));
        assertThat(outcomes).isNotEmpty().allSatisfy(o -> assertThat(o.message()).startsWith("Not done yet: TODO").contains("\n\nHint: "));
    }

    @Test
    void the_reports_agree_with_the_score_table() throws IOException {
        var outcomes = List.of(
                new Outcome(CHAPTER, SCRIPT, "echoes", 2, Outcome.Status.PASSED, ""),
                new Outcome(CHAPTER, SCRIPT, "survives", 3, Outcome.Status.FAILED, "no echo\n\nHint: loop"),
                new Outcome(CHAPTER, SCRIPT, "ipv6", 1, Outcome.Status.SKIPPED, "no ::1"));
        var report = new GradeReport("chapters/", outcomes, Duration.ofSeconds(3));
        Path folder = Workbook.target("harness-test/report");
        report.writeTo(folder);

        var json = new ObjectMapper().readTree(folder.resolve("results.json").toFile());
        assertThat(json.get("score").asInt()).isEqualTo(2);
        assertThat(json.get("tests")).hasSize(3);
        assertThat(json.get("tests").get(1).get("status").asText()).isEqualTo("failed");
        assertThat(json.get("tests").get(1).get("max_score").asInt()).isEqualTo(3);
        assertThat(json.get("tests").get(2).get("max_score").asInt()).as("a skipped test is not counted").isZero();
        assertThat(json.get("tests").get(0).get("tags")).extracting(node -> node.asText()).containsExactly(CHAPTER, SCRIPT);
        assertThat(report.table()).contains("2 / 5").contains("(40 %)");
        assertThat(Files.readString(folder.resolve("summary.md"), StandardCharsets.UTF_8))
                .contains("**2 / 5 points (40 %)**").contains("no echo");
    }

    @Test
    void an_unknown_chapter_is_refused_with_the_list_of_chapters() {
        String before = System.getProperty(Workbook.CHAPTER);
        System.setProperty(Workbook.CHAPTER, "09-nowhere");
        try {
            assertThatThrownBy(ExerciseFilter::new).hasMessageContaining("no chapter named '09-nowhere'").hasMessageContaining(CHAPTER);
        } finally {
            if (before == null) {
                System.clearProperty(Workbook.CHAPTER);
            } else {
                System.setProperty(Workbook.CHAPTER, before);
            }
        }
    }

    /** Grades UdpEchoServer's solution changed by {@code change}, in a tree of its own. */
    private static List<Outcome> gradeVariant(String name, UnaryOperator<String> change) throws IOException {
        return GradingRun.grade(variant(name, change), Set.of(CHAPTER), Set.of(SCRIPT));
    }

    /** Writes a tree holding UdpEchoServer's solution changed by {@code change}; returns its root. */
    private static Path variant(String name, UnaryOperator<String> change) throws IOException {
        return variant(CHAPTER, SCRIPT, name, change);
    }

    /** Writes a tree holding the solution of {@code script} changed by {@code change}; returns its root. */
    private static Path variant(String chapter, String script, String name, UnaryOperator<String> change) throws IOException {
        String solution = Files.readString(Workbook.scriptFile(Workbook.home().resolve("solutions"), chapter, script));
        String changed = change.apply(solution);
        assertThat(changed).as("the variant %s changes the solution", name).isNotEqualTo(solution);
        Path root = Workbook.target("harness-test").resolve(name);
        Path file = Workbook.scriptFile(root, chapter, script);
        Files.createDirectories(file.getParent());
        Files.writeString(file, changed, StandardCharsets.UTF_8);
        Path solutions = Workbook.home().resolve("solutions");
        for (Path source : Script.sources(Workbook.scriptFile(solutions, chapter, script)).stream().skip(1).toList()) {
            Path copy = root.resolve(solutions.relativize(source).toString()); // what the script pulls in: cli/CommandLine.java
            Files.createDirectories(copy.getParent());
            Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return root;
    }
}
