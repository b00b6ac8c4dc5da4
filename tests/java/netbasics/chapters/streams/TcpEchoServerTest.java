package netbasics.chapters.streams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.FaultyTcpProxy;
import netbasics.fixtures.FaultyTcpProxy.Faults;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.TcpTestClient;
import netbasics.fixtures.WatchedListener;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.CurrentTest;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@code TcpEchoServer} ("The echo server", "When clients misbehave", "When accept
 * fails", "How many clients at once?", "Stopping gracefully") and the test that checks each clause:
 * <ul>
 * <li>serve echoes what a client sends until the client ends its side: {@code echoes_what_a_client_sends_until_it_is_done}
 * <li>exactly the bytes that came, however they are split, not decoded: {@code echoes_every_byte_exactly_however_it_arrives},
 *     {@code echoes_a_megabyte_intact}
 * <li>then closes the connection, so the client reads the end of the stream: {@code closes_its_side_when_the_client_is_done}
 * <li>every accepted socket is closed however its conversation ends (a reset included), and has
 *     Nagle's algorithm switched off: {@code closes_every_connection_however_it_ends_and_switches_nagle_off}
 * <li>each conversation runs on the executor given, so clients are served at once:
 *     {@code serves_several_clients_at_once}, {@code a_pool_of_three_threads_serves_three_clients_while_the_others_wait},
 *     {@code virtual_threads_serve_a_thousand_clients_at_once}
 * <li>conversations running at once share nothing (a buffer, say): {@code keeps_conversations_apart_when_they_run_at_once}
 * <li>a client that resets or vanishes ends only its own conversation: {@code survives_clients_that_reset_or_vanish}
 * <li>an accept that fails while the listener is open (a SocketException or an IOException, "Too many
 *     open files") does not end serve, on a pool or on virtual threads: {@code keeps_accepting_after_an_accept_fails}
 * <li>after a failed accept it pauses before trying again: {@code pauses_before_accepting_again_after_a_failure}
 * <li>a conversation the executor rejects has its connection closed, and serve goes on:
 *     {@code closes_a_connection_the_executor_rejects_and_goes_on}
 * <li>serve returns quietly once the listener is closed, leaving the conversations in flight to the
 *     executor: {@code returns_quietly_when_its_listener_is_closed_and_leaves_conversations_running}
 * <li>stop closes the listener at once, does not interrupt, waits for the conversations and returns
 *     true when they finished: {@code stop_refuses_new_clients_at_once_and_lets_conversations_finish}
 * <li>stop waits at most its deadline and then returns false, leaving the conversations still going running:
 *     {@code stop_gives_up_after_its_deadline}
 * <li>the same code serves ::1: {@code serves_ipv6_with_the_same_code}
 * <li>main: --threads N (0: virtual threads), --backlog, "Serving at HOST:PORT", a bad option:
 *     {@code main_serves_on_as_many_threads_as_it_is_told}
 * </ul>
 * The listener and the executor are the test's: what it opens, it closes.
 * */
@Exercise(chapter = "03-streams", script = "TcpEchoServer")
public class TcpEchoServerTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(2);
    /** How long a client that must wait is watched, to see that it really gets nothing. */
    private static final Duration STILL_WAITING = Duration.ofMillis(300);

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocket.class, ExecutorService.class);
    }

    private static Contract stop(Script script) {
        return script.method("stop", boolean.class, ServerSocket.class, ExecutorService.class, Duration.class);
    }

    @Graded(points = 2, hint = "Hand each accepted socket to the executor; there, read and write back what came until read "
            + "returns -1. See \"The echo server\".")
    @Test
    void echoes_what_a_client_sends_until_it_is_done(Script script) throws Exception {
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            for (String message : List.of("Hello £€", "a second message on the same connection", "and a third")) {
                assertEcho(utf8(message), client.exchange(utf8(message), REPLY_WITHIN), "on one connection");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Echo the bytes as they came, exactly the n that read returned; do not decode them to text "
            + "and back, because a read can end inside a character and not every byte sequence is text.")
    @Test
    void echoes_every_byte_exactly_however_it_arrives(Script script) throws Exception {
        byte[] message = new byte[600];
        new Random(8881).nextBytes(message);
        System.arraycopy(utf8("€£ and random bytes: "), 0, message, 0, 23);
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var proxy = FaultyTcpProxy.start(address(listener), Faults.none().sliced(2, Duration.ofMillis(1)), Faults.none(), 3);
             var client = TcpTestClient.connect(proxy.address())) {
            assertEcho(message, client.exchange(message, Duration.ofSeconds(5)), "in segments of 1 or 2 bytes");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "When read returns -1 the client has ended its side: close the accepted socket (try-with-"
            + "resources), so the client reads the end of the stream too.")
    @Test
    void closes_its_side_when_the_client_is_done(Script script) throws Exception {
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            assertEcho(utf8("bye"), client.exchange(utf8("bye"), REPLY_WITHIN), "before ending");
            client.shutdownOutput();
            assertThat(client.awaitEndOfStream(REPLY_WITHIN))
                    .as("The client sent \"bye\", got its echo, and ended its side (shutdownOutput); the server should then "
                            + "close the connection, and the client read the end of the stream within %d ms", REPLY_WITHIN.toMillis())
                    .isTrue();
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Write back all n bytes of each read, however many: a megabyte arrives in many reads of up "
            + "to your buffer's size.")
    @Test
    void echoes_a_megabyte_intact(Script script) throws Exception {
        byte[] message = new byte[1 << 20];
        new Random(8882).nextBytes(message);
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            assertEcho(message, client.exchange(message, Duration.ofSeconds(5)), "sent while reading the echo");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "serve must go back to accept() at once, handing the conversation to the executor: a server "
            + "that talks to one client before accepting the next makes everyone else wait. See \"A thread per connection\".")
    @Test
    void serves_several_clients_at_once(Script script) throws Exception {
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor); var clients = new Clients()) {
            for (int c = 0; c < 3; c++) {
                clients.add(TcpTestClient.connect(address(listener))).send(utf8("client " + c + " is here"));
            }
            for (int c = 0; c < 3; c++) {
                assertEcho(utf8("client " + c + " is here"), clients.get(c).receive(16, REPLY_WITHIN),
                        "while " + (3 - 1) + " other clients are connected");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Each conversation needs its own buffer and its own streams: conversations run at the same "
            + "time, and anything they share (a static buffer, say) mixes one client's bytes into another's echo.")
    @Test
    void keeps_conversations_apart_when_they_run_at_once(Script script) throws Exception {
        int clients = 4;
        try (var pool = new Pool(Executors.newFixedThreadPool(clients)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor)) {
            List<Socket> sockets = new ArrayList<>();
            List<java.util.concurrent.Future<byte[]>> echoes = new ArrayList<>();
            List<byte[]> messages = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    byte[] message = new byte[256 * 1024];
                    new Random(8_900 + c).nextBytes(message);
                    messages.add(message);
                    var socket = new Socket();
                    sockets.add(socket);
                    // A small receive window makes the server's writes wait for the client, again and again: while one
                    // conversation waits in a write, the others go on reading, as they do on a real network.
                    socket.setReceiveBufferSize(4 * 1024);
                    socket.connect(address(listener), 2_000);
                    socket.setSoTimeout(5_000);
                    pool.testThreads().execute(() -> {
                        try {
                            socket.getOutputStream().write(message);
                            socket.shutdownOutput();
                        } catch (IOException ignored) {
                            // the reading side reports what went wrong
                        }
                    });
                    echoes.add(pool.testThreads().submit(() -> socket.getInputStream().readNBytes(message.length)));
                }
                for (int c = 0; c < clients; c++) {
                    assertEcho(messages.get(c), echoes.get(c).get(10, TimeUnit.SECONDS),
                            "by client " + c + " of " + clients + ", all sending 256 KiB at the same time");
                }
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A client that resets or disconnects ends its own conversation with an IOException; catch "
            + "it in the conversation and let the server go on. See \"When clients misbehave\".")
    @Test
    void survives_clients_that_reset_or_vanish(Script script) throws Exception {
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var proxy = FaultyTcpProxy.start(address(listener), Faults.none().resetAfter(10), Faults.none(), 5)) {
            try (var resetter = TcpTestClient.connect(address(listener))) {
                resetter.send(new byte[2_000]);
                resetter.reset();
            }
            try (var vanisher = TcpTestClient.connect(address(listener))) {
                vanisher.close();
            }
            try (var cutOff = TcpTestClient.connect(proxy.address())) {
                cutOff.send(utf8("this conversation is reset after ten bytes"));
                cutOff.receiveAny(100, Duration.ofMillis(500)); // whatever comes before the reset does
            }
            TcpTestClient afterwards;
            try {
                afterwards = TcpTestClient.connect(address(listener));
            } catch (AssertionError refused) {
                throw new AssertionError("After one client reset its connection mid-stream, one connected and left, and one was "
                        + "reset by the network, the next client could not even connect: " + refused.getMessage()
                        + "\nThe server stopped listening because of one client's trouble.");
            }
            try (var next = afterwards) {
                byte[] message = utf8("still there?");
                assertEcho(message, next.exchange(message, REPLY_WITHIN),
                        "after one client reset mid-stream, one connected and left, and one was reset by the network");
            }
            assertThat(server.call().isRunning()).as("serve is still running after clients reset").isTrue();
            server.stop();
        }
    }

    @Graded(points = 2, hint = "An accept that fails while the listener is still open (\"Too many open files\" when the "
            + "process is out of descriptors) concerns that one connection: report it, pause a moment, and accept again. Only a "
            + "closed listener ends serve. See \"When accept fails\".")
    @Test
    void keeps_accepting_after_an_accept_fails(Script script) throws Exception {
        for (String kind : List.of("a pool of 2 threads", "virtual threads")) {
            try (var pool = new Pool(kind.startsWith("virtual") ? Executors.newVirtualThreadPerTaskExecutor() : Executors.newFixedThreadPool(2));
                 var listener = WatchedListener.open(50).failNextAccepts(
                         new java.net.SocketException("Too many open files (the test's doing)"), WatchedListener.tooManyOpenFiles());
                 var server = Serving.start(serve(script), listener, pool.executor)) {
                TcpTestClient client;
                try {
                    client = TcpTestClient.connect(address(listener));
                } catch (AssertionError refused) {
                    throw new AssertionError("The first two accept() calls failed (a SocketException, then an IOException, both "
                            + "\"Too many open files\") while the listener stayed open; the next client could not connect: "
                            + refused.getMessage() + describeEnd(server));
                }
                try (client) {
                    byte[] message = utf8("served after two failed accepts? (" + kind + ")");
                    byte[] echoed;
                    try {
                        echoed = client.exchange(message, REPLY_WITHIN);
                    } catch (AssertionError noEcho) {
                        throw new AssertionError("The first two accept() calls failed (\"Too many open files\") while the listener "
                                + "stayed open, on " + kind + "; then a client connected (into the backlog) and sent "
                                + Bytes.describe(message) + ": " + noEcho.getMessage() + describeEnd(server));
                    }
                    assertEcho(message, echoed, "after the first two accept() calls failed, on " + kind);
                }
                assertThat(server.call().isRunning()).as("serve is still running after two failed accepts (%s)", kind).isTrue();
                server.stop();
            }
        }
    }

    @Graded(points = 1, hint = "An accept that fails once may fail again at once (the descriptors are still used up): pause "
            + "some tens of milliseconds before trying again, so the server does not spin on a CPU. See \"When accept fails\".")
    @Test
    void pauses_before_accepting_again_after_a_failure(Script script) throws Exception {
        long failingMillis = 300;
        try (var pool = new Pool(Executors.newFixedThreadPool(2)); var listener = WatchedListener.open(50);
             var server = Serving.start(serve(script), listener.failEveryAcceptFor(failingMillis), pool.executor)) {
            await().atMost(REPLY_WITHIN).pollInterval(Duration.ofMillis(10)).until(() -> listener.acceptCalls() > 0);
            Thread.sleep(failingMillis); // the lesson: what the server does while accept keeps failing
            int calls = listener.acceptCalls();
            assertThat(calls).as("accept() calls in the %d ms during which every accept failed (\"Too many open files\"); "
                    + "a server that tries again without pausing calls it thousands of times, spinning a CPU", failingMillis)
                    .isLessThanOrEqualTo((int) (failingMillis / 10) + 5); // pauses of 10 ms or more, and room around the window
            try (var client = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("and now?"), client.exchange(utf8("and now?"), REPLY_WITHIN), "once accept worked again");
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "When the executor rejects a conversation (RejectedExecutionException: it is shutting down), "
            + "close that connection and go on: the client must not be left connected to nobody. See \"Stopping gracefully\".")
    @Test
    void closes_a_connection_the_executor_rejects_and_goes_on(Script script) throws Exception {
        try (var pool = new Pool(new RejectsItsFirstTask()); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor)) {
            try (var rejected = TcpTestClient.connect(address(listener))) {
                rejected.send(utf8("my conversation is rejected"));
                assertThat(rejected.awaitEndOfStream(REPLY_WITHIN))
                        .as("The executor rejected the first conversation (RejectedExecutionException from execute); its client should "
                                + "then read the end of the stream (the server closed that connection) within %d ms%s",
                                REPLY_WITHIN.toMillis(), describeEnd(server))
                        .isTrue();
            }
            try (var next = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("and mine?"), next.exchange(utf8("and mine?"), REPLY_WITHIN),
                        "after the executor rejected the previous conversation");
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Close every accepted socket however its conversation ends: try (connection) { ... } closes "
            + "it after a reset too, and switch Nagle's algorithm off on each (setTcpNoDelay(true)). See \"When clients misbehave\".")
    @Test
    void closes_every_connection_however_it_ends_and_switches_nagle_off(Script script) throws Exception {
        try (var pool = new Pool(Executors.newFixedThreadPool(4)); var listener = WatchedListener.open(50);
             var server = Serving.start(serve(script), listener, pool.executor)) {
            try (var resetter = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("then I reset"), resetter.exchange(utf8("then I reset"), REPLY_WITHIN), "before a reset");
                resetter.reset();
            }
            try (var polite = TcpTestClient.connect(address(listener))) {
                assertEcho(utf8("then I leave"), polite.exchange(utf8("then I leave"), REPLY_WITHIN), "before leaving");
                polite.shutdownOutput();
                polite.awaitEndOfStream(REPLY_WITHIN);
            }
            try {
                await().atMost(REPLY_WITHIN).pollInterval(Duration.ofMillis(10))
                        .until(() -> listener.accepted().size() == 2 && listener.accepted().stream().allMatch(Socket::isClosed));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("One client reset its connection and one ended its side politely; " + REPLY_WITHIN.toMillis()
                        + " ms later the server should have closed both sockets it accepted, but: " + listener.accepted()
                        + ". A socket left open on a failure path is a file descriptor lost for good.");
            }
            assertThat(listener.accepted()).as("accepted sockets on which the server switched Nagle's algorithm off "
                    + "(setTcpNoDelay(true), see \"Small writes and Nagle's algorithm\")").allMatch(WatchedListener.WatchedSocket::noDelaySet);
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Closing the listener makes accept() throw a SocketException: return quietly then, and leave "
            + "the conversations in flight to the executor (do not shut it down). See \"Stopping gracefully\".")
    @Test
    void returns_quietly_when_its_listener_is_closed_and_leaves_conversations_running(Script script) throws Exception {
        try (var pool = new Pool(Executors.newVirtualThreadPerTaskExecutor()); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            assertEcho(utf8("before"), client.exchange(utf8("before"), REPLY_WITHIN), "before the listener was closed");
            server.stop();
            assertEcho(utf8("after £€"), client.exchange(utf8("after £€"), REPLY_WITHIN),
                    "on a connection accepted before the listener was closed (serve has returned)");
        }
    }

    @Graded(points = 2, hint = "stop closes the listener first (no new clients), then shuts the executor down without "
            + "interrupting it and waits for the conversations in flight. See \"Stopping gracefully\".")
    @Test
    void stop_refuses_new_clients_at_once_and_lets_conversations_finish(Script script) throws Exception {
        try (var pool = new Pool(Executors.newVirtualThreadPerTaskExecutor()); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            InetSocketAddress address = address(listener);
            assertEcho(utf8("in flight"), client.exchange(utf8("in flight"), REPLY_WITHIN), "before stop");
            Call stopping = stop(script).start(listener, pool.executor, Duration.ofSeconds(5));
            try {
                await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() -> refuses(address));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("After stop(listener, executor, 5 s) was called, new connections to " + address
                        + " were still accepted a second later; stop must close the listener first.");
            }
            assertEcho(utf8("still talking"), client.exchange(utf8("still talking"), REPLY_WITHIN),
                    "on a connection that was in flight when stop was called");
            assertThat(stopping.isRunning()).as("stop is still waiting while a conversation is in flight (it returned %s)",
                    stopping.isRunning() ? "nothing yet" : describe(stopping)).isTrue();
            client.shutdownOutput();
            assertThat(client.awaitEndOfStream(REPLY_WITHIN)).as("the server closed the conversation the client ended").isTrue();
            assertThat((Boolean) stopping.result(REPLY_WITHIN))
                    .as("what stop returned once the last conversation had finished, well within its deadline").isTrue();
            server.call().awaitQuietReturn(REPLY_WITHIN);
        }
    }

    @Graded(points = 1, hint = "stop waits at most its deadline (awaitTermination), then returns false if conversations are "
            + "still going, and leaves them running: what to do with them is the caller's decision, so no shutdownNow() "
            + "after the deadline either. See \"Stopping gracefully\".")
    @Test
    void stop_gives_up_after_its_deadline(Script script) throws Exception {
        // Virtual threads: one interrupted in a socket read has its socket closed, so an interrupt shows on the wire.
        try (var pool = new Pool(Executors.newVirtualThreadPerTaskExecutor()); var listener = Loopback.tcpListener();
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            assertEcho(utf8("I never leave"), client.exchange(utf8("I never leave"), REPLY_WITHIN), "before stop");
            long started = System.nanoTime();
            Boolean finished = stop(script).within(Duration.ofSeconds(3)).call(listener, pool.executor, Duration.ofMillis(150));
            assertThat(finished).as("what stop(listener, executor, 150 ms) returned while a client stayed connected").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("how long stop took with a 150 ms deadline")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(120));
            try {
                assertEcho(utf8("still here"), client.exchange(utf8("still here"), REPLY_WITHIN), "after stop had returned false");
            } catch (AssertionError cutOff) {
                throw new AssertionError("stop(listener, executor, 150 ms) returned false while a client stayed connected; then "
                        + "that client sent \"still here\" and did not get it back: " + cutOff.getMessage() + "\nA conversation still "
                        + "going at the deadline is left running (the caller decides what to do with it). shutdownNow() "
                        + "interrupts it, and a virtual thread interrupted in a socket read has its socket closed.", cutOff);
            }
        }
    }

    @Graded(points = 2, hint = "The book's design: a fixed pool of N threads serves N clients; the others are connected but "
            + "wait in the executor's queue until a thread is free. Use the executor you are given. See \"How many clients at once?\".")
    @Test
    void a_pool_of_three_threads_serves_three_clients_while_the_others_wait(Script script) throws Exception {
        var listener = new ServerSocket();
        listener.bind(Loopback.anyPort(), 5); // the book's backlog
        try (var pool = new Pool(Executors.newFixedThreadPool(3)); listener;
             var server = Serving.start(serve(script), listener, pool.executor); var clients = new Clients()) {
            for (int c = 0; c < 5; c++) {
                clients.add(TcpTestClient.connect(address(listener))).send(utf8("client " + c));
            }
            Set<Integer> served = awaitEchoes(clients, Set.of(), 3);
            assertThat(served).as("clients that got their echo from a server with a pool of 3 threads, while all 5 stay "
                    + "connected (served: %s)", served).hasSize(3);
            Set<Integer> waiting = new HashSet<>(Set.of(0, 1, 2, 3, 4));
            waiting.removeAll(served);
            for (int c : served) {
                clients.get(c).shutdownOutput(); // these three are done: their threads are free for the others
            }
            Set<Integer> servedLater = awaitEchoes(clients, served, 2);
            assertThat(servedLater).as("clients served once the first three had left (waiting were %s)", waiting)
                    .isEqualTo(waiting);
            server.stop();
        }
    }

    @Graded(points = 2, hint = "With a virtual thread per connection, a blocked read costs almost nothing: the same serve "
            + "handles a thousand clients at once. Keep nothing in serve that makes one conversation wait for another.")
    @Test
    void virtual_threads_serve_a_thousand_clients_at_once(Script script) throws Exception {
        int count = 1_000;
        var listener = new ServerSocket();
        listener.bind(Loopback.anyPort(), count);
        try (var pool = new Pool(Executors.newVirtualThreadPerTaskExecutor()); listener;
             var server = Serving.start(serve(script), listener, pool.executor); var clients = new Clients()) {
            for (int c = 0; c < count; c++) {
                clients.add(TcpTestClient.connect(address(listener)));
            }
            for (int c = 0; c < count; c++) {
                clients.get(c).send(utf8(String.format("client %04d", c)));
            }
            for (int c = 0; c < count; c++) {
                assertEcho(utf8(String.format("client %04d", c)), clients.get(c).receive(11, REPLY_WITHIN),
                        "while " + count + " clients are connected at once");
            }
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Nothing in an echo server depends on the address family: the same code serves ::1.")
    @Test
    void serves_ipv6_with_the_same_code(Script script) throws Exception {
        Loopback.assumeIpv6();
        var listener = new ServerSocket();
        listener.bind(new InetSocketAddress(Loopback.ipv6(), 0));
        try (var pool = new Pool(Executors.newFixedThreadPool(2)); listener;
             var server = Serving.start(serve(script), listener, pool.executor);
             var client = TcpTestClient.connect(address(listener))) {
            assertEcho(utf8("over IPv6 £€"), client.exchange(utf8("over IPv6 £€"), REPLY_WITHIN), "to ::1");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "main binds --host and --port with a backlog of --backlog (default 5), prints \"Serving at "
            + "HOST:PORT\", and serves on a pool of --threads threads (default 20), or a virtual thread per connection for --threads 0.")
    @Test
    void main_serves_on_as_many_threads_as_it_is_told(Script script) throws Exception {
        // Both start at once: a JVM takes a moment to start, and the waits below stop early once any main has exited.
        try (MainProcess pooled = script.startMain("--host", "127.0.0.1", "--port", "0", "--threads", "2");
             // A backlog above the book's 5: a hundred clients connecting in a burst would overflow it, and each
             // connection refused that way is retried by the system only a second later.
             MainProcess virtual = script.startMain("--host", "127.0.0.1", "--port", "0", "--threads", "0", "--backlog", "200");
             var clients = new Clients(); var many = new Clients()) {
            InetSocketAddress address = servingAt(pooled);
            for (int c = 0; c < 3; c++) {
                clients.add(TcpTestClient.connect(address)).send(utf8("client " + c));
            }
            Set<Integer> served = awaitEchoes(clients, Set.of(), 2);
            assertThat(served).as("clients served at once by `%s`, of 3 connected\n%s", pooled.commandLine(), pooled.transcript())
                    .hasSize(2);
            served.forEach(c -> clients.get(c).shutdownOutput());
            assertThat(awaitEchoes(clients, served, 1)).as("the third client, served once the first two left").hasSize(1);

            address = servingAt(virtual);
            for (int c = 0; c < 100; c++) {
                many.add(TcpTestClient.connect(address)).send(utf8(String.format("client %03d", c)));
            }
            for (int c = 0; c < 100; c++) {
                assertEcho(utf8(String.format("client %03d", c)), many.get(c).receive(10, REPLY_WITHIN),
                        "to `" + virtual.commandLine() + "` while 100 clients are connected");
            }
        }
        try (MainProcess bad = script.startMain("--threads", "many")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    private static String describeEnd(Serving server) {
        return server.call().isRunning() ? "" : "\nserve had ended: " + describe(server.call());
    }

    /** An executor whose first execute() is rejected, as by an executor shutting down; then it runs tasks. */
    private static final class RejectsItsFirstTask extends ThreadPoolExecutor {
        private final AtomicBoolean rejected = new AtomicBoolean();

        RejectsItsFirstTask() {
            super(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        }

        @Override
        public void execute(Runnable task) {
            if (rejected.compareAndSet(false, true)) {
                throw new RejectedExecutionException("the test's executor rejects its first task, as one shutting down does");
            }
            super.execute(task);
        }
    }

    private static InetSocketAddress servingAt(MainProcess main) throws IOException {
        var serving = main.awaitLine(Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10));
        return new InetSocketAddress(InetAddress.getByName(serving.group(1)), Integer.parseInt(serving.group(2)));
    }

    /**
     * Waits until {@code expected} more clients (not among {@code already}) have their echo, then
     * watches a little longer to see that no other one gets it; returns the ones that did.
     */
    private static Set<Integer> awaitEchoes(Clients clients, Set<Integer> already, int expected) {
        Set<Integer> served = new HashSet<>();
        long deadline = System.nanoTime() + REPLY_WITHIN.toNanos();
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil) && !CurrentTest.learnerCodeDied()) {
            for (int c = 0; c < clients.size(); c++) {
                if (!already.contains(c) && !served.contains(c)
                        && clients.get(c).receiveAny(100, Duration.ofMillis(10)).isPresent()) {
                    served.add(c);
                }
            }
            if (served.size() >= expected && quietUntil == Long.MAX_VALUE) {
                quietUntil = System.nanoTime() + STILL_WAITING.toNanos();
            }
        }
        return served;
    }

    private static boolean refuses(InetSocketAddress address) {
        try (var socket = new Socket()) {
            socket.connect(address, 500);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private static String describe(Call call) {
        return call.failure().map(Object::toString).orElseGet(() -> String.valueOf(call.result(Duration.ZERO)));
    }

    private static InetSocketAddress address(ServerSocket listener) {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private static void assertEcho(byte[] sent, byte[] echoed, String how) {
        assertThat(echoed)
                .as("Sent %d bytes (%s) %s; %d bytes came back (%s): %s", sent.length, Bytes.describe(sent), how, echoed.length,
                        Bytes.describe(echoed), Bytes.firstDifference(sent, echoed))
                .isEqualTo(sent);
    }

    /** The executor handed to the server; shut down, interrupting, when the test ends however it ends. */
    private record Pool(ExecutorService executor, ExecutorService testThreads) implements AutoCloseable {
        Pool(ExecutorService executor) {
            this(executor, Executors.newCachedThreadPool());
        }

        @Override
        public void close() {
            executor.shutdownNow();
            testThreads.shutdownNow();
        }
    }

    /** The test's clients, all closed when the test ends. */
    private static final class Clients implements AutoCloseable {
        private final List<TcpTestClient> all = new ArrayList<>();

        TcpTestClient add(TcpTestClient client) {
            all.add(client);
            return client;
        }

        TcpTestClient get(int index) {
            return all.get(index);
        }

        int size() {
            return all.size();
        }

        @Override
        public void close() {
            all.forEach(TcpTestClient::close);
        }
    }
}
