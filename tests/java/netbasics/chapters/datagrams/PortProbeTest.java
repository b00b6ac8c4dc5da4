package netbasics.chapters.datagrams;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.UdpEchoPeer;
import netbasics.fixtures.UdpPortWatch;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code PortProbe.probe(target, timeout)} ("What a closed port says") and the test
 * that checks each clause:
 * <ul>
 * <li>a reply means OPEN: {@code a_port_that_answers_is_open}
 * <li>an ICMP "port unreachable", heard only on a connected socket, means CLOSED: {@code a_port_where_nothing_listens_is_closed}
 * <li>silence until the timeout means NO_ANSWER, after the timeout and not before; one probe is one
 *     datagram: {@code a_port_that_stays_silent_gives_no_answer_after_the_timeout}
 * <li>the probe's socket is its own and is closed whatever the answer (OPEN and NO_ANSWER observed by
 *     the port it held): {@code closes_its_socket_whatever_the_answer}
 * <li>a timeout under a millisecond still ends, one of many days still waits:
 *     {@code takes_a_timeout_under_a_millisecond_or_of_many_days}
 * <li>the same code tells open from closed over ::1: {@code tells_open_from_closed_over_ipv6}
 * <li>main prints one line per port, ADDRESS:PORT/udp and open, closed or no answer, and rejects a bad
 *     port: {@code main_prints_one_line_per_port}
 * </ul>
 */
@Exercise(chapter = "02-datagrams", script = "PortProbe")
public class PortProbeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private static Contract probe(Script script) {
        return script.method("probe", script.nested("PortState"), InetSocketAddress.class, Duration.class);
    }

    private static Object state(Script script, String name) {
        for (Object constant : script.nested("PortState").getEnumConstants()) {
            if (((Enum<?>) constant).name().equals(name)) {
                return constant;
            }
        }
        throw new AssertionError("PortState must have the constant " + name + ", as the stub declares it.");
    }

    @Graded(points = 2, hint = "A reply to the probe means something listens and answers: OPEN.")
    @Test
    void a_port_that_answers_is_open(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start()) {
            Object state = probe(script).call(peer.address(), TIMEOUT);
            assertThat(state).as("probe(%s) of a UDP echo server", peer.address()).isEqualTo(state(script, "OPEN"));
            assertThat(peer.received()).as("datagrams the probe sent").isPositive();
        }
    }

    @Graded(points = 3, hint = "Only a connected DatagramSocket (socket.connect(target)) is told of the ICMP \"port "
            + "unreachable\" that comes back from a closed port: receive() then throws PortUnreachableException. "
            + "See \"What a closed port says\".")
    @Test
    void a_port_where_nothing_listens_is_closed(Script script) throws Exception {
        InetSocketAddress closed = Loopback.closedUdpPort();
        Object state = probe(script).call(closed, Duration.ofSeconds(2));
        assertThat(state).as("probe(%s), a port where nothing listens (the ICMP answer comes at once, long before the "
                + "2 s timeout)", closed).isEqualTo(state(script, "CLOSED"));
    }

    @Graded(points = 3, hint = "Silence is not a refusal: when the timeout passes with no reply and no ICMP error, "
            + "the answer is NO_ANSWER, and it must come after the timeout, not never. See \"What a closed port says\".")
    @Test
    void a_port_that_stays_silent_gives_no_answer_after_the_timeout(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent()) {
            Duration timeout = Duration.ofMillis(400);
            long started = System.nanoTime();
            Object state = probe(script).within(Duration.ofSeconds(5)).call(silent.address(), timeout);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(state).as("probe(%s) of a server that receives but never answers", silent.address())
                    .isEqualTo(state(script, "NO_ANSWER"));
            assertThat(took).as("how long the probe waited with a timeout of %d ms", timeout.toMillis())
                    .isGreaterThanOrEqualTo(timeout.minusMillis(30));
            assertThat(silent.received()).as("datagrams the probe sent (one probe, one datagram)").isEqualTo(1);
        }
    }

    @Graded(points = 2, hint = "Open the probe's socket in try-with-resources: it is closed whatever the answer, a reply or "
            + "silence. A probe that leaks a socket per port runs out of descriptors on a long scan.")
    @Test
    void closes_its_socket_whatever_the_answer(Script script) throws Exception {
        try (var peer = UdpEchoPeer.start()) {
            assertThat(probe(script).<Object>call(peer.address(), TIMEOUT)).as("probe(%s) of an echo server", peer.address())
                    .isEqualTo(state(script, "OPEN"));
            UdpPortWatch.assertReleased(peer.arrivals().get(0).from().getPort(), "probe, after a reply (OPEN),");
        }
        try (var silent = UdpEchoPeer.silent()) {
            assertThat(probe(script).<Object>call(silent.address(), Duration.ofMillis(100)))
                    .as("probe(%s, 100 ms) of a server that never answers", silent.address()).isEqualTo(state(script, "NO_ANSWER"));
            UdpPortWatch.assertReleased(silent.arrivals().get(0).from().getPort(), "probe, after silence (NO_ANSWER),");
        }
    }

    @Graded(points = 2, hint = "setSoTimeout takes whole milliseconds in an int, and 0 means \"wait forever\": wait at least "
            + "1 ms for a timeout under a millisecond, and Integer.MAX_VALUE ms for one too long for an int. See \"The "
            + "connectionless client\".")
    @Test
    void takes_a_timeout_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var silent = UdpEchoPeer.silent()) {
            Duration tiny = Duration.ofNanos(300_000);
            Object state = probe(script).within(Duration.ofSeconds(2)).call(silent.address(), tiny);
            assertThat(state).as("probe(%s, 0.3 ms) of a server that never answers: the 0.3 ms must not become 0 (\"forever\")",
                    silent.address()).isEqualTo(state(script, "NO_ANSWER"));
        }
        try (var peer = UdpEchoPeer.start()) {
            Duration month = Duration.ofDays(30); // 2,592,000,000 ms: more than an int holds
            Object state = probe(script).within(Duration.ofSeconds(2)).call(peer.address(), month);
            assertThat(state).as("probe(%s, 30 days) of an echo server, which answers at once", peer.address())
                    .isEqualTo(state(script, "OPEN"));
        }
    }

    @Graded(points = 1, hint = "ICMPv6 reports closed ports too: the same code works on ::1.")
    @Test
    void tells_open_from_closed_over_ipv6(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var peer = UdpEchoPeer.on(Loopback.ipv6())) {
            assertThat(probe(script).<Object>call(peer.address(), TIMEOUT)).as("probe(%s), an echo server", peer.address())
                    .isEqualTo(state(script, "OPEN"));
        }
        InetSocketAddress closed;
        try (var socket = new java.net.DatagramSocket(new InetSocketAddress(Loopback.ipv6(), 0))) {
            closed = (InetSocketAddress) socket.getLocalSocketAddress();
        }
        assertThat(probe(script).<Object>call(closed, Duration.ofSeconds(2))).as("probe(%s), where nothing listens", closed)
                .isEqualTo(state(script, "CLOSED"));
    }

    @Graded(points = 1, hint = "main probes each PORT on --host and prints one line per port: ADDRESS:PORT/udp and "
            + "open, closed or no answer.")
    @Test
    void main_prints_one_line_per_port(Script script) throws Exception {
        // Both start at once: each JVM takes a moment to start.
        try (var peer = UdpEchoPeer.start()) {
            int open = peer.address().getPort();
            int closed = Loopback.closedUdpPort().getPort();
            try (MainProcess main = script.startMain("--host", "127.0.0.1", "--timeout", "1000", String.valueOf(open), String.valueOf(closed));
                 MainProcess bad = script.startMain("--host", "127.0.0.1", "port-eighty")) {
                assertThat(main.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                        .isZero();
                assertThat(main.stdout()).as("what `%s` printed", main.commandLine())
                        .contains("127.0.0.1:" + open + "/udp open").contains("127.0.0.1:" + closed + "/udp closed");
                assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
                assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
            }
        }
    }
}
