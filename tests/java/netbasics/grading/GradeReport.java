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
 * The score of a run, three ways: a table for the console, Gradescope's {@code results.json}, and a
 * Markdown summary (for a CI job summary or a pull request). All three come from the same outcomes,
 * so they always agree.
 */
public record GradeReport(String tree, List<Outcome> outcomes, Duration elapsed) {

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
                        .append(o.message().replace("```", "'''")).append("\n```\n</details>\n");
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

    /** Writes results.json and summary.md into {@code folder}. */
    public void writeTo(Path folder) {
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve("results.json"), gradescopeJson(), StandardCharsets.UTF_8);
            Files.writeString(folder.resolve("summary.md"), markdown(), StandardCharsets.UTF_8);
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
