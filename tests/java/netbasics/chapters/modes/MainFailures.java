package netbasics.chapters.modes;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import netbasics.grading.CurrentTest;
import netbasics.grading.MainProcess;
import org.awaitility.core.ConditionTimeoutException;

/** Runs a test's exchange with a running {@code main}, so that a failure caused by the program dying names the real cause. */
final class MainFailures {

    private MainFailures() {}

    interface Exchange {
        void run() throws Exception;
    }

    /**
     * Runs {@code exchange}; if it fails, waits a moment for the program's last words (a stack
     * trace on standard error), so that the grading report can quote why it died.
     */
    static void explaining(MainProcess main, Exchange exchange) throws Exception {
        try {
            exchange.run();
        } catch (Exception | AssertionError failed) {
            try {
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                        .until(() -> CurrentTest.learnerCodeDied() && main.stderr().contains("\tat "));
            } catch (ConditionTimeoutException stillRunning) {
                // the program lives: the failure is the exchange's own
            }
            throw failed;
        }
    }
}
