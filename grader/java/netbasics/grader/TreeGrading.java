package netbasics.grader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import netbasics.grading.Catalog;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;
import netbasics.report.HtmlReport;
import netbasics.report.Pcapng;

/**
 * Grades a tree, every exercise or those selected, through the {@link Engine}: what
 * {@code ./mvnw test -Pgrade}, the workbook command and the course platforms' scripts all do.
 */
public final class TreeGrading {

    private TreeGrading() {}

    /**
     * Grades the exercises of {@code root} that {@code chapters} and {@code scripts} select (empty:
     * all); {@code graded} is told each exercise's outcomes as soon as they are known.
     */
    public static GradeReport grade(Engine engine, Path root, Set<String> chapters, Set<String> scripts, Consumer<List<Outcome>> graded) {
        return grade(engine, root, chapters, scripts, false, graded, outcome -> { });
    }

    /**
     * Like {@link #grade(Engine, Path, Set, Set, Consumer)}; with {@code untilFirstFailure}, each
     * exercise stops at its first failing test, and the tests after it fail as not run (a cheap
     * run for checks that need a failure, not a score). {@code asFinished} is told each test's
     * outcome as soon as it is known.
     */
    public static GradeReport grade(Engine engine, Path root, Set<String> chapters, Set<String> scripts, boolean untilFirstFailure,
                                    Consumer<List<Outcome>> graded, Consumer<Outcome> asFinished) {
        long started = System.nanoTime();
        List<CompletableFuture<List<Outcome>>> pending = new ArrayList<>();
        for (var exercise : engine.catalog().byExercise().entrySet()) {
            Catalog.Test first = exercise.getValue().get(0);
            if ((chapters.isEmpty() || chapters.contains(first.chapter())) && (scripts.isEmpty() || scripts.contains(first.script()))) {
                pending.add(engine.submit(root, first.chapter(), first.script(), untilFirstFailure, false, asFinished).whenComplete((outcomes, failure) -> {
                    if (outcomes != null) {
                        graded.accept(outcomes);
                    }
                }));
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        pending.forEach(future -> outcomes.addAll(future.join()));
        return new GradeReport(Workbook.display(root) + "/", outcomes, Duration.ofNanos(System.nanoTime() - started), engine.isolation());
    }

    /** Set {@code -Dworkbook.pcap=true} to have each failing test's conversation written as a pcapng file too. */
    public static final String PCAP = "workbook.pcap";

    /**
     * Writes every report of a run into {@code folder}: results.json, summary.md, the Classroom
     * results, report.html (the conversations drawn) and, when asked for, one pcapng per failing test.
     * The trusted side calls this once its workers are gone, so no graded code can write after it.
     */
    public static Path writeReports(GradeReport report, Path folder) {
        return writeReports(report, folder, Boolean.getBoolean(PCAP));
    }

    /** Like {@link #writeReports(GradeReport, Path)}, writing the pcapng files when {@code pcap} says so. */
    public static Path writeReports(GradeReport report, Path folder, boolean pcap) {
        report.writeTo(folder);
        if (pcap) {
            Pcapng.writeAll(folder.resolve("pcap"), report.outcomes());
        }
        return HtmlReport.write(folder, report.tree(), report.outcomes());
    }

    /** Like {@link #grade(Engine, Path, Set, Set, Consumer)} with an engine of its own, closed when done. */
    public static GradeReport grade(Path root, Set<String> chapters, Set<String> scripts, Consumer<List<Outcome>> graded) {
        // One warm spare is enough to hide a worker's start behind the exercise before it, and keeps all the JVMs of a
        // run within Gradescope's default 768 MB; -Dworkbook.spares=N changes it.
        try (Engine engine = new Engine(Engine.defaultSlots(), Integer.getInteger("workbook.spares", 1))) {
            return grade(engine, root, chapters, scripts, graded);
        }
    }
}
