package netbasics.grading;

import java.time.Duration;
import netbasics.conversation.Conversation;
import netbasics.conversation.Reproduce;
import netbasics.report.Exchange;
import netbasics.report.TranscriptText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Connects a graded test to its exercise: hands it the {@link Script} from the tree being graded,
 * and turns a failure into a message a learner can act on (what went wrong, in their terms, then
 * the test's hint).
 */
public final class GradingExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Script.class;
    }

    @Override
    public Script resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Exercise exercise = exerciseOf(context);
        return new Script(Workbook.root(context::getConfigurationParameter), exercise.chapter(), exercise.script());
    }

    /** The recorded conversation of the test that just ended, when it failed (JSON; else empty). */
    private static volatile String lastTranscript = "";

    /** What the grading worker attaches to the outcome of the test that just ended. */
    public static String lastTranscript() {
        return lastTranscript;
    }

    /** How long code under test is given, once a test is over, to finish closing what it opened. */
    private static final Duration CLOSING = Duration.ofMillis(1500);
    private static final ExtensionContext.Namespace LEAKS = ExtensionContext.Namespace.create(GradingExtension.class, "open before");

    static {
        // Every Awaitility wait of a test ends at once when the code under test turns out to be a stub's TODO.
        Awaitility.setDefaultFailFastCondition("the code under test is not written yet (a TODO)", CurrentTest::notDone);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        JdkWarmUp.once();
        CurrentTest.end();
        CurrentTest.begin();
        Conversation.begin();
        Opened.clear();
        context.getStore(LEAKS).put("descriptors", OpenDescriptors.snapshot());
    }

    /**
     * Ends what the test started and, when it passed, checks that nothing the code under test
     * opened is still open, and nothing it started still running: a socket, a listener, a channel,
     * a selector or a file left open, or a thread, an executor or a timer left running, fails the
     * test that left it, naming it. What the test handed to the code is the test's to close
     * (it has, by now); what the code opened is the code's. What it opened is held until then
     * ({@link Opened}), so the garbage collector cannot close a leaked socket before the check.
     */
    @Override
    public void afterEach(ExtensionContext context) {
        try {
            endAndCheckNothingLeftOpen(context);
        } finally {
            Opened.clear();
        }
    }

    private void endAndCheckNothingLeftOpen(ExtensionContext context) {
        CurrentTest.end();
        Exchange exchange = Conversation.end();
        lastTranscript = context.getExecutionException().isPresent() && !exchange.events().isEmpty() ? exchange.toJson() : "";
        @SuppressWarnings("unchecked")
        Map<Integer, String> before = context.getStore(LEAKS).get("descriptors", Map.class);
        if (before == null || context.getExecutionException().isPresent()) {
            return;
        }
        Map<Integer, String> left = OpenDescriptors.openedSince(before);
        List<String> running = Opened.stillRunning(5);
        long deadline = System.nanoTime() + CLOSING.toNanos();
        // Most conversations finish closing within a few milliseconds of the test's end: look again soon,
        // then less and less often, so a passing test costs little and a leak is not looked for too often.
        long pause = Duration.ofMillis(2).toNanos();
        while ((!left.isEmpty() || !running.isEmpty()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, Duration.ofMillis(50).toNanos());
            left = OpenDescriptors.openedSince(before);
            running = Opened.stillRunning(5);
        }
        String script = exerciseOf(context).script();
        if (!left.isEmpty()) {
            String what = left.values().stream().map(OpenDescriptors::describe).distinct().limit(5)
                    .collect(Collectors.joining("\n    ", "    ", ""));
            List<String> where = Opened.stillOpen(5);
            if (!where.isEmpty()) {
                what += "\nOpened by your code and not closed:\n    " + String.join("\n    ", where);
            }
            throw leak("The test passed, but " + script + " left open what it opened (" + left.size() + " still open "
                    + CLOSING.toMillis() + " ms after the test ended):\n" + what
                    + "\nClose every socket, channel, selector and file you open, on every path, the failing ones too:"
                    + " try-with-resources does it. See \"Closing sockets\" in chapter 01.");
        }
        if (!running.isEmpty()) {
            throw leak("The test passed, but " + script + " left running what it started (" + CLOSING.toMillis()
                    + " ms after the test ended):\n    " + String.join("\n    ", running)
                    + "\nA thread your code starts must end when its work is done; shut an executor down (try-with-resources"
                    + " on an ExecutorService waits for its tasks), cancel a timer, and make a blocked thread's work end when"
                    + " the call that started it returns.");
        }
    }

    private static AssertionError leak(String message) {
        AssertionError leak = new AssertionError(message);
        leak.setStackTrace(new StackTraceElement[0]);
        return leak;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
        if (thrown instanceof TestAbortedException) {
            throw thrown;
        }
        String hint = context.getRequiredTestMethod().isAnnotationPresent(Graded.class)
                ? context.getRequiredTestMethod().getAnnotation(Graded.class).hint() : "";
        Exercise exercise = exerciseOf(context);
        String script = exercise.script();
        Path file = Workbook.scriptFile(Workbook.root(context::getConfigurationParameter), exercise.chapter(), script);
        Set<String> pulledIn = Files.isRegularFile(file)
                ? Script.sources(file).stream().skip(1).map(p -> p.getFileName().toString()).collect(Collectors.toSet()) : Set.of();
        Exchange soFar = Conversation.snapshot();
        String conversation = soFar.events().isEmpty() ? "" : "\n\n" + TranscriptText.of(soFar)
                + Reproduce.guess(soFar, script).map(line -> "\n" + line).orElse("");
        AssertionError taught = new AssertionError(bounded(explain(thrown, script, pulledIn)) + conversation
                + (hint.isBlank() ? "" : "\n\nHint: " + hint), thrown);
        taught.setStackTrace(new StackTraceElement[0]);
        throw taught;
    }

    /**
     * The longest explanation kept: what follows it (the conversation, the reproduce line, the hint)
     * must survive the grader's bound on a message, however much an assertion printed (a string of
     * 65,000 characters compared whole, say).
     */
    static final int MAX_EXPLANATION = 2_500;

    static String bounded(String explanation) {
        return explanation.length() <= MAX_EXPLANATION ? explanation : explanation.substring(0, MAX_EXPLANATION)
                + "\n[… " + (explanation.length() - MAX_EXPLANATION) + " more characters of this message not kept]";
    }

    /** The learner-facing story of a failure. */
    static String explain(Throwable thrown, String script, Set<String> pulledIn) {
        if (Call.isTodo(thrown)) {
            return notDone(thrown, script, pulledIn);
        }
        CurrentTest.settle();
        Optional<Call> died = CurrentTest.failedCall();
        if (died.isPresent()) {
            Throwable cause = died.get().failure().orElseThrow();
            if (Call.isTodo(cause)) {
                return notDone(cause, script, pulledIn);
            }
            if (cause != thrown) {
                return died.get().signature() + " died while the test was talking to it:\n    " + cause
                        + learnerFrames(cause, script) + "\n\nWhat the test saw: " + thrown.getMessage();
            }
        }
        Optional<MainProcess.Todo> todoInMain = CurrentTest.todoInMain();
        if (todoInMain.isPresent()) {
            return notDone(todoInMain.get().text(), todoInMain.get().file(), script, pulledIn);
        }
        if (thrown instanceof AssertionError) {
            return String.valueOf(thrown.getMessage());
        }
        if ((thrown instanceof java.util.concurrent.CompletionException || thrown instanceof java.util.concurrent.ExecutionException)
                && thrown.getCause() instanceof AssertionError failedCheck) {
            return String.valueOf(failedCheck.getMessage()); // a check the test ran on a thread of its own, joined
        }
        return "Your code threw " + thrown + learnerFrames(thrown, script);
    }

    private static String notDone(Throwable todo, String script, Set<String> pulledIn) {
        StackTraceElement[] frames = todo.getStackTrace();
        return notDone(todo.getMessage(), frames.length == 0 ? null : frames[0].getFileName(), script, pulledIn);
    }

    /**
     * A TODO that was thrown: the exercise's own, or that of another exercise whose file this one
     * pulls in with {@code //SOURCES} (then that file is named, so the learner knows what to finish).
     */
    static String notDone(String todo, String thrownIn, String script, Set<String> pulledIn) {
        if (thrownIn != null && pulledIn.contains(thrownIn)) {
            return thrownIn + " is not finished yet: " + todo + "\n" + script + ".java uses " + thrownIn
                    + " (its //SOURCES line), and this test needs it: finish that exercise first.";
        }
        return "Not done yet: " + todo;
    }

    /** The lines of the learner's own file in a stack trace: where to look. */
    private static String learnerFrames(Throwable thrown, String script) {
        String frames = Arrays.stream(thrown.getStackTrace())
                .filter(frame -> (script + ".java").equals(frame.getFileName()))
                .limit(4)
                .map(frame -> "\n        at " + frame)
                .collect(Collectors.joining());
        return frames;
    }

    static Exercise exerciseOf(ExtensionContext context) {
        Exercise exercise = OutcomeCollector.exerciseOf(context.getRequiredTestClass());
        if (exercise == null) {
            throw new IllegalStateException(context.getRequiredTestClass() + " is not annotated with @Exercise");
        }
        return exercise;
    }
}
