package netbasics.workbook;

import java.util.HashSet;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * A one-line progress bar while grading, redrawn in place: how many tests are done, how many
 * failed so far, and which one is running. Drawn only on a terminal; elsewhere it stays silent,
 * so logs hold only the results.
 */
final class Progress implements TestExecutionListener {

    private final Terminal terminal;
    private final Set<String> counted = new HashSet<>();
    private TestPlan plan;
    private int total;
    private int done;
    private int failed;

    Progress(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        Set<String> methods = new HashSet<>();
        testPlan.getRoots().forEach(root -> testPlan.getDescendants(root).forEach(node -> key(node).ifPresent(methods::add)));
        total = methods.size();
        draw("");
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (isTestMethod(test)) {
            draw(test.getSource().map(source -> ((MethodSource) source).getMethodName().replace('_', ' ')).orElse(""));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        finished(test, false);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        finished(test, result.getStatus() == TestExecutionResult.Status.FAILED);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (terminal.interactive && total > 0) {
            terminal.out.print("\r" + " ".repeat(terminal.width() - 1) + "\r");
            terminal.out.flush();
        }
    }

    private void finished(TestIdentifier test, boolean failure) {
        if (isTestMethod(test) && key(test).map(counted::add).orElse(false)) {
            done++;
            failed += failure ? 1 : 0;
            draw("");
        }
    }

    private void draw(String running) {
        if (!terminal.interactive || total == 0) {
            return;
        }
        int slots = 24;
        int filled = Math.min(slots, done * slots / total);
        String bar = terminal.green("#".repeat(filled)) + terminal.dim("-".repeat(slots - filled));
        String failing = failed > 0 ? " " + failed + " failing" : "";
        String counts = String.format(" %d/%d", done, total);
        // Everything must fit on one line, or the carriage return redraws only its last part.
        int room = terminal.width() - "  grading [".length() - slots - "]".length() - counts.length() - failing.length() - 3;
        String name = running.length() <= room ? running : room < 2 ? "" : running.substring(0, room - 1) + "…";
        terminal.out.print("\r  grading [" + bar + "]" + counts + terminal.red(failing) + "  " + name + "\u001b[K");
        terminal.out.flush();
    }

    /** Parameterized tests report each case and then themselves; count the test itself, once. */
    private boolean isTestMethod(TestIdentifier test) {
        return test.getSource().filter(MethodSource.class::isInstance).isPresent()
                && (plan == null || plan.getParent(test).flatMap(TestIdentifier::getSource).filter(MethodSource.class::isInstance).isEmpty());
    }

    private java.util.Optional<String> key(TestIdentifier test) {
        return test.getSource().filter(MethodSource.class::isInstance).map(s -> (MethodSource) s)
                .map(m -> m.getClassName() + "#" + m.getMethodName());
    }
}
