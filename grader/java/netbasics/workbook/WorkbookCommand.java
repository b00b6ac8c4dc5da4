package netbasics.workbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import netbasics.grading.ScriptCompiler;
import netbasics.grading.Workbook;

/**
 * {@code ./jbang workbook}: a learner's one command. It knows every exercise (from the graded
 * suites), grades in this JVM exactly as {@code ./mvnw test -Pgrade} does, and says what to do
 * next. See {@link #USAGE}.
 */
public final class WorkbookCommand {

    static final String USAGE = """
            usage: ./jbang workbook [COMMAND]

              status                  where you are: each exercise, its points, and what to do next (the default)
              check [CHAPTER|SCRIPT]  grade everything, one chapter or one exercise; show each failure and its hint
              watch [CHAPTER]         grade an exercise each time you save its file (Ctrl-C stops)
              hint SCRIPT             the next hint for an exercise, one level at a time
              reset SCRIPT            put an exercise back to its stub, from git (asks first)
              run ALIAS [ARGS...]     run a script by its alias in jbang-catalog.json, as ./jbang ALIAS does
              report                  the last grading's report.html: each failing test's conversation drawn

            CHAPTER is a chapter folder (02-datagrams, or just 2); SCRIPT an exercise (UdpEchoServer, or its file).
            check, status and watch exit non-zero while a test fails. NO_COLOR=1 turns colours off.""";

    private static final Pattern SECTION = Pattern.compile("See \"([^\"]+)\"");

    private final Terminal terminal;
    private final Path home;
    private final Path root;
    private Course course;
    private Grader grader;

    WorkbookCommand(Terminal terminal, Path home, Path root) {
        this.terminal = terminal;
        this.home = home;
        this.root = root;
    }

    public static void main(String[] args) {
        if (System.getProperty("workbook.home") == null) {
            Path found = findHome(Path.of("").toAbsolutePath());
            if (found == null) {
                System.err.println("workbook: run this inside the netbasics workbook (a folder with jbang-catalog.json and tests/).");
                System.exit(2);
            }
            System.setProperty("workbook.home", found.toString());
        }
        // Whatever a test started (a learner's main in a JVM of its own) ends with this command, Ctrl-C included.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
        Path root = Workbook.root(key -> Optional.ofNullable(System.getProperty(key)));
        int status = new WorkbookCommand(Terminal.detect(), Workbook.home(), root).run(List.of(args));
        System.exit(status);
    }

    /** Runs the command with plain output (no colour, no progress bar) into {@code out}: for tests. */
    public static int execute(java.io.PrintStream out, Path root, String... args) {
        return new WorkbookCommand(new Terminal(out, false, false), Workbook.home(), root).run(List.of(args));
    }

    static Path findHome(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("tests"))) {
                return dir;
            }
        }
        return null;
    }

    int run(List<String> args) {
        String command = args.isEmpty() ? "status" : args.get(0);
        List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
        try {
            return switch (command) {
                case "status" -> rest.isEmpty() ? status() : usage("status takes no argument");
                case "check" -> rest.size() <= 1 ? check(rest.isEmpty() ? null : rest.get(0)) : usage("check takes one chapter or exercise at most");
                case "watch" -> rest.size() <= 1 ? watch(rest.isEmpty() ? null : rest.get(0)) : usage("watch takes one chapter at most");
                case "hint" -> rest.size() == 1 ? hint(rest.get(0)) : usage("hint takes the name of an exercise");
                case "reset" -> rest.size() == 1 ? reset(rest.get(0)) : usage("reset takes the name of an exercise");
                case "report" -> rest.isEmpty() ? report() : usage("report takes no argument");
                case "run" -> !rest.isEmpty() ? runAlias(rest.get(0), rest.subList(1, rest.size())) : usage("run takes an alias");
                case "help", "-h", "--help" -> {
                    terminal.println(USAGE);
                    yield 0;
                }
                default -> usage("unknown command '" + command + "'");
            };
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }

    private int usage(String problem) {
        System.err.println("workbook: " + problem + "\n\n" + USAGE);
        return 2;
    }

    private Course course() {
        if (course == null) {
            course = Course.discover(root);
            if (course.tasks().isEmpty()) {
                throw new IllegalArgumentException("workbook: no graded exercises found under tests/java/netbasics/chapters/.");
            }
        }
        return course;
    }

    private Grader grader() {
        if (grader == null) {
            grader = new Grader(root, terminal);
        }
        return grader;
    }

    // ---- status --------------------------------------------------------------------------

    private int status() {
        Map<Task, List<Outcome>> results = grader().current(course().tasks(), stale -> {
            if (terminal.interactive) {
                terminal.println(terminal.dim("  grading " + stale + " exercise" + (stale == 1 ? "" : "s") + " changed since last time..."));
            }
        }, true);
        terminal.println();
        terminal.println(terminal.bold("netbasics") + " — your work in " + Workbook.display(root) + "/");
        printTable(results);
        Optional<Task> next = results.entrySet().stream().filter(e -> Mark.of(e.getValue()) != Mark.DONE).map(Map.Entry::getKey).findFirst();
        terminal.println();
        if (next.isEmpty()) {
            terminal.println(terminal.green("Every exercise passes every test. Well done."));
            return 0;
        }
        printNext(next.get(), results.get(next.get()));
        return 1;
    }

    private void printNext(Task task, List<Outcome> outcomes) {
        terminal.println(terminal.bold("Next: " + task.script()) + " (chapter " + task.chapter() + ")");
        terminal.println("  edit   " + Workbook.display(task.file(root)));
        terminal.println("  read   " + Workbook.display(task.readme(root)) + section(task, outcomes).map(s -> ", section \"" + s + "\"").orElse(""));
        terminal.println("  grade  ./jbang workbook check " + task.script() + "   (or leave ./jbang workbook watch running)");
        terminal.println("  stuck? ./jbang workbook hint " + task.script());
    }

    /** The section of the chapter text to read: the one the file's TODO cites, else a failing test's hint. */
    private Optional<String> section(Task task, List<Outcome> outcomes) {
        try {
            Path file = task.file(root);
            if (Files.isRegularFile(file)) {
                Matcher todo = SECTION.matcher(Files.readString(file, StandardCharsets.UTF_8));
                if (todo.find()) {
                    return Optional.of(todo.group(1));
                }
            }
        } catch (IOException unreadable) {
            // fall through to the hints
        }
        return outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).map(o -> SECTION.matcher(o.message()))
                .filter(Matcher::find).map(m -> m.group(1)).findFirst();
    }

    private void printTable(Map<Task, List<Outcome>> results) {
        String chapter = "";
        int points = 0;
        int max = 0;
        for (var entry : results.entrySet()) {
            Task task = entry.getKey();
            if (!task.chapter().equals(chapter)) {
                chapter = task.chapter();
                terminal.println();
                terminal.println("  " + terminal.bold(chapter));
            }
            int earned = entry.getValue().stream().mapToInt(Outcome::points).sum();
            int of = entry.getValue().stream().mapToInt(Outcome::countedMaxPoints).sum();
            long failing = entry.getValue().stream().filter(o -> o.status() == Outcome.Status.FAILED).count();
            points += earned;
            max += of;
            Mark mark = Mark.of(entry.getValue());
            String label = String.format("%-17s", mark.label);
            label = switch (mark) {
                case DONE -> terminal.green(label);
                case PARTIAL -> terminal.yellow(label);
                case NOT_STARTED -> terminal.dim(label);
                case DOES_NOT_COMPILE -> terminal.red(label);
            };
            terminal.println(String.format("    %-24s ", task.script()) + label + String.format("%4d / %-4d", earned, of)
                    + (failing > 0 && mark != Mark.NOT_STARTED ? terminal.dim("  " + failing + " failing") : ""));
        }
        terminal.println();
        terminal.println(String.format("  %-42s %4d / %-4d (%d %%)", "total", points, max, max == 0 ? 0 : Math.round(100f * points / max)));
    }

    /** Done, partial, or not started: how far an exercise is, from its outcomes. */
    public enum Mark {
        DONE("done"), PARTIAL("partial"), NOT_STARTED("not started"), DOES_NOT_COMPILE("does not compile");

        final String label;

        Mark(String label) {
            this.label = label;
        }

        public static Mark of(List<Outcome> outcomes) {
            if (!outcomes.isEmpty() && outcomes.stream().noneMatch(o -> o.status() == Outcome.Status.FAILED)) {
                return DONE;
            }
            boolean nonePassed = outcomes.stream().noneMatch(o -> o.status() == Outcome.Status.PASSED);
            if (nonePassed && !outcomes.isEmpty() && outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED)
                    .allMatch(o -> o.message().matches("(?s)[^\\n]* not compile, [^\\n]*" + ScriptCompiler.Compilation.NONE_CAN_RUN + ":.*"))) {
                return DOES_NOT_COMPILE;
            }
            boolean untouched = outcomes.stream().noneMatch(o -> o.status() == Outcome.Status.PASSED)
                    && outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED).allMatch(o -> o.message().startsWith("Not done yet:")
                            || o.message().matches("(?s)\\S+\\.java is not finished yet: TODO.*")); // a TODO of a file it pulls in
            return untouched ? NOT_STARTED : PARTIAL;
        }
    }

    // ---- check ---------------------------------------------------------------------------

    private int check(String name) {
        List<Task> tasks = select(name, true);
        GradeReport report = grader().grade(tasks);
        Map<Task, List<Outcome>> results = new LinkedHashMap<>();
        for (Task task : tasks) {
            results.put(task, report.outcomes().stream().filter(o -> o.exercise().equals(task.id())).toList());
        }
        printTable(results);
        boolean failed = report.outcomes().stream().anyMatch(o -> o.status() == Outcome.Status.FAILED);
        if (failed) {
            terminal.println();
            terminal.println(terminal.bold("Failing tests"));
            results.forEach(this::printFailures);
        }
        terminal.println();
        terminal.println(terminal.dim("Reports: target/grades/report.html (each failing conversation drawn; ./jbang workbook report),"
                + " results.json, summary.md ("
                + String.format("%.1f", report.elapsed().toMillis() / 1000.0) + " s)"));
        if (!failed) {
            terminal.println(terminal.green("All " + report.outcomes().size() + " tests pass."));
        }
        return failed ? 1 : 0;
    }

    /** The failures of one exercise; a message shared by several tests (javac's, say) is printed once. */
    private void printFailures(Task task, List<Outcome> outcomes) {
        Map<String, List<Outcome>> byMessage = new LinkedHashMap<>();
        outcomes.stream().filter(o -> o.status() == Outcome.Status.FAILED)
                .forEach(o -> byMessage.computeIfAbsent(sharedPart(o.message()), k -> new ArrayList<>()).add(o));
        byMessage.forEach((message, failed) -> {
            terminal.println();
            if (failed.size() == 1) {
                Outcome o = failed.get(0);
                terminal.println("  " + terminal.red("FAIL") + " " + o.name() + terminal.dim("  (" + points(o.maxPoints()) + ")"));
                terminal.println(terminal.indent(shorten(o.message()), "       "));
            } else {
                terminal.println("  " + terminal.red("FAIL") + " " + task.id() + ": " + failed.size() + " tests"
                        + terminal.dim("  (" + points(failed.stream().mapToInt(Outcome::maxPoints).sum()) + ")"));
                failed.forEach(o -> terminal.println("         - " + o.test()));
                terminal.println(terminal.indent(shorten(message), "       "));
                if (message.startsWith("Not done yet")) {
                    terminal.println(terminal.dim("       (./jbang workbook hint " + task.script() + " gives a hint)"));
                }
            }
        });
    }

    /**
     * Tests that fail for one reason (a compile error, the stub's TODO) differ only in their hints:
     * group them on the rest, and leave the hints to {@code hint}.
     */
    private static String sharedPart(String message) {
        boolean oneReason = message.contains(" does not compile, so none of its tests can run") || message.startsWith("Not done yet: TODO");
        return oneReason ? message.replaceFirst("\n\nHint: [\\s\\S]*$", "") : message;
    }

    private static String points(int points) {
        return points + (points == 1 ? " point" : " points");
    }

    /**
     * A failure message cut to what a terminal can show: some assertions print whole 64 KiB
     * datagrams. The full text stays in target/grades/results.json.
     */
    static String shorten(String message) {
        int maxLine = 400;
        int maxLines = 40;
        List<String> lines = message.strip().lines().toList();
        var out = new StringBuilder();
        boolean cut = false;
        for (int i = 0; i < lines.size() && i < maxLines; i++) {
            String line = lines.get(i);
            if (line.length() > maxLine) {
                line = line.substring(0, maxLine) + " …";
                cut = true;
            }
            out.append(line).append('\n');
        }
        if (cut || lines.size() > maxLines) {
            out.append("(cut short; the whole message is in target/grades/results.json)\n");
        }
        return out.toString();
    }

    private List<Task> select(String name, boolean chaptersToo) {
        if (name == null) {
            return course().tasks();
        }
        if (chaptersToo) {
            Optional<String> chapter = course().chapter(name);
            if (chapter.isPresent()) {
                return course().inChapter(chapter.get());
            }
        }
        return List.of(exercise(name, chaptersToo));
    }

    private Task exercise(String name, boolean chaptersToo) {
        return course().exercise(name).orElseThrow(() -> new IllegalArgumentException(course().unknown(name, chaptersToo)));
    }

    // ---- watch ---------------------------------------------------------------------------

    private int watch(String chapterName) throws UncheckedIOException {
        List<String> chapters;
        if (chapterName == null) {
            chapters = course().chapters();
        } else {
            chapters = List.of(course().chapter(chapterName).orElseThrow(() -> new IllegalArgumentException(
                    "There is no chapter named '" + chapterName + "'.\nChapters: " + String.join(", ", course().chapters()))));
        }
        List<Task> tasks = course().tasks().stream().filter(t -> chapters.contains(t.chapter())).toList();
        try {
            return new Watcher(terminal, grader(), root, tasks, this::printNext).run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- report --------------------------------------------------------------------------

    /** Prints where report.html is and opens it in a browser where one is at hand ($BROWSER, xdg-open, open). */
    private int report() {
        Path html = Workbook.target("grades").resolve("report.html");
        if (!Files.isRegularFile(html)) {
            terminal.println("There is no report yet: grade first (./jbang workbook check), then ask again.");
            return 1;
        }
        terminal.println(html.toAbsolutePath().toString());
        for (String opener : List.of(System.getenv().getOrDefault("BROWSER", ""), "xdg-open", "open")) {
            if (!opener.isBlank() && System.console() != null) {
                try {
                    new ProcessBuilder(opener, html.toUri().toString()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    break;
                } catch (IOException notHere) {
                    // try the next way of opening it; the path above is there either way
                }
            }
        }
        return 0;
    }

    // ---- hint ----------------------------------------------------------------------------

    private int hint(String name) {
        Task task = exercise(name, false);
        var hints = new Hints(home);
        List<Outcome> last = grader().last().anyOutcomes(task).orElse(List.of());
        List<Hints.Level> levels = hints.levels(task, last);
        if (levels.isEmpty()) {
            terminal.println("There are no hints for " + task.script() + " yet. Read " + Workbook.display(task.readme(root)) + ".");
            return 0;
        }
        int seen = hints.seen(task);
        int show = Math.min(seen + 1, levels.size());
        Hints.Level level = levels.get(show - 1);
        terminal.println(terminal.bold(task.script() + ", hint " + show + " of " + levels.size() + ": " + level.title()));
        terminal.println();
        terminal.println(terminal.indent(Hints.reflow(level.text()), "  "));
        terminal.println();
        String footer = show < levels.size() ? "Still stuck? ./jbang workbook hint " + task.script() + " shows the next level."
                : "That was the last hint" + (seen >= levels.size() ? " (shown again)" : "")
                        + ". Hints seen are kept in .workbook/hints.properties; delete it to start over.";
        terminal.println(terminal.dim(terminal.indent(footer, "")));
        hints.markSeen(task, show);
        return 0;
    }

    // ---- reset ---------------------------------------------------------------------------

    private int reset(String name) {
        Task task = exercise(name, false);
        Path file = task.file(root);
        String relative = home.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
        Git git = new Git(home);
        if (!git.isRepository()) {
            System.err.println("reset restores the stub from git, but " + home + " is not a git repository (or git is not installed),"
                    + " so there is nothing to restore it from. Nothing was changed.");
            return 1;
        }
        Optional<String> stub = git.stubOf(relative);
        if (stub.isEmpty()) {
            System.err.println("git has no version of " + relative + " with its TODOs in place, so there is no stub to restore. Nothing was changed.");
            return 1;
        }
        String current;
        try {
            current = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (current.equals(stub.get())) {
            terminal.println(relative + " is already the stub; nothing to do.");
            return 0;
        }
        if (!confirm("Put " + relative + " back to its stub? Your changes to it will be lost. [y/N] ")) {
            terminal.println("Nothing was changed.");
            return 1;
        }
        try {
            Files.writeString(file, stub.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        terminal.println(relative + " is the stub again.");
        return 0;
    }

    private boolean confirm(String question) {
        terminal.out.print(question);
        terminal.out.flush();
        String answer;
        try {
            var console = System.console();
            answer = console != null ? console.readLine() : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null) {
            terminal.println();
        }
        return answer != null && Arrays.asList("y", "yes").contains(answer.strip().toLowerCase(java.util.Locale.ROOT));
    }

    // ---- run -----------------------------------------------------------------------------

    private int runAlias(String alias, List<String> arguments) {
        JsonNode aliases;
        try {
            aliases = new ObjectMapper().readTree(home.resolve("jbang-catalog.json").toFile()).path("aliases");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jbang-catalog.json", e);
        }
        if (!aliases.has(alias)) {
            var names = new ArrayList<String>();
            aliases.fieldNames().forEachRemaining(names::add);
            throw new IllegalArgumentException("There is no alias named '" + alias + "'. The aliases are: " + String.join(", ", names) + ".");
        }
        var command = new ArrayList<String>(List.of(home.resolve("jbang").toString(), alias));
        command.addAll(arguments);
        try {
            Process process = new ProcessBuilder(command).directory(home.toFile()).inheritIO().start();
            return process.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
