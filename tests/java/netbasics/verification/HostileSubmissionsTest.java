package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import netbasics.grader.Engine;
import netbasics.grading.LearnerOutput;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The grader holds against submissions that try to fool or break it. Each folder of
 * tests/hostile/ is a submission of one exercise that forges a report, exits, halts, spins, floods
 * its output, exhausts memory, reads the grader's input, reflects into the grader, binds a fixed
 * port, hangs in its static initializer... Each is graded as a learner's tree would be (fresh
 * workers, nothing trusted) beside a correct neighbour, and must earn nothing, leave the
 * neighbour its full marks, and end within its bound.
 */
class HostileSubmissionsTest {

    private static final Path HOSTILE = Workbook.home().resolve("tests/hostile");
    /** One correct exercise graded in the same run, as a classmate's file would be. */
    private static final String NEIGHBOUR_CHAPTER = "01-endpoints";
    private static final String NEIGHBOUR = "TextCodec";
    /** What one hostile exercise may cost at most: its tests' bounds and a few fresh workers. */
    private static final Duration BOUND = Duration.ofSeconds(150);

    private record Graded(CompletableFuture<Engine.Graded> hostile, CompletableFuture<List<Outcome>> neighbour) {}

    private static Engine engine;
    private static final Map<Path, Graded> RUNS = new LinkedHashMap<>();

    @BeforeAll
    static void gradeEverySubmission() throws IOException {
        engine = new Engine(Integer.getInteger("workbook.workers", 2 * Runtime.getRuntime().availableProcessors()), 2);
        for (Path submission : submissions()) {
            Path tree = plant(submission);
            Path file = onlyFile(submission);
            String chapter = file.getParent().getFileName().toString();
            String script = file.getFileName().toString().replace(".java", "");
            RUNS.put(submission, new Graded(engine.submitTimed(tree, chapter, script, false, false),
                    engine.submit(tree, NEIGHBOUR_CHAPTER, NEIGHBOUR, false, false)));
        }
    }

    @AfterAll
    static void stopTheEngine() {
        engine.close();
    }

    @TestFactory
    Stream<DynamicTest> every_hostile_submission_earns_nothing_and_costs_its_neighbours_nothing() {
        assertThat(RUNS).as("hostile submissions under tests/hostile/").hasSizeGreaterThanOrEqualTo(10);
        return RUNS.entrySet().stream().map(run -> dynamicTest(run.getKey().getFileName().toString(), () -> {
            Engine.Graded graded = run.getValue().hostile().get(10 * BOUND.toSeconds(), TimeUnit.SECONDS);
            List<Outcome> hostile = graded.outcomes();
            System.out.printf("%s: %d tests failed, graded in %.1f s: %s%n", run.getKey().getFileName(), hostile.size(),
                    graded.took().toMillis() / 1000.0, hostile.get(0).message().lines().limit(2).toList());
            List<Outcome> neighbour = run.getValue().neighbour().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(hostile).as("the hostile exercise's tests").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).as("%s: %s", o.name(), o.message()).isEqualTo(Outcome.Status.FAILED));
            assertThat(hostile.stream().mapToInt(Outcome::points).sum()).as("points earned by the hostile submission").isZero();
            assertThat(neighbour).as("the neighbour's tests").isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).as("%s: %s", o.name(), o.message()).isEqualTo(Outcome.Status.PASSED));
            assertThat(graded.took()).as("time the hostile exercise took").isLessThan(BOUND);
            assertThat(hostile).allSatisfy(o -> {
                assertThat(o.output().length()).as("output kept for %s", o.name()).isLessThan(LearnerOutput.TAIL + 200);
                assertThat(o.message()).as("message of %s", o.name()).doesNotContain(Workbook.home().toString())
                        .hasSizeLessThan(20_000);
            });
        }));
    }

    private static List<Path> submissions() throws IOException {
        try (Stream<Path> folders = Files.list(HOSTILE)) {
            return folders.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static Path onlyFile(Path submission) throws IOException {
        try (Stream<Path> files = Files.walk(submission)) {
            return files.filter(p -> p.toString().endsWith(".java")).findFirst().orElseThrow();
        }
    }

    /** A tree holding the hostile file and the neighbour's solution, under target/. */
    private static Path plant(Path submission) {
        try {
            Path tree = Workbook.target("hostile").resolve(submission.getFileName().toString());
            Path file = onlyFile(submission);
            Path into = tree.resolve(submission.relativize(file));
            Files.createDirectories(into.getParent());
            Files.copy(file, into, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            // What the neighbour pulls in with //SOURCES (the shared command line) comes along, as in any tree.
            Path solutions = Workbook.home().resolve("solutions");
            Path neighbourFile = solutions.resolve(NEIGHBOUR_CHAPTER).resolve(NEIGHBOUR + ".java");
            for (Path pulledIn : netbasics.grading.ScriptCompiler.sources(neighbourFile)) {
                Path copy = tree.resolve(solutions.relativize(pulledIn));
                Files.createDirectories(copy.getParent());
                Files.copy(pulledIn, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Path neighbour = tree.resolve(NEIGHBOUR_CHAPTER).resolve(NEIGHBOUR + ".java");
            Files.createDirectories(neighbour.getParent());
            Files.copy(Workbook.home().resolve("solutions").resolve(NEIGHBOUR_CHAPTER).resolve(NEIGHBOUR + ".java"), neighbour,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
