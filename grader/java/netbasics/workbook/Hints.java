package netbasics.workbook;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import netbasics.grading.Outcome;

/**
 * The hints of an exercise, revealed one level at a time.
 *
 * <p>Authored hints live in {@code tests/hints/CHAPTER/SCRIPT.md}. Each {@code ## } heading starts
 * a level and names it; levels go from a nudge, to the API to use, to the shape of the answer.
 * Anything before the first heading is a note for authors and is never shown:
 *
 * <pre>
 * # UdpEchoServer
 *
 * ## A nudge
 * What to think about first.
 *
 * ## The API
 * Which classes and methods do it.
 *
 * ## The shape of the answer
 * The loop, in words or a few lines of code.
 * </pre>
 *
 * An exercise without such a file falls back to the hints of its tests ({@code @Graded(hint=)}),
 * those of its failing tests first, one test's hint per level.
 *
 * <p>How many levels a learner has seen is kept in {@code .workbook/hints.properties} (ignored by
 * git), so the next {@code hint} goes one level further.
 */
public final class Hints {

    /** One level: its title (the heading) and its text. */
    public record Level(String title, String text) {}

    private final Path home;
    private final Path seenFile;

    Hints(Path home) {
        this.home = home;
        this.seenFile = home.resolve(".workbook").resolve("hints.properties");
    }

    /** Where the authored hints of {@code task} are, whether or not they exist yet. */
    Path file(Task task) {
        return home.resolve("tests").resolve("hints").resolve(task.chapter()).resolve(task.script() + ".md");
    }

    /** The levels of {@code task}: authored ones, else its tests' hints (failing tests first, per {@code last}). */
    List<Level> levels(Task task, List<Outcome> last) {
        Path authored = file(task);
        if (Files.isRegularFile(authored)) {
            try {
                List<Level> levels = parse(Files.readString(authored, StandardCharsets.UTF_8));
                if (!levels.isEmpty()) {
                    return levels;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Set<String> failing = new LinkedHashSet<>();
        last.stream().filter(o -> o.status() == Outcome.Status.FAILED).forEach(o -> failing.add(o.test()));
        List<Level> levels = new ArrayList<>();
        task.tests().stream().filter(t -> failing.contains(t.name())).forEach(t -> levels.add(new Level("for \"" + t.name() + "\"", t.hint())));
        task.tests().stream().filter(t -> !failing.contains(t.name())).forEach(t -> levels.add(new Level("for \"" + t.name() + "\"", t.hint())));
        return levels.stream().filter(l -> !l.text().isBlank()).toList();
    }

    /** The levels of an authored hints file, in order. */
    public static List<Level> parse(String markdown) {
        List<Level> levels = new ArrayList<>();
        String title = null;
        var text = new StringBuilder();
        for (String line : markdown.lines().toList()) {
            if (line.startsWith("## ")) {
                if (title != null) {
                    levels.add(new Level(title, text.toString().strip()));
                }
                title = line.substring(3).strip();
                text.setLength(0);
            } else if (title != null) {
                text.append(line).append('\n');
            }
        }
        if (title != null) {
            levels.add(new Level(title, text.toString().strip()));
        }
        return levels;
    }

    /**
     * Markdown's paragraphs and list items, each on one line, so that a terminal can wrap them
     * at its own width: lines of one paragraph or item are joined; blank lines, list items and
     * fenced code stay as written.
     */
    public static String reflow(String markdown) {
        var out = new StringBuilder();
        boolean inCode = false;
        boolean joinable = false;
        for (String line : markdown.strip().lines().toList()) {
            String stripped = line.strip();
            if (stripped.startsWith("```")) {
                inCode = !inCode;
                out.append('\n').append(line);
                joinable = false;
            } else if (inCode || stripped.isEmpty() || !joinable || startsItem(stripped)) {
                out.append('\n').append(line);
                joinable = !inCode && !stripped.isEmpty();
            } else {
                out.append(' ').append(stripped);
            }
        }
        return out.toString().strip();
    }

    private static boolean startsItem(String line) {
        return line.startsWith("- ") || line.startsWith("* ") || line.matches("\\d+\\. .*");
    }

    /** How many levels of {@code task} the learner has seen. */
    int seen(Task task) {
        return Integer.parseInt(load().getProperty(task.id(), "0"));
    }

    void markSeen(Task task, int levels) {
        Properties seen = load();
        seen.setProperty(task.id(), Integer.toString(levels));
        try {
            Files.createDirectories(seenFile.getParent());
            try (Writer out = Files.newBufferedWriter(seenFile, StandardCharsets.UTF_8)) {
                seen.store(out, "How many hint levels of each exercise were shown (./jbang workbook hint SCRIPT). Delete to start over.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + seenFile, e);
        }
    }

    private Properties load() {
        var seen = new Properties();
        if (Files.isRegularFile(seenFile)) {
            try (Reader in = Files.newBufferedReader(seenFile, StandardCharsets.UTF_8)) {
                seen.load(in);
            } catch (IOException | IllegalArgumentException unreadable) {
                // start over: forgetting which hints were shown costs nothing
            }
        }
        return seen;
    }
}
