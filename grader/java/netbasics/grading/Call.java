package netbasics.grading;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call into learner code, running on a daemon thread of its own so that a call that never
 * returns costs its test, not the run.
 */
public final class Call {

    /** Learner code to run: a reflective call, which may throw anything. */
    interface Body {
        Object run() throws Throwable;
    }

    /** How long a call that has started is given to fail, before it is taken to be busy. */
    private static final Duration SETTLING = Duration.ofMillis(100);

    private final String signature;
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();
    private final Thread thread;
    /** Set once the test has received the call's exception from {@link #result}: then it is an answer the test checks. */
    private volatile boolean failureSeenByTest;
    private final CountDownLatch running = new CountDownLatch(1);
    /** The test's thread that made the call: told at once when the call turns out to be a stub's TODO. */
    private final Thread caller = Thread.currentThread();
    /** Whether the call's thread had its interrupt flag set as the call returned or threw. */
    private volatile boolean leftInterrupted;

    private Call(String signature, Body body) {
        this.signature = signature;
        // A plain name: what graded code sees of its thread must not tell it which test is calling.
        this.thread = Thread.ofPlatform().daemon().name("main").unstarted(() -> {
            running.countDown();
            try {
                outcome.complete(runNoting(body));
            } catch (InvocationTargetException e) {
                failed(e.getCause());
            } catch (Throwable e) {
                failed(e);
            }
        });
    }

    /** Runs the body and notes the interrupt flag it leaves, before the outcome lets the test look. */
    private Object runNoting(Body body) throws Throwable {
        try {
            return body.run();
        } finally {
            leftInterrupted = Thread.currentThread().isInterrupted();
        }
    }

    /**
     * A call that threw a stub's TODO has decided its test (the failure reads "Not done yet",
     * whatever the test was waiting for), so the test's thread is interrupted: its waits (sleeps,
     * futures, Awaitility, the fixtures' reads) end now rather than at their bounds, and an unfinished
     * exercise is graded in a moment, not in the sum of its tests' timeouts.
     */
    private void failed(Throwable thrown) {
        outcome.completeExceptionally(thrown);
        if (isTodo(thrown) && CurrentTest.isCurrent(this)) {
            caller.interrupt();
        }
    }

    static Call start(String signature, Body body) {
        var call = new Call(signature, body);
        CurrentTest.started(call);
        call.thread.start();
        return call;
    }

    /** Waits for the call's result; throws what the call threw; fails when it takes longer than {@code bound}. */
    public Object result(Duration bound) {
        try {
            return outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new AssertionError(signature + " did not return within " + bound.toMillis() + " ms.");
        } catch (ExecutionException e) {
            failureSeenByTest = true;
            throw Sneaky.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + signature, e);
        }
    }

    /**
     * For a server whose socket the test has just closed: it must return, quietly, within
     * {@code bound}. Fails saying what it did instead.
     */
    public void awaitQuietReturn(Duration bound) {
        try {
            result(bound);
        } catch (AssertionError e) {
            throw new AssertionError(signature + " did not return within " + bound.toMillis()
                    + " ms of its socket being closed: a server must stop when its socket is closed.");
        } catch (Throwable e) {
            if (isTodo(e)) {
                throw Sneaky.rethrow(e);
            }
            throw new AssertionError(signature + " threw " + e + " when its socket was closed;"
                    + " a closed socket is the signal to stop, so return quietly instead.", e);
        }
    }

    /**
     * Gives the call a moment to get going and, if it is about to fail, to fail: on a loaded
     * machine a stub's thread may not have run yet when a test gives up waiting for it, and the
     * failure should then name the stub's TODO, not the symptom.
     */
    void settle(Duration bound) {
        try {
            if (running.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                outcome.get(SETTLING.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException stillRunningOrFailed) {
            // either is an answer: the call is busy serving, or it has failed and says why
        }
    }

    /** The id of the thread the call runs on, for a test that watches its CPU time. */
    public long threadId() {
        return thread.threadId();
    }

    /**
     * Whether the call, once it has returned or thrown, left the thread it was called on with its
     * interrupt flag set: learner code that interrupted its caller's thread (to end a blocking read,
     * say) and left it so. Only the harness interrupts that thread otherwise, and only after the
     * result was given up on.
     */
    public boolean leftItsThreadInterrupted() {
        return leftInterrupted;
    }

    public boolean isRunning() {
        return !outcome.isDone();
    }

    public String signature() {
        return signature;
    }

    /** What the call threw, if it has ended by throwing. */
    public Optional<Throwable> failure() {
        if (!outcome.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            outcome.join();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of(e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * True when the call ended by throwing something the test did not ask for: a server that
     * died, or a stub's TODO (always reported, whoever received it). An exception the test
     * received from {@link #result} is an answer it checks, such as a rejected input.
     */
    boolean diedUnexpectedly() {
        return failure().filter(e -> isTodo(e) || !failureSeenByTest).isPresent();
    }

    static boolean isTodo(Throwable e) {
        return e instanceof UnsupportedOperationException && e.getMessage() != null && e.getMessage().startsWith("TODO");
    }
}
