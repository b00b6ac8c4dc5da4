package netbasics.grading;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A script's {@code main} running in a JVM of its own, the way a learner runs it with
 * {@code jbang}: the tests read what it prints and its exit status. Like the test JVM, it runs with
 * a platform charset that is not UTF-8, so text that is encoded without naming a charset shows.
 */
public final class MainProcess implements AutoCloseable {

    private static final Pattern TODO = Pattern.compile("UnsupportedOperationException: (TODO.*)(?:\\R\\s+at [^(]*\\(([^:)]+))?");

    /** A TODO thrown in the process, and the file whose code threw it (null when the trace does not say). */
    record Todo(String text, String file) {}
    /** How long, once the process has ended, its output may take to be read to the end. */
    private static final Duration OUTPUT_AFTER_EXIT = Duration.ofSeconds(5);
    /** The least time given to read what is left in the pipe once a program has ended. */
    private static final Duration LAST_OUTPUT = Duration.ofMillis(200);
    /** How much of each of its streams is kept: enough for any honest program's transcript. */
    private static final int MAX_KEPT = 256 * 1024;

    private final String commandLine;
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final List<Thread> readers;

    private MainProcess(String commandLine, Process process) {
        this.commandLine = commandLine;
        this.process = process;
        this.readers = List.of(drain(process.getInputStream(), stdout), drain(process.getErrorStream(), stderr));
    }

    static MainProcess start(Script script, List<String> jvmOptions, String... arguments) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // A small heap, a small young generation and the C1 compiler only: a main is a short program, and several may run
        // beside the grading workers (see WorkerProcess), so each should cost little more than the JVM's own 40 MB.
        List<String> command = new ArrayList<>(List.of(java, "-Xmx64m", "-XX:MaxNewSize=16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dfile.encoding=ISO-8859-1", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", script.classes().toString(), script.name()));
        command.addAll(List.of(arguments));
        String commandLine = "jbang " + Workbook.display(script.file()) + " " + String.join(" ", arguments);
        try {
            var builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
            var started = new MainProcess(commandLine.strip(), builder.start());
            CurrentTest.started(started);
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + commandLine, e);
        }
    }

    /** Waits for a line of standard output matching {@code pattern}; fails with all it printed so far. */
    public MatchResult awaitLine(Pattern pattern, Duration bound) {
        try {
            return await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> find(pattern), Optional::isPresent).orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("`" + commandLine + "` printed no line matching /" + pattern + "/ within "
                    + bound.toMillis() + " ms.\n" + transcript());
        }
    }

    /** Waits for the process to end; fails if it is still running after {@code bound}. */
    public int awaitExit(Duration bound) {
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(() -> !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("`" + commandLine + "` was still running after " + bound.toMillis() + " ms.\n" + transcript());
        }
        // The last lines it printed may still be in the pipe: read them before anyone looks at the output.
        for (Thread reader : readers) {
            try {
                reader.join(OUTPUT_AFTER_EXIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return process.exitValue();
    }

    /** Closes the program's standard input, as a learner would with Ctrl-D. */
    public void closeInput() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    public String commandLine() {
        return commandLine;
    }

    /** Everything the program printed, labelled, for failure messages. */
    public String transcript() {
        return "It printed on standard output:\n" + indent(stdout()) + "and on standard error:\n" + indent(stderr());
    }

    /**
     * Ends the program, but not at once while its test is running: a stub's {@code main} that dies of
     * its TODO often closes its socket before the JVM has printed the TODO's stack trace, so the test
     * sees a refused connection or a broken pipe and leaves its try-with-resources block while the
     * trace is still on its way. Killed now, the program would take the real cause with it; so close
     * hands it to the test's end ({@link CurrentTest#end()}), which kills it once the failure has been
     * explained. A program started outside a test's span is killed at once.
     */
    @Override
    public void close() {
        if (!CurrentTest.owns(this)) {
            kill();
        }
    }

    /** Ends the program and what it started, at once. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives a program that is ending a moment to end, and its last output to be read: the stack trace
     * of a stub's TODO is often still in the pipe when the test sees its effect (a connection reset).
     */
    void settle(Duration bound) {
        try {
            if (process.waitFor(Math.max(0, bound.toMillis()), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                for (Thread reader : readers) {
                    reader.join(bound.compareTo(LAST_OUTPUT) > 0 ? bound : LAST_OUTPUT); // it has ended: the rest comes at once
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The TODO a stub's contract threw in this process, if it did. */
    Optional<Todo> todo() {
        Matcher matcher = TODO.matcher(stderr());
        return matcher.find() ? Optional.of(new Todo(matcher.group(1).strip(), matcher.group(2))) : Optional.empty();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private Optional<MatchResult> find(Pattern pattern) {
        for (String line : stdout().split("\\R")) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return Optional.of(matcher.toMatchResult());
            }
        }
        return Optional.empty();
    }

    private static String indent(String text) {
        return text.isEmpty() ? "    (nothing)\n" : text.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
    }

    private static Thread drain(InputStream stream, StringBuffer into) {
        return Thread.ofPlatform().daemon().name("main output").start(() -> {
            byte[] buffer = new byte[8192];
            try (stream) {
                // Decoding per chunk would split characters; the output is short, so keep the bytes and decode whole.
                var bytes = new java.io.ByteArrayOutputStream();
                for (int n; (n = stream.read(buffer)) != -1; ) {
                    if (bytes.size() >= MAX_KEPT) {
                        continue; // a flood: keep draining, so the program is never blocked, but keep no more
                    }
                    bytes.write(buffer, 0, Math.min(n, MAX_KEPT - bytes.size()));
                    synchronized (into) {
                        into.setLength(0);
                        into.append(bytes.toString(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ignored) {
                // The process was killed: what it printed so far is all there is.
            }
        });
    }
}
