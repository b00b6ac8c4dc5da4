///usr/bin/env jbang "$0" "$@" ; exit $?
//SOURCES ../tools/Workbook.java

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netbasics.grader.Engine;
import netbasics.grader.TreeGrading;
import netbasics.grading.Catalog;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * How soon a save is graded. A benchmark, not a test: it prints figures, it asserts nothing.
 *
 * <p>In one warm process, as {@code ./jbang workbook watch} is, it saves each exercise of a copy of
 * solutions/ and of chapters/ (the stubs) again and again, a comment added each time so that the file
 * really changed and is compiled again, and times each re-grade from the save to the written
 * reports, watch's 50 ms settling wait included; for the stubs also the time to the first failing
 * test, which watch shows as soon as it is known. With {@code --cold} it then times
 * {@code ./jbang workbook check CHAPTER} and {@code check} of everything, each a new JVM, on the
 * copy of solutions/ (every test runs to the end there, the slowest case).
 *
 * <pre>
 *   ./jbang bench/Feedback.java [RUNS] [CHAPTER...] [--cold] [--every-test]
 *       RUNS re-grades per exercise and tree, default 5; --every-test lists each test's time, not the slowest three
 * </pre>
 *
 * With {@code -Dworkbook.shards=1} before the script's name an exercise's tests run one after the other,
 * as the course platforms grade them: each test's time is then its own, not shared with its neighbours'.
 *
 * The machine's load is printed with the table: read figures taken under load as such.
 */
public class Feedback {

    /** What watch waits after a save for an editor's further writes (Watcher.SETTLE_MILLIS). */
    private static final long SETTLE_MILLIS = 50;

    /** How many of an exercise's tests are listed with their times, the slowest first. */
    private static long testsListed = 3;

    record Timing(String tree, String chapter, String script, List<Long> regrade, List<Long> firstFailure, int points, int max,
                  long inTests) {}

    public static void main(String[] args) throws Exception {
        int runs = Stream.of(args).filter(a -> a.matches("\\d+")).findFirst().map(Integer::parseInt).orElse(5);
        boolean cold = List.of(args).contains("--cold");
        testsListed = List.of(args).contains("--every-test") ? Long.MAX_VALUE : 3;
        Set<String> chapters = Stream.of(args).filter(a -> a.matches("\\d\\d-.+")).collect(Collectors.toSet());
        Path home = Workbook.home();
        if (!Files.isRegularFile(home.resolve("jbang-catalog.json"))) {
            throw new IllegalStateException("run this from the workbook's folder: ./jbang bench/Feedback.java");
        }
        Path scratch = Workbook.target("bench");
        System.out.printf("load before: %s%n", load());
        List<Timing> timings = new ArrayList<>();
        try (Engine engine = Engine.interactive()) {  // as watch starts it
            for (String tree : List.of("solutions", "chapters")) {
                Path copy = copyTree(home, tree, scratch);
                TreeGrading.grade(engine, copy, chapters, Set.of(), graded -> { });  // watch's first grading warms up
                for (List<Catalog.Test> tests : engine.catalog().byExercise().values()) {
                    if (!chapters.isEmpty() && !chapters.contains(tests.get(0).chapter())) {
                        continue;
                    }
                    timings.add(regrade(engine, tree, copy, tests.get(0), runs, scratch.resolve("grades")));
                }
            }
        }
        System.out.printf("%nRe-grade after a save, warm, %d runs each (ms: median / max)%n%n", runs);
        System.out.println("| exercise | solutions: re-grade | stubs: re-grade | stubs: first failure |");
        System.out.println("|---|---:|---:|---:|");
        for (Timing solution : timings.stream().filter(t -> t.tree().equals("solutions")).toList()) {
            Timing stub = timings.stream().filter(t -> t.tree().equals("chapters") && t.script().equals(solution.script()))
                    .findFirst().orElseThrow();
            System.out.printf("| %s/%s | %s | %s | %s |%n", solution.chapter(), solution.script(), figures(solution.regrade()),
                    figures(stub.regrade()), figures(stub.firstFailure()));
        }
        System.out.printf("%nworst re-grade: solutions %d ms, stubs %d ms; worst first failure on stubs %d ms%n",
                worst(timings, "solutions", Timing::regrade), worst(timings, "chapters", Timing::regrade),
                worst(timings, "chapters", Timing::firstFailure));
        // The time in the tests themselves, summed per chapter (side by side or not): what a chapter's suites cost.
        System.out.printf("%nTime in the tests, per chapter, solutions/, last re-grade (ms, summed over tests): %s%n",
                timings.stream().filter(t -> t.tree().equals("solutions")).collect(Collectors.groupingBy(Timing::chapter,
                        java.util.TreeMap::new, Collectors.summingLong(Timing::inTests))));
        timings.stream().filter(t -> t.tree().equals("solutions") ? t.points() != t.max() : t.points() != 0)
                .forEach(t -> System.out.printf("NOTE %s/%s in %s scored %d / %d%n", t.chapter(), t.script(), t.tree(), t.points(), t.max()));
        if (cold) {
            coldChecks(home, scratch.resolve("solutions"));
        }
        System.out.printf("%nload after: %s%n", load());
    }

    /** Saves one exercise {@code runs} times and times each re-grade, as watch grades it. */
    private static Timing regrade(Engine engine, String tree, Path copy, Catalog.Test first, int runs, Path reports) throws IOException {
        Path file = Workbook.scriptFile(copy, first.chapter(), first.script());
        List<Long> regrade = new ArrayList<>();
        List<Long> firstFailure = new ArrayList<>();
        GradeReport report = null;
        for (int run = 1; run <= runs; run++) {
            engine.awaitSpares(Duration.ofSeconds(30));  // a learner's saves are seconds apart: the workers are warm again
            Files.writeString(file, "// saved again (" + run + ")\n", StandardOpenOption.APPEND);
            long saved = System.nanoTime();
            AtomicLong failedAt = new AtomicLong();
            report = TreeGrading.grade(engine, copy, Set.of(first.chapter()), Set.of(first.script()), false, graded -> { },
                    outcome -> {
                        if (outcome.status() == Outcome.Status.FAILED) {
                            failedAt.compareAndSet(0, System.nanoTime());
                        }
                    });
            TreeGrading.writeReports(report, reports);
            regrade.add(SETTLE_MILLIS + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - saved));
            if (failedAt.get() != 0) {
                firstFailure.add(SETTLE_MILLIS + TimeUnit.NANOSECONDS.toMillis(failedAt.get() - saved));
            }
        }
        String slowest = engine.catalog().of(first.chapter(), first.script()).stream()
                .filter(test -> engine.lastDuration(test).isPresent())
                .sorted(Comparator.comparing((Catalog.Test test) -> engine.lastDuration(test).orElseThrow()).reversed())
                .limit(testsListed)
                .map(test -> String.format("%s %d", test.name(), engine.lastDuration(test).orElseThrow().toMillis()))
                .collect(Collectors.joining(", "));
        System.out.printf("%-9s %-14s %-20s %-13s slowest (ms): %s%n", tree, first.chapter(), first.script(), figures(regrade), slowest);
        long inTests = engine.catalog().of(first.chapter(), first.script()).stream().map(engine::lastDuration)
                .flatMap(java.util.Optional::stream).mapToLong(Duration::toMillis).sum();
        return new Timing(tree, first.chapter(), first.script(), regrade, firstFailure, report.score(), report.maxScore(), inTests);
    }

    /** Each chapter's {@code check}, then everything's, each in a JVM of its own, as a learner types them. */
    private static void coldChecks(Path home, Path solutions) throws IOException, InterruptedException {
        System.out.printf("%nCold `./jbang workbook check`, on solutions/ (ms)%n%n| what | wall |%n|---|---:|%n");
        List<String> chapters;
        try (Stream<Path> folders = Files.list(solutions)) {
            chapters = folders.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d\\d-.+")).sorted().toList();
        }
        List<String> targets = new ArrayList<>(chapters);
        targets.add("");
        for (String chapter : targets) {
            List<String> command = new ArrayList<>(List.of("./jbang", "-D" + Workbook.ROOT + "=" + solutions, "workbook", "check"));
            if (!chapter.isEmpty()) {
                command.add(chapter);
            }
            long started = System.nanoTime();
            Process check = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            int status = check.waitFor();
            System.out.printf("| check %s | %d%s |%n", chapter.isEmpty() ? "(everything)" : chapter,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), status == 0 ? "" : " (exit " + status + ")");
        }
    }

    private static Path copyTree(Path home, String tree, Path scratch) throws IOException {
        Path copy = scratch.resolve(tree);
        if (Files.exists(copy)) {
            try (Stream<Path> old = Files.walk(copy)) {
                old.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (Stream<Path> files = Files.walk(home.resolve(tree))) {
            files.forEach(source -> {
                Path target = copy.resolve(home.resolve(tree).relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return copy;
    }

    private static String figures(List<Long> millis) {
        if (millis.isEmpty()) {
            return "–";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        return sorted.get(sorted.size() / 2) + " / " + sorted.get(sorted.size() - 1);
    }

    private static long worst(List<Timing> timings, String tree, java.util.function.Function<Timing, List<Long>> figure) {
        return timings.stream().filter(t -> t.tree().equals(tree)).flatMap(t -> figure.apply(t).stream()).mapToLong(Long::longValue)
                .max().orElse(0);
    }

    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
