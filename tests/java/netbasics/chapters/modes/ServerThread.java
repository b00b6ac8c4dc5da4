package netbasics.chapters.modes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread a learner's {@code serve} runs on, watched for the CPU time it uses: a server that
 * waits properly uses next to none while nothing can be done; one that spins uses a whole core.
 * CPU time, not wall-clock time, so a busy machine does not make a good server look bad.
 */
final class ServerThread {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Thread thread;

    private ServerThread(Thread thread) {
        this.thread = thread;
    }

    /**
     * The newest running thread named {@code name} (the grading harness names it after the call):
     * the newest, in case a server of an earlier test has not ended.
     */
    static ServerThread named(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                .max(java.util.Comparator.comparingLong(Thread::threadId))
                .map(ServerThread::new)
                .orElseThrow(() -> new AssertionError("no running thread named '" + name + "': has serve returned?"));
    }

    /** The CPU time the thread uses during {@code window}. */
    Duration cpuTimeDuring(Duration window) {
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        long before = THREADS.getThreadCpuTime(thread.threadId());
        // Watching on purpose for a while: the measurement is of what the thread does meanwhile.
        LockSupport.parkNanos(window.toNanos());
        long after = THREADS.getThreadCpuTime(thread.threadId());
        if (before < 0 || after < 0) {
            throw new AssertionError("the server's thread ended while its CPU time was being measured");
        }
        return Duration.ofNanos(after - before);
    }
}
