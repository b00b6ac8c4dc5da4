package netbasics.chapters.datagrams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.UdpTestClient;
import netbasics.fixtures.UdpTestClient.Datagram;
import netbasics.grading.CurrentTest;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code UdpEchoServer.serve(DatagramSocket)} ("The connectionless server", "Datagram
 * sizes") and the test that checks each clause:
 * <ul>
 * <li>echoes every datagram to the address and port it came from: {@code echoes_a_datagram_to_its_sender},
 *     {@code answers_each_client_at_its_own_address}
 * <li>the echo carries exactly the bytes received, the empty datagram included:
 *     {@code echoes_an_empty_datagram}, {@code echoes_the_largest_datagram_intact_and_each_size_exactly}
 * <li>its buffer holds the largest payload: 65,507 bytes over IPv4
 *     ({@code echoes_the_largest_datagram_intact_and_each_size_exactly}), 65,527 over IPv6
 *     ({@code echoes_the_largest_ipv6_datagram_intact}; skipped with the reason where ::1 is unavailable)
 * <li>keeps receiving and answering, whatever comes and however fast: {@code keeps_up_with_a_burst_from_several_clients}
 * <li>one client's failed send does not stop the server: {@code keeps_serving_when_one_answer_cannot_be_sent}
 * <li>returns quietly once its socket is closed, and only then: {@code returns_quietly_when_its_socket_is_closed}
 *     (and every test's {@code server.stop()})
 * <li>the same code serves ::1: {@code serves_ipv6_with_the_same_code}
 * <li>main binds --host and --port, prints "Serving at HOST:PORT", rejects a bad option (usage, exit status 2):
 *     {@code main_prints_where_it_serves_and_serves_there}
 * </ul>
 * The socket is the test's: what it opens, it closes.
 *
 * <p>Not graded: "if the port is taken, it says so and exits with status 1". That part of main is given whole, in
 * the stub too (the BindException ends it with status 1 and its message), so a test of it could not fail on the stub.
 */
@Exercise(chapter = "02-datagrams", script = "UdpEchoServer")
public class UdpEchoServerTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);

    private static Contract serve(Script script) {
        return script.method("serve", void.class, DatagramSocket.class);
    }

    @Graded(points = 2, hint = "Receive into a DatagramPacket, then send its bytes back to packet.getSocketAddress(): "
            + "the address and port the datagram came from. See \"The connectionless server\".")
    @Test
    void echoes_a_datagram_to_its_sender(Script script) throws Exception {
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket); var client = UdpTestClient.open()) {
            byte[] sent = utf8("Hello £€, datagram");
            Datagram reply = client.exchange(address(socket), sent, REPLY_WITHIN);
            assertEcho(sent, reply, socket);
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A UDP server has no connections: answer each datagram to the address it came from, "
            + "not to the first client or to a fixed address.")
    @Test
    void answers_each_client_at_its_own_address(Script script) throws Exception {
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket);
             var alice = UdpTestClient.open(); var bob = UdpTestClient.open()) {
            for (int round = 0; round < 3; round++) {
                byte[] fromAlice = utf8("alice " + round);
                byte[] fromBob = utf8("bob " + round);
                alice.send(address(socket), fromAlice);
                bob.send(address(socket), fromBob);
                assertEcho(fromAlice, alice.receive(REPLY_WITHIN).orElseThrow(() -> noReply("alice", fromAlice)), socket);
                assertEcho(fromBob, bob.receive(REPLY_WITHIN).orElseThrow(() -> noReply("bob", fromBob)), socket);
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "An empty datagram is still a datagram: receive() returns it with length 0, and it must be echoed.")
    @Test
    void echoes_an_empty_datagram(Script script) throws Exception {
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket); var client = UdpTestClient.open()) {
            assertEcho(new byte[0], client.exchange(address(socket), new byte[0], REPLY_WITHIN), socket);
            assertEcho(utf8("after empty"), client.exchange(address(socket), utf8("after empty"), REPLY_WITHIN), socket);
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A receive buffer shorter than the datagram cuts it silently. Size it for the largest "
            + "UDP payload, 65,507 bytes, and echo exactly packet.getLength() bytes. See \"Datagram sizes\".")
    @Test
    void echoes_the_largest_datagram_intact_and_each_size_exactly(Script script) throws Exception {
        var random = new Random(8883);
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket); var client = UdpTestClient.open()) {
            socket.setReceiveBufferSize(1 << 20);
            for (int size : new int[] {65_507, 1, 1_025, 9_000, 3, 65_507}) {
                byte[] sent = new byte[size];
                random.nextBytes(sent);
                assertEcho(sent, client.exchange(address(socket), sent, REPLY_WITHIN), socket);
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Keep one loop that receives and answers; nothing in it should end the loop but the "
            + "socket being closed.")
    @Test
    void keeps_up_with_a_burst_from_several_clients(Script script) throws Exception {
        int clients = 5;
        int datagramsEach = 20;
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket)) {
            socket.setReceiveBufferSize(1 << 20);
            List<UdpTestClient> peers = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    peers.add(UdpTestClient.open());
                }
                for (int i = 0; i < datagramsEach; i++) {
                    for (int c = 0; c < clients; c++) {
                        peers.get(c).send(address(socket), utf8("client " + c + " datagram " + i));
                    }
                }
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    for (int i = 0; i < datagramsEach; i++) {
                        int received = i;
                        Datagram reply = peers.get(c).receive(REPLY_WITHIN).orElseThrow(() -> new AssertionError(
                                "Sent " + datagramsEach + " datagrams from each of " + clients + " clients without waiting; client " + client
                                        + " got only " + received + " echoes back. A UDP server must keep receiving and answering."));
                        assertThat(new String(reply.payload(), java.nio.charset.StandardCharsets.UTF_8)).startsWith("client " + c + " ");
                    }
                }
            } finally {
                peers.forEach(UdpTestClient::close);
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "When the socket is closed, receive() throws a SocketException: that is the signal to stop. "
            + "Check socket.isClosed() and return instead of letting it escape.")
    @Test
    void returns_quietly_when_its_socket_is_closed(Script script) throws Exception {
        try (var socket = Loopback.udpSocket(); var server = Serving.start(serve(script), socket); var client = UdpTestClient.open()) {
            assertEcho(utf8("before close"), client.exchange(address(socket), utf8("before close"), REPLY_WITHIN), socket);
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A reply that cannot be sent concerns one client only: catch the IOException of send(), "
            + "report it, and go on receiving. Only a closed socket ends the server. See \"The connectionless server\".")
    @Test
    void keeps_serving_when_one_answer_cannot_be_sent(Script script) throws Exception {
        try (var unlucky = UdpTestClient.open(); var healthy = UdpTestClient.open();
             var socket = new UnsendableTo(unlucky.address()); var server = Serving.start(serve(script), socket)) {
            unlucky.send(address(socket), utf8("my answer cannot be sent"));
            byte[] sent = utf8("and mine?");
            healthy.send(address(socket), sent);
            Datagram reply = healthy.receive(REPLY_WITHIN).orElseThrow(() -> new AssertionError("The server's reply to "
                    + unlucky.address() + " failed (send threw NoRouteToHostException); then " + healthy.address() + " sent "
                    + Bytes.describe(sent) + " and got no echo within " + REPLY_WITHIN.toMillis() + " ms."));
            assertEcho(sent, reply, socket);
            server.stop();
        }
    }

    /** A server socket whose replies to one client fail, as a send does when the route to that client is gone. */
    private static final class UnsendableTo extends DatagramSocket {
        private final InetSocketAddress unreachable;

        UnsendableTo(InetSocketAddress unreachable) throws java.net.SocketException {
            super(Loopback.anyPort());
            this.unreachable = unreachable;
        }

        @Override
        public void send(java.net.DatagramPacket packet) throws java.io.IOException {
            if (unreachable.equals(packet.getSocketAddress())) {
                throw new java.net.NoRouteToHostException("No route to host " + unreachable + " (the test's doing)");
            }
            super.send(packet);
        }
    }

    @Graded(points = 1, hint = "Nothing in an echo server depends on the address family: the same code serves ::1.")
    @Test
    void serves_ipv6_with_the_same_code(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var socket = new DatagramSocket(new InetSocketAddress(Loopback.ipv6(), 0));
             var server = Serving.start(serve(script), socket);
             var client = UdpTestClient.on(Loopback.ipv6())) {
            assertEcho(utf8("over IPv6 £€"), client.exchange(address(socket), utf8("over IPv6 £€"), REPLY_WITHIN), socket);
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Over IPv6 a UDP payload can reach 65,527 bytes, 20 more than over IPv4: a 65,507-byte "
            + "buffer cuts the longest IPv6 datagrams without a word. Size the buffer for 65,527. See \"Datagram sizes\".")
    @Test
    void echoes_the_largest_ipv6_datagram_intact(Script script) throws Exception {
        Loopback.assumeIpv6();
        var random = new Random(65_527);
        try (var socket = new DatagramSocket(new InetSocketAddress(Loopback.ipv6(), 0));
             var server = Serving.start(serve(script), socket);
             var client = UdpTestClient.on(Loopback.ipv6())) {
            socket.setReceiveBufferSize(1 << 20);
            for (int size : new int[] {65_527, 65_508}) {
                byte[] sent = new byte[size];
                random.nextBytes(sent);
                assertEcho(sent, client.exchange(address(socket), sent, REPLY_WITHIN), socket);
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "main binds --host and --port (0 lets the system choose), prints \"Serving at HOST:PORT\" "
            + "with the port it really got, then calls serve.")
    @Test
    void main_prints_where_it_serves_and_serves_there(Script script) throws Exception {
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", "0"); var client = UdpTestClient.open()) {
            var serving = main.awaitLine(Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10));
            var address = new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2)));
            byte[] sent = utf8("hello main");
            // A JVM that has just started can be slow to reach its first receive on a busy machine: ask again, as a
            // UDP client does, for up to ten seconds.
            Datagram echoed = null;
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); echoed == null && System.nanoTime() < deadline && !CurrentTest.learnerCodeDied(); ) {
                client.send(address, sent);
                echoed = client.receive(Duration.ofMillis(500)).orElse(null);
            }
            if (echoed == null) {
                throw new AssertionError("Sent \"hello main\" to " + address + ", where main said it serves, every 500 ms for 10 s; "
                        + "nothing came back.\n" + main.transcript());
            }
            assertThat(echoed.payload()).as("the echo of \"hello main\"").isEqualTo(sent);
        }
        // Only now: a main that has exited tells the test's waits that learner code died, so they stop early.
        try (MainProcess bad = script.startMain("--port", "not-a-port")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    private static InetSocketAddress address(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static AssertionError noReply(String who, byte[] sent) {
        return new AssertionError(who + " sent " + Bytes.describe(sent) + " and got no echo within " + REPLY_WITHIN.toMillis() + " ms.");
    }

    private static void assertEcho(byte[] sent, Datagram reply, DatagramSocket server) {
        assertThat(reply.payload())
                .as("Sent %d bytes (%s); %d bytes came back (%s): %s", sent.length, Bytes.describe(sent), reply.payload().length,
                        Bytes.describe(reply.payload()), Bytes.firstDifference(sent, reply.payload()))
                .isEqualTo(sent);
        assertThat(reply.from()).as("the address the echo came from").isEqualTo(server.getLocalSocketAddress());
    }
}
