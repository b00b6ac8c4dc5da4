package netbasics.grader;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds threads that a test left behind still burning CPU: graded code that spins and ignores
 * interruption. Such a thread would slow every later test of the worker (and its neighbours on
 * the same cores), so the worker reports it and the engine grades the rest in a fresh process.
 * Only threads started during the test are looked at, and only when there are any.
 */
final class Spinners {

    /** A thread that used this much CPU in {@link #WINDOW_NANOS} is spinning, not waiting. */
    private static final long BUSY_NANOS = 60_000_000;
    private static final long WINDOW_NANOS = 120_000_000;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Set<Long> before = Set.of();

    void before() {
        before = ids();
    }

    /** The name of a new thread that is still busy after the test, if there is one. */
    Optional<String> after() {
        if (!threads.isThreadCpuTimeSupported()) {
            return Optional.empty();
        }
        Map<Long, Long> start = new HashMap<>();
        for (long id : ids()) {
            if (!before.contains(id)) {
                start.put(id, threads.getThreadCpuTime(id));
            }
        }
        if (start.isEmpty()) {
            return Optional.empty();
        }
        LockSupport.parkNanos(WINDOW_NANOS);
        for (var entry : start.entrySet()) {
            long now = threads.getThreadCpuTime(entry.getKey());
            if (entry.getValue() >= 0 && now - entry.getValue() > BUSY_NANOS) {
                var info = threads.getThreadInfo(entry.getKey());
                return Optional.of(info == null ? "a thread" : "the thread \"" + info.getThreadName() + "\"");
            }
        }
        return Optional.empty();
    }

    private Set<Long> ids() {
        Set<Long> ids = new HashSet<>();
        for (long id : threads.getAllThreadIds()) {
            ids.add(id);
        }
        return ids;
    }
}
