package netbasics.chapters.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import netbasics.fixtures.TcpTestClient;
import netbasics.grading.CurrentTest;

/** Whether a TLS server closed a plain TCP client's connection, alert or no alert. */
final class Closing {

    private Closing() {}

    /**
     * True when the server ends the connection within {@code within}. A TLS server may send an
     * alert record first (a "goodbye, and why"): those bytes are read and dropped.
     */
    static boolean await(TcpTestClient client, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            InputStream in = client.socket().getInputStream();
            byte[] buffer = new byte[1024];
            while (true) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0 || CurrentTest.learnerCodeDied()) {
                    return false;
                }
                client.socket().setSoTimeout((int) Math.min(left, 100));
                try {
                    if (in.read(buffer) == -1) {
                        return true;
                    }
                } catch (SocketTimeoutException notYet) {
                    // look again, until the deadline
                }
            }
        } catch (IOException reset) {
            return true;
        }
    }
}
