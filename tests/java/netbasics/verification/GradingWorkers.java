package netbasics.verification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import netbasics.grading.Grading;
import netbasics.grading.Outcome;
import netbasics.grading.Workbook;

/**
 * Grades exercises of several trees (solutions, stubs, mutants) on a few worker JVMs side by side.
 * A grading run is mostly waiting (for a reply that never comes, for a bound to pass), so several
 * at once finish in a fraction of the time on two cores. Each worker is a JVM of its own because a
 * grading run keeps per-JVM state (the calls and processes of the test in progress), and it stays
 * warm across the jobs it is given.
 *
 * <p>Protocol: the parent writes one line per job, {@code RESULT-FILE TAB MODE TAB TREE TAB CHAPTER
 * TAB SCRIPT}, to a worker's input, MODE being {@code all} or {@code first-failure}; the worker
 * grades that exercise of that tree, writes the outcomes as JSON to the result file, and answers
 * one line on its control stream, {@code done} or {@code failed REASON}.
 * Whatever the code under test prints goes to the worker's error stream, never to the control stream.
 */
final class GradingWorkers implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How far to grade: every test, or only until one fails (enough to show a mutant is caught). */
    enum Mode { ALL, FIRST_FAILURE }

    private record Job(Mode mode, Path tree, String chapter, String script, CompletableFuture<List<Outcome>> result) {}

    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final List<Thread> feeders = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private final Path results;
    private final AtomicInteger jobNumber = new AtomicInteger();
    private final AtomicInteger feedersLeft;

    GradingWorkers(int count, Path results) {
        this.results = results;
        try {
            Files.createDirectories(results);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + results, e);
        }
        this.feedersLeft = new AtomicInteger(count);
        for (int i = 0; i < count; i++) {
            Process worker = startWorker(i);
            workers.add(worker);
            feeders.add(Thread.ofPlatform().daemon().name("grading worker " + i).start(() -> feed(worker)));
        }
    }

    /** How many workers: twice the cores, since the work is mostly waiting; {@code -Dworkbook.workers=N} overrides. */
    static int defaultCount() {
        return Integer.getInteger("workbook.workers", 2 * Runtime.getRuntime().availableProcessors());
    }

    CompletableFuture<List<Outcome>> grade(Mode mode, Path tree, String chapter, String script) {
        var job = new Job(mode, tree, chapter, script, new CompletableFuture<>());
        jobs.add(job);
        return job.result();
    }

    private Process startWorker(int number) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(java, "-XX:+UseSerialGC", "-Dfile.encoding=" + System.getProperty("file.encoding"),
                "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8", "-D" + Workbook.HOME + "=" + Workbook.home(),
                "-cp", classPath, GradingWorkers.class.getName());
        try {
            return new ProcessBuilder(command)
                    .redirectError(results.resolve("worker-" + number + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a grading worker: " + command, e);
        }
    }

    private void feed(Process worker) {
        var requests = new PrintWriter(worker.getOutputStream(), true, StandardCharsets.UTF_8);
        var answers = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
        Job job = null;
        try {
            while ((job = jobs.take()).result() != null) {
                Path resultFile = results.resolve("job-" + jobNumber.incrementAndGet() + ".json");
                requests.println(String.join("\t", resultFile.toString(), job.mode().name(), job.tree().toString(), job.chapter(), job.script()));
                String answer = answers.readLine();
                if (answer == null) {
                    throw new IOException("the worker ended");
                }
                if (answer.startsWith("failed ")) {
                    job.result().completeExceptionally(new IllegalStateException(answer.substring("failed ".length())));
                } else {
                    job.result().complete(JSON.readValue(resultFile.toFile(), new TypeReference<List<Outcome>>() {}));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException broken) {
            worker.destroyForcibly();
            var failure = new IllegalStateException("a grading worker broke (" + broken + "); its log is in " + results, broken);
            if (job != null && job.result() != null) {
                job.result().completeExceptionally(failure);
            }
            if (feedersLeft.decrementAndGet() == 0) {
                // Nobody is left to take the queue: its jobs fail with the reason instead of hanging.
                jobs.forEach(queued -> {
                    if (queued.result() != null) {
                        queued.result().completeExceptionally(failure);
                    }
                });
            }
        }
    }

    @Override
    public void close() {
        feeders.forEach(feeder -> jobs.add(new Job(null, null, null, null, null)));
        workers.forEach(worker -> {
            try {
                worker.getOutputStream().close();
            } catch (IOException alreadyGone) {
                // the worker has ended on its own
            }
        });
        workers.forEach(Process::destroy);
    }

    /** A worker: grades the jobs read from standard input, one at a time. */
    public static void main(String[] args) throws IOException {
        PrintStream control = System.out;
        System.setOut(System.err); // what the code under test prints must not garble the control stream
        var requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = requests.readLine()) != null; ) {
            String[] job = line.split("\t");
            try {
                Path tree = Path.of(job[2]);
                Set<String> chapter = Set.of(job[3]);
                Set<String> script = Set.of(job[4]);
                List<Outcome> outcomes = Mode.valueOf(job[1]) == Mode.ALL ? Grading.grade(tree, chapter, script)
                        : Grading.gradeUntilFirstFailure(tree, chapter, script);
                Path resultFile = Path.of(job[0]);
                Path written = resultFile.resolveSibling(resultFile.getFileName() + ".part");
                JSON.writeValue(written.toFile(), outcomes);
                Files.move(written, resultFile, StandardCopyOption.REPLACE_EXISTING);
                control.println("done");
            } catch (Exception | AssertionError e) {
                e.printStackTrace();
                control.println("failed grading " + job[3] + "/" + job[4] + " in " + job[2] + ": " + e);
            }
            control.flush();
        }
        System.exit(0); // learner code may have left non-daemon threads behind
    }
}
