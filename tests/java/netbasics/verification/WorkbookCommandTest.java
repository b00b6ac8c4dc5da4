package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import netbasics.grading.Exercise;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import netbasics.workbook.Hints;
import netbasics.workbook.WorkbookCommand;
import org.junit.jupiter.api.Test;

/**
 * The workbook command ({@code ./jbang workbook}) keeps its promises: it is built from the same
 * libraries and sources as the Maven run, its hints are well formed, it grades like the Maven run
 * and exits non-zero while anything fails, and it answers a wrong name with the valid ones.
 */
class WorkbookCommandTest {

    private static final Path HOME = Workbook.home();
    private static final Path SCRIPT = HOME.resolve("tools/Workbook.java");

    @Test
    void the_jbang_script_uses_the_library_versions_of_pom_xml() throws IOException {
        String pom = Files.readString(HOME.resolve("pom.xml"), StandardCharsets.UTF_8);
        String script = Files.readString(SCRIPT, StandardCharsets.UTF_8);
        // Every dependency of pom.xml with a version of its own (the JUnit BOM stands for JUnit's parts).
        Matcher dependency = Pattern.compile("<dependency>\\s*(?:<!--[^>]*-->\\s*)?<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>"
                + "\\s*<version>\\$\\{([^}]+)}</version>").matcher(pom);
        int libraries = 0;
        while (dependency.find()) {
            Matcher version = Pattern.compile("<" + Pattern.quote(dependency.group(3)) + ">([^<]+)<").matcher(pom);
            assertThat(version.find()).as("pom.xml sets %s", dependency.group(3)).isTrue();
            String coordinates = dependency.group(1) + ":" + dependency.group(2) + ":" + version.group(1);
            assertThat(script).as("tools/Workbook.java asks for %s, as pom.xml does", coordinates).contains("//DEPS " + coordinates);
            libraries++;
        }
        assertThat(libraries).as("libraries found in pom.xml").isGreaterThanOrEqualTo(4);
    }

    @Test
    void the_jbang_script_compiles_every_source_of_the_harness_and_the_suites() throws IOException {
        List<PathMatcher> globs = Files.readString(SCRIPT, StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("//SOURCES "))
                .map(line -> FileSystems.getDefault().getPathMatcher("glob:" + line.substring("//SOURCES ".length()).strip()))
                .toList();
        Path tools = HOME.resolve("tools");
        // Everything but the self-check (verification/) and the Maven run's driver (grade/), which the command does not need.
        try (Stream<Path> files = Stream.concat(Files.walk(HOME.resolve("tests/java/netbasics")), Files.walk(HOME.resolve("grader/java/netbasics")))) {
            List<Path> sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !List.of("verification", "grade").contains(p.getParent().getFileName().toString())).toList();
            assertThat(sources).isNotEmpty().allSatisfy(source -> assertThat(globs)
                    .as("a //SOURCES line of tools/Workbook.java that covers %s", HOME.relativize(source))
                    .anyMatch(glob -> glob.matches(Path.of(tools.relativize(source).toString()))));
        }
        assertThat(Files.readString(SCRIPT, StandardCharsets.UTF_8)).contains("//FILES ../tests/resources/**");
    }

    @Test
    void the_classroom_workflow_grades_and_reports_every_chapter() throws IOException {
        String workflow = Files.readString(HOME.resolve(".github/workflows/classroom.yml"), StandardCharsets.UTF_8);
        for (String chapter : GradingRun.exercises().stream().map(Exercise::chapter).distinct().toList()) {
            String runner = chapter.replaceFirst("^\\d+-", "");
            assertThat(workflow).as("the classroom workflow grades %s and reports it as the runner %s", chapter, runner)
                    .containsPattern("grade\\.sh[^\\n]* " + Pattern.quote(chapter) + "\\b")
                    .contains(runner.toUpperCase() + "_RESULTS: \"${{ steps.grade.outputs." + runner + " }}\"")
                    .containsPattern("runners: [^\\n]*\\b" + Pattern.quote(runner) + "\\b");
        }
    }

    @Test
    void every_hints_file_belongs_to_an_exercise_and_has_levels() throws IOException {
        List<Exercise> exercises = GradingRun.exercises();
        Path hints = HOME.resolve("tests/hints");
        try (Stream<Path> files = Files.walk(hints)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".md") && !p.getParent().equals(hints)).toList()) {
                String chapter = file.getParent().getFileName().toString();
                String script = file.getFileName().toString().replaceFirst("\\.md$", "");
                assertThat(exercises).as("an exercise %s/%s for %s", chapter, script, HOME.relativize(file))
                        .anyMatch(e -> e.chapter().equals(chapter) && e.script().equals(script));
                List<Hints.Level> levels = Hints.parse(Files.readString(file, StandardCharsets.UTF_8));
                assertThat(levels).as("the levels (## headings) of %s", HOME.relativize(file)).isNotEmpty()
                        .allSatisfy(level -> assertThat(level.text()).as("the text of level '%s'", level.title()).isNotBlank());
            }
        }
    }

    @Test
    void hints_are_reflowed_into_paragraphs_and_items_for_the_terminal_to_wrap() {
        String markdown = "A first\nparagraph.\n\n- an item\n  that goes on\n- another\n\n1. one\n2. two\n\n```\ncode\n  stays\n```";
        assertThat(Hints.reflow(markdown)).isEqualTo(
                "A first paragraph.\n\n- an item that goes on\n- another\n\n1. one\n2. two\n\n```\ncode\n  stays\n```");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES) // status grades every stub: bounded, but not in 30 s on a loaded machine
    void check_passes_the_solutions_and_fails_the_stubs_with_their_todo() {
        // One exercise (of the chapters this self-check is narrowed to, if it is) stands for all.
        String chapters = System.getProperty(Workbook.CHAPTER, "");
        Exercise exercise = GradingRun.exercises().stream()
                .filter(e -> chapters.isBlank() || List.of(chapters.split(",")).contains(e.chapter())).findFirst().orElseThrow();
        var solutions = run(HOME.resolve("solutions"), "check", exercise.script());
        assertThat(solutions.status()).as("exit status on solutions/:%n%s", solutions.out()).isZero();
        assertThat(solutions.out()).contains(exercise.script()).contains("done").contains("tests pass");

        var stubs = run(HOME.resolve("chapters"), "check", exercise.chapter() + "/" + exercise.script());
        assertThat(stubs.status()).as("exit status on the stubs").isEqualTo(1);
        assertThat(stubs.out()).contains("not started").contains("FAIL").contains("Not done yet: TODO");

        var status = run(HOME.resolve("chapters"), "status");
        assertThat(status.status()).isEqualTo(1);
        assertThat(status.out()).contains("Next: ").contains("chapters/").contains("workbook hint ");
        // A file that is still its stub is not started, and is not graded to say so (tests/stubs.sha256).
        assertThat(status.out()).as("status on untouched stubs").contains("not started").doesNotContain("graded ");
    }

    /**
     * {@code ./jbang workbook check} grades through the same engine as the Maven run, so a hostile
     * submission (tests/hostile/) earns nothing there either and costs its neighbour nothing: here
     * one that ends the grading process and one that floods its output, each beside a finished
     * UdpEchoClient, graded with {@code check 02-datagrams} as a learner would type it. What the
     * command prints stays short, and the report it writes is the grader's.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // two chapters' worth of grading, bounded
    void check_gives_a_hostile_submission_nothing_and_its_neighbour_every_point() throws IOException {
        for (String hostile : List.of("exits", "floods-output")) {
            Path tree = Workbook.target("hostile-check").resolve(hostile);
            plant(HOME.resolve("tests/hostile").resolve(hostile).resolve("02-datagrams/UdpEchoServer.java"), tree.resolve("02-datagrams/UdpEchoServer.java"));
            Path neighbour = HOME.resolve("solutions/02-datagrams/UdpEchoClient.java");
            plant(neighbour, tree.resolve("02-datagrams/UdpEchoClient.java"));
            for (Path pulledIn : netbasics.grading.ScriptCompiler.sources(neighbour)) { // the shared command line, as in any tree
                plant(pulledIn, tree.resolve(HOME.resolve("solutions").relativize(pulledIn)));
            }
            long started = System.nanoTime();
            var check = run(tree, "check", "02-datagrams");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(check.status()).as("%s: exit status of check:%n%s", hostile, check.out()).isEqualTo(1);
            assertThat(check.out()).as("%s: the score table", hostile)
                    .containsPattern("UdpEchoClient +done +(\\d+) / \\1\\b")
                    .containsPattern("UdpEchoServer +[a-z ]+ +0 / [1-9]");
            assertThat(check.out().length() + check.err().length()).as("%s: what check printed, in characters", hostile).isLessThan(100_000);
            var results = new ObjectMapper().readTree(Workbook.target("grades").resolve("results.json").toFile());
            int server = 0;
            int client = 0;
            int clientMax = 0;
            for (var test : results.get("tests")) {
                String script = test.get("tags").get(1).asText();
                if (script.equals("UdpEchoServer")) {
                    assertThat(test.get("status").asText()).as("%s: %s", hostile, test.get("name")).isEqualTo("failed");
                    server += test.get("score").asInt();
                } else if (script.equals("UdpEchoClient")) {
                    assertThat(test.get("status").asText()).as("%s: %s", hostile, test.get("name")).isEqualTo("passed");
                    client += test.get("score").asInt();
                    clientMax += test.get("max_score").asInt();
                }
            }
            assertThat(server).as("%s: points earned by the hostile UdpEchoServer", hostile).isZero();
            assertThat(client).as("%s: points of the finished UdpEchoClient beside it", hostile).isPositive().isEqualTo(clientMax);
            assertThat(results.get("score").asInt()).as("%s: the report's score", hostile).isEqualTo(clientMax);
            assertThat(took).as("%s: time check took", hostile).isLessThan(Duration.ofSeconds(150));
        }
    }

    private static void plant(Path file, Path into) throws IOException {
        Files.createDirectories(into.getParent());
        Files.copy(file, into, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void the_status_says_when_a_file_does_not_compile() {
        var compileError = new Outcome("02-datagrams", "UdpEchoServer", "echoes", 2, Outcome.Status.FAILED,
                "chapters/02-datagrams/UdpEchoServer.java does not compile, so none of its tests can run:\n...");
        var todo = new Outcome("02-datagrams", "UdpEchoServer", "echoes", 2, Outcome.Status.FAILED, "Not done yet: TODO serve");
        var wrong = new Outcome("02-datagrams", "UdpEchoServer", "echoes", 2, Outcome.Status.FAILED, "no echo");
        assertThat(WorkbookCommand.Mark.of(List.of(compileError, compileError))).isEqualTo(WorkbookCommand.Mark.DOES_NOT_COMPILE);
        assertThat(WorkbookCommand.Mark.of(List.of(todo))).isEqualTo(WorkbookCommand.Mark.NOT_STARTED);
        assertThat(WorkbookCommand.Mark.of(List.of(wrong))).isEqualTo(WorkbookCommand.Mark.PARTIAL);
    }

    @Test
    void a_wrong_name_gets_the_list_of_valid_ones() {
        var check = run(HOME.resolve("chapters"), "check", "09-nowhere");
        assertThat(check.status()).isEqualTo(2);
        assertThat(check.err()).contains("no chapter or exercise named '09-nowhere'").contains("02-datagrams").contains("UdpEchoServer");
        var hint = run(HOME.resolve("chapters"), "hint", "NoSuchScript");
        assertThat(hint.status()).isEqualTo(2);
        assertThat(hint.err()).contains("no exercise named 'NoSuchScript'").contains("UdpEchoServer");
        var run = run(HOME.resolve("chapters"), "run", "no-such-alias");
        assertThat(run.err()).contains("no alias named 'no-such-alias'").contains("udp-echo-server");
    }

    @Test
    void the_classroom_results_give_partial_credit_per_chapter() throws IOException {
        var report = new GradeReport("chapters/", List.of(
                new Outcome("02-datagrams", "UdpEchoServer", "echoes", 2, Outcome.Status.PASSED, ""),
                new Outcome("02-datagrams", "UdpEchoServer", "survives", 3, Outcome.Status.FAILED, "no echo"),
                new Outcome("03-streams", "TcpEchoServer", "echoes", 4, Outcome.Status.PASSED, "")), Duration.ofSeconds(1));
        var json = new ObjectMapper().readTree(report.classroomJson("02-datagrams"));
        assertThat(json.get("version").asInt()).isEqualTo(1);
        assertThat(json.get("status").asText()).isEqualTo("fail");
        assertThat(json.get("max_score").asInt()).isEqualTo(5);
        assertThat(json.get("tests")).hasSize(2);
        assertThat(json.get("tests").get(0).get("score").asInt()).isEqualTo(2);
        assertThat(json.get("tests").get(1).get("status").asText()).isEqualTo("fail");
        assertThat(json.get("tests").get(1).get("message").asText()).isEqualTo("no echo");
        assertThat(new ObjectMapper().readTree(report.classroomJson("03-streams")).get("status").asText()).isEqualTo("pass");
    }

    private record Run(int status, String out, String err) {}

    private static Run run(Path root, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = WorkbookCommand.execute(new PrintStream(out, true, StandardCharsets.UTF_8), root, args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }
}
