package netbasics.grading;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one script on its own, the way {@code jbang} would, so that a script that does not
 * compile fails only its own exercise. Results are kept per file content: a file is compiled once
 * per run however many tests use it, and again as soon as it changes.
 */
public final class ScriptCompiler {

    /** The outcome of compiling one file: its classes, or javac's messages. */
    public record Compilation(Path source, Path classes, String errors) {
        public boolean succeeded() {
            return errors == null;
        }
    }

    /** Marks a classes folder whose compilation completed: the same content is not compiled twice. */
    private static final String COMPILED = ".compiled";

    private static final Map<String, Compilation> CACHE = new ConcurrentHashMap<>();

    private ScriptCompiler() {}

    public static Compilation compile(Path source) {
        byte[] content;
        try {
            content = Files.readAllBytes(source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Workbook.display(source), e);
        }
        String hash = sha256(content);
        return CACHE.computeIfAbsent(source.toAbsolutePath() + "@" + hash, key -> javac(source, hash.substring(0, 12)));
    }

    private static Compilation javac(Path source, String hash) {
        String name = source.getFileName().toString().replaceFirst("\\.java$", "");
        Path classes = Workbook.target("workbook-classes").resolve(name + "-" + hash);
        if (Files.isRegularFile(classes.resolve(COMPILED))) {
            return new Compilation(source, classes, null); // compiled already, by the engine or an earlier run
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("The tests run on a Java runtime without javac: run them on a JDK 21 or newer.");
        }
        var diagnostics = new DiagnosticCollector<JavaFileObject>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ENGLISH, StandardCharsets.UTF_8)) {
            Files.createDirectories(classes);
            List<String> options = List.of("--release", "21", "-encoding", "UTF-8", "-proc:none", "-implicit:none", "-d", classes.toString());
            var output = new StringWriter();
            boolean ok = compiler.getTask(output, files, diagnostics, options, null, files.getJavaFileObjects(source)).call();
            if (ok) {
                Files.writeString(classes.resolve(COMPILED), "");
                return new Compilation(source, classes, null);
            }
            var errors = new StringBuilder();
            for (var d : diagnostics.getDiagnostics()) {
                errors.append(Workbook.display(source)).append(':').append(d.getLineNumber()).append(": ")
                        .append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
                        .append(d.getMessage(Locale.ENGLISH)).append('\n');
            }
            return new Compilation(source, classes, errors.append(output).toString().strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
