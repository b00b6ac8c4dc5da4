package netbasics.grading;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherExecutionRequestBuilder.executionRequest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the graded suites inside this JVM, through the JUnit Platform Launcher, against a tree of
 * the caller's choosing. The self-check grades solutions, stubs and mutants this way, and the
 * {@code workbook} command grades a learner's work this way: the same suites, the same
 * {@link ExerciseFilter} and the same {@link OutcomeCollector} as a Maven run, so the same score.
 *
 * <p>The listeners and filters a Maven run registers through META-INF/services (the score table,
 * {@code -Dworkbook.chapter}) are switched off here: the caller says what to grade and reports
 * the outcomes itself.
 */
public final class Grading {

    /** The package that holds every graded suite. */
    public static final String GRADED_PACKAGE = "netbasics.chapters";

    private Grading() {}

    /**
     * Grades the exercises of {@code root} that the filters select (an empty set selects all);
     * {@code listeners} see the run as it goes, e.g. to draw a progress bar.
     */
    public static List<Outcome> grade(Path root, Set<String> chapters, Set<String> scripts, TestExecutionListener... listeners) {
        return grade(root, chapters, scripts, Set.of(), false, listeners);
    }

    /**
     * Grades like {@link #grade} but stops at the first failing test: enough to show that a
     * planted mistake is caught, without waiting out every other test it also breaks.
     */
    public static List<Outcome> gradeUntilFirstFailure(Path root, Set<String> chapters, Set<String> scripts) {
        return grade(root, chapters, scripts, Set.of(), true);
    }

    /**
     * The general form: {@code excluded} names test methods ({@code pkg.SuiteTest#method}) not to
     * run, such as those a grading worker already reported before it died; with
     * {@code untilFirstFailure}, the run stops at the first failing test.
     */
    public static List<Outcome> grade(Path root, Set<String> chapters, Set<String> scripts, Set<String> excluded,
            boolean untilFirstFailure, TestExecutionListener... listeners) {
        var collector = new OutcomeCollector();
        var cancellation = CancellationToken.create();
        var all = new ArrayList<TestExecutionListener>(List.of(listeners));
        all.add(0, collector);
        if (untilFirstFailure) {
            all.add(new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                    if (test.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                        cancellation.cancel();
                    }
                }
            });
        }
        LauncherFactory.create(isolated()).execute(executionRequest(request(root, chapters, scripts, excluded))
                .listeners(all.toArray(TestExecutionListener[]::new))
                .cancellationToken(cancellation)
                .build());
        return collector.outcomes();
    }

    /** Runs one graded test method (taking a Script) against {@code root}. */
    public static List<Outcome> gradeOne(Path root, Class<?> suite, String method) {
        var collector = new OutcomeCollector();
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(suite, method, Script.class.getName()))
                .configurationParameter(Workbook.ROOT, root.toString())
                .build();
        LauncherFactory.create(isolated()).execute(request, collector);
        return collector.outcomes();
    }

    /** The test plan of every graded suite, as discovery finds it (nothing is run). */
    public static TestPlan discover() {
        return LauncherFactory.create(isolated()).discover(request(Workbook.home().resolve("solutions"), Set.of(), Set.of()));
    }

    /** The graded suites, each a class annotated with {@link Exercise}, in discovery order. */
    public static List<Class<?>> suites() {
        var plan = discover();
        var found = new ArrayList<Class<?>>();
        plan.getRoots().forEach(engine -> plan.getDescendants(engine).forEach(node -> node.getSource()
                .filter(ClassSource.class::isInstance)
                .map(source -> ((ClassSource) source).getJavaClass())
                .filter(suite -> suite.isAnnotationPresent(Exercise.class) && !found.contains(suite))
                .ifPresent(found::add)));
        return found;
    }

    /** The exercise a graded suite (or a class nested in one) belongs to, or null. */
    public static Exercise exerciseOf(Class<?> testClass) {
        return OutcomeCollector.exerciseOf(testClass);
    }

    private static LauncherDiscoveryRequest request(Path root, Set<String> chapters, Set<String> scripts) {
        return request(root, chapters, scripts, Set.of());
    }

    private static LauncherDiscoveryRequest request(Path root, Set<String> chapters, Set<String> scripts, Set<String> excluded) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(GRADED_PACKAGE))
                .filters(new ExerciseFilter(chapters, scripts), excluding(excluded))
                .configurationParameter(Workbook.ROOT, root.toString())
                .build();
    }

    private static PostDiscoveryFilter excluding(Set<String> keys) {
        return descriptor -> {
            boolean left = descriptor.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(m -> keys.contains(m.getClassName() + "#" + m.getMethodName())).orElse(false);
            return FilterResult.includedIf(!left, () -> "to run", () -> "already graded");
        };
    }

    private static LauncherConfig isolated() {
        return LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .build();
    }
}
