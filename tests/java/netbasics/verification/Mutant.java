package netbasics.verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netbasics.grading.Script;

/**
 * A planted bug: a solution with one classic mistake. A mutant is written down as the mistake in
 * words and the edit that makes it, in {@code tests/mutants/CHAPTER/SCRIPT/NAME.mutant}:
 *
 * <pre>
 * A 1024-byte receive buffer: longer datagrams are silently cut short.
 * --- find
 *         byte[] buffer = new byte[MAX_DATAGRAM];
 * --- replace
 *         byte[] buffer = new byte[1024];
 * </pre>
 *
 * A mutant may hold several find/replace pairs. Each find must occur exactly once in the solution,
 * so a mutant that no longer matches its solution fails loudly instead of testing nothing.
 */
record Mutant(String chapter, String script, String name, String mistake, List<Edit> edits) {

    record Edit(String find, String replace) {}

    static final String EXTENSION = ".mutant";

    /**
     * Which test caught each mutant in an earlier self-check: "mutant CHAPTER/SCRIPT/NAME", a tab,
     * the test's key. Each self-check writes what it saw to target/mutants/caught-by.tsv; copy it
     * over the committed one when mutants or suites change (a missing or stale line only costs time).
     */
    static final String CAUGHT_BY = "tests/mutants/caught-by.tsv";

    /** {@link #CAUGHT_BY} read: the catching test's key by mutant; empty when there is no such file. */
    static Map<String, String> caughtBy(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(line -> line.split("\t")).filter(parts -> parts.length == 2)
                    .collect(Collectors.toMap(parts -> parts[0], parts -> parts[1], (a, b) -> b)) : Map.of();
        } catch (IOException unreadable) {
            return Map.of();
        }
    }

    /**
     * The test to run first for this mutant: the one that caught it last time. Tests still run until
     * the first failure, so only their order changes, and a mutant costs one test, not several.
     */
    Set<String> triedFirst(Map<String, String> caughtBy) {
        return Optional.ofNullable(caughtBy.get(toString())).map(Set::of).orElse(Set.of());
    }

    /** Every mutant under {@code folder} (tests/mutants), in a stable order. */
    static List<Mutant> all(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(EXTENSION)).sorted().map(Mutant::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mutant read(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - EXTENSION.length());
        String script = file.getParent().getFileName().toString();
        String chapter = file.getParent().getParent().getFileName().toString();
        try {
            return parse(chapter, script, name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mutant parse(String chapter, String script, String name, String text) {
        String where = chapter + "/" + script + "/" + name + ".mutant";
        var mistake = new StringBuilder();
        var edits = new ArrayList<Edit>();
        StringBuilder find = null;
        StringBuilder replace = null;
        for (String line : text.lines().toList()) {
            if (line.equals("--- find")) {
                if (find != null) {
                    edits.add(edit(where, find, replace));
                }
                find = new StringBuilder();
                replace = null;
            } else if (line.equals("--- replace") && find != null) {
                replace = new StringBuilder();
            } else if (find == null) {
                mistake.append(line.strip()).append(' ');
            } else {
                (replace != null ? replace : find).append(line).append('\n');
            }
        }
        edits.add(edit(where, find, replace));
        if (mistake.isEmpty()) {
            throw new IllegalArgumentException(where + ": start with a sentence that names the mistake");
        }
        return new Mutant(chapter, script, name, mistake.toString().strip(), List.copyOf(edits));
    }

    private static Edit edit(String where, StringBuilder find, StringBuilder replace) {
        if (find == null || replace == null || find.isEmpty()) {
            throw new IllegalArgumentException(where + ": every edit needs a '--- find' block and a '--- replace' block");
        }
        return new Edit(find.toString(), replace.toString());
    }

    /** The solution's text with this mutant's mistake planted in it. */
    String applyTo(String solution) {
        String result = solution;
        for (Edit edit : edits) {
            int first = result.indexOf(edit.find());
            if (first < 0 || result.indexOf(edit.find(), first + 1) >= 0) {
                throw new IllegalStateException(this + ": this text must occur exactly once in the solution, but occurs "
                        + (first < 0 ? "nowhere" : "more than once") + ":\n" + edit.find());
            }
            result = result.substring(0, first) + edit.replace() + result.substring(first + edit.find().length());
        }
        return result;
    }

    /**
     * Writes a one-exercise tree holding the mutated solution and, in their places, the files it
     * pulls in with {@code //SOURCES} (such as cli/CommandLine.java); returns the tree's root.
     */
    Path plant(Path solutions, Path scratch) {
        return plantInto(solutions, scratch.resolve(chapter).resolve(script).resolve(name));
    }

    /**
     * Writes the mutated solution, and the files it pulls in, into the tree at {@code root}, beside
     * whatever that tree holds already (other exercises' mutants, say); returns {@code root}.
     */
    Path plantInto(Path solutions, Path root) {
        try {
            Path solutionFile = solutions.resolve(chapter).resolve(script + ".java");
            String solution = Files.readString(solutionFile, StandardCharsets.UTF_8);
            Path file = root.resolve(chapter).resolve(script + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, applyTo(solution), StandardCharsets.UTF_8);
            Path tree = solutions.toAbsolutePath().normalize();
            for (Path source : Script.sources(solutionFile).stream().skip(1).toList()) {
                if (!source.startsWith(tree)) {
                    throw new IllegalStateException(this + ": " + solutionFile + " pulls in " + source + ", outside " + tree);
                }
                Path copy = root.resolve(tree.relativize(source).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "mutant " + chapter + "/" + script + "/" + name;
    }
}
