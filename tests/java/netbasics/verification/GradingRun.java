package netbasics.verification;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import netbasics.grading.Exercise;
import netbasics.grading.Grading;
import netbasics.grading.Outcome;

/**
 * Runs the graded suites, inside this JVM, against a tree of the workbook's choosing: how the
 * self-check grades the solutions, the stubs and each mutant. See {@link Grading}, which the
 * {@code workbook} command uses too.
 */
final class GradingRun {

    private GradingRun() {}

    static List<Outcome> grade(Path root, Set<String> chapters, Set<String> scripts) {
        return Grading.grade(root, chapters, scripts);
    }

    /** Runs one graded test method (taking a Script) against {@code root}. */
    static List<Outcome> gradeOne(Path root, Class<?> suite, String method) {
        return Grading.gradeOne(root, suite, method);
    }

    /** The graded suites, as test discovery finds them. */
    static List<Class<?>> suites() {
        return Grading.suites();
    }

    /** The exercises that have a graded suite. */
    static List<Exercise> exercises() {
        return suites().stream().map(suite -> suite.getAnnotation(Exercise.class)).distinct().toList();
    }
}
