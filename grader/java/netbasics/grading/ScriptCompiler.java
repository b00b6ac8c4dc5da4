package netbasics.grading;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one script on its own, the way {@code jbang} would, so that a script that does not
 * compile fails only its own exercise. Like {@code jbang}, it compiles with the script every file
 * its {@code //SOURCES} lines name (relative to the file that names them, globs allowed, followed
 * into the files they bring in). Results are kept per content of all those files: a script is
 * compiled once per run however many tests use it, and again as soon as any of its files changes.
 */
public final class ScriptCompiler {

    /**
     * The outcome of compiling one script: its classes, or javac's messages. {@code sources} is
     * every file compiled, the script first; {@code broken} the files javac found errors in.
     */
    public record Compilation(Path source, List<Path> sources, Path classes, String errors, List<Path> broken) {
        /** How every message of a compilation that failed ends its first sentence (the status labels it "does not compile"). */
        public static final String NONE_CAN_RUN = "so none of its tests can run";

        public boolean succeeded() {
            return errors == null;
        }

        /**
         * Why none of the script's tests can run, naming the file to fix: the script itself, or, when
         * every error is in files it pulls in with //SOURCES, those files (the exercise may be right).
         */
        public String failure() {
            Path self = source.toAbsolutePath().normalize();
            List<String> others = broken.stream().filter(file -> !file.equals(self)).map(Workbook::display).toList();
            if (!others.isEmpty() && others.size() == broken.size()) {
                return String.join(" and ", others) + (others.size() == 1 ? " does" : " do") + " not compile, and "
                        + Workbook.display(source) + " needs " + (others.size() == 1 ? "it" : "them") + " (//SOURCES), "
                        + NONE_CAN_RUN + ":\n" + errors;
            }
            return Workbook.display(source) + " does not compile, " + NONE_CAN_RUN + ":\n" + errors;
        }
    }

    private static final Pattern SOURCES = Pattern.compile("^//SOURCES\\s+(.+)$");
    /** Marks a classes folder whose compilation completed: the same content is not compiled twice. */
    private static final String COMPILED = ".compiled";

    private static final Map<String, Compilation> CACHE = new ConcurrentHashMap<>();
    /**
     * One compilation at a time, however many exercises are graded side by side: a compilation's working memory is
     * most of the engine's heap, and the exercise beside it spends its time in its grading worker anyway.
     */
    private static final Object ONE_AT_A_TIME = new Object();

    private ScriptCompiler() {}

    public static Compilation compile(Path source) {
        Path script = source.toAbsolutePath().normalize();
        var sources = new LinkedHashSet<Path>();
        var missing = new ArrayList<String>();
        var digest = sha256();
        collect(script, sources, missing, digest);
        String hash = HexFormat.of().formatHex(digest.digest());
        if (!missing.isEmpty()) {
            return new Compilation(source, List.copyOf(sources), null, String.join("\n", missing), List.of(script));
        }
        return CACHE.computeIfAbsent(hash, key -> javac(source, List.copyOf(sources), hash.substring(0, 12)));
    }

    /** Every file compiling {@code script} takes, the script first, as {@code jbang} would gather them; without compiling. */
    public static List<Path> sources(Path script) {
        var sources = new LinkedHashSet<Path>();
        collect(script.toAbsolutePath().normalize(), sources, new ArrayList<>(), sha256());
        return List.copyOf(sources);
    }

    /** Adds {@code file} and, depth first, what its {@code //SOURCES} lines name; feeds path and content to the digest. */
    private static void collect(Path file, Set<Path> sources, List<String> missing, MessageDigest digest) {
        if (!sources.add(file)) {
            return;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + Workbook.display(file), e);
        }
        digest.update((file + "\0" + text + "\0").getBytes(StandardCharsets.UTF_8));
        for (String line : text.lines().toList()) {
            var sourcesLine = SOURCES.matcher(line.strip());
            if (!sourcesLine.matches()) {
                continue;
            }
            for (String entry : sourcesLine.group(1).strip().split("\\s+")) {
                List<Path> named = named(file.getParent(), entry);
                if (named.isEmpty()) {
                    missing.add(Workbook.display(file) + ": //SOURCES " + entry + " names no file (it is read relative to "
                            + Workbook.display(file.getParent()) + ")");
                }
                named.forEach(path -> collect(path, sources, missing, digest));
            }
        }
    }

    /** The files a {@code //SOURCES} entry names: one path, or every file a glob such as {@code ../cli/*.java} matches. */
    private static List<Path> named(Path folder, String entry) {
        if (!entry.matches(".*[*?{\\[].*")) {
            Path file = folder.resolve(entry).normalize();
            return Files.isRegularFile(file) ? List.of(file) : List.of();
        }
        PathMatcher matcher = folder.getFileSystem().getPathMatcher("glob:" + folder.resolve(entry).normalize());
        Path base = folder.resolve(entry.replaceAll("[^/]*[*?{\\[].*$", "")).normalize();
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile).map(Path::normalize).filter(matcher::matches).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Compilation javac(Path source, List<Path> sources, String hash) {
        String name = source.getFileName().toString().replaceFirst("\\.java$", "");
        Path classes = Workbook.target("workbook-classes").resolve(name + "-" + hash);
        if (Files.isRegularFile(classes.resolve(COMPILED))) {
            return new Compilation(source, sources, classes, null, List.of()); // compiled already, by the engine or an earlier run
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
            boolean ok;
            synchronized (ONE_AT_A_TIME) {
                ok = compiler.getTask(output, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
                returnTheCompilersMemory();
            }
            if (ok) {
                Files.writeString(classes.resolve(COMPILED), "");
                return new Compilation(source, sources, classes, null, List.of());
            }
            var errors = new StringBuilder();
            var broken = new LinkedHashSet<Path>();
            for (var d : diagnostics.getDiagnostics()) {
                Path file = d.getSource() == null ? source : Path.of(d.getSource().toUri()).normalize();
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    broken.add(file);
                }
                errors.append(Workbook.display(file)).append(':').append(d.getLineNumber()).append(": ")
                        .append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
                        .append(d.getMessage(Locale.ENGLISH)).append('\n');
            }
            return new Compilation(source, sources, classes, errors.append(output).toString().strip(), List.copyOf(broken));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A compilation leaves tens of megabytes of garbage in the old generation, where the serial collector would keep
     * it, resident, for the rest of the run. A full collection now (the engine's live data is a few megabytes, so it
     * takes milliseconds) lets the heap shrink back, so that grading every chapter stays within Gradescope's 768 MB.
     */
    private static void returnTheCompilersMemory() {
        System.gc();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
