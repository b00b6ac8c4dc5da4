package netbasics.grading;

import java.time.Duration;
import org.junit.platform.launcher.TestPlan;

/**
 * Registered with the JUnit Platform (see META-INF/services): after any run that graded something,
 * prints the score table and writes {@code target/grades/results.json} and {@code summary.md}.
 */
public final class ScoreBoard extends OutcomeCollector {

    private long startedAt;
    private String tree = Workbook.DEFAULT_ROOT;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        startedAt = System.nanoTime();
        tree = Workbook.display(Workbook.root(key -> plan.getConfigurationParameters().get(key))) + "/";
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (outcomes().isEmpty()) {
            return;
        }
        var report = new GradeReport(tree, outcomes(), Duration.ofNanos(System.nanoTime() - startedAt));
        var folder = Workbook.target("grades");
        report.writeTo(folder);
        System.out.println(report.table());
        System.out.println("  Reports: " + Workbook.display(folder.resolve("results.json")) + ", "
                + Workbook.display(folder.resolve("summary.md")) + "\n");
    }
}
