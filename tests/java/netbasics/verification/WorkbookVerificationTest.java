package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import netbasics.grader.Engine;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The tests are tested. The graded suites are run three ways: on solutions/ every test must pass;
 * on the untouched chapters/ every graded test must fail, and fail because of the stub's TODO; and
 * on every mutant (a solution with one classic mistake planted) at least one test must fail.
 *
 * <p>{@code -Dworkbook.chapter=02-datagrams} narrows the check to one chapter.
 */
class WorkbookVerificationTest {

    private static final Path HOME = Workbook.home();
    /** How long one grading job may take, queueing included: its tests are bounded, so this is only a backstop. */
    private static final Duration JOB_BOUND = Duration.ofMinutes(10);
    private static final Set<String> CHAPTERS = names(System.getProperty(Workbook.CHAPTER));

    private static Engine engine;
    private static final Map<Exercise, CompletableFuture<List<Outcome>>> SOLUTIONS = new LinkedHashMap<>();
    private static final Map<Exercise, CompletableFuture<List<Outcome>>> STUBS = new LinkedHashMap<>();
    private static final Map<Mutant, CompletableFuture<List<Outcome>>> MUTANTS = new LinkedHashMap<>();

    /**
     * Queues every grading at once, so that the workers grade side by side while the tests below
     * report them one by one, in order.
     */
    @BeforeAll
    static void queueEveryGrading() {
        Path scratch = Workbook.target("mutants");
        // The workbook's own trees only (solutions, stubs, mutants): a worker may grade several exercises in a row.
        int slots = Integer.getInteger("workbook.workers", 2 * Runtime.getRuntime().availableProcessors());
        engine = new Engine(slots, 2);
        List<Exercise> exercises = GradingRun.exercises().stream()
                .filter(exercise -> CHAPTERS.isEmpty() || CHAPTERS.contains(exercise.chapter()))
                .toList();
        exercises.forEach(exercise -> SOLUTIONS.put(exercise, engine.submit(HOME.resolve("solutions"),
                exercise.chapter(), exercise.script(), false, true)));
        Mutant.all(HOME.resolve("tests/mutants")).stream()
                .filter(mutant -> CHAPTERS.isEmpty() || CHAPTERS.contains(mutant.chapter()))
                .forEach(mutant -> MUTANTS.put(mutant, gradeMutant(mutant, scratch)));
        exercises.forEach(exercise -> STUBS.put(exercise, engine.submit(HOME.resolve("chapters"),
                exercise.chapter(), exercise.script(), false, true)));
        // The solutions are graded at the load a learner's machine might have; the mutants after them
        // mostly wait on the bounds of the test that catches them, leaving the processor idle, so
        // more of them are graded side by side once every solution is done.
        CompletableFuture.allOf(SOLUTIONS.values().toArray(CompletableFuture[]::new))
                .whenComplete((done, failed) -> engine.widen(slots + slots / 2));
    }

    /**
     * A mutant that cannot be planted (its edit no longer fits the solution) fails its own test only.
     * The test that caught it last time runs first ({@link Mutant#triedFirst}).
     */
    private static CompletableFuture<List<Outcome>> gradeMutant(Mutant mutant, Path scratch) {
        try {
            Path tree = mutant.plant(HOME.resolve("solutions"), scratch);
            return engine.submitUntilFirstFailure(tree, mutant.chapter(), mutant.script(), true, mutant.triedFirst(CAUGHT_BY));
        } catch (RuntimeException cannotPlant) {
            return CompletableFuture.failedFuture(cannotPlant);
        }
    }

    /** Which test caught each mutant in an earlier run ({@link Mutant#caughtBy}); this run's, to write back. */
    private static final Map<String, String> CAUGHT_BY = Mutant.caughtBy(HOME.resolve(Mutant.CAUGHT_BY));
    private static final Map<String, String> CAUGHT_NOW = new java.util.concurrent.ConcurrentSkipListMap<>();

    @AfterAll
    static void stopTheWorkers() throws IOException {
        engine.close();
        if (!CAUGHT_NOW.isEmpty()) {
            Map<String, String> all = new java.util.TreeMap<>(CAUGHT_BY);
            all.putAll(CAUGHT_NOW);
            Path written = Workbook.target("mutants").resolve(Path.of(Mutant.CAUGHT_BY).getFileName());
            Files.createDirectories(written.getParent());
            Files.write(written, all.entrySet().stream().map(e -> e.getKey() + "\t" + e.getValue()).toList(), StandardCharsets.UTF_8);
        }
    }

    @TestFactory
    Stream<DynamicContainer> the_solutions_pass_every_test() {
        return byExercise(SOLUTIONS, "solutions", outcome -> {
            assertThat(outcome.status()).as("On solutions/, %s failed:%n%s", outcome, outcome.message())
                    .isNotEqualTo(Outcome.Status.FAILED);
            // What graded code and the fixtures print is kept for a failing test only: a passing run prints the table alone.
            assertThat(outcome.output()).as("On solutions/, %s passed, yet what was printed during it was kept", outcome).isEmpty();
        });
    }

    @TestFactory
    Stream<DynamicContainer> the_untouched_stubs_fail_every_graded_test_because_of_their_TODO() {
        return byExercise(STUBS, "chapters", outcome -> {
            assertThat(outcome.status()).as("On chapters/, %s passed although the stub is untouched", outcome)
                    .isNotEqualTo(Outcome.Status.PASSED);
            if (outcome.status() == Outcome.Status.FAILED) {
                assertThat(outcome.message()).as("On chapters/, %s failed for a reason other than the stub's TODO", outcome)
                        .containsPattern("^(Not done yet: |\\S+\\.java is not finished yet: )TODO");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> every_mutant_is_caught_by_at_least_one_test() {
        return MUTANTS.entrySet().stream().map(graded -> dynamicTest(graded.getKey() + ": " + graded.getKey().mistake(), () -> {
            Mutant mutant = graded.getKey();
            List<Outcome> outcomes = graded.getValue().get(JOB_BOUND.toSeconds(), TimeUnit.SECONDS);
            List<Outcome> failed = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).toList();
            assertThat(outcomes).as("%s has no tests to run", mutant).isNotEmpty();
            assertThat(failed).as("%s (%s) was not caught by any test of %s", mutant, mutant.mistake(), mutant.script())
                    .isNotEmpty();
            assertThat(failed).as("%s must compile: a mutant is a plausible mistake, not a broken file", mutant)
                    .noneMatch(o -> o.message().contains("does not compile"));
            Outcome caught = failed.stream().filter(o -> !o.message().startsWith("This test was not run")).findFirst().orElse(failed.get(0));
            System.out.printf("%s caught by: %s%n", mutant, caught.test());
            engine.catalog().of(mutant.chapter(), mutant.script()).stream().filter(t -> t.name().equals(caught.test())).findFirst()
                    .ifPresent(test -> CAUGHT_NOW.put(mutant.toString(), test.key()));
        }));
    }

    private interface OutcomeCheck {
        void accept(Outcome outcome) throws Throwable;
    }

    /** A container per exercise, holding a test per graded test of it; each waits for its exercise's grading. */
    private static Stream<DynamicContainer> byExercise(Map<Exercise, CompletableFuture<List<Outcome>>> graded, String tree,
            OutcomeCheck check) {
        assertThat(graded).as("graded exercises found for " + tree).isNotEmpty();
        return graded.entrySet().stream().map(exercise -> dynamicContainer(
                exercise.getKey().chapter() + "/" + exercise.getKey().script(),
                Stream.of(exercise.getValue()).flatMap(future -> {
                    List<Outcome> outcomes = future.orTimeout(JOB_BOUND.toSeconds(), TimeUnit.SECONDS).join();
                    assertThat(outcomes).as("graded tests found for %s in %s", exercise.getKey().script(), tree).isNotEmpty();
                    return outcomes.stream().map(outcome -> dynamicTest(outcome.test(), () -> check.accept(outcome)));
                })));
    }

    @Test
    void every_exercise_has_a_stub_a_solution_a_graded_suite_a_mutant_and_an_alias() throws IOException {
        List<Exercise> graded = GradingRun.exercises();
        List<Mutant> mutants = Mutant.all(HOME.resolve("tests/mutants"));
        String catalog = Files.readString(HOME.resolve("jbang-catalog.json"), StandardCharsets.UTF_8);
        var aliases = new ObjectMapper().readTree(catalog).get("aliases");
        for (Path solution : scripts("solutions")) {
            String chapter = solution.getParent().getFileName().toString();
            String script = solution.getFileName().toString().replace(".java", "");
            String where = chapter + "/" + script;
            assertThat(HOME.resolve("chapters").resolve(chapter).resolve(script + ".java")).as("the stub of " + where).isRegularFile();
            assertThat(Files.readString(HOME.resolve("chapters").resolve(chapter).resolve(script + ".java")))
                    .as("the stub of " + where).contains("TODO");
            assertThat(HOME.resolve("chapters").resolve(chapter).resolve("README.md")).as("the chapter text of " + chapter).isRegularFile();
            assertThat(graded).as("a graded suite for " + where)
                    .anyMatch(e -> e.chapter().equals(chapter) && e.script().equals(script));
            assertThat(mutants).as("a mutant of " + where)
                    .anyMatch(m -> m.chapter().equals(chapter) && m.script().equals(script));
            assertThat(aliases.properties()).as("an alias in jbang-catalog.json for " + where)
                    .anyMatch(alias -> alias.getValue().path("script-ref").asText().equals("chapters/" + chapter + "/" + script + ".java"));
        }
        for (Path stub : scripts("chapters")) {
            assertThat(HOME.resolve("solutions").resolve(HOME.resolve("chapters").relativize(stub))).as("the solution of " + stub).isRegularFile();
        }
    }

    @Test
    void every_graded_test_declares_its_points_and_a_hint() {
        for (Class<?> suite : GradingRun.suites()) {
            for (Method method : suite.getDeclaredMethods()) {
                if (isTest(method)) {
                    Graded graded = method.getAnnotation(Graded.class);
                    assertThat(graded).as("@Graded on " + suite.getSimpleName() + "." + method.getName()).isNotNull();
                    assertThat(graded.points()).as("points of " + method.getName()).isPositive();
                    assertThat(graded.hint()).as("hint of " + method.getName()).isNotBlank();
                }
            }
        }
    }

    private static boolean isTest(Method method) {
        return Arrays.stream(method.getAnnotations()).map(a -> a.annotationType())
                .anyMatch(type -> type.isAnnotationPresent(org.junit.platform.commons.annotation.Testable.class));
    }

    private static List<Path> scripts(String tree) throws IOException {
        try (Stream<Path> files = Files.walk(HOME.resolve(tree))) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.getParent().getFileName().toString().matches("\\d\\d-.+")) // exercises, not cli/
                    .filter(p -> CHAPTERS.isEmpty() || CHAPTERS.contains(p.getParent().getFileName().toString()))
                    .sorted().toList();
        }
    }

    private static Set<String> names(String list) {
        return list == null || list.isBlank() ? Set.of() : Set.of(list.split(","));
    }
}
