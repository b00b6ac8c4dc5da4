package netbasics.workbook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import netbasics.grading.GradeReport;
import netbasics.grading.Grading;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * Grades exercises in this JVM with {@link Grading} (the suites, filter and outcome collector of
 * a Maven run), writes the same reports a Maven run writes under target/grades/, and remembers
 * each exercise's outcomes for {@code status}.
 */
final class Grader {

    private final Path root;
    private final Terminal terminal;
    private final LastResults last;

    Grader(Path root, Terminal terminal) {
        this.root = root;
        this.terminal = terminal;
        this.last = new LastResults(root);
    }

    Path root() {
        return root;
    }

    LastResults last() {
        return last;
    }

    /** Grades {@code tasks}, all in one run. */
    GradeReport grade(Collection<Task> tasks) {
        Set<String> chapters = tasks.stream().map(Task::chapter).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> scripts = tasks.stream().map(Task::script).collect(Collectors.toCollection(LinkedHashSet::new));
        Map<Task, String> keys = new LinkedHashMap<>();
        tasks.forEach(task -> keys.put(task, last.key(task)));  // the file as it was when grading began
        long started = System.nanoTime();
        List<Outcome> outcomes = Grading.grade(root, chapters, scripts, new Progress(terminal)).stream()
                .filter(o -> tasks.stream().anyMatch(t -> t.id().equals(o.exercise())))
                .toList();
        var report = new GradeReport(Workbook.display(root) + "/", outcomes, Duration.ofNanos(System.nanoTime() - started));
        report.writeTo(Workbook.target("grades"));
        keys.forEach((task, key) -> last.remember(task, key,
                outcomes.stream().filter(o -> o.exercise().equals(task.id())).toList()));
        last.save();
        return report;
    }

    /**
     * The outcomes of every task, grading only those whose file (or suite) changed since they were
     * last graded; {@code announce} is told how many need grading before it starts.
     */
    Map<Task, List<Outcome>> current(List<Task> tasks, java.util.function.IntConsumer announce) {
        List<Task> stale = new ArrayList<>();
        for (Task task : tasks) {
            if (last.outcomes(task).isEmpty()) {
                stale.add(task);
            }
        }
        if (!stale.isEmpty()) {
            announce.accept(stale.size());
            grade(stale);
        }
        Map<Task, List<Outcome>> all = new LinkedHashMap<>();
        for (Task task : tasks) {
            all.put(task, last.outcomes(task).orElse(List.of()));
        }
        return all;
    }
}
