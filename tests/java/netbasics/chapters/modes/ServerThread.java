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

    private final long threadId;

    private ServerThread(long threadId) {
        this.threadId = threadId;
    }

    /** The thread that runs the server's {@code serve} call. */
    static ServerThread of(netbasics.grading.Serving server) {
        if (!server.call().isRunning()) {
            throw new AssertionError("serve has returned: it must keep serving until its channel is closed");
        }
        return new ServerThread(server.call().threadId());
    }

    /** The CPU time the thread uses during {@code window}. */
    Duration cpuTimeDuring(Duration window) {
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        long before = THREADS.getThreadCpuTime(threadId);
        // Watching on purpose for a while: the measurement is of what the thread does meanwhile.
        LockSupport.parkNanos(window.toNanos());
        long after = THREADS.getThreadCpuTime(threadId);
        if (before < 0 || after < 0) {
            throw new AssertionError("the server's thread ended while its CPU time was being measured");
        }
        return Duration.ofNanos(after - before);
    }
}
