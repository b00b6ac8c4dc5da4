package netbasics.grading;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.RandomAccessFile;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channel;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;

/**
 * Every socket, channel, selector and file that graded code opened during the current test, and
 * every thread, executor and timer it started, held until the test ends, with the line that
 * opened or started it.
 *
 * <p>Holding them is what makes the leak check exact: the JDK closes a socket that nothing refers
 * to any more when the garbage collector finds it, so a leaked socket could otherwise be closed
 * behind the test's back, at a moment no one chose, and the leak go unseen. Held here, what the code
 * did not close is still open when the test looks, and the message can say where it was opened.
 * Threads are seen the same way: a thread, an executor or a {@link Timer} the code started and left
 * running outlives the test that started it (one made by a static initializer is the program's
 * own, and left alone).
 * Calls to {@link #keep} are added to graded classes as they are loaded ({@link OpenedTracking});
 * graded code cannot name this class itself (the static check refuses the grader's packages).
 */
public final class Opened {

    private static final Map<Object, String> KEPT = new IdentityHashMap<>();
    /** A timer's thread, found when the timer is made: a Timer cannot say whether it was cancelled. */
    private static final Map<Timer, Thread> TIMER_THREADS = new IdentityHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private Opened() {}

    /** Called by graded code right after it creates or is handed something; keeps it if it holds an OS resource. */
    public static void keep(Object created) {
        if (!holdsAResource(created)) {
            return;
        }
        synchronized (KEPT) {
            if (KEPT.containsKey(created)) {
                return; // the same channel again, from a selection key, say
            }
        }
        String where = WALKER.walk(frames -> frames.skip(1).findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber() + ", in " + f.getMethodName().replaceAll("^lambda\\$(.*)\\$\\d+$", "$1"))
                .orElse("?"));
        synchronized (KEPT) {
            KEPT.putIfAbsent(created, where);
            if (created instanceof Timer timer) {
                timerThread().ifPresent(thread -> TIMER_THREADS.put(timer, thread));
            }
        }
    }

    /** The newest timer thread not yet matched to a timer: the one the constructor just started. */
    private static java.util.Optional<Thread> timerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getClass().getName().equals("java.util.TimerThread") && !TIMER_THREADS.containsValue(t))
                .max(java.util.Comparator.comparingLong(Thread::threadId));
    }

    /** Lets go of everything kept: at the start and at the end of each test. */
    static void clear() {
        synchronized (KEPT) {
            KEPT.clear();
            TIMER_THREADS.clear();
        }
    }

    /** What graded code opened during this test and has not closed, each with where it was opened (at most {@code limit}). */
    static List<String> stillOpen(int limit) {
        List<String> open = new ArrayList<>();
        synchronized (KEPT) {
            KEPT.forEach((resource, where) -> {
                if (open.size() < limit && isOpen(resource)) {
                    open.add(withArticle(publicType(resource)) + " opened at " + where);
                }
            });
        }
        return open;
    }

    /** The threads, executors and timers graded code started during this test and left running (at most {@code limit}). */
    static List<String> stillRunning(int limit) {
        List<String> running = new ArrayList<>();
        synchronized (KEPT) {
            KEPT.forEach((started, where) -> {
                if (running.size() < limit && !where.endsWith(", in <clinit>") && isRunning(started)) {
                    running.add(switch (started) {
                        case Thread t -> "a thread started at " + where + (t.isVirtual() ? " (virtual)" : "") + ", still running";
                        case ExecutorService e -> withArticle(publicType(e)) + " made at " + where
                                + (e.isShutdown() ? ", shut down but its tasks still running" : ", never shut down");
                        default -> "a Timer made at " + where + ", never cancelled";
                    });
                }
            });
        }
        return running;
    }

    private static boolean isRunning(Object o) {
        return switch (o) {
            case Thread t -> t.isAlive();
            case ExecutorService e -> !e.isTerminated();
            case Timer t -> TIMER_THREADS.containsKey(t) && TIMER_THREADS.get(t).isAlive();
            default -> false;
        };
    }

    private static boolean holdsAResource(Object o) {
        return o instanceof Socket || o instanceof ServerSocket || o instanceof DatagramSocket || o instanceof Channel
                || o instanceof Selector || o instanceof FileInputStream || o instanceof FileOutputStream
                || o instanceof RandomAccessFile || o instanceof Thread || o instanceof Timer
                || o instanceof ExecutorService && o != ForkJoinPool.commonPool()
                || o instanceof AutoCloseable && o.getClass().getName().startsWith("sun.nio.ch."); // Files.newInputStream's
    }

    /** Whether it is still open, where the type can say (a file stream cannot: the descriptors tell). */
    private static boolean isOpen(Object o) {
        return switch (o) {
            case Socket s -> !s.isClosed();
            case ServerSocket s -> !s.isClosed();
            case DatagramSocket s -> !s.isClosed();
            case Channel c -> c.isOpen();
            case Selector s -> s.isOpen();
            default -> false;
        };
    }

    /** The class a learner knows it by: SocketChannel, not sun.nio.ch.SocketChannelImpl. */
    private static String publicType(Object o) {
        if (o instanceof ExecutorService) {
            return o instanceof java.util.concurrent.ScheduledExecutorService ? "ScheduledExecutorService" : "ExecutorService";
        }
        Class<?> type = o.getClass();
        while (type.getSuperclass() != null && !(java.lang.reflect.Modifier.isPublic(type.getModifiers())
                && (type.getName().startsWith("java.") || type.getName().startsWith("javax.")))) {
            type = type.getSuperclass();
        }
        return type.getSimpleName();
    }

    /** "a Socket", "an SSLSocket", "an ExecutorService". */
    private static String withArticle(String name) {
        return (name.startsWith("SSL") || "AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
}
