package netbasics.verification;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import netbasics.grading.Exercise;
import netbasics.grading.ExerciseFilter;
import netbasics.grading.Outcome;
import netbasics.grading.OutcomeCollector;
import netbasics.grading.Script;
import netbasics.grading.Workbook;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the graded suites, inside this JVM, against a tree of the workbook's choosing: how the
 * self-check grades the solutions, the stubs and each mutant. The listeners and filters that a
 * learner's run registers (score table, -Dworkbook.chapter) are switched off here.
 */
final class GradingRun {

    static final String GRADED_PACKAGE = "netbasics.chapters";

    private GradingRun() {}

    static List<Outcome> grade(Path root, Set<String> chapters, Set<String> scripts) {
        var collector = new OutcomeCollector();
        LauncherFactory.create(isolated()).execute(request(root, chapters, scripts), collector);
        return collector.outcomes();
    }

    /** Runs one graded test method (taking a Script) against {@code root}. */
    static List<Outcome> gradeOne(Path root, Class<?> suite, String method) {
        var collector = new OutcomeCollector();
        var request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(suite, method, Script.class.getName()))
                .configurationParameter(Workbook.ROOT, root.toString())
                .build();
        LauncherFactory.create(isolated()).execute(request, collector);
        return collector.outcomes();
    }

    /** The graded suites, as test discovery finds them. */
    static List<Class<?>> suites() {
        var plan = LauncherFactory.create(isolated()).discover(request(Workbook.home().resolve("solutions"), Set.of(), Set.of()));
        var found = new ArrayList<Class<?>>();
        plan.getRoots().forEach(engine -> plan.getDescendants(engine).forEach(node -> node.getSource()
                .filter(ClassSource.class::isInstance)
                .map(source -> ((ClassSource) source).getJavaClass())
                .filter(suite -> suite.isAnnotationPresent(Exercise.class) && !found.contains(suite))
                .ifPresent(found::add)));
        return found;
    }

    /** The exercises that have a graded suite. */
    static List<Exercise> exercises() {
        return suites().stream().map(suite -> suite.getAnnotation(Exercise.class)).distinct().toList();
    }

    private static LauncherDiscoveryRequest request(Path root, Set<String> chapters, Set<String> scripts) {
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage(GRADED_PACKAGE))
                .filters(new ExerciseFilter(chapters, scripts))
                .configurationParameter(Workbook.ROOT, root.toString())
                .build();
    }

    private static LauncherConfig isolated() {
        return LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .enablePostDiscoveryFilterAutoRegistration(false)
                .build();
    }
}
