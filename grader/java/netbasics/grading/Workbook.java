package netbasics.grading;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the workbook is and which tree is being graded.
 *
 * <p>{@code workbook.root} names the tree ({@code chapters} by default; {@code solutions}; or any
 * folder laid out like them), relative to the workbook's home unless absolute. The setting is read
 * as a JUnit configuration parameter, which falls back to the system property of the same name, so
 * {@code -Dworkbook.root=solutions} works on the Maven command line and the self-check can point a
 * nested run at another tree.
 */
public final class Workbook {

    public static final String HOME = "workbook.home";
    public static final String ROOT = "workbook.root";
    public static final String CHAPTER = "workbook.chapter";
    public static final String EXERCISE = "workbook.exercise";
    public static final String DEFAULT_ROOT = "chapters";

    /** Set in a grading worker, which is given the home in its job rather than as a property graded code could read. */
    private static volatile Path givenHome;

    private Workbook() {}

    /** The folder holding README.md, chapters/ and tests/: Surefire sets it; else the working directory. */
    public static Path home() {
        if (givenHome != null) {
            return givenHome;
        }
        String configured = System.getProperty(HOME);
        return Path.of(configured == null || configured.isBlank() ? "" : configured).toAbsolutePath().normalize();
    }

    /** Fixes the workbook's home for this JVM (a grading worker's). */
    public static void useHome(Path home) {
        givenHome = home.toAbsolutePath().normalize();
    }

    /** The tree to grade, given a lookup of configuration parameters. */
    public static Path root(Function<String, Optional<String>> parameters) {
        String configured = parameters.apply(ROOT).filter(s -> !s.isBlank()).orElse(DEFAULT_ROOT);
        return home().resolve(configured).normalize();
    }

    public static Path scriptFile(Path root, String chapter, String script) {
        return root.resolve(chapter).resolve(script + ".java");
    }

    /** A path as a learner would type it: relative to the workbook when it lies inside. */
    public static String display(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(home()) ? home().relativize(absolute).toString() : absolute.toString();
    }

    /** Scratch space under target/, where compiled scripts and reports go. */
    public static Path target(String folder) {
        return home().resolve("target").resolve(folder);
    }

}
