package netbasics.chapters.tls;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netbasics.grading.CurrentTest;
import netbasics.grading.MainProcess;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting on a script's {@code main} that runs a server, without waiting on one that has already died. */
final class Mains {

    private static final Pattern SERVING = Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)");

    private Mains() {}

    /** The address from main's "Serving at 127.0.0.1:PORT" line; fails at once, with its output, if main dies first. */
    static InetSocketAddress awaitServing(MainProcess main, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(() -> SERVING.matcher(main.stdout()).find() || CurrentTest.learnerCodeDied());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("`" + main.commandLine() + "` printed no \"Serving at 127.0.0.1:PORT\" line within "
                    + within.toMillis() + " ms.\n" + main.transcript());
        }
        Matcher serving = SERVING.matcher(main.stdout());
        if (!serving.find()) {
            throw new AssertionError("`" + main.commandLine() + "` ended before it printed \"Serving at 127.0.0.1:PORT\".\n"
                    + main.transcript());
        }
        return new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2)));
    }
}
