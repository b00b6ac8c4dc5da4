package netbasics.grading;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/** Waits for what a script's {@code main} prints, giving up at once when the program has died. */
public final class MainOutput {

    private MainOutput() {}

    /** The first line of standard output matching {@code pattern}; fails with the transcript when none comes. */
    public static MatchResult awaitLine(MainProcess main, Pattern pattern, Duration bound, String context) {
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(20))
                    .until(() -> find(main, pattern) != null || CurrentTest.learnerCodeDied());
        } catch (ConditionTimeoutException stillNothing) {
            // reported below
        }
        MatchResult found = find(main, pattern);
        if (found != null) {
            return found;
        }
        if (CurrentTest.learnerCodeDied()) {
            // The program has ended: give its last words a moment to arrive, so the failure can quote them.
            try {
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                        .until(() -> find(main, pattern) != null || main.stderr().contains("\tat "));
            } catch (ConditionTimeoutException noTrace) {
                // it ended without a stack trace
            }
            found = find(main, pattern);
            if (found != null) {
                return found;
            }
        }
        throw new AssertionError(context + "\n`" + main.commandLine() + "` printed no line matching /" + pattern + "/"
                + (CurrentTest.learnerCodeDied() ? " and ended." : " within " + bound.toMillis() + " ms.") + "\n" + main.transcript());
    }

    public interface Exchange {
        void run() throws Exception;
    }

    /**
     * Runs a test's exchange with a running {@code main}. If it fails because the program died,
     * waits a moment for the program's last words, so that the failure can name the real cause.
     */
    public static void explainingFailure(MainProcess main, Exchange exchange) throws Exception {
        try {
            exchange.run();
        } catch (Exception | AssertionError failed) {
            try {
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                        .until(() -> CurrentTest.learnerCodeDied() && main.stderr().contains("\tat "));
            } catch (ConditionTimeoutException stillRunning) {
                // the program lives: the failure is the exchange's own
            }
            throw failed;
        }
    }

    private static MatchResult find(MainProcess main, Pattern pattern) {
        for (String line : main.stdout().split("\\R")) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher.toMatchResult();
            }
        }
        return null;
    }
}
