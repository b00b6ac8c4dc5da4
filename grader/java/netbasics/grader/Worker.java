package netbasics.grader;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netbasics.grading.Grading;
import netbasics.grading.GradingExtension;
import netbasics.grading.JdkWarmUp;
import netbasics.grading.LearnerOutput;
import netbasics.grading.Outcome;
import netbasics.grading.OutcomeCollector;
import netbasics.grading.Workbook;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * A grading worker: the JVM in which the suites meet the learner's code. The trusted engine
 * starts it, hands it a key and then one job (or, for the workbook's own code, several) on its
 * standard input, and reads signed frames (see {@link Channel}) from its standard output.
 *
 * <p>Before any graded class is loaded, the worker takes the process's real standard output for
 * its frames, points System.out and System.err at {@link LearnerOutput} (what the learner prints
 * is kept per test, its tail only) and gives System.in an empty stream. When its jobs are done it
 * halts, so no thread graded code left behind outlives it.
 */
public final class Worker {

    /** One exercise to grade. {@code reuse}: more jobs follow on this worker (only for the workbook's own trees). */
    public record Job(String home, String root, String chapter, String script, Set<String> excluded,
            boolean untilFirstFailure, boolean reuse) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Channel channel;
    private final PrintStream frames;
    private final Spinners spinners = new Spinners();

    private Worker(Channel channel, PrintStream frames) {
        this.channel = channel;
        this.frames = frames;
    }

    public static void main(String[] args) throws IOException {
        var frames = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        var jobs = new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
        LearnerOutput.capture();
        System.setIn(new ByteArrayInputStream(new byte[0]));
        String key = jobs.readLine();
        if (key == null) {
            Runtime.getRuntime().halt(2);
        }
        var worker = new Worker(Channel.fromKey(key.strip()), frames);
        Grading.discover(); // warm: the launcher and every suite loaded before a job arrives
        JdkWarmUp.once();   // and the JDK's own descriptors opened, so the leak check sees only the tests' and the learner's
        worker.send(Map.of("event", "ready"));
        for (String line; (line = jobs.readLine()) != null; ) {
            Job job = JSON.readValue(line, Job.class);
            if (!job.reuse()) {
                jobs.close(); // graded code that reads the process's stdin finds it ended
            }
            worker.grade(job);
            if (!job.reuse()) {
                break;
            }
        }
        frames.flush();
        Runtime.getRuntime().halt(0);
    }

    private void grade(Job job) throws IOException {
        Workbook.useHome(Path.of(job.home()));
        TestExecutionListener reporter = new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier test) {
                OutcomeCollector.keyOf(test).ifPresent(key -> {
                    LearnerOutput.reset();
                    spinners.before();
                    send(Map.of("event", "started", "key", key));
                });
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                OutcomeCollector.outcomeOf(test, result).ifPresent(keyed -> {
                    Outcome outcome = keyed.outcome();
                    if (outcome.status() == Outcome.Status.FAILED) {
                        outcome = outcome.withOutput(LearnerOutput.tail()).withTranscript(GradingExtension.lastTranscript());
                    }
                    Map<String, Object> frame = new LinkedHashMap<>();
                    frame.put("event", "finished");
                    frame.put("key", keyed.key());
                    frame.put("outcome", outcome);
                    send(frame);
                    spinners.after().ifPresent(thread -> send(Map.of("event", "tainted", "thread", thread)));
                });
            }

            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                OutcomeCollector.outcomeOf(test, Outcome.Status.SKIPPED, reason).ifPresent(keyed -> send(Map.of(
                        "event", "finished", "key", keyed.key(), "outcome", keyed.outcome())));
            }
        };
        try {
            Grading.grade(Path.of(job.root()), Set.of(job.chapter()), Set.of(job.script()), job.excluded(),
                    job.untilFirstFailure(), reporter);
            send(Map.of("event", "done"));
        } catch (RuntimeException | Error e) {
            send(Map.of("event", "broken", "reason", String.valueOf(e)));
        }
    }

    private synchronized void send(Map<String, ?> payload) {
        try {
            frames.println(channel.frame(JSON.writeValueAsString(payload)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a frame", e);
        }
    }
}
