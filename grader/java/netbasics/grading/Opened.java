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

/**
 * Every socket, channel, selector and file that graded code opened during the current test, held
 * until the test ends, with the line that opened it.
 *
 * <p>Holding them is what makes the leak check exact: the JDK closes a socket that nothing refers
 * to any more when the garbage collector finds it, so a leaked socket could otherwise be closed
 * behind the test's back, at a moment no one chose, and the leak go unseen. Held here, what the code
 * did not close is still open when the test looks, and the message can say where it was opened.
 * Calls to {@link #keep} are added to graded classes as they are loaded ({@link OpenedTracking});
 * graded code cannot name this class itself (the static check refuses the grader's packages).
 */
public final class Opened {

    private static final Map<Object, String> KEPT = new IdentityHashMap<>();
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
        }
    }

    /** Lets go of everything kept: at the start and at the end of each test. */
    static void clear() {
        synchronized (KEPT) {
            KEPT.clear();
        }
    }

    /** What graded code opened during this test and has not closed, each with where it was opened (at most {@code limit}). */
    static List<String> stillOpen(int limit) {
        List<String> open = new ArrayList<>();
        synchronized (KEPT) {
            KEPT.forEach((resource, where) -> {
                if (open.size() < limit && isOpen(resource)) {
                    open.add("a " + publicType(resource) + " opened at " + where);
                }
            });
        }
        return open;
    }

    private static boolean holdsAResource(Object o) {
        return o instanceof Socket || o instanceof ServerSocket || o instanceof DatagramSocket || o instanceof Channel
                || o instanceof Selector || o instanceof FileInputStream || o instanceof FileOutputStream
                || o instanceof RandomAccessFile
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
        Class<?> type = o.getClass();
        while (!type.getName().startsWith("java.") && !type.getName().startsWith("javax.") && type.getSuperclass() != null) {
            type = type.getSuperclass();
        }
        return type.getSimpleName();
    }
}
