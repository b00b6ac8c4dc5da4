package netbasics.workbook;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * The outcomes each exercise had when it was last graded, with a fingerprint of what was graded
 * (the learner's file and the suite's compiled class). {@code status} shows these instead of
 * grading everything again, and grades an exercise again only when its fingerprint changed.
 * Kept in target/workbook/last-results.json: deleting it only costs a slower next status.
 */
final class LastResults {

    record Entry(String key, List<Outcome> outcomes) {}

    private final Path root;
    private final Path file = Workbook.target("workbook").resolve("last-results.json");
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Entry> entries;

    LastResults(Path root) {
        this.root = root;
        this.entries = load();
    }

    /** What is being graded: the file's content, the tree, and the suite as compiled. */
    String key(Task task) {
        try {
            Path script = task.file(root);
            String content = Files.isRegularFile(script) ? sha256(Files.readAllBytes(script)) : "missing";
            byte[] suite;
            try (InputStream in = task.suite().getResourceAsStream(task.suite().getSimpleName() + ".class")) {
                suite = in == null ? new byte[0] : in.readAllBytes();
            }
            var codeSource = task.suite().getProtectionDomain().getCodeSource();
            return sha256((root + "|" + content + "|" + sha256(suite) + "|" + (codeSource == null ? "" : codeSource.getLocation()))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outcomes of the last grading, if the exercise has not changed since. */
    Optional<List<Outcome>> outcomes(Task task) {
        Entry entry = entries.get(task.id());
        return entry != null && entry.key().equals(key(task)) && !entry.outcomes().isEmpty()
                ? Optional.of(entry.outcomes()) : Optional.empty();
    }

    /** The outcomes of the last grading, changed since or not. */
    Optional<List<Outcome>> anyOutcomes(Task task) {
        return Optional.ofNullable(entries.get(task.id())).map(Entry::outcomes);
    }

    /** The key the exercise had when it was last graded (its file as grading began), or "" if never. */
    String gradedKey(Task task) {
        Entry entry = entries.get(task.id());
        return entry == null ? "" : entry.key();
    }

    void remember(Task task, String key, List<Outcome> outcomes) {
        entries.put(task.id(), new Entry(key, outcomes));
    }

    void save() {
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            json.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), entries);
            Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + Workbook.display(file), e);
        }
    }

    private Map<String, Entry> load() {
        if (Files.isRegularFile(file)) {
            try {
                return new TreeMap<>(json.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() {}));
            } catch (IOException unreadable) {
                // an older or damaged file: start afresh, it is only a cache
            }
        }
        return new TreeMap<>();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
