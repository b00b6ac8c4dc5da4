package netbasics.grading;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the current test has set running in learner code: contract calls and {@code main}
 * processes. Tests run one at a time, so "the current test" is everything since it began.
 *
 * <p>This lets a failure name its real cause (a server that had already died, often of the stub's
 * "TODO") instead of the symptom (no reply), and lets fixtures stop waiting for replies from a
 * server that can no longer send any.
 */
public final class CurrentTest {

    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    private static final List<MainProcess> PROCESSES = new CopyOnWriteArrayList<>();
    /** How long, in all, a failing test's explanation waits for programs that may be dying to end and print why. */
    private static final Duration PROGRAMS_SETTLING = Duration.ofMillis(500);
    /** True from a test's start to its end: a program started outside that span has no end to wait for. */
    private static volatile boolean testRunning;

    private CurrentTest() {}

    /** True once learner code of this test has died: a call threw, or a {@code main} exited. */
    public static boolean learnerCodeDied() {
        return failedCall().isPresent() || PROCESSES.stream().anyMatch(p -> !p.isAlive());
    }

    /**
     * Throws the stub's TODO when a call of the current test has thrown one: for a fixture about to
     * start something new (a client connecting to a server that is not written yet).
     */
    public static void stopIfNotDone() {
        todo().ifPresent(todo -> { throw Sneaky.rethrow(todo); });
    }

    /** True once a call of the current test has thrown a stub's TODO: nothing the test still waits for can come. */
    public static boolean notDone() {
        return todo().isPresent();
    }

    private static Optional<Throwable> todo() {
        return CALLS.stream().map(Call::failure).flatMap(Optional::stream).filter(Call::isTodo).findFirst();
    }

    static void started(Call call) {
        CALLS.add(call);
    }

    /** True while {@code call} belongs to the test that is running (not to one that is over). */
    static boolean isCurrent(Call call) {
        return CALLS.contains(call);
    }

    static void started(MainProcess process) {
        PROCESSES.add(process);
    }

    /**
     * True while {@code process} belongs to the test that is running, so that {@link #end()} will end it
     * (false for one started by a test's thread that outlived its test).
     */
    static boolean owns(MainProcess process) {
        return testRunning && PROCESSES.contains(process);
    }

    /** A test begins: what it starts is ended by {@link #end()}. */
    static void begin() {
        testRunning = true;
    }

    /** Lets every call of the current test get going, or fail, before a failure is explained. */
    static void settle() {
        CALLS.forEach(call -> call.settle(Duration.ofSeconds(2)));
        // One wait for all of them: a working program is still serving when the wait ends, and each costs the test no more.
        long until = System.nanoTime() + PROGRAMS_SETTLING.toNanos();
        PROCESSES.stream().filter(p -> p.todo().isEmpty()).forEach(p -> p.settle(Duration.ofNanos(until - System.nanoTime())));
    }

    /** A call of the current test that died: it threw, and not as an answer the test asked for. */
    static Optional<Call> failedCall() {
        return CALLS.stream().filter(Call::diedUnexpectedly).findFirst();
    }

    /** The TODO a stub threw inside a {@code main} process of the current test. */
    static Optional<MainProcess.Todo> todoInMain() {
        return PROCESSES.stream().map(MainProcess::todo).flatMap(Optional::stream).findFirst();
    }

    /** Ends the processes the test started and forgets its calls: nothing outlives its test. */
    static void end() {
        testRunning = false;
        PROCESSES.forEach(MainProcess::kill);
        PROCESSES.clear();
        CALLS.clear();
    }
}
