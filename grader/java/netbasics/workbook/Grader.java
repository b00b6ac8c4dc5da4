package netbasics.workbook;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import netbasics.grader.Engine;
import netbasics.grader.TreeGrading;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * Grades exercises through the trusted {@link Engine}, as a Maven run does (the same workers,
 * suites and checks, so the same scores), writes the same reports under target/grades/, and
 * remembers each exercise's outcomes for {@code status}.
 */
final class Grader {

    private final Path root;
    private final Terminal terminal;
    private final LastResults last;
    private Engine engine;

    Grader(Path root, Terminal terminal) {
        this.root = root;
        this.terminal = terminal;
        this.last = new LastResults(root);
    }

    /**
     * The engine, started on first use and kept for the command's life: its spare workers stay
     * warm, so that in watch mode a save is graded by a worker that has the suites loaded already.
     */
    private Engine engine() {
        if (engine == null) {
            engine = Engine.interactive();
        }
        return engine;
    }

    Path root() {
        return root;
    }

    LastResults last() {
        return last;
    }

    /** Grades {@code tasks}, all in one run. */
    GradeReport grade(Collection<Task> tasks) {
        return grade(tasks, outcome -> { });
    }

    /** Like {@link #grade(Collection)}; {@code asFinished} is told each test's outcome as soon as it is known. */
    GradeReport grade(Collection<Task> tasks, Consumer<Outcome> asFinished) {
        Set<String> chapters = tasks.stream().map(Task::chapter).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> scripts = tasks.stream().map(Task::script).collect(Collectors.toCollection(LinkedHashSet::new));
        Map<Task, String> keys = new LinkedHashMap<>();
        tasks.forEach(task -> keys.put(task, last.key(task)));  // the file as it was when grading began
        var progress = new Progress(terminal, tasks.size());
        GradeReport graded = TreeGrading.grade(engine(), root, chapters, scripts, false, progress::graded, asFinished);
        progress.finish();
        List<Outcome> outcomes = graded.outcomes().stream()
                .filter(o -> tasks.stream().anyMatch(t -> t.id().equals(o.exercise())))
                .toList();
        var report = new GradeReport(graded.tree(), outcomes, graded.elapsed(), graded.isolation());
        TreeGrading.writeReports(report, Workbook.target("grades"));
        keys.forEach((task, key) -> last.remember(task, key,
                outcomes.stream().filter(o -> o.exercise().equals(task.id())).toList()));
        last.save();
        return report;
    }

    /**
     * The outcomes of every task, grading only those whose file (or suite) changed since they were
     * last graded; {@code announce} is told how many need grading before it starts. A file saved
     * while it was being graded has the outcomes of that grading (what it was as grading began).
     */
    Map<Task, List<Outcome>> current(List<Task> tasks, java.util.function.IntConsumer announce) {
        return current(tasks, announce, false);
    }

    /**
     * Like {@link #current(List, java.util.function.IntConsumer)}; with {@code stubsAsTheyCame}, a
     * file still byte for byte its stub is shown as not started without being graded ({@link Stubs}).
     */
    Map<Task, List<Outcome>> current(List<Task> tasks, java.util.function.IntConsumer announce, boolean stubsAsTheyCame) {
        Stubs stubs = stubsAsTheyCame ? Stubs.of(root) : null;
        Map<Task, List<Outcome>> untouched = new LinkedHashMap<>();
        List<Task> stale = new ArrayList<>();
        for (Task task : tasks) {
            if (last.outcomes(task).isPresent()) {
                continue;
            }
            if (stubs != null && stubs.untouched(task)) {
                untouched.put(task, Stubs.notStarted(task));
            } else {
                stale.add(task);
            }
        }
        if (!stale.isEmpty()) {
            announce.accept(stale.size());
            grade(stale);
        }
        Map<Task, List<Outcome>> all = new LinkedHashMap<>();
        for (Task task : tasks) {
            Optional<List<Outcome>> outcomes = untouched.containsKey(task) ? Optional.of(untouched.get(task))
                    : stale.contains(task) ? last.anyOutcomes(task) : last.outcomes(task);
            all.put(task, outcomes.orElse(List.of()));
        }
        return all;
    }
}
