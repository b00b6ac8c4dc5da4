package netbasics.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Narrows a run to some chapters ({@code -Dworkbook.chapter=02-datagrams}, comma-separated) and/or
 * some exercises ({@code -Dworkbook.exercise=UdpEchoServer}). Registered with the JUnit Platform
 * (see META-INF/services); an unknown name stops the run with the list of valid ones.
 */
public final class ExerciseFilter implements PostDiscoveryFilter {

    private final Set<String> chapters;
    private final Set<String> scripts;

    /** The filter the platform loads: configured by system properties. */
    public ExerciseFilter() {
        this(names(System.getProperty(Workbook.CHAPTER)), names(System.getProperty(Workbook.EXERCISE)));
        check(chapters, chapterFolders(), "chapter");
    }

    public ExerciseFilter(Set<String> chapters, Set<String> scripts) {
        this.chapters = chapters;
        this.scripts = scripts;
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        Class<?> testClass = descriptor.getSource()
                .map(source -> source instanceof ClassSource c ? c.getJavaClass()
                        : source instanceof MethodSource m ? m.getJavaClass() : null)
                .orElse(null);
        Exercise exercise = testClass == null ? null : OutcomeCollector.exerciseOf(testClass);
        if (exercise == null) {
            return FilterResult.included("not an exercise's test");
        }
        boolean wanted = (chapters.isEmpty() || chapters.contains(exercise.chapter()))
                && (scripts.isEmpty() || scripts.contains(exercise.script()));
        return FilterResult.includedIf(wanted, () -> "selected", () -> "another chapter or exercise");
    }

    private static Set<String> names(String list) {
        return list == null ? Set.of() : Arrays.stream(list.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    /** The chapter folders a learner can name: those of chapters/ (or solutions/, for a tree without chapters). */
    static List<String> chapterFolders() {
        for (String tree : List.of("chapters", "solutions")) {
            Path folder = Workbook.home().resolve(tree);
            if (Files.isDirectory(folder)) {
                try (Stream<Path> children = Files.list(folder)) {
                    // NN-topic folders only: chapters/cli holds the scripts' shared command line, not a chapter.
                    return children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                            .filter(name -> name.matches("\\d\\d-.+")).sorted().toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return List.of();
    }

    private static void check(Set<String> given, List<String> valid, String what) {
        for (String name : given) {
            if (!valid.contains(name)) {
                throw new IllegalArgumentException("There is no " + what + " named '" + name + "'. The "
                        + what + "s are: " + String.join(", ", valid) + ".");
            }
        }
    }
}
