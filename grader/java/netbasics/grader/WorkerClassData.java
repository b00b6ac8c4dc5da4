package netbasics.grader;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import netbasics.grading.Workbook;

/**
 * Class-data sharing for grading workers. Every worker starts by loading and linking the same
 * classes (the JUnit launcher, AssertJ, the suites, the JDK's TLS code): about a third of its
 * start. Once per class path, the trusted side starts one worker that is given no job, lets it
 * load what a worker loads before its first job, and keeps those classes in a CDS archive; every
 * later worker maps the archive instead of loading them again.
 *
 * <p>Graded code never runs in the JVM that makes the archive. The archive lives beside the
 * compiled suites, under target/, so it is exactly as well guarded as they are: on a course
 * platform workers run as a user who may read there but not write. The JVM itself checks that an
 * archive was made from the same class path and the same JDK, and starts without one it cannot
 * use. Until the archive is made, and wherever it cannot be, workers start as before:
 * {@code -Dworkbook.classdata=off} never makes one.
 *
 * <p>CDS keeps only classes read from JAR files, so the class path's folders (Maven's
 * target/test-classes and target/classes) are packed into one JAR for the workers first.
 */
final class WorkerClassData {

    /** How to start a worker: its class path and the JVM options that go with it. */
    record Launch(String classPath, List<String> options) {}

    static final String SWITCH = "workbook.classdata";
    private static final String ARCHIVE_OPTION = "-XX:SharedArchiveFile=";
    /** A worker that has not loaded the suites within this long will not; the archive is then not made. */
    private static final long DUMP_BOUND_SECONDS = 60;
    private static final long STALE_IN_STORE_MILLIS = 30 * 60_000L;
    private static final long STALE_STORE_MILLIS = 24 * 3_600_000L;
    private static final Map<String, CompletableFuture<Optional<Launch>>> MADE = new ConcurrentHashMap<>();

    private WorkerClassData() {}

    /**
     * How to start a worker on {@code classPath} with {@code options}: with the archive once it is
     * made (its making starts on the first call), as given until then.
     */
    static Launch launch(String classPath, List<String> options, Map<String, String> environment) {
        Launch plain = new Launch(classPath, options);
        if ("off".equals(System.getProperty(SWITCH))) {
            return plain;
        }
        var made = MADE.computeIfAbsent(classPath + '\0' + options, unused -> CompletableFuture.supplyAsync(
                () -> make(plain, environment), runnable -> Thread.ofPlatform().daemon().name("worker class data").start(runnable)));
        return made.getNow(Optional.empty()).orElse(plain);
    }

    private static Optional<Launch> make(Launch plain, Map<String, String> environment) {
        try {
            List<String> entries = List.of(plain.classPath().split(java.io.File.pathSeparator));
            if (entries.stream().anyMatch(String::isBlank)) {
                return Optional.empty(); // the working directory is on the class path: too much to pack
            }
            Path store = Workbook.target("worker-classdata").resolve(digest(List.of(plain.classPath())).substring(0, 16));
            String key = digest(fingerprint(entries, plain.options()));
            Path archive = store.resolve(key + ".jsa");
            Path jar = store.resolve(key + ".jar");
            Launch shared = new Launch(packedClassPath(entries, jar), withArchive(plain.options(), ARCHIVE_OPTION + archive));
            boolean packed = !shared.classPath().equals(plain.classPath());
            if (Files.isRegularFile(archive) && (!packed || Files.isRegularFile(jar))) {
                markInUse(store);
                return Optional.of(shared);
            }
            createReadable(store);
            if (packed) {
                pack(entries, jar);
            }
            if (!dump(shared.classPath(), plain.options(), archive, environment)) {
                return Optional.empty();
            }
            forgetAllBut(store, Set.of(archive, jar));
            return Optional.of(shared);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // workers start without the archive, as they always could
        }
    }

    /** The class path with its folders replaced by one JAR of their files, where the first folder was. */
    private static String packedClassPath(List<String> entries, Path jar) {
        List<String> packed = new ArrayList<>();
        for (String entry : entries) {
            if (!Files.isDirectory(Path.of(entry))) {
                packed.add(entry);
            } else if (!packed.contains(jar.toString())) {
                packed.add(jar.toString());
            }
        }
        return String.join(java.io.File.pathSeparator, packed);
    }

    private static void pack(List<String> entries, Path jar) throws IOException {
        Path making = Files.createTempFile(jar.getParent(), "packing-", ".jar");
        Set<String> names = new HashSet<>();
        try (var out = new JarOutputStream(Files.newOutputStream(making))) {
            for (String entry : entries) {
                Path folder = Path.of(entry);
                if (!Files.isDirectory(folder)) {
                    continue;
                }
                for (Path file : filesIn(folder)) {
                    String name = folder.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                    if (names.add(name)) { // the first folder on the class path wins, as it does for a class loader
                        // Folders get entries of their own: finding the classes of a package (as JUnit does) asks for them.
                        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                            if (names.add(name.substring(0, slash + 1))) {
                                out.putNextEntry(new JarEntry(name.substring(0, slash + 1)));
                                out.closeEntry();
                            }
                        }
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(file, out);
                        out.closeEntry();
                    }
                }
            }
        }
        publish(making, jar);
    }

    /** Runs a worker that gets its key and no job: it loads the suites, says it is ready, and exits, leaving the archive. */
    private static boolean dump(String classPath, List<String> options, Path archive, Map<String, String> environment)
            throws IOException {
        Path making = archive.resolveSibling("making-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".jsa");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(options);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + making, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-cp", classPath, Worker.class.getName()));
        var builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        WorkerProcess.JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((Channel.withNewKey().key() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try {
            if (!process.waitFor(DUMP_BOUND_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.isRegularFile(making)) {
                process.destroyForcibly();
                Files.deleteIfExists(making);
                return false;
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Files.deleteIfExists(making);
            Thread.currentThread().interrupt();
            return false;
        }
        publish(making, archive);
        return true;
    }

    private static List<String> withArchive(List<String> options, String archiveOption) {
        List<String> with = new ArrayList<>(options);
        with.add(archiveOption);
        return with;
    }

    /** What the archive depends on: the JDK, the options, and every class path entry's files, sizes and times. */
    private static List<String> fingerprint(List<String> entries, List<String> options) throws IOException {
        List<String> parts = new ArrayList<>(List.of(System.getProperty("java.home"), System.getProperty("java.vm.version"),
                String.join(" ", options)));
        for (String entry : entries) {
            Path path = Path.of(entry);
            List<Path> files = Files.isDirectory(path) ? filesIn(path) : Files.exists(path) ? List.of(path) : List.of();
            for (Path file : files) {
                parts.add(file + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis());
            }
        }
        return parts;
    }

    private static List<Path> filesIn(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String digest(List<String> parts) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            parts.forEach(part -> sha.update((part + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves a finished file into place in one step (another run may be making the same one), readable by the workers' user. */
    private static void publish(Path made, Path target) throws IOException {
        setPermissions(made, "rw-r--r--");
        Files.move(made, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keeps a store from being taken for one no run uses (see forgetAllBut); a store this run may not touch stays as it is. */
    private static void markInUse(Path store) {
        try {
            Files.setLastModifiedTime(store, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException readOnly) {
            // nobody else can remove it either
        }
    }

    /** The store and its parents under target/, readable by the workers' user whatever the umask. */
    private static void createReadable(Path store) throws IOException {
        Files.createDirectories(store);
        setPermissions(store.getParent(), "rwxr-xr-x");
        setPermissions(store, "rwxr-xr-x");
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file system's own rules apply
        }
    }

    /**
     * Removes what runs no longer use (each archive is tens of MB): in this store, the files made for
     * a class path whose files have since changed; beside it, the stores of class paths no run has
     * used for a day (the workbook command's JAR gets a new path whenever its sources change). A
     * run that started from a file keeps it for its whole length, so only files left alone for a
     * while go.
     */
    private static void forgetAllBut(Path store, Set<Path> kept) throws IOException {
        long now = System.currentTimeMillis();
        try (Stream<Path> files = Files.list(store)) {
            for (Path file : files.filter(file -> !kept.contains(file)).toList()) {
                if (Files.getLastModifiedTime(file).toMillis() < now - STALE_IN_STORE_MILLIS) {
                    Files.deleteIfExists(file);
                }
            }
        }
        try (Stream<Path> stores = Files.list(store.getParent())) {
            for (Path other : stores.filter(other -> !other.equals(store) && Files.isDirectory(other)).toList()) {
                if (Files.getLastModifiedTime(other).toMillis() < now - STALE_STORE_MILLIS) {
                    for (Path file : filesIn(other)) {
                        Files.deleteIfExists(file);
                    }
                    Files.deleteIfExists(other);
                }
            }
        }
    }

    /**
     * Waits, at most {@code bound}, for the archive of {@code classPath} to be made (its making
     * starts if it has not); the archive, or empty if none could be made.
     */
    static Optional<Path> await(String classPath, List<String> options, Map<String, String> environment, java.time.Duration bound) {
        launch(classPath, options, environment);
        var made = MADE.get(classPath + '\0' + options);
        try {
            return made == null ? Optional.empty() : made.get(bound.toMillis(), TimeUnit.MILLISECONDS)
                    .flatMap(shared -> shared.options().stream().filter(option -> option.startsWith(ARCHIVE_OPTION)).findFirst())
                    .map(option -> Path.of(option.substring(ARCHIVE_OPTION.length())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        }
    }
}
