package netbasics.grade;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netbasics.grader.TreeGrading;
import netbasics.grading.ExerciseFilter;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * {@code ./mvnw test -Pgrade}: grades the tree ({@code -Dworkbook.root}, chapters/ by default)
 * through the trusted engine. This JVM never loads graded code; it prints the score table,
 * writes the reports under target/grades/, and reports each graded test to Surefire, so the
 * command fails while a test fails.
 */
class GradeTree {

    @TestFactory
    Stream<DynamicContainer> grade() {
        Set<String> chapters = names(System.getProperty(Workbook.CHAPTER));
        Set<String> scripts = names(System.getProperty(Workbook.EXERCISE));
        new ExerciseFilter(); // an unknown chapter stops the run here, with the list of chapters
        GradeReport report = TreeGrading.grade(Workbook.root(key -> Optional.ofNullable(System.getProperty(key))), chapters, scripts, done -> {});
        Path html = TreeGrading.writeReports(report, Workbook.target("grades"));
        System.out.println(report.table());
        System.out.println("  Reports: " + Workbook.display(Workbook.target("grades").resolve("results.json")) + ", "
                + Workbook.display(Workbook.target("grades").resolve("summary.md")) + ", " + Workbook.display(html)
                + (Boolean.getBoolean(TreeGrading.PCAP) ? ", " + Workbook.display(Workbook.target("grades").resolve("pcap")) + "/" : "") + "\n");
        Map<String, List<Outcome>> byExercise = new LinkedHashMap<>();
        report.outcomes().forEach(o -> byExercise.computeIfAbsent(o.exercise(), k -> new java.util.ArrayList<>()).add(o));
        return byExercise.entrySet().stream().map(exercise -> dynamicContainer(exercise.getKey(),
                exercise.getValue().stream().map(o -> dynamicTest(o.test(), () -> {
                    switch (o.status()) {
                        case FAILED -> throw new AssertionFailedError(o.message()
                                + (o.output().isBlank() ? "" : "\n\nYour code printed:\n" + o.output()));
                        case SKIPPED -> throw new TestAbortedException(o.message());
                        case PASSED -> { }
                    }
                }))));
    }

    private static Set<String> names(String list) {
        return list == null ? Set.of() : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }
}
