package netbasics.workbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netbasics.grading.Outcome;
import netbasics.grading.Script;
import netbasics.grading.Workbook;

/**
 * The exercise files as they came, and the command line they share, by their SHA-256
 * (tests/stubs.sha256, kept true by the self-check). A file still byte for byte its stub has not
 * been started, and the self-check proves that every graded test fails on an untouched stub: so
 * {@code status} can say "not started" without grading it, and a fresh clone's first
 * {@code ./jbang workbook} answers in seconds.
 * {@code check} and {@code watch} grade every file they are asked to, stub or not.
 */
final class Stubs {

    static final String MANIFEST = "tests/stubs.sha256";
    static final String UNTOUCHED = "Not done yet: TODO. The file is its stub as it came; start with its first TODO.";

    private final Path root;
    private final Map<String, String> hashes;

    private Stubs(Path root, Map<String, String> hashes) {
        this.root = root;
        this.hashes = hashes;
    }

    /** The stubs of the learner's tree, chapters/; none for any other tree (solutions/, a submission). */
    static Stubs of(Path root) {
        Path home = Workbook.home();
        if (!root.toAbsolutePath().normalize().equals(home.resolve("chapters").toAbsolutePath().normalize())) {
            return new Stubs(root, Map.of());
        }
        return new Stubs(root, read(home.resolve(MANIFEST)));
    }

    /**
     * Whether the task's file, and every file it pulls in with {@code //SOURCES} (another exercise,
     * the shared command line), is still byte for byte as it came.
     */
    boolean untouched(Task task) {
        Path file = task.file(root);
        return Files.isRegularFile(file) && Script.sources(file).stream().allMatch(this::asItCame);
    }

    private boolean asItCame(Path file) {
        String expected = hashes.get(Workbook.display(file));
        try {
            return expected != null && Files.isRegularFile(file) && expected.equals(sha256(file));
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** What grading an untouched stub gives, without grading it: every test failed, none by any fault but the TODO. */
    static List<Outcome> notStarted(Task task) {
        return task.tests().stream().map(test -> new Outcome(task.chapter(), task.script(), test.name(), test.points(),
                Outcome.Status.FAILED, UNTOUCHED + (test.hint().isBlank() ? "" : "\n\nHint: " + test.hint()))).toList();
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> read(Path manifest) {
        Map<String, String> hashes = new LinkedHashMap<>();
        if (!Files.isRegularFile(manifest)) {
            return hashes;
        }
        try {
            for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                String[] parts = line.strip().split("\\s+", 2);
                if (parts.length == 2) {
                    hashes.put(parts[1], parts[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        return hashes;
    }
}
