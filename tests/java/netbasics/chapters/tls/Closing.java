package netbasics.chapters.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.TcpTestClient;
import netbasics.grading.CurrentTest;

/** Whether a TLS server closed a plain TCP client's connection, alert or no alert. */
final class Closing {

    /** How many of the bytes a server sends are kept for the message: a flood is read and dropped. */
    private static final int KEPT = 4_096;

    private Closing() {}

    /**
     * What the server sent until the connection ended or the watch ran out, and how it ended: "the end of the
     * stream", "a reset (...)", or null when it was still open.
     */
    record Watched(byte[] sent, String ending) {

        boolean ended() {
            return ending != null;
        }

        /** In a sentence's words: what came, then how it ended, or that it did not within {@code within}. */
        String describe(Duration within) {
            return "the server sent " + Bytes.describe(sent) + ", then "
                    + (ended() ? ending : "kept the connection open for " + within.toMillis() + " ms");
        }
    }

    /**
     * True when the server ends the connection within {@code within}. A TLS server may send an
     * alert record first (a "goodbye, and why"): those bytes are read and dropped.
     */
    static boolean await(TcpTestClient client, Duration within) {
        return watch(client, within).ended();
    }

    /** Reads what the server sends until it ends the connection (end of stream or reset), at most {@code within}. */
    static Watched watch(TcpTestClient client, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        var sent = new ByteArrayOutputStream();
        try {
            InputStream in = client.socket().getInputStream();
            byte[] buffer = new byte[1024];
            while (true) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0 || CurrentTest.learnerCodeDied()) {
                    return new Watched(sent.toByteArray(), null);
                }
                client.socket().setSoTimeout((int) Math.min(left, 100));
                try {
                    int n = in.read(buffer);
                    if (n == -1) {
                        return new Watched(sent.toByteArray(), "ended the stream");
                    }
                    sent.write(buffer, 0, Math.min(n, KEPT - sent.size())); // what a message can show
                } catch (SocketTimeoutException notYet) {
                    // look again, until the deadline
                }
            }
        } catch (IOException reset) {
            return new Watched(sent.toByteArray(), "reset the connection (" + reset.getMessage() + ")");
        }
    }
}
