package netbasics.grading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The score of a run, four ways: a table for the console, Gradescope's {@code results.json}, a
 * Markdown summary (for a CI job summary or a pull request) and GitHub Classroom's per-chapter
 * results. All come from the same outcomes, so they always agree.
 */
public record GradeReport(String tree, List<Outcome> outcomes, Duration elapsed, String isolation) {

    public GradeReport(String tree, List<Outcome> outcomes, Duration elapsed) {
        this(tree, outcomes, elapsed, "");
    }

    public int score() {
        return outcomes.stream().mapToInt(Outcome::points).sum();
    }

    public int maxScore() {
        return outcomes.stream().mapToInt(Outcome::countedMaxPoints).sum();
    }

    /** Points and maximum per exercise, in the order the exercises were graded. */
    public Map<String, int[]> byExercise() {
        Map<String, int[]> rows = new LinkedHashMap<>();
        for (Outcome o : outcomes.stream().sorted(java.util.Comparator.comparing(Outcome::exercise)).toList()) {
            int[] row = rows.computeIfAbsent(o.exercise(), k -> new int[2]);
            row[0] += o.points();
            row[1] += o.countedMaxPoints();
        }
        return rows;
    }

    public String table() {
        var out = new StringBuilder();
        out.append("\nnetbasics score for ").append(tree).append('\n');
        out.append(String.format("  %-16s %-22s %9s%n", "chapter", "exercise", "points"));
        String previousChapter = "";
        for (var row : byExercise().entrySet()) {
            String[] parts = row.getKey().split("/", 2);
            String chapter = parts[0].equals(previousChapter) ? "" : parts[0];
            previousChapter = parts[0];
            out.append(String.format("  %-16s %-22s %4d / %-3d%s%n", chapter, parts[1], row.getValue()[0], row.getValue()[1],
                    row.getValue()[0] == row.getValue()[1] ? "" : "  " + failing(row.getKey()) + " failing"));
        }
        out.append(String.format("  %-39s %4d / %-3d (%d %%)%n", "total", score(), maxScore(), percent()));
        if (!isolation.isBlank()) {
            out.append("  ").append(isolation).append('\n');
        }
        return out.toString();
    }

    public String markdown() {
        var out = new StringBuilder("# netbasics score\n\n");
        out.append("Graded tree: `").append(tree).append("` — **").append(score()).append(" / ").append(maxScore())
                .append(" points (").append(percent()).append(" %)**\n\n");
        out.append("| chapter | exercise | points |\n|---|---|---:|\n");
        for (var row : byExercise().entrySet()) {
            String[] parts = row.getKey().split("/", 2);
            out.append("| ").append(parts[0]).append(" | ").append(parts[1]).append(" | ")
                    .append(row.getValue()[0]).append(" / ").append(row.getValue()[1]).append(" |\n");
        }
        out.append("| **total** | | **").append(score()).append(" / ").append(maxScore()).append("** |\n");
        List<Outcome> failed = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).toList();
        if (!failed.isEmpty()) {
            out.append("\n## Failing tests\n");
            for (Outcome o : failed) {
                out.append("\n<details><summary>").append(o.exercise()).append(" — ").append(o.test())
                        .append(" (").append(o.maxPoints()).append(" points)</summary>\n\n```\n")
                        .append(cut(o.message(), 5000).replace("```", "'''")).append("\n```\n</details>\n");
            }
        }
        return out.toString();
    }

    /** Gradescope's autograder results format. */
    public String gradescopeJson() {
        var tests = outcomes.stream().map(o -> {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", o.name());
            test.put("score", o.points());
            test.put("max_score", o.countedMaxPoints());
            test.put("status", o.status() == Outcome.Status.FAILED ? "failed" : "passed");
            test.put("output", o.status() == Outcome.Status.SKIPPED ? "Skipped: " + o.message() : o.message());
            test.put("tags", List.of(o.chapter(), o.script()));
            test.put("visibility", "visible");
            return test;
        }).toList();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("score", score());
        results.put("execution_time", Math.max(1, elapsed.toSeconds()));
        results.put("output", table().strip());
        results.put("tests", tests);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chapters this report covers, in order. */
    public List<String> chapters() {
        return outcomes.stream().map(Outcome::chapter).distinct().sorted().toList();
    }

    /**
     * One chapter in the result format of GitHub Classroom's autograding runners (what
     * {@code autograding-command-grader} puts in its {@code result} output, base64-encoded, and
     * {@code autograding-grading-reporter} reads): the chapter's maximum, and each test with the
     * points it earned, so a chapter earns partial credit.
     */
    public String classroomJson(String chapter) {
        List<Outcome> inChapter = outcomes.stream().filter(o -> o.chapter().equals(chapter)).toList();
        var tests = inChapter.stream().map(o -> {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", o.script() + " › " + o.test());
            test.put("status", o.status() == Outcome.Status.FAILED ? "fail" : "pass");
            test.put("score", o.points());
            test.put("message", cut(o.status() == Outcome.Status.SKIPPED ? "Skipped: " + o.message() : o.message(), 1500));
            test.put("test_code", "");
            test.put("filename", tree + o.chapter() + "/" + o.script() + ".java");
            test.put("line_no", 0);
            test.put("duration", 0);
            return test;
        }).toList();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("version", 1);
        results.put("status", inChapter.stream().anyMatch(o -> o.status() == Outcome.Status.FAILED) ? "fail" : "pass");
        results.put("max_score", inChapter.stream().mapToInt(Outcome::countedMaxPoints).sum());
        results.put("tests", tests);
        try {
            return new ObjectMapper().writeValueAsString(results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A failure message short enough for GitHub, where some assertions (those printing whole
     * datagrams) would not fit: the classroom reporter receives a chapter's results in one
     * environment variable, which Linux caps at 128 KiB, and a job summary may hold 1 MiB.
     * results.json keeps every message whole.
     */
    private static String cut(String message, int max) {
        return message.length() <= max ? message
                : message.substring(0, max) + " … (cut short; the whole message is in results.json and the grading log)";
    }

    /** Writes results.json, summary.md and classroom/CHAPTER.json (one per chapter) into {@code folder}. */
    public void writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("results.json"), gradescopeJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("summary.md"), markdown(), StandardCharsets.UTF_8);
            Path classroom = folder.resolve("classroom");
            Files.createDirectories(classroom);
            try (var old = Files.list(classroom)) {
                for (Path file : old.filter(p -> p.toString().endsWith(".json")).toList()) {
                    Files.delete(file); // a chapter graded last time but not now must not linger
                }
            }
            for (String chapter : chapters()) {
                Files.writeString(classroom.resolve(chapter + ".json"), classroomJson(chapter), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the grade reports to " + folder, e);
        }
    }

    private int percent() {
        return maxScore() == 0 ? 0 : Math.round(100f * score() / maxScore());
    }

    private long failing(String exercise) {
        return outcomes.stream().filter(o -> o.exercise().equals(exercise) && o.status() == Outcome.Status.FAILED)
                .collect(Collectors.counting());
    }
}
