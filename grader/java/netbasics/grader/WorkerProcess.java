package netbasics.grader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One grading worker JVM, seen from the trusted side: started inside the {@link Sandbox}, with
 * bounded memory, an explicit UTF-8 locale and an empty standard input once its job is given;
 * read through its signed frames only. Whatever else it writes is dropped or, for its standard
 * error, kept as a short tail for the grader's own diagnostics.
 */
final class WorkerProcess implements AutoCloseable {

    /**
     * The heap a worker gets: enough for every suite (the most any worker held after a collection, grading every
     * solution, was 22 MB), small enough that a run's workers fit a 768 MB grader beside Maven and the engine.
     */
    static final String HEAP = "128m";
    /**
     * The heap a worker starts with, and may shrink back to. Without it the JVM would start at the whole of
     * {@link #HEAP} (a 64th of this machine's memory is more), and the old generation would fill all of its pages with
     * garbage before its first collection: those pages stay resident for the worker's life.
     */
    static final String FIRST_HEAP = "32m";
    /**
     * The young generation's most: a worker touches all of it between two collections, so it is most of what a
     * worker's heap costs in resident memory (the default would be a third of the heap).
     */
    static final String YOUNG = "16m";
    private static final List<String> OPTIONS = List.of("-Xms" + FIRST_HEAP, "-Xmx" + HEAP, "-XX:MaxNewSize=" + YOUNG, "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-Xshare:auto",
            // A platform charset that is not UTF-8, as on many learners' machines: code that forgets to name its
            // charset garbles "£€" here instead of passing by luck. The streams are UTF-8 all the same.
            "-Dfile.encoding=ISO-8859-1", "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8");
    /** Arguments and file names in UTF-8 whatever the grader's own locale (LANG unset turns "£€" into "??"). */
    private static final Map<String, String> ENVIRONMENT = Map.of("LC_ALL", "C.UTF-8", "LANG", "C.UTF-8");
    /** Variables through which the grader's own environment would add options to a worker's JVM: a worker gets none. */
    static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");
    /** The longest frame accepted; anything longer is not the worker's. */
    private static final int MAX_LINE = 4 << 20;
    /** What a worker may write in all before it is taken to be flooding its channel. */
    private static final long MAX_OUTPUT = 256L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode ENDED = JSON.createObjectNode().put("event", "ended");

    private final Process process;
    private final Channel channel = Channel.withNewKey();
    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream errorTail = new ByteArrayOutputStream();
    private volatile boolean flooded;
    private volatile boolean ready;

    private WorkerProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("worker frames").start(this::readFrames);
        Thread.ofPlatform().daemon().name("worker stderr").start(this::readErrors);
        try {
            OutputStream in = process.getOutputStream();
            in.write((channel.key() + "\n").getBytes(StandardCharsets.US_ASCII));
            in.flush();
        } catch (IOException e) {
            // the worker died at once: its first frame says so
        }
    }

    static WorkerProcess start(String classPath, Sandbox sandbox) {
        var launch = WorkerClassData.launch(classPath, OPTIONS, ENVIRONMENT);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(launch.options());
        command.addAll(List.of("-cp", launch.classPath(), Worker.class.getName()));
        var builder = new ProcessBuilder(sandbox.wrap(command));
        builder.environment().putAll(ENVIRONMENT);
        JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
        try {
            return new WorkerProcess(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a grading worker: " + command, e);
        }
    }

    /** Waits, at most {@code bound}, for the class-data archive of workers on {@code classPath}; see {@link WorkerClassData}. */
    static Optional<Path> awaitClassData(String classPath, Duration bound) {
        return WorkerClassData.await(classPath, OPTIONS, ENVIRONMENT, bound);
    }

    /** Gives the worker its job; for a one-job worker, its standard input is closed after it. */
    void send(Worker.Job job) {
        try {
            OutputStream in = process.getOutputStream();
            in.write((JSON.writeValueAsString(job) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (!job.reuse()) {
                in.close();
            }
        } catch (IOException e) {
            // the worker has died; its frames end, and the caller is told so
        }
    }

    /** The next frame, or an "ended" frame once the worker is gone; empty when none came within {@code bound}. */
    Optional<JsonNode> next(Duration bound) {
        try {
            return Optional.ofNullable(frames.poll(bound.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** True once the worker said it has loaded the suites and waits for a job. */
    boolean ready() {
        return ready;
    }

    void markReady() {
        ready = true;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Why the worker ended, in words for a failure message: "ran out of memory", "exited with status 0", ... */
    String deathCause() {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (flooded) {
            return "wrote more than " + (MAX_OUTPUT >> 20) + " MB to the grading process's own output";
        }
        if (process.isAlive()) {
            return "stopped answering";
        }
        int status = process.exitValue();
        String errors = errorTail();
        if (status == 3 || errors.contains("OutOfMemoryError")) { // 3: -XX:+ExitOnOutOfMemoryError
            return "ran out of memory (the grading process has a " + HEAP.replace("m", " MB") + " heap)";
        }
        if (status > 128) {
            return "crashed the grading process (signal " + (status - 128) + ")";
        }
        return "ended the grading process (exit status " + status + ", as System.exit or Runtime.halt would)";
    }

    String errorTail() {
        synchronized (errorTail) {
            return errorTail.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void readFrames() {
        try (InputStream out = process.getInputStream()) {
            var line = new ByteArrayOutputStream();
            long total = 0;
            boolean tooLong = false;
            byte[] buffer = new byte[65536];
            for (int n; (n = out.read(buffer)) != -1; ) {
                total += n;
                if (total > MAX_OUTPUT) {
                    flooded = true;
                    close();
                    break;
                }
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        if (!tooLong) {
                            accept(line.toString(StandardCharsets.US_ASCII));
                        }
                        line.reset();
                        tooLong = false;
                    } else if (!tooLong) {
                        line.write(buffer[i]);
                        tooLong = line.size() > MAX_LINE;
                    }
                }
            }
        } catch (IOException ended) {
            // the worker is gone
        } finally {
            frames.add(ENDED);
        }
    }

    private void accept(String line) {
        channel.open(line).ifPresent(payload -> {
            try {
                frames.add(JSON.readTree(payload));
            } catch (IOException notJson) {
                // signed but unreadable: cannot happen unless the worker itself is broken
            }
        });
    }

    private void readErrors() {
        byte[] buffer = new byte[8192];
        try (InputStream err = process.getErrorStream()) {
            for (int n; (n = err.read(buffer)) != -1; ) {
                synchronized (errorTail) {
                    if (errorTail.size() < 16384) {
                        errorTail.write(buffer, 0, Math.min(n, 16384 - errorTail.size()));
                    }
                }
            }
        } catch (IOException ended) {
            // the worker is gone
        }
    }
}
