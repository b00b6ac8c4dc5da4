package netbasics.chapters.datagrams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.FaultyUdpRelay;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.UdpEchoPeer;
import netbasics.fixtures.UdpTestClient;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Records;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code ReliableUdpClient} ("Loss, duplication and reordering", "Timeouts and
 * retries") and the test that checks each clause:
 * <ul>
 * <li>request sends a 4-byte big-endian sequence number then the payload, and returns the reply's
 *     number, payload, attempts and round trip: {@code sends_numbered_requests_and_returns_their_replies}
 * <li>a retry resends the same datagram until one is answered; attempts are counted:
 *     {@code retries_the_same_datagram_until_it_is_answered}, {@code gets_every_answer_through_a_lossy_path}
 * <li>each attempt waits timeout(retry, attempt), 1 + retries attempts, then a SocketTimeoutException
 *     naming the number, the server and the attempts: {@code backs_off_between_attempts_then_gives_up_with_a_clear_exception}
 * <li>timeout doubles from retry.timeout(), is capped at maxTimeout (a cap below the first wait
 *     included), and does not overflow for late attempts: {@code waits_twice_as_long_each_attempt_up_to_the_cap}
 * <li>replies carrying another request's number are ignored: {@code ignores_late_replies_to_earlier_requests},
 *     {@code ignores_duplicated_and_delayed_replies}, {@code gets_every_answer_through_a_reordering_path},
 *     {@code gets_every_answer_through_the_worst_path}
 * <li>datagrams from anyone but the server, or shorter than a number, are ignored:
 *     {@code ignores_strangers_and_datagrams_too_short_to_be_replies}
 * <li>one deadline per attempt: ignoring a stray does not restart the wait: {@code keeps_its_deadline_while_ignoring_strays}
 * <li>a wait under a millisecond never becomes setSoTimeout(0), one of many days does not overflow:
 *     {@code takes_waits_under_a_millisecond_or_of_many_days}
 * <li>the same code talks to ::1, and receives IPv6's largest reply (65,527 bytes) whole: {@code works_over_ipv6}
 * <li>summarize: sent, received, loss in percent in floating point, min, average over answers, max;
 *     zeros when nothing was answered: {@code summarizes_like_ping}
 * <li>main pings --count times, prints each reply and the summary, exits 1 when nothing was answered,
 *     2 on a bad option: {@code main_pings_and_prints_a_summary}
 * </ul>
 * The socket request uses is the caller's (here the test's).
 */
@Exercise(chapter = "02-datagrams", script = "ReliableUdpClient")
public class ReliableUdpClientTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);

    /** A single attempt long enough that only a stalled machine would time it out. */
    private static final Duration PATIENT = Duration.ofSeconds(4);

    /** Patient enough that a seeded bad network never exhausts it, quick enough to retry often. */
    private static final Duration FIRST_WAIT = Duration.ofMillis(50);
    private static final int RETRIES = 12;
    private static final Duration CAP = Duration.ofMillis(200);

    // ---- binding the contract ----

    private static Object retry(Script script, Duration timeout, int retries, Duration maxTimeout) {
        return Records.create(script.nested("Retry"), timeout, retries, maxTimeout);
    }

    private static Contract timeout(Script script) {
        return script.method("timeout", Duration.class, script.nested("Retry"), int.class);
    }

    private static Contract request(Script script) {
        return script.method("request", script.nested("Reply"), DatagramSocket.class, InetSocketAddress.class, int.class,
                byte[].class, script.nested("Retry"));
    }

    private static Contract summarize(Script script) {
        return script.method("summarize", script.nested("Summary"), int.class, List.class);
    }

    /** The datagram the chapter's wire format makes of a request: 4-byte big-endian number, then the payload. */
    private static byte[] wire(int sequence, byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(sequence).put(payload).array();
    }

    // ---- the clean path ----

    @Graded(points = 3, hint = "Put the sequence number in front of the payload as 4 big-endian bytes "
            + "(ByteBuffer.putInt), and return the bytes after the number as the reply's payload. See \"Loss, duplication and reordering\".")
    @Test
    void sends_numbered_requests_and_returns_their_replies(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            socket.setReceiveBufferSize(1 << 20);
            Object patient = retry(script, Duration.ofSeconds(3), 1, Duration.ofSeconds(3));
            byte[] hello = utf8("hello £€");
            Object reply = request(script).call(socket, peer.address(), 7, hello, patient);
            byte[] expectedWire = wire(7, hello);
            assertThat(peer.arrivals()).as("datagrams that reached the echo server for request 7").hasSize(1);
            byte[] arrived = peer.arrivals().get(0).payload();
            assertThat(arrived).as("Request 7 with payload \"hello £€\" must travel as %s; the server received %s: %s",
                    Bytes.describe(expectedWire), Bytes.describe(arrived), Bytes.firstDifference(expectedWire, arrived)).isEqualTo(expectedWire);
            assertReply(reply, 7, hello);
            assertThat((int) Records.get(reply, "attempts")).as("attempts of a request answered at once").isEqualTo(1);

            var random = new Random(8883);
            byte[] largest = new byte[65_507 - 4];
            random.nextBytes(largest);
            Object big = request(script).call(socket, peer.address(), 0x01020304, largest, patient);
            assertReply(big, 0x01020304, largest);
        }
    }

    @Graded(points = 3, hint = "When an attempt times out, send the very same datagram again (same number, same payload) "
            + "and wait again; the round trip runs from the first send. See \"Timeouts and retries\".")
    @Test
    void retries_the_same_datagram_until_it_is_answered(Script script) throws Exception {
        try (var peer = UdpEchoPeer.ignoringFirst(2); var socket = Loopback.udpSocket()) {
            Object retry = retry(script, ms(100), 4, Duration.ofSeconds(1));
            long started = System.nanoTime();
            Object reply = request(script).call(socket, peer.address(), 3, utf8("third time lucky"), retry);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertReply(reply, 3, utf8("third time lucky"));
            int attempts = Records.get(reply, "attempts");
            assertThat(attempts).as("attempts reported in the reply, from a server that ignores the first two").isGreaterThanOrEqualTo(3);
            // On a busy machine the third echo may come late enough for a fourth attempt; the reply must count it too.
            await().atMost(REPLY_WITHIN).untilAsserted(() -> assertThat(peer.received())
                    .as("datagrams the server received, against the %d attempts the reply reports", attempts).isEqualTo(attempts));
            assertThat(peer.arrivals()).as("the attempts, which must all be the same datagram")
                    .allSatisfy(a -> assertThat(a.payload()).isEqualTo(wire(3, utf8("third time lucky"))));
            Duration roundTrip = Records.get(reply, "roundTrip");
            assertThat(roundTrip).as("the reply's round trip: from the first send to the answer, after waiting 100 + 200 ms")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(270)).isLessThanOrEqualTo(took);
        }
    }

    @Graded(points = 3, hint = "Wait timeout(retry, attempt) after each send, 1 + retries attempts in all, then throw a "
            + "SocketTimeoutException naming the request's number, the server and how many attempts were made. "
            + "See \"Timeouts and retries\".")
    @Test
    void backs_off_between_attempts_then_gives_up_with_a_clear_exception(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent(); var socket = Loopback.udpSocket()) {
            Object retry = retry(script, ms(200), 4, ms(300));
            long started = System.nanoTime();
            Throwable thrown = catchThrowable(() -> request(script).within(Duration.ofSeconds(8))
                    .call(socket, silent.address(), 42, utf8("hello?"), retry));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(thrown).as("what request() threw when no attempt was answered").isInstanceOf(SocketTimeoutException.class);
            assertThat(thrown.getMessage()).as("the exception's message, which should name the request's number (42), the server "
                    + "(port %d) and the attempts made (5)", silent.address().getPort()).isNotNull().contains("42")
                    .contains(String.valueOf(silent.address().getPort())).containsPattern("(?i)\\b(5|five)\\b");
            assertThat(silent.received()).as("attempts sent with 4 retries").isEqualTo(5);
            // When each attempt went out, counted from the first: the waits add up (200, then 300 capped, 300, 300).
            // A busy machine can only make attempts later, never earlier, so only lateness is tolerated.
            long[] due = {0, 200, 500, 800, 1_100};
            var arrivals = silent.arrivals();
            for (int i = 1; i < arrivals.size(); i++) {
                long at = TimeUnit.NANOSECONDS.toMillis(arrivals.get(i).nanoTime() - arrivals.get(0).nanoTime());
                assertThat(at).as("ms from the first attempt to attempt %d: with waits of 200 ms doubling up to a 300 ms cap, "
                        + "attempt %d goes out %d ms after the first", i + 1, i + 1, due[i]).isGreaterThanOrEqualTo(due[i] - 100);
            }
            // Without the cap the waits would add up to 6.2 s; the upper bound leaves room for a busy machine.
            assertThat(took).as("time to give up: 200 + 300 + 300 + 300 + 300 ms of waiting")
                    .isBetween(Duration.ofMillis(1_350), Duration.ofMillis(4_000));
        }
    }

    @Graded(points = 2, hint = "Double the wait one attempt at a time and stop at maxTimeout: the first attempt waits "
            + "timeout, never more than the cap, and no attempt number makes it overflow. See \"Timeouts and retries\".")
    @Test
    void waits_twice_as_long_each_attempt_up_to_the_cap(Script script) {
        Object retry = retry(script, Duration.ofMillis(100), 10, Duration.ofSeconds(1));
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; attempt <= 7; attempt++) {
            waits.add(timeout(script).call(retry, attempt));
        }
        assertThat(waits).as("timeout(Retry[100 ms, 10 retries, cap 1 s], attempt) for attempts 1 to 7")
                .containsExactly(ms(100), ms(200), ms(400), ms(800), ms(1_000), ms(1_000), ms(1_000));
        Object capBelowFirst = retry(script, Duration.ofMillis(300), 3, Duration.ofMillis(250));
        assertThat((Duration) timeout(script).call(capBelowFirst, 1)).as("timeout(Retry[300 ms, 3 retries, cap 250 ms], 1)")
                .isEqualTo(ms(250));
        for (Duration first : List.of(ms(1), Duration.ofSeconds(2))) {
            Object many = retry(script, first, 200, Duration.ofHours(1));
            for (int attempt : new int[] {64, 100}) {
                assertThat((Duration) timeout(script).call(many, attempt))
                        .as("timeout(Retry[%s, 200 retries, cap 1 h], %d): late attempts wait the cap", first, attempt)
                        .isEqualTo(Duration.ofHours(1));
            }
        }
    }

    // ---- what is not the answer ----

    @Graded(points = 3, hint = "A reply carrying another request's number is a late or duplicate answer to an earlier "
            + "request: ignore it and keep waiting. See \"Loss, duplication and reordering\".")
    @Test
    void ignores_late_replies_to_earlier_requests(Script script) throws Exception {
        try (var server = UdpTestClient.open(); var socket = Loopback.udpSocket()) {
            Object retry = retry(script, PATIENT, 0, PATIENT);
            Call call = request(script).start(socket, server.address(), 5, utf8("fresh"), retry);
            var request = server.receive(REPLY_WITHIN).orElseThrow(() -> new AssertionError("request() sent nothing within 2 s"));
            server.send(request.from(), wire(4, utf8("stale, for request 4")));
            server.send(request.from(), wire(3, utf8("older still")));
            server.send(request.from(), wire(5, utf8("fresh")));
            Object reply = call.result(PATIENT.plusSeconds(1));
            assertThat((byte[]) Records.get(reply, "payload")).as("The server answered requests 4 and 3 (late) before "
                    + "request 5; request(5) returned %s", Bytes.describe(Records.get(reply, "payload"))).isEqualTo(utf8("fresh"));
            assertReply(reply, 5, utf8("fresh"));
        }
    }

    @Graded(points = 2, hint = "Only a datagram from the server's own address (packet.getSocketAddress()) and long "
            + "enough to hold a sequence number can be the reply; skip anything else.")
    @Test
    void ignores_strangers_and_datagrams_too_short_to_be_replies(Script script) throws Exception {
        try (var server = UdpTestClient.open(); var stranger = UdpTestClient.open(); var socket = Loopback.udpSocket()) {
            Object retry = retry(script, PATIENT, 0, PATIENT);
            Call call = request(script).start(socket, server.address(), 9, utf8("genuine"), retry);
            var request = server.receive(REPLY_WITHIN).orElseThrow(() -> new AssertionError("request() sent nothing within 2 s"));
            stranger.send(request.from(), wire(9, utf8("forged by a stranger")));
            server.send(request.from(), new byte[] {0, 9});
            server.send(request.from(), wire(9, utf8("genuine")));
            Object reply = call.result(PATIENT.plusSeconds(1));
            assertThat((byte[]) Records.get(reply, "payload")).as("A stranger at %s sent a datagram numbered 9, the server a "
                    + "2-byte runt, then the real reply; request(9) returned %s", stranger.address(),
                    Bytes.describe(Records.get(reply, "payload"))).isEqualTo(utf8("genuine"));
        }
    }

    @Graded(points = 2, hint = "Each attempt has one deadline: after ignoring a datagram, wait only for what is left of "
            + "it (setSoTimeout with the remaining time), or a steady trickle of strays keeps the client waiting forever.")
    @Test
    void keeps_its_deadline_while_ignoring_strays(Script script) throws Exception {
        var trickle = Executors.newSingleThreadScheduledExecutor();
        try (var server = UdpTestClient.open(); var socket = Loopback.udpSocket()) {
            Object retry = retry(script, Duration.ofMillis(300), 0, Duration.ofMillis(300));
            long started = System.nanoTime();
            Call call = request(script).start(socket, server.address(), 2, utf8("now"), retry);
            var request = server.receive(REPLY_WITHIN).orElseThrow(() -> new AssertionError("request() sent nothing within 2 s"));
            trickle.scheduleAtFixedRate(() -> server.send(request.from(), wire(1, utf8("old news"))), 0, 50, TimeUnit.MILLISECONDS);
            Throwable thrown = catchThrowable(() -> call.result(Duration.ofSeconds(4)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(thrown).as("While a stale reply arrived every 50 ms, request() with one 300 ms attempt should have "
                    + "given up with a SocketTimeoutException").isInstanceOf(SocketTimeoutException.class);
            assertThat(took).as("time request() took to give up on one 300 ms attempt").isLessThan(Duration.ofMillis(2_500));
        } finally {
            trickle.shutdownNow();
        }
    }

    // ---- through a bad network ----

    @Graded(points = 3, hint = "Lost requests and lost replies look the same to the client: a timeout. Retry, and count "
            + "each send as an attempt. See \"Timeouts and retries\".")
    @Test
    void gets_every_answer_through_a_lossy_path(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var relay = FaultyUdpRelay.to(peer.address()).loss(0.2).seed(1).start()) {
            List<Object> replies = converse(script, relay, 15);
            int attempts = replies.stream().mapToInt(r -> (int) Records.get(r, "attempts")).sum();
            assertThat(relay.counts().dropped()).as("datagrams the relay dropped (else this test proves nothing)").isPositive();
            // A last retry may still be on its way to the relay when an earlier attempt's reply ends the request.
            await().atMost(REPLY_WITHIN).untilAsserted(() -> assertThat(attempts)
                    .as("the attempts the replies report, against the datagrams the client sent through %s", relay)
                    .isEqualTo(relay.counts().fromClients()));
        }
    }

    @Graded(points = 3, hint = "Duplicated and delayed replies arrive during later requests: match each reply to its "
            + "request by sequence number. See \"Loss, duplication and reordering\".")
    @Test
    void ignores_duplicated_and_delayed_replies(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start();
             var relay = FaultyUdpRelay.to(peer.address()).duplication(0.5).delay(0.3, Duration.ofMillis(150)).seed(2).start()) {
            converse(script, relay, 15);
            assertThat(relay.counts().duplicated()).as("datagrams the relay duplicated").isPositive();
            assertThat(relay.counts().delayed()).as("datagrams the relay delayed").isPositive();
        }
    }

    @Graded(points = 2, hint = "When datagrams overtake each other, the first reply to arrive may belong to another "
            + "request: match by sequence number. See \"Loss, duplication and reordering\".")
    @Test
    void gets_every_answer_through_a_reordering_path(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var relay = FaultyUdpRelay.to(peer.address()).reordering(0.4).seed(3).start()) {
            converse(script, relay, 15);
            assertThat(relay.counts().reordered()).as("datagrams the relay reordered").isPositive();
        }
    }

    @Graded(points = 2, hint = "Everything at once: loss, duplication, reordering and delay. Each request must get its "
            + "own answer.")
    @Test
    void gets_every_answer_through_the_worst_path(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start(); var relay = FaultyUdpRelay.to(peer.address()).loss(0.2).duplication(0.2)
                .reordering(0.2).delay(0.2, Duration.ofMillis(120)).seed(4).start()) {
            converse(script, relay, 20);
        }
    }

    // ---- the summary ----

    @Graded(points = 2, hint = "Loss is the share of requests that got no answer, in percent: 100.0 * (sent - received) "
            + "/ sent, in floating point. The average is the total time over the number of answers. See \"Timeouts and retries\".")
    @Test
    void summarizes_like_ping(Script script) {
        Object some = summarize(script).call(4, List.of(ms(10), ms(20), ms(30)));
        assertSummary(some, "summarize(4, [10, 20, 30 ms])", 4, 3, 25.0, ms(10), ms(20), ms(30));
        Object third = summarize(script).call(3, List.of(ms(6), ms(5)));
        assertSummary(third, "summarize(3, [6, 5 ms])", 3, 2, 100.0 / 3, ms(5), Duration.ofMillis(5).plusNanos(500_000), ms(6));
        Object none = summarize(script).call(2, List.of());
        assertSummary(none, "summarize(2, [])", 2, 0, 100.0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    @Graded(points = 1, hint = "Nothing in the client depends on the address family: the same code talks to ::1.")
    @Test
    void works_over_ipv6(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var peer = UdpEchoPeer.on(Loopback.ipv6()); var socket = new DatagramSocket(new InetSocketAddress(Loopback.ipv6(), 0))) {
            Object reply = request(script).call(socket, peer.address(), 6, utf8("over IPv6"), retry(script, REPLY_WITHIN, 1, REPLY_WITHIN));
            assertReply(reply, 6, utf8("over IPv6"));
            // The longest reply IPv6 carries: 65,527 bytes of UDP payload, 20 more than IPv4 allows.
            byte[] longest = new byte[65_527 - 4];
            new Random(65_527).nextBytes(longest);
            socket.setReceiveBufferSize(1 << 20);
            assertReply(request(script).call(socket, peer.address(), 7, longest, retry(script, REPLY_WITHIN, 1, REPLY_WITHIN)), 7, longest);
        }
    }

    @Graded(points = 2, hint = "setSoTimeout takes whole milliseconds in an int, and 0 means \"wait forever\": round the "
            + "time left up (at least 1 ms) and cap it at Integer.MAX_VALUE. See \"Timeouts and retries\".")
    @Test
    void takes_waits_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent(); var socket = Loopback.udpSocket()) {
            Duration tiny = Duration.ofNanos(300_000);
            Throwable thrown = catchThrowable(() -> request(script).within(Duration.ofSeconds(2))
                    .call(socket, silent.address(), 8, utf8("quick?"), retry(script, tiny, 1, tiny)));
            assertThat(thrown).as("what request() threw after two attempts of 0.3 ms each, to a server that never answers "
                    + "(0.3 ms must not become setSoTimeout(0), which waits forever)").isInstanceOf(SocketTimeoutException.class);
        }
        try (var peer = UdpEchoPeer.start(); var socket = Loopback.udpSocket()) {
            Duration month = Duration.ofDays(30); // 2,592,000,000 ms: more than an int holds
            Object reply = request(script).within(Duration.ofSeconds(2)).call(socket, peer.address(), 9, utf8("patient"),
                    retry(script, month, 0, month));
            assertReply(reply, 9, utf8("patient"));
        }
    }

    @Graded(points = 2, hint = "main sends --count numbered requests with request(), prints each reply or loss, then "
            + "the summary; it exits 1 when nothing was answered, as ping does.")
    @Test
    void main_pings_and_prints_a_summary(Script script) throws Exception {
        // All three start at once: each JVM takes a moment to start.
        try (var peer = UdpEchoPeer.start(); var silent = UdpEchoPeer.silent();
             MainProcess main = script.startMain("--host", "127.0.0.1", "--port", port(peer), "--count", "3");
             MainProcess unanswered = script.startMain("--host", "127.0.0.1", "--port", port(silent),
                     "--count", "2", "--timeout", "100", "--retries", "1");
             MainProcess bad = script.startMain("--count", "none")) {
            assertThat(main.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript()).isZero();
            assertThat(main.stdout()).as("what `%s` printed", main.commandLine()).contains("3 requests sent, 3 answered, 0.0% loss");
            assertThat(peer.arrivals()).as("the numbers in front of the requests the server received")
                    .extracting(a -> ByteBuffer.wrap(a.payload()).getInt()).containsExactly(0, 1, 2);

            assertThat(unanswered.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s` when nothing answers\n%s",
                    unanswered.commandLine(), unanswered.transcript()).isEqualTo(1);
            assertThat(unanswered.stdout()).as("what `%s` printed", unanswered.commandLine())
                    .contains("2 requests sent, 0 answered, 100.0% loss");
            assertThat(silent.received()).as("datagrams sent: 2 requests, 2 attempts each").isEqualTo(4);

            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    // ---- helpers ----

    /** Sends {@code count} requests through the relay, one after the other; each must get its own answer. */
    private static List<Object> converse(Script script, FaultyUdpRelay relay, int count) throws Exception {
        Object retry = retry(script, FIRST_WAIT, RETRIES, CAP);
        var replies = new ArrayList<Object>();
        try (var socket = Loopback.udpSocket()) {
            for (int sequence = 0; sequence < count; sequence++) {
                byte[] payload = utf8("request " + sequence + " £€");
                Object reply;
                try {
                    reply = request(script).within(Duration.ofSeconds(8)).call(socket, relay.address(), sequence, payload, retry);
                } catch (Exception e) {
                    if (!(e instanceof SocketTimeoutException)) {
                        throw e;
                    }
                    throw new AssertionError("Request " + sequence + " of " + count + " through " + relay + " got no answer in "
                            + (1 + RETRIES) + " attempts: " + e.getMessage() + "\nRelay counts so far: " + relay.counts(), e);
                }
                assertThat((byte[]) Records.get(reply, "payload")).as("Request %d (%s) through %s came back as %s",
                        sequence, Bytes.describe(payload), relay, Bytes.describe(Records.get(reply, "payload"))).isEqualTo(payload);
                assertThat((int) Records.get(reply, "sequence")).as("the sequence number of the reply to request %d", sequence)
                        .isEqualTo(sequence);
                replies.add(reply);
            }
        }
        return replies;
    }

    private static void assertReply(Object reply, int sequence, byte[] payload) {
        byte[] got = Records.get(reply, "payload");
        assertThat((int) Records.get(reply, "sequence")).as("the reply's sequence number").isEqualTo(sequence);
        assertThat(got).as("Sent request %d with %d bytes (%s); the reply's payload has %d bytes (%s): %s", sequence, payload.length,
                Bytes.describe(payload), got.length, Bytes.describe(got), Bytes.firstDifference(payload, got)).isEqualTo(payload);
    }

    private static void assertSummary(Object summary, String call, int sent, int received, double loss, Duration min, Duration avg,
                                      Duration max) {
        assertThat((int) Records.get(summary, "sent")).as("sent of " + call).isEqualTo(sent);
        assertThat((int) Records.get(summary, "received")).as("received of " + call).isEqualTo(received);
        assertThat((double) Records.get(summary, "lossPercent")).as("lossPercent of " + call).isCloseTo(loss, within(0.01));
        assertThat(Arrays.asList(Records.get(summary, "min"), Records.get(summary, "avg"), Records.get(summary, "max")))
                .as("min, avg, max of " + call).containsExactly(min, avg, max);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    private static String port(UdpEchoPeer peer) {
        return String.valueOf(peer.address().getPort());
    }
}
