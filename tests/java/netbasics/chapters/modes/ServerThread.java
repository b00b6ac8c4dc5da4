package netbasics.chapters.modes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread a learner's {@code serve} runs on, watched for the CPU time it uses: a server that
 * waits properly uses next to none while nothing can be done; one that spins uses as much as it
 * can get. CPU time, not wall-clock time, so a busy machine does not make a good server look
 * bad; and compared with a thread of the test's that spins on purpose meanwhile, so that a busy
 * machine, which gives every thread only a slice of a core, does not make a spinning server look
 * good either.
 */
final class ServerThread {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long threadId;

    private ServerThread(long threadId) {
        this.threadId = threadId;
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
    }

    /** The thread that runs the server's {@code serve} call. */
    static ServerThread of(netbasics.grading.Serving server) {
        if (!server.call().isRunning()) {
            throw new AssertionError("serve has returned: it must keep serving until its channel is closed");
        }
        return new ServerThread(server.call().threadId());
    }

    /** The CPU time the thread has used so far, in nanoseconds. */
    long cpuNanos() {
        return THREADS.getThreadCpuTime(threadId);
    }

    /**
     * Waits, at most {@code bound}, until the thread has run in {@code rounds} separate moments
     * since {@code cpuNanosBefore} (its CPU time grew between polls 20 ms apart), or has ended:
     * a server thread that ran in three moments after a client connected has been round its loop
     * at least twice since, so it has tried to accept. Without Awaitility, for a caller whose
     * process cannot open a file. Returns whether it got there.
     */
    boolean awaitRoundsSince(long cpuNanosBefore, int rounds, Duration bound) {
        long end = System.nanoTime() + bound.toNanos();
        long last = cpuNanosBefore;
        int seen = 0;
        while (System.nanoTime() < end) {
            long now = cpuNanos();
            if (now < 0) {
                return true; // the thread has ended: it got as far as it ever will
            }
            if (now > last) {
                seen++;
                last = now;
                if (seen >= rounds) {
                    return true;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return false;
    }

    /** The CPU time the server's thread used during a window, beside what a thread that never stops got. */
    record CpuUse(Duration window, Duration server, Duration spinner) {

        /**
         * Whether the server used less than half of what a spinning thread got: both compete for the
         * same cores, so a server that spins gets about as much as the spinner. A few milliseconds
         * are always allowed, for a machine so busy that the spinner itself got next to nothing.
         */
        boolean looksIdle() {
            return server.compareTo(Duration.ofMillis(5)) < 0 || server.multipliedBy(2).compareTo(spinner) < 0;
        }

        @Override
        public String toString() {
            return String.format("the server's thread used %d ms of CPU in %d ms, while a thread that spins on purpose got %d ms",
                    server.toMillis(), window.toMillis(), spinner.toMillis());
        }
    }

    /** The CPU time the thread uses during {@code window}, beside a spinning thread's. */
    CpuUse cpuUseDuring(Duration window) {
        var stop = new AtomicBoolean();
        Thread spinner = Thread.ofPlatform().daemon().name("spins on purpose, for comparison").start(() -> {
            while (!stop.get()) {
                Thread.onSpinWait();
            }
        });
        try {
            long serverBefore = THREADS.getThreadCpuTime(threadId);
            long spinnerBefore = THREADS.getThreadCpuTime(spinner.threadId());
            // Watching on purpose for a while: the measurement is of what the threads do meanwhile.
            LockSupport.parkNanos(window.toNanos());
            long serverAfter = THREADS.getThreadCpuTime(threadId);
            long spinnerAfter = THREADS.getThreadCpuTime(spinner.threadId());
            if (serverBefore < 0 || serverAfter < 0) {
                throw new AssertionError("the server's thread ended while its CPU time was being measured");
            }
            return new CpuUse(window, Duration.ofNanos(serverAfter - serverBefore), Duration.ofNanos(Math.max(0, spinnerAfter - spinnerBefore)));
        } finally {
            stop.set(true);
            joinQuietly(spinner);
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
