package netbasics.chapters.endpoints;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import netbasics.grading.Contract;
import netbasics.grading.Script;

/**
 * Calls into a script that {@link Contract} does not make: methods of an object of the script's
 * (the TextCodec.Decoder), and calls whose exception is the answer the test wants (a parse that
 * must reject its input). Like a contract call, each call is bounded in time and the learner's
 * exception comes through unchanged, so a stub's TODO still reads "Not done yet"; unlike one, an
 * exception here is an answer to check, not a server that died.
 */
final class Learner {

    static final Duration BOUND = Contract.DEFAULT_BOUND;

    /** Daemon threads, so a call that never returns is abandoned without holding the run. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "learner call");
        thread.setDaemon(true);
        return thread;
    });

    private Learner() {}

    /** The contract's static method; a missing or mistyped one fails with the harness's own explanation. */
    static Method staticMethod(Script script, String name, Class<?> returns, Class<?>... parameters) {
        script.method(name, returns, parameters);
        return find(script.type(), name, returns, parameters);
    }

    /** A public instance method of a nested contract type, such as {@code Decoder.finish()}. */
    static Method instanceMethod(Class<?> type, String name, Class<?> returns, Class<?>... parameters) {
        Method method = find(type, name, returns, parameters);
        if (Modifier.isStatic(method.getModifiers())) {
            throw new AssertionError(type.getSimpleName() + "." + name + " must not be static: each " + type.getSimpleName()
                    + " keeps its own state.");
        }
        return method;
    }

    /** A new object of a nested contract type, made with its public no-argument constructor. */
    static Object construct(Class<?> type) {
        if (!Modifier.isStatic(type.getModifiers())) {
            throw new AssertionError("The nested class " + type.getSimpleName() + " must be static (public static final class "
                    + type.getSimpleName() + "), so that it can be made on its own.");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type.getSimpleName() + " must have a public constructor without parameters: new "
                    + type.getSimpleName() + "().");
        }
        return run("new " + type.getSimpleName() + "()", BOUND, () -> constructor.newInstance());
    }

    /** Calls the method; returns its result or throws what it threw. */
    @SuppressWarnings("unchecked")
    static <T> T call(Method method, Object target, Object... arguments) {
        return (T) within(BOUND, method, target, arguments);
    }

    /** Calls the method, with {@code bound} instead of the usual bound. */
    static Object within(Duration bound, Method method, Object target, Object... arguments) {
        return run(method.getDeclaringClass().getSimpleName() + "." + method.getName(), bound, () -> method.invoke(target, arguments));
    }

    /**
     * What the call threw, or empty when it returned. A stub's TODO is not an answer: it is thrown
     * on, so the test reads "Not done yet".
     */
    static Optional<Throwable> failureOf(Duration bound, Method method, Object target, Object... arguments) {
        try {
            within(bound, method, target, arguments);
            return Optional.empty();
        } catch (RuntimeException e) {
            if (isTodo(e)) {
                throw e;
            }
            return Optional.of(e);
        }
    }

    static boolean isTodo(Throwable e) {
        return e instanceof UnsupportedOperationException && e.getMessage() != null && e.getMessage().startsWith("TODO");
    }

    private interface Body {
        Object run() throws Exception;
    }

    private static Object run(String what, Duration bound, Body body) {
        var outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return body.run();
            } catch (InvocationTargetException e) {
                throw new Thrown(e.getCause());
            } catch (Exception e) {
                throw new Thrown(e);
            }
        }, THREADS);
        try {
            return outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            outcome.cancel(true);
            throw new TimedOut(what + " did not return within " + bound.toMillis() + " ms.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof Thrown thrown ? thrown.getCause() : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError(what + " threw " + cause, cause);
        }
    }

    /** A call that did not return within its bound: a failure of the test, never an answer of the learner's. */
    static final class TimedOut extends AssertionError {
        TimedOut(String message) {
            super(message);
        }
    }

    /** Carries the learner's exception out of the worker thread, to be unwrapped. */
    private static final class Thrown extends RuntimeException {
        Thrown(Throwable cause) {
            super(cause);
        }
    }

    private static Method find(Class<?> type, String name, Class<?> returns, Class<?>... parameters) {
        String expected = "public " + returns.getTypeName() + " " + name
                + Arrays.stream(parameters).map(Class::getTypeName).collect(Collectors.joining(", ", "(", ")"));
        try {
            Method method = type.getMethod(name, parameters);
            if (method.getReturnType().equals(returns)) {
                method.setAccessible(true);
                return method;
            }
        } catch (NoSuchMethodException e) {
            // explained below
        }
        throw new AssertionError(type.getSimpleName() + " must declare\n    " + expected
                + "\nThe tests call this method: keep its name, parameters and return type as the stub gave them.");
    }
}
