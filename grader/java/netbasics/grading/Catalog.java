package netbasics.grading;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Every graded test, as the trusted side knows it before any learner code runs: its key, its
 * exercise, its name and its points. What a worker reports is matched against this list, so a
 * worker can neither invent a test nor drop one: a test it never reports is failed, with the reason.
 */
public record Catalog(Map<String, List<Test>> byExercise) {

    /** One graded test method. */
    public record Test(String key, String chapter, String script, String name, int points, String hint) {

        /** This test failed for a reason found outside it (a compile error, a forbidden call, a dead worker). */
        public Outcome failed(String reason) {
            return new Outcome(chapter, script, name, points, Outcome.Status.FAILED,
                    reason + (hint.isBlank() ? "" : "\n\nHint: " + hint));
        }
    }

    /** The graded suites found by discovery (their classes are loaded; nothing is run). */
    public static Catalog discover() {
        TestPlan plan = Grading.discover();
        Map<String, List<Test>> tests = new LinkedHashMap<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier node : plan.getDescendants(engine)) {
                boolean insideMethod = plan.getParent(node).flatMap(TestIdentifier::getSource)
                        .filter(MethodSource.class::isInstance).isPresent();
                if (insideMethod) {
                    continue; // a parameterized test's cases: the test itself counts once
                }
                OutcomeCollector.outcomeOf(node, Outcome.Status.PASSED, "").ifPresent(keyed -> {
                    Outcome o = keyed.outcome();
                    Graded graded = ((MethodSource) node.getSource().orElseThrow()).getJavaMethod().getAnnotation(Graded.class);
                    tests.computeIfAbsent(o.exercise(), k -> new ArrayList<>()).add(new Test(keyed.key(), o.chapter(), o.script(),
                            o.test(), o.maxPoints(), graded == null ? "" : graded.hint()));
                });
            }
        }
        return new Catalog(tests);
    }

    /** The tests of {@code chapter/script}, in discovery order; empty when it has no suite. */
    public List<Test> of(String chapter, String script) {
        return byExercise.getOrDefault(chapter + "/" + script, List.of());
    }
}
