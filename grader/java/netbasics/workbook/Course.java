package netbasics.workbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.Grading;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Every exercise of the workbook, found the way a grading run finds them: the suites annotated
 * with {@link Exercise}. Nothing here lists chapters by hand, so a new chapter's suite shows up
 * as soon as it exists. Chapters come in folder order; exercises in the order their chapter's
 * text first mentions them (alphabetical when it doesn't).
 */
final class Course {

    private final List<Task> tasks;

    private Course(List<Task> tasks) {
        this.tasks = List.copyOf(tasks);
    }

    static Course discover(Path root) {
        TestPlan plan = Grading.discover();
        Map<Class<?>, List<Task.Test>> suites = new LinkedHashMap<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier node : plan.getDescendants(engine)) {
                node.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getJavaClass())
                        .filter(c -> c.isAnnotationPresent(Exercise.class))
                        .ifPresent(suite -> suites.computeIfAbsent(suite, k -> new ArrayList<>()));
                if (node.getSource().orElse(null) instanceof MethodSource method && !isInsideMethod(plan, node)) {
                    Class<?> suite = method.getJavaClass();
                    Exercise exercise = Grading.exerciseOf(suite);
                    if (exercise == null) {
                        continue;
                    }
                    while (!suite.isAnnotationPresent(Exercise.class)) {
                        suite = suite.getEnclosingClass();
                    }
                    Graded graded = method.getJavaMethod().getAnnotation(Graded.class);
                    suites.computeIfAbsent(suite, k -> new ArrayList<>()).add(new Task.Test(
                            method.getMethodName().replace('_', ' '), graded == null ? 0 : graded.points(),
                            graded == null ? "" : graded.hint()));
                }
            }
        }
        List<Task> tasks = new ArrayList<>();
        suites.forEach((suite, tests) -> {
            Exercise exercise = suite.getAnnotation(Exercise.class);
            tasks.add(new Task(exercise.chapter(), exercise.script(), suite, tests));
        });
        Map<String, String> readmes = new LinkedHashMap<>();
        tasks.sort(Comparator.comparing(Task::chapter)
                .thenComparingInt((Task t) -> mentionedAt(readmes.computeIfAbsent(t.chapter(), c -> readme(root, c)), t.script()))
                .thenComparing(Task::script));
        return new Course(tasks);
    }

    /** A parameterized test's cases sit below the test itself; only the test counts. */
    private static boolean isInsideMethod(TestPlan plan, TestIdentifier node) {
        return plan.getParent(node).flatMap(TestIdentifier::getSource).filter(MethodSource.class::isInstance).isPresent();
    }

    private static String readme(Path root, String chapter) {
        for (Path tree : List.of(root, root.resolveSibling("chapters"))) {
            try {
                return Files.readString(tree.resolve(chapter).resolve("README.md"), StandardCharsets.UTF_8);
            } catch (IOException missing) {
                // try the next tree, then give up: order falls back to alphabetical
            }
        }
        return "";
    }

    private static int mentionedAt(String text, String script) {
        int at = text.indexOf(script);
        return at < 0 ? Integer.MAX_VALUE : at;
    }

    List<Task> tasks() {
        return tasks;
    }

    List<String> chapters() {
        return tasks.stream().map(Task::chapter).distinct().toList();
    }

    List<Task> inChapter(String chapter) {
        return tasks.stream().filter(t -> t.chapter().equals(chapter)).toList();
    }

    /**
     * The exercise a learner means by {@code name}: its script name ({@code UdpEchoServer}), its
     * file name or path ({@code UdpEchoServer.java}, {@code chapters/02-datagrams/UdpEchoServer.java}),
     * or {@code 02-datagrams/UdpEchoServer}; letter case does not matter.
     */
    Optional<Task> exercise(String name) {
        String wanted = name.replace('\\', '/').replaceFirst("\\.java$", "").toLowerCase(Locale.ROOT);
        return tasks.stream().filter(t -> wanted.equals(t.script().toLowerCase(Locale.ROOT))
                || wanted.endsWith("/" + t.id().toLowerCase(Locale.ROOT)) || wanted.equals(t.id().toLowerCase(Locale.ROOT))).findFirst();
    }

    Optional<String> chapter(String name) {
        String wanted = name.replace('\\', '/').replaceFirst("/$", "").replaceFirst("^(.*/)?", "");
        return chapters().stream().filter(c -> c.equalsIgnoreCase(wanted)
                || (wanted.matches("\\d+") && c.startsWith(String.format("%02d-", Integer.parseInt(wanted))))).findFirst();
    }

    /** The sentence a learner gets for a name that is neither a chapter nor an exercise. */
    String unknown(String name, boolean chaptersToo) {
        var out = new StringBuilder("There is no ").append(chaptersToo ? "chapter or exercise" : "exercise")
                .append(" named '").append(name).append("'.\n");
        if (chaptersToo) {
            out.append("Chapters:  ").append(String.join(", ", chapters())).append('\n');
        }
        out.append("Exercises: ").append(String.join(", ", tasks.stream().map(Task::script).toList()));
        return out.toString();
    }
}
