package netbasics.grading;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Gathers the outcome of every graded test of a run, one per test method (a parameterized test
 * counts once: it passes when every case passes).
 */
public class OutcomeCollector implements TestExecutionListener {

    /** An outcome and the key of its test method ({@code pkg.SuiteTest#method}), which names it across JVMs. */
    public record Keyed(String key, Outcome outcome) {}

    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();

    public synchronized List<Outcome> outcomes() {
        return new ArrayList<>(outcomes.values());
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        outcomeOf(test, Outcome.Status.SKIPPED, reason).ifPresent(this::record);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        outcomeOf(test, result).ifPresent(this::record);
    }

    private synchronized void record(Keyed keyed) {
        outcomes.merge(keyed.key(), keyed.outcome(), OutcomeCollector::worse);
    }

    /** The outcome a finished test identifier stands for, if it is a graded test method (or one case of it). */
    public static Optional<Keyed> outcomeOf(TestIdentifier test, TestExecutionResult result) {
        return switch (result.getStatus()) {
            case SUCCESSFUL -> outcomeOf(test, Outcome.Status.PASSED, "");
            case ABORTED -> outcomeOf(test, Outcome.Status.SKIPPED, message(result));
            case FAILED -> outcomeOf(test, Outcome.Status.FAILED, message(result));
        };
    }

    public static Optional<Keyed> outcomeOf(TestIdentifier test, Outcome.Status status, String message) {
        return keyOf(test).map(key -> {
            MethodSource source = (MethodSource) test.getSource().orElseThrow();
            Exercise exercise = exerciseOf(source.getJavaClass());
            Graded graded = source.getJavaMethod().getAnnotation(Graded.class);
            int points = graded == null ? 0 : graded.points();
            String name = source.getMethodName().replace('_', ' ');
            return new Keyed(key, new Outcome(exercise.chapter(), exercise.script(), name, points, status, message));
        });
    }

    /** {@code pkg.SuiteTest#method} for a graded test method or one of its cases; empty for anything else. */
    public static Optional<String> keyOf(TestIdentifier test) {
        if (!(test.getSource().orElse(null) instanceof MethodSource source) || exerciseOf(source.getJavaClass()) == null) {
            return Optional.empty();
        }
        return Optional.of(source.getClassName() + "#" + source.getMethodName());
    }

    /**
     * Of two reports for one test method, the one to keep: a parameterized test reports each case
     * and then itself, and the worst news wins.
     */
    public static Outcome worse(Outcome earlier, Outcome later) {
        if (earlier.status() == Outcome.Status.FAILED) {
            return earlier;
        }
        if (earlier.status() != Outcome.Status.PASSED && later.status() == Outcome.Status.PASSED) {
            return earlier;
        }
        return later;
    }

    static Exercise exerciseOf(Class<?> testClass) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (c.isAnnotationPresent(Exercise.class)) {
                return c.getAnnotation(Exercise.class);
            }
        }
        return null;
    }

    private static String message(TestExecutionResult result) {
        return result.getThrowable().map(t -> t.getMessage() == null ? t.toString() : t.getMessage()).orElse("");
    }
}
