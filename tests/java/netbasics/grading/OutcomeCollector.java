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

    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();

    public synchronized List<Outcome> outcomes() {
        return new ArrayList<>(outcomes.values());
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, Outcome.Status.SKIPPED, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        switch (result.getStatus()) {
            case SUCCESSFUL -> record(test, Outcome.Status.PASSED, "");
            case ABORTED -> record(test, Outcome.Status.SKIPPED, message(result));
            case FAILED -> record(test, Outcome.Status.FAILED, message(result));
        }
    }

    private synchronized void record(TestIdentifier test, Outcome.Status status, String message) {
        Optional<Method> method = test.getSource().filter(MethodSource.class::isInstance)
                .map(source -> ((MethodSource) source).getJavaMethod());
        if (method.isEmpty()) {
            return;
        }
        Class<?> testClass = ((MethodSource) test.getSource().orElseThrow()).getJavaClass();
        Exercise exercise = exerciseOf(testClass);
        if (exercise == null) {
            return;
        }
        Graded graded = method.get().getAnnotation(Graded.class);
        int points = graded == null ? 0 : graded.points();
        String key = testClass.getName() + "#" + method.get().getName();
        String name = method.get().getName().replace('_', ' ');
        Outcome earlier = outcomes.get(key);
        // A parameterized test reports each case and then itself: keep the worst news.
        if (earlier != null && earlier.status() != Outcome.Status.PASSED && status == Outcome.Status.PASSED) {
            return;
        }
        if (earlier != null && earlier.status() == Outcome.Status.FAILED) {
            return;
        }
        outcomes.put(key, new Outcome(exercise.chapter(), exercise.script(), name, points, status, message));
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
