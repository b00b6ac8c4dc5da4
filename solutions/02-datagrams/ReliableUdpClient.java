///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Request and response over a path that loses, duplicates, reorders and delays datagrams. Each
 * request carries a sequence number that any echo server reflects; the client waits a bounded
 * time, tries again with a doubling wait up to a cap, and takes as the answer only a reply from
 * the server with the request's own number. {@code main} pings a server the way {@code ping} does.
 *
 * <p>Wire format: the first 4 bytes of a datagram are the sequence number (a big-endian int); the
 * rest is the payload. A retry resends the same datagram.
 *
 * <pre>jbang reliable-udp-client [--host HOST] [--port PORT] [--count N] [--timeout MS] [--retries N] [--max-timeout MS]</pre>
 */
public class ReliableUdpClient {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8883;

    /** The sequence number in front of every payload: a 4-byte big-endian int. */
    static final int HEADER = 4;

    /** The largest UDP payload: 65,507 bytes over IPv4, 65,527 over IPv6 (its length leaves out the IP header). */
    static final int MAX_DATAGRAM = 65_527;

    /**
     * How patient a request is: the first attempt waits {@code timeout}, each retry waits twice as
     * long as the one before, never longer than {@code maxTimeout}; {@code retries} attempts follow
     * the first.
     */
    public record Retry(Duration timeout, int retries, Duration maxTimeout) {}

    /** The answer to one request: its number, the payload that came back, how many sends it took, and how long. */
    public record Reply(int sequence, byte[] payload, int attempts, Duration roundTrip) {}

    /** What a series of requests came to, like ping's last lines; the times are zero when nothing was answered. */
    public record Summary(int sent, int received, double lossPercent, Duration min, Duration avg, Duration max) {}

    /** How long attempt number {@code attempt} (1 for the first send) waits for its reply. */
    public static Duration timeout(Retry retry, int attempt) {
        Duration wait = retry.timeout();
        // Doubling one step at a time, stopping at the cap, cannot overflow however many attempts there are.
        for (int i = 1; i < attempt && wait.compareTo(retry.maxTimeout()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(retry.maxTimeout()) > 0 ? retry.maxTimeout() : wait;
    }

    /**
     * Sends {@code payload} as request number {@code sequence} and returns the server's reply to
     * it. Datagrams from anyone else, too short to carry a number, or carrying another request's
     * number (late or duplicate replies) are ignored. Throws {@link SocketTimeoutException} when no
     * attempt is answered.
     */
    public static Reply request(DatagramSocket socket, InetSocketAddress server, int sequence, byte[] payload, Retry retry) throws IOException {
        byte[] datagram = ByteBuffer.allocate(HEADER + payload.length).putInt(sequence).put(payload).array();
        var reply = new DatagramPacket(new byte[MAX_DATAGRAM], MAX_DATAGRAM);
        long started = System.nanoTime();
        int attempts = 1 + retry.retries();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            socket.send(new DatagramPacket(datagram, datagram.length, server));
            // One deadline per attempt: ignoring a stray datagram must not restart the wait.
            long deadline = System.nanoTime() + timeout(retry, attempt).toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                // Whole milliseconds, rounded up: at least 1 (0 would wait forever), at most what an int holds.
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000)));
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException silence) {
                    break; // this attempt is lost: send again
                }
                if (!server.equals(reply.getSocketAddress()) || reply.getLength() < HEADER) {
                    continue; // not from the server, or not an answer at all
                }
                var answer = ByteBuffer.wrap(reply.getData(), reply.getOffset(), reply.getLength());
                if (answer.getInt() != sequence) {
                    continue; // a late or duplicate reply to an earlier request
                }
                byte[] echoed = new byte[answer.remaining()];
                answer.get(echoed);
                return new Reply(sequence, echoed, attempt, Duration.ofNanos(System.nanoTime() - started));
            }
        }
        throw new SocketTimeoutException("No reply to request " + sequence + " from " + server.getHostString() + ":"
                + server.getPort() + " after " + attempts + " attempts (" + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms).");
    }

    /** Sums up {@code sent} requests, of which those in {@code roundTrips} (one entry each) were answered. */
    public static Summary summarize(int sent, List<Duration> roundTrips) {
        int received = roundTrips.size();
        if (received > sent) {
            throw new IllegalArgumentException(received + " answers to only " + sent + " requests: count each request once");
        }
        double lossPercent = sent == 0 ? 0 : 100.0 * (sent - received) / sent;
        if (received == 0) {
            return new Summary(sent, 0, lossPercent, Duration.ZERO, Duration.ZERO, Duration.ZERO);
        }
        Duration total = roundTrips.stream().reduce(Duration.ZERO, Duration::plus);
        return new Summary(sent, received, lossPercent, Collections.min(roundTrips), total.dividedBy(received), Collections.max(roundTrips));
    }

    /** Pings {@code server} as {@code ping} does: {@code count} numbered requests, a line per reply or loss; returns the summary. */
    static Summary ping(InetSocketAddress server, int count, Retry retry) throws IOException {
        System.out.printf("PING %s over UDP: %d requests, waiting %d ms doubling up to %d ms, %d retries%n", CommandLine.shown(server),
                count, retry.timeout().toMillis(), retry.maxTimeout().toMillis(), retry.retries());
        var roundTrips = new ArrayList<Duration>();
        try (var socket = new DatagramSocket()) {
            for (int sequence = 0; sequence < count; sequence++) {
                try {
                    Reply reply = request(socket, server, sequence, ("ping " + sequence).getBytes(StandardCharsets.UTF_8), retry);
                    roundTrips.add(reply.roundTrip());
                    System.out.printf(Locale.ROOT, "reply from %s: seq=%d bytes=%d attempts=%d time=%.3f ms%n", CommandLine.shown(server),
                            reply.sequence(), reply.payload().length, reply.attempts(), reply.roundTrip().toNanos() / 1e6);
                } catch (SocketTimeoutException lost) {
                    System.out.printf("no reply to seq=%d after %d attempts%n", sequence, 1 + retry.retries());
                }
            }
        }
        return summarize(count, roundTrips);
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("ReliableUdpClient [--host HOST] [--port PORT] [--count N] [--timeout MS] [--retries N] [--max-timeout MS]", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        int count = command.number("--count", 5, 1, 1_000_000);
        Duration timeout = command.millis("--timeout", Duration.ofMillis(250));
        int retries = command.number("--retries", 3, 0, 100);
        var retry = new Retry(timeout, retries, Collections.max(List.of(timeout, command.millis("--max-timeout", Duration.ofSeconds(1)))));
        Summary summary = ping(server, count, retry);
        System.out.printf("--- %s ping statistics ---%n", CommandLine.shown(server));
        System.out.printf(Locale.ROOT, "%d requests sent, %d answered, %.1f%% loss%n", summary.sent(), summary.received(), summary.lossPercent());
        if (summary.received() > 0) {
            System.out.printf(Locale.ROOT, "round-trip min/avg/max = %.3f/%.3f/%.3f ms%n", summary.min().toNanos() / 1e6,
                    summary.avg().toNanos() / 1e6, summary.max().toNanos() / 1e6);
        }
        System.exit(summary.received() > 0 ? 0 : 1); // as ping does: failure only when nothing came back
    }
}
