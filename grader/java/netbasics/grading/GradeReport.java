package netbasics.grading;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The score of a run, four ways: a table for the console, Gradescope's {@code results.json}, a
 * Markdown summary (for a CI job summary or a pull request) and GitHub Classroom's per-chapter
 * results. All come from the same outcomes, so they always agree.
 */
public record GradeReport(String tree, List<Outcome> outcomes, Duration elapsed, String isolation) {

    public GradeReport(String tree, List<Outcome> outcomes, Duration elapsed) {
        this(tree, outcomes, elapsed, "");
    }

    /**
     * The most UTF-8 bytes of one chapter's classroom result. It reaches the reporting step in one
     * environment variable, and Linux caps one variable (name, '=' and value) at 128 KiB
     * (MAX_ARG_STRLEN, 131,072 bytes); base64 makes 96,000 bytes 128,000 characters, which leaves
     * room for the variable's name.
     */
    public static final int CLASSROOM_RESULT_BYTES = 96_000;

    /** The most UTF-8 bytes of summary.md: GitHub refuses a job summary over 1 MiB per step. */
    public static final int SUMMARY_BYTES = 900_000;

    private static final String CLASSROOM_CUT =
            " … (cut short so this chapter's result fits GitHub's 128 KiB limit; the whole message is in the Grade step's log)";
    private static final String SUMMARY_CUT =
            " … (cut short so the summary fits GitHub's 1 MiB limit; the whole message is in results.json and the grading log)";

    public int score() {
        return outcomes.stream().mapToInt(Outcome::points).sum();
    }

    public int maxScore() {
        return outcomes.stream().mapToInt(Outcome::countedMaxPoints).sum();
    }

    /** Points and maximum per exercise, in the order the exercises were graded. */
    public Map<String, int[]> byExercise() {
        Map<String, int[]> rows = new LinkedHashMap<>();
        for (Outcome o : outcomes.stream().sorted(Comparator.comparing(Outcome::exercise)).toList()) {
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

    /**
     * The score in Markdown, for a CI job summary or a pull request: the tree, the table, then each
     * failing test with its message (and hint) folded away. The messages are cut to keep the whole
     * within {@link #SUMMARY_BYTES}, each cut one saying so.
     */
    public String markdown() {
        return fitted(5000, SUMMARY_BYTES, cap -> {
            var out = new StringBuilder("# netbasics score\n\n");
            out.append("Graded tree: `").append(tree).append("` — **").append(score()).append(" / ").append(maxScore())
                    .append(" points (").append(percent()).append(" %)**\n\n");
            out.append(markdownTable());
            List<Outcome> failed = failed();
            if (!failed.isEmpty()) {
                out.append("\n## Failing tests\n");
                for (Outcome o : failed) {
                    out.append("\n<details><summary>").append(o.exercise()).append(" — ").append(o.test())
                            .append(" (").append(o.maxPoints()).append(" points)</summary>\n\n```\n")
                            .append(cut(o.message(), cap, SUMMARY_CUT).replace("```", "'''")).append("\n```\n</details>\n");
                }
            }
            return out.toString();
        });
    }

    /**
     * The score table in Markdown: a header, its separator row, one row per exercise with every
     * cell filled (so each row reads alone, sorted or filtered), then the total.
     */
    public String markdownTable() {
        var out = new StringBuilder("| chapter | exercise | points | failing tests |\n|---|---|---:|---:|\n");
        for (var row : byExercise().entrySet()) {
            String[] parts = row.getKey().split("/", 2);
            out.append("| ").append(parts[0]).append(" | ").append(parts[1]).append(" | ")
                    .append(row.getValue()[0]).append(" / ").append(row.getValue()[1]).append(" | ")
                    .append(failing(row.getKey())).append(" |\n");
        }
        out.append("| **total** | ").append(byExercise().size()).append(" exercises | **").append(score()).append(" / ")
                .append(maxScore()).append("** (").append(percent()).append(" %) | ").append(failed().size()).append(" |\n");
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
            test.put("output", o.status() == Outcome.Status.SKIPPED ? "Skipped: " + o.message()
                    : o.message() + (o.output().isBlank() ? "" : "\n\nWhat your code printed during this test (its end):\n" + o.output()));
            test.put("tags", List.of(o.chapter(), o.script()));
            test.put("visibility", "visible");
            return test;
        }).toList();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("score", score());
        results.put("execution_time", Math.max(1, elapsed.toSeconds()));
        // The overall output is Markdown, so its table renders as a table. Each test's output is a
        // failure message laid out as plain text (byte diffs, transcripts), so it stays text.
        results.put("output", gradescopeOutput());
        results.put("output_format", "md");
        results.put("test_output_format", "text");
        // run_autograder's stdout is Maven's log, for the instructor. Everything a student needs (the
        // score, each failing message and hint, which files were graded or ignored) is in "output"
        // and the tests.
        results.put("stdout_visibility", "hidden");
        results.put("tests", tests);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What Gradescope shows above the tests: the total and the table, in Markdown. */
    public String gradescopeOutput() {
        return "**netbasics: " + score() + " / " + maxScore() + " points (" + percent() + " %)**\n\n" + markdownTable()
                + (failed().isEmpty() ? "" : "\nEach failing test below says what it sent, what came back and what it expected, and gives a hint.\n")
                + (isolation.isBlank() ? "" : "\n" + isolation + "\n");
    }

    /** The chapters this report covers, in order. */
    public List<String> chapters() {
        return outcomes.stream().map(Outcome::chapter).distinct().sorted().toList();
    }

    /**
     * One chapter in the result format of GitHub Classroom's autograding runners (what
     * {@code autograding-command-grader} puts in its {@code result} output, base64-encoded): the
     * chapter's maximum and each test with the points it earned (and, beyond that format, its own
     * {@code max_score}), so a chapter earns partial credit. tools/classroom/report.sh reads it.
     *
     * <p>It fits one environment variable by construction: the JSON is kept within
     * {@link #CLASSROOM_RESULT_BYTES} by cutting the failure messages, all to the same length, until
     * it fits, each cut one saying so; if even that is not enough, the messages are left out.
     */
    public String classroomJson(String chapter) {
        return fitted(1500, CLASSROOM_RESULT_BYTES, cap -> classroomJson(chapter, cap));
    }

    /**
     * The chapter's result with messages cut to {@code messageCap} characters; below 0, the last
     * resorts for a chapter of very many tests: -1 leaves the messages out, -2 also the fields
     * nobody reads here (test_code, filename, line_no, duration), -3 gives one entry per exercise.
     */
    private String classroomJson(String chapter, int messageCap) {
        List<Outcome> inChapter = outcomes.stream().filter(o -> o.chapter().equals(chapter)).toList();
        List<Map<String, Object>> tests = new java.util.ArrayList<>();
        if (messageCap < -2) {
            byExercise().forEach((exercise, points) -> {
                if (exercise.startsWith(chapter + "/")) {
                    long failing = failing(exercise);
                    tests.add(classroomTest(exercise.substring(chapter.length() + 1), failing == 0, points[0], points[1],
                            failing == 0 ? "" : failing + " tests failing; their messages did not fit: see the Grade step's log"));
                }
            });
        }
        for (Outcome o : messageCap < -2 ? List.<Outcome>of() : inChapter) {
            Map<String, Object> test = classroomTest(o.script() + " › " + o.test(), o.status() != Outcome.Status.FAILED,
                    o.points(), o.countedMaxPoints(),
                    cut(o.status() == Outcome.Status.SKIPPED ? "Skipped: " + o.message() : o.message(), messageCap, CLASSROOM_CUT));
            if (messageCap >= -1) {
                test.put("test_code", "");
                test.put("filename", tree + o.chapter() + "/" + o.script() + ".java");
                test.put("line_no", 0);
                test.put("duration", 0);
            }
            tests.add(test);
        }
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

    private static Map<String, Object> classroomTest(String name, boolean passed, int score, int maxScore, String message) {
        Map<String, Object> test = new LinkedHashMap<>();
        test.put("name", name);
        test.put("status", passed ? "pass" : "fail");
        test.put("score", score);
        test.put("max_score", maxScore);
        test.put("message", message);
        return test;
    }

    /**
     * {@code render(cap)}, with messages cut to {@code cap} characters, the cap shrinking until the
     * text has at most {@code budget} UTF-8 bytes; then the renderer's last resorts, caps -1 to -3.
     */
    private static String fitted(int cap, int budget, IntFunction<String> render) {
        while (true) {
            String text = render.apply(cap);
            long size = text.getBytes(StandardCharsets.UTF_8).length;
            if (size <= budget || cap <= -3) {
                return text;
            }
            // Shrink in proportion to the excess, and by at least a tenth; below 40 characters a
            // message says nothing, so then go to the last resorts.
            int smaller = (int) Math.min(cap * 9L / 10, cap * (long) budget / size * 9 / 10);
            cap = cap < 0 ? cap - 1 : smaller < 40 ? -1 : smaller;
        }
    }

    /** {@code message} cut to {@code max} characters, ending with {@code note}; for a cap below 0, only a note that it was left out. */
    private static String cut(String message, int max, String note) {
        if (max < 0) {
            return message.isEmpty() ? "" : "(message left out to fit GitHub's size limit; the whole message is in the grading log)";
        }
        return message.length() <= max ? message : message.substring(0, max) + note;
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

    private List<Outcome> failed() {
        return outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).toList();
    }

    private int percent() {
        return maxScore() == 0 ? 0 : Math.round(100f * score() / maxScore());
    }

    private long failing(String exercise) {
        return outcomes.stream().filter(o -> o.exercise().equals(exercise) && o.status() == Outcome.Status.FAILED).count();
    }
}
