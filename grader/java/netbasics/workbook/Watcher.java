package netbasics.workbook;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * {@code watch}: grades an exercise each time its file is saved, in this JVM, which stays warm
 * between saves (JUnit loaded, javac ready, unchanged files not compiled again). Shows the score
 * and the next failing test. Ctrl-C stops it; the shutdown hook ends anything a test started.
 */
final class Watcher {

    /** Editors often write a file in several steps; wait this long for the last one. */
    private static final long SETTLE_MILLIS = 50;

    private final Terminal terminal;
    private final Grader grader;
    private final Path root;
    private final List<Task> tasks;
    private final BiConsumer<Task, List<Outcome>> next;
    private final Map<Task, String> graded = new HashMap<>();

    Watcher(Terminal terminal, Grader grader, Path root, List<Task> tasks, BiConsumer<Task, List<Outcome>> next) {
        this.terminal = terminal;
        this.grader = grader;
        this.root = root;
        this.tasks = tasks;
        this.next = next;
    }

    int run() throws IOException {
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            Set<Path> folders = new LinkedHashSet<>();
            tasks.forEach(t -> folders.add(t.file(root).getParent()));
            for (Path folder : folders) {
                if (Files.isDirectory(folder)) {
                    folder.register(watcher, ENTRY_CREATE, ENTRY_MODIFY);
                }
            }
            // Grading what changed since last time warms this JVM up, so the first save is graded as fast as the rest.
            Map<Task, List<Outcome>> current = grader.current(tasks, stale -> { });
            // The key each exercise had when it was graded, not now: a save made while this first grading ran is news.
            current.forEach((task, outcomes) -> graded.put(task, grader.last().gradedKey(task)));
            summary(current);
            for (Task task : tasks) {
                String now = grader.last().key(task);
                if (!now.equals(graded.get(task))) {
                    graded.put(task, now);
                    regrade(task);
                }
            }
            terminal.println();
            terminal.println("Watching " + String.join(", ", folders.stream().map(f -> Workbook.display(f) + "/").toList())
                    + " — save an exercise to grade it. Ctrl-C stops.");
            while (true) {
                WatchKey key = watcher.take();
                Set<Task> saved = new LinkedHashSet<>();
                collect(key, saved);
                // Gather the rest of this save (and of a save of several files at once) before grading.
                for (WatchKey more; (more = watcher.poll(SETTLE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    collect(more, saved);
                }
                for (Task task : saved) {
                    String now = grader.last().key(task);
                    if (!now.equals(graded.get(task))) {     // an editor's second write of the same content is no news
                        graded.put(task, now);
                        regrade(task);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private void collect(WatchKey key, Set<Task> saved) {
        Path folder = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.context() instanceof Path name) {
                Path file = folder.resolve(name);
                tasks.stream().filter(t -> t.file(root).equals(file)).findFirst().ifPresent(saved::add);
            }
        }
        key.reset();
    }

    private void regrade(Task task) {
        long savedAt = savedAt(task.file(root));
        terminal.println();
        terminal.println(terminal.dim(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "  "
                + Workbook.display(task.file(root)) + " saved"));
        // The first failure is shown the moment it is known: the exercise's other tests go on meanwhile.
        AtomicBoolean shown = new AtomicBoolean();
        GradeReport report = grader.grade(List.of(task), outcome -> {
            if (outcome.status() == Outcome.Status.FAILED && shown.compareAndSet(false, true)) {
                synchronized (terminal) {
                    terminal.eraseLine();
                    terminal.println("  " + terminal.red("failing:") + " " + outcome.test() + terminal.dim("  ("
                            + outcome.maxPoints() + (outcome.maxPoints() == 1 ? " point" : " points")
                            + String.format(", %.1f s after the save; the other tests go on)", secondsSince(savedAt))));
                    terminal.println(terminal.indent(WorkbookCommand.shorten(outcome.message()), "      "));
                }
            }
        });
        List<Outcome> outcomes = report.outcomes();
        long failures = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).count();
        String score = report.score() + " / " + report.maxScore();
        String took = terminal.dim(String.format("  (graded %.1f s after the save)", secondsSince(savedAt)));
        synchronized (terminal) {
            if (failures == 0) {
                terminal.println("  " + terminal.green(task.script() + ": done, " + score) + took);
                Optional<Task> upNext = nextUnfinished();
                upNext.ifPresentOrElse(t -> {
                    terminal.println();
                    next.accept(t, grader.last().anyOutcomes(t).orElse(List.of()));
                }, () -> terminal.println(terminal.green("  Every exercise watched here passes.")));
                return;
            }
            terminal.println("  " + terminal.yellow(task.script() + ": " + score) + ", " + failures + " failing" + took);
        }
    }

    private static double secondsSince(long millis) {
        return (System.currentTimeMillis() - millis) / 1e3;
    }

    /** When the file was written, by the file system's clock: the latency shown counts from the save itself. */
    private static long savedAt(Path file) {
        try {
            return Math.min(System.currentTimeMillis(), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException gone) {
            return System.currentTimeMillis();
        }
    }

    private Optional<Task> nextUnfinished() {
        return tasks.stream().filter(t -> grader.last().anyOutcomes(t).map(WorkbookCommand.Mark::of)
                .orElse(WorkbookCommand.Mark.NOT_STARTED) != WorkbookCommand.Mark.DONE).findFirst();
    }

    private void summary(Map<Task, List<Outcome>> current) {
        terminal.println();
        current.forEach((task, outcomes) -> {
            var mark = WorkbookCommand.Mark.of(outcomes);
            int points = outcomes.stream().mapToInt(Outcome::points).sum();
            int max = outcomes.stream().mapToInt(Outcome::countedMaxPoints).sum();
            String label = String.format("%-12s", mark.label);
            terminal.println(String.format("  %-16s %-24s ", task.chapter(), task.script())
                    + (mark == WorkbookCommand.Mark.DONE ? terminal.green(label) : mark == WorkbookCommand.Mark.PARTIAL ? terminal.yellow(label) : terminal.dim(label))
                    + String.format("%4d / %-4d", points, max));
        });
    }
}
