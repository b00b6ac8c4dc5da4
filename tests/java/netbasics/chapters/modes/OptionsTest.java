package netbasics.chapters.modes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.TcpPair;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of Options. Contract clauses, from the javadoc of each method, their TODOs, and
 * chapter 04's "Socket options that matter", and the tests that check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>sendImmediately: TCP_NODELAY on, so small writes leave at once (seen at work: 20 round trips)</td><td>{@code sendImmediately_lets_small_writes_leave_at_once}</td></tr>
 * <tr><td>rebindableListener: SO_REUSEADDR before bind, so a port in TIME_WAIT binds again (seen at work)</td><td>{@code rebindableListener_binds_a_port_whose_last_connection_is_in_TIME_WAIT}</td></tr>
 * <tr><td>rebindableListener binds the address it is given, host included, with SO_REUSEADDR on</td><td>{@code rebindableListener_listens_on_the_address_it_is_given_and_nowhere_else}</td></tr>
 * <tr><td>resetOnClose: SO_LINGER 0, so close resets the connection (seen at work: the peer's read fails)</td><td>{@code resetOnClose_makes_close_reset_the_connection}</td></tr>
 * <tr><td>withBuffers: unconnected; both buffers asked to be bytes, before connecting (seen at work: a small window)</td><td>{@code withBuffers_gives_a_small_window_before_connecting}</td></tr>
 * <tr><td>main shows the options at work on --port</td><td>{@code main_shows_the_options_at_work}</td></tr>
 * </table>
 *
 * <p>Not graded: closing the listener when rebindableListener's bind fails (nothing outside the
 * process can see a socket that never bound; the harness's leak check covers it).
 */
@Exercise(chapter = "04-modes", script = "Options")
public class OptionsTest {

    private static final String SECTION = "See \"Socket options that matter\".";
    /** Twenty rounds with Nagle's algorithm and delayed acknowledgements take about a second; without, a few ms. */
    private static final Duration TWENTY_ROUNDS_AT_MOST = Duration.ofMillis(400);

    private static Contract sendImmediately(Script script) {
        return script.method("sendImmediately", void.class, Socket.class);
    }

    private static Contract rebindableListener(Script script) {
        return script.method("rebindableListener", ServerSocket.class, InetSocketAddress.class);
    }

    private static Contract resetOnClose(Script script) {
        return script.method("resetOnClose", void.class, Socket.class);
    }

    private static Contract withBuffers(Script script) {
        return script.method("withBuffers", Socket.class, int.class);
    }

    @Graded(points = 3, hint = "TCP_NODELAY true switches Nagle's algorithm off: a small write then leaves at once instead "
            + "of waiting for the acknowledgement of the previous one. " + SECTION)
    @Test
    void sendImmediately_lets_small_writes_leave_at_once(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            pair.client().setTcpNoDelay(false); // the default, which TcpPair changes
            sendImmediately(script).call(pair.client());
            Thread.ofPlatform().daemon().name("answers every two bytes").start(() -> answerEveryTwoBytes(pair.server()));
            OutputStream out = pair.client().getOutputStream();
            InputStream in = pair.client().getInputStream();
            pair.client().setSoTimeout(5_000);
            long started = System.nanoTime();
            for (int round = 0; round < 20; round++) {
                out.write('a');
                out.write('b'); // the second small write: Nagle holds it until the first is acknowledged
                assertThat(in.read()).as("the answer to round %d", round).isEqualTo('!');
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("20 rounds of two 1-byte writes and a 1-byte answer after sendImmediately(socket) (with Nagle's "
                    + "algorithm on they take about 40 ms each; TCP_NODELAY is %s)", pair.client().getTcpNoDelay())
                    .isLessThan(TWENTY_ROUNDS_AT_MOST);
        }
    }

    @Graded(points = 3, hint = "Make the ServerSocket unbound (new ServerSocket()), setReuseAddress(true), then bind: the "
            + "option decides whether bind may share the port with connections in TIME_WAIT. " + SECTION)
    @Test
    void rebindableListener_binds_a_port_whose_last_connection_is_in_TIME_WAIT(Script script) throws Exception {
        InetSocketAddress address;
        try (var first = Loopback.tcpListener()) {
            address = (InetSocketAddress) first.getLocalSocketAddress();
            try (var client = new Socket()) {
                client.connect(address, 2_000);
                Socket accepted = first.accept();
                accepted.close(); // the server closes first: its end of the connection goes into TIME_WAIT
                client.getInputStream().read();
            }
        }
        Throwable plain = catchThrowable(() -> {
            try (var without = new ServerSocket()) {
                without.setReuseAddress(false);
                without.bind(address);
            }
        });
        assumeTrue(plain instanceof BindException, "this system lets a listener without SO_REUSEADDR bind a port in TIME_WAIT");
        try (ServerSocket again = rebindableListener(script).call(address)) {
            assertThat(again.isBound()).as("the listener rebindableListener(%s) returned is bound", address).isTrue();
            assertThat(again.getLocalPort()).as("its port, right after a server on it stopped").isEqualTo(address.getPort());
        }
    }

    @Graded(points = 1, hint = "Bind the listener to the address you are given, host included: a listener bound to the "
            + "port alone listens on every interface of the machine. " + SECTION)
    @Test
    void rebindableListener_listens_on_the_address_it_is_given_and_nowhere_else(Script script) throws Exception {
        var asked = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        try (ServerSocket listener = rebindableListener(script).call(asked)) {
            assertThat(listener.getInetAddress()).as("the address the listener from rebindableListener(%s) is bound to", asked)
                    .isEqualTo(asked.getAddress());
            assertThat(listener.getLocalPort()).as("its port, asked to be 0 (any free port)").isPositive();
            assertThat(listener.getReuseAddress()).as("SO_REUSEADDR on the listener rebindableListener returned").isTrue();
        }
    }

    @Graded(points = 2, hint = "SO_LINGER on with 0 seconds (setSoLinger(true, 0)) makes close() send a reset and drop "
            + "whatever is unsent. " + SECTION)
    @Test
    void resetOnClose_makes_close_reset_the_connection(Script script) throws Exception {
        try (var pair = TcpPair.open()) {
            resetOnClose(script).call(pair.server());
            pair.server().close();
            pair.client().setSoTimeout(2_000);
            Throwable thrown = catchThrowable(() -> pair.client().getInputStream().read());
            assertThat(thrown).as("what the peer's read did after resetOnClose(socket) and close() (-1 would be an orderly end)")
                    .isInstanceOf(SocketException.class);
        }
    }

    @Graded(points = 2, hint = "Set SO_RCVBUF and SO_SNDBUF on the new socket before connecting: the receive buffer decides "
            + "the window offered when the connection is set up. " + SECTION)
    @Test
    void withBuffers_gives_a_small_window_before_connecting(Script script) throws Exception {
        int asked = 8 * 1024;
        try (Socket socket = withBuffers(script).call(asked); var listener = ServerSocketChannel.open()) {
            assertThat(socket.isConnected()).as("the socket withBuffers returned is not connected yet").isFalse();
            assertThat(socket.getReceiveBufferSize()).as("its receive buffer, asked to be %d bytes", asked)
                    .isBetween(asked, 4 * asked);
            assertThat(socket.getSendBufferSize()).as("its send buffer, asked to be %d bytes", asked).isBetween(asked, 4 * asked);
            // The send buffer seen at work would take a reader that can be stalled on purpose; its size is what
            // the system reports. 8 KB is near the default, so a larger size shows whether it was set at all.
            int defaultSendBuffer;
            try (var plain = new Socket()) {
                defaultSendBuffer = plain.getSendBufferSize();
            }
            int larger = 100_000;
            if (defaultSendBuffer < larger) {
                try (Socket big = withBuffers(script).call(larger)) {
                    assertThat(big.getSendBufferSize()).as("the send buffer of withBuffers(%d), when a socket's default is %d",
                            larger, defaultSendBuffer).isGreaterThan(defaultSendBuffer);
                }
            }
            listener.bind(Loopback.anyPort());
            socket.connect(listener.getLocalAddress(), 2_000);
            try (SocketChannel accepted = listener.accept()) {
                long taken = bytesTakenBeforeStalling(accepted);
                assertThat(taken).as("bytes the peer could write to the socket from withBuffers(%d), which reads nothing, "
                        + "before its writes stalled (the peer's own send buffer is 8 KB)", asked).isLessThan(160 * 1024);
            }
        }
    }

    @Graded(points = 1, hint = "main binds with rebindableListener, and compares round trips with and without sendImmediately.")
    @Test
    void main_shows_the_options_at_work(Script script) throws Exception {
        try (MainProcess main = script.startMain("--host", "127.0.0.1", "--port", "0")) {
            MainOutput.explainingFailure(main, () -> {
                assertThat(main.awaitExit(Duration.ofSeconds(20))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                        .isZero();
                assertThat(main.stdout()).as("what `%s` printed", main.commandLine()).contains("TCP_NODELAY true").contains("SO_LINGER 0");
            });
        }
    }

    /** Writes without blocking until the connection takes nothing more for a while; returns how much it took. */
    private static long bytesTakenBeforeStalling(SocketChannel channel) throws IOException {
        channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 8 * 1024);
        channel.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(1024);
        long taken = 0;
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < Duration.ofMillis(300).toNanos()) {
            int n = channel.write(chunk.clear());
            if (n > 0) {
                taken += n;
                quietSince = System.nanoTime();
            } else {
                // Nothing fits now: give the bytes in flight a moment to land before looking again.
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            if (taken > 64L << 20) {
                break; // far more than any buffer: the window is not small
            }
        }
        return taken;
    }

    private static void answerEveryTwoBytes(Socket server) {
        try {
            InputStream in = server.getInputStream();
            OutputStream out = server.getOutputStream();
            byte[] two = new byte[2];
            while (in.readNBytes(two, 0, 2) == 2) {
                out.write('!');
            }
        } catch (IOException closed) {
            // the test is over
        }
    }
}
