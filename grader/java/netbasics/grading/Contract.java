package netbasics.grading;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A contract method of a script, bound and ready to call. Every call is bounded in time: a call
 * that has not returned within its bound is abandoned, the test fails saying so, and the run goes
 * on. The learner's exceptions come through unchanged, so a test can assert on them.
 */
public final class Contract {

    /** How long a call may take unless the test says otherwise with {@link #within}. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(5);

    private final String name;
    private final Method method;
    private final Duration bound;

    Contract(String name, Method method) {
        this(name, method, DEFAULT_BOUND);
    }

    private Contract(String name, Method method, Duration bound) {
        this.name = name;
        this.method = method;
        this.bound = bound;
    }

    /** The same method, with another bound on each call. */
    public Contract within(Duration newBound) {
        return new Contract(name, method, newBound);
    }

    /** Calls the method and waits for its result, at most the bound. */
    @SuppressWarnings("unchecked")
    public <T> T call(Object... arguments) {
        return (T) start(arguments).result(bound);
    }

    /**
     * Calls the method on a thread of its own and returns at once: for a server's {@code serve},
     * which runs until its socket is closed.
     */
    public Call start(Object... arguments) {
        return Call.start(signature(), () -> method.invoke(null, arguments));
    }

    /** How a learner would read the method's name: {@code UdpEchoServer.serve(DatagramSocket)}. */
    public String signature() {
        return name + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public String toString() {
        return signature();
    }
}
