package netbasics.chapters.streams;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.MuteTcpPeer;
import netbasics.fixtures.SilentTcpPort;
import netbasics.fixtures.Slicer;
import netbasics.fixtures.WatchedListener;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Test;

/**
 * The word count of HalfClose, graded from both sides: its server against a reference client, its
 * client against a reference server. Both references follow the protocol to the letter: the
 * request is everything before the client's end of stream; the answer is the number of words and
 * a newline, then the server closes.
 *
 * The contract of {@code HalfClose} ('Half-close: saying "that is all"', "When accept fails") and the
 * test that checks each clause:
 * <ul>
 * <li>serve answers the number of words (runs of non-whitespace, UTF-8) and "\n":
 *     {@code serve_answers_with_the_number_of_words_of_everything_sent}
 * <li>only after the end of the request's stream: {@code serve_answers_only_after_the_end_of_stream}
 * <li>then closes the connection: {@code serve_closes_each_connection_after_answering}; and closes it
 *     too when the client resets mid-request: {@code serve_closes_a_connection_whose_client_reset_it}
 * <li>a thread per connection: {@code serve_answers_another_client_while_one_is_still_sending}
 * <li>returns quietly once the listener is closed: {@code serve_returns_quietly_when_its_listener_is_closed}
 * <li>a failed accept, the listener open, is retried after a pause: {@code serve_keeps_accepting_after_an_accept_fails}
 * <li>count sends the text in UTF-8 then shuts down its output (not close):
 *     {@code count_sends_its_text_in_utf8_then_ends_its_stream}, {@code count_still_reads_the_answer_after_ending_its_stream}
 * <li>reads the answer until end of stream and returns its number: {@code count_reads_the_answer_until_end_of_stream}
 * <li>its timeout bounds the connection attempt: {@code count_gives_up_on_a_server_that_never_answers_the_connection}
 * <li>and each wait for the answer, and the socket is closed when it gives up:
 *     {@code count_gives_up_on_a_server_that_never_answers_and_closes_its_socket}
 * <li>a timeout under a millisecond still ends, one of many days still waits:
 *     {@code count_takes_a_timeout_under_a_millisecond_or_of_many_days}
 * <li>count(server, text), given, uses the default of 5 s: every count test above but the timeout ones
 *     goes through it (its bound is checked through the three-argument form, without waiting 5 s)
 * <li>main --serve serves where it says, main counts its words: {@code main_with_serve_serves_where_it_says},
 *     {@code main_counts_the_words_given}
 * </ul>
 */
@Exercise(chapter = "03-streams", script = "HalfClose")
public class HalfCloseTest {

    private static final String SECTION = "See 'Half-close: saying \"that is all\"'.";
    private static final Duration PROMPTLY = Duration.ofSeconds(2);
    /** Words as the reference counts them: runs of characters that are not whitespace. */
    private static final Pattern WORD = Pattern.compile("\\S+");

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocket.class);
    }

    private static Contract count(Script script) {
        return script.method("count", long.class, InetSocketAddress.class, String.class).within(Duration.ofSeconds(4));
    }

    private static Contract countWithin(Script script) {
        return script.method("count", long.class, InetSocketAddress.class, String.class, Duration.class).within(Duration.ofSeconds(3));
    }

    // ---- the server, against a reference client

    @Graded(points = 2, hint = "Read until end of stream (readAllBytes does), decode the bytes as UTF-8, count the runs of "
            + "non-whitespace, and answer with the number and \\n. Several spaces, tabs or newlines in a row separate only two "
            + "words, and an empty request has 0. " + SECTION)
    @Test
    void serve_answers_with_the_number_of_words_of_everything_sent(Script script) throws Exception {
        var random = new Random(3_101);
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            for (String text : new String[] {"one two three", "  spaces   around  ", "tabs\tand\nnewlines\r\nmixed", "£€ ½ naïve café",
                    "", "single", longText(random)}) {
                var slicer = new Slicer(text.length(), 512, 0.02, Duration.ofMillis(2));
                Answer answer = ask((InetSocketAddress) listener.getLocalSocketAddress(), utf8(text), slicer);
                answer.assertIs(words(text) + "\n", "the whole request " + describe(text));
            }
            server.stop();
        }
    }

    @Graded(points = 2, hint = "Nothing tells the server the request is over except the end of stream: a read() that "
            + "returns -1. Answering after the first read answers a part of the request. " + SECTION)
    @Test
    void serve_answers_only_after_the_end_of_stream(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener); var client = new Socket()) {
            client.connect(listener.getLocalSocketAddress(), (int) PROMPTLY.toMillis());
            client.setTcpNoDelay(true);
            client.getOutputStream().write(utf8("the first half "));
            byte[] early = Received.exactly(client, 1, Duration.ofMillis(500));
            assertThat(early).as("Sent \"the first half \" and not yet the end of stream; the server answered %s already, but the "
                    + "request was not over", Bytes.describe(early)).isEmpty();
            client.getOutputStream().write(utf8("and the second half"));
            client.shutdownOutput();
            var answer = new Answer(Received.untilEnd(client, PROMPTLY));
            answer.assertIs("7\n", "\"the first half \", 500 ms later \"and the second half\", then the end of stream");
            server.stop();
        }
    }

    @Graded(points = 1, hint = "The client reads the answer until end of stream, so close the connection once the answer "
            + "is written (try-with-resources on the accepted socket). " + SECTION)
    @Test
    void serve_closes_each_connection_after_answering(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            Answer answer = ask((InetSocketAddress) listener.getLocalSocketAddress(), utf8("close after this"), null);
            assertThat(answer.text()).as("the answer to \"close after this\"").isEqualTo("3\n");
            assertThat(answer.ended()).as("The server answered \"3\\n\" but did not close the connection within %d ms: the client, "
                    + "reading until end of stream, would wait forever", PROMPTLY.toMillis()).isTrue();
            server.stop();
        }
    }

    @Graded(points = 1, hint = "Close each accepted socket however its conversation ends: try (connection) { ... } closes it "
            + "when the client resets in the middle of its request too. A socket left open is a file descriptor lost for good.")
    @Test
    void serve_closes_a_connection_whose_client_reset_it(Script script) throws Exception {
        try (var listener = WatchedListener.open(50); var server = Serving.start(serve(script), listener); var rude = new Socket()) {
            rude.connect(listener.getLocalSocketAddress(), (int) PROMPTLY.toMillis());
            rude.getOutputStream().write(utf8("half a request, then a reset"));
            await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(10)).until(() -> !listener.accepted().isEmpty());
            rude.setSoLinger(true, 0);
            rude.close(); // a reset, not an end of stream
            try {
                await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(10)).until(() -> listener.accepted().get(0).isClosed());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("A client sent half a request and reset the connection; " + PROMPTLY.toMillis() + " ms "
                        + "later the server had still not closed the socket it accepted for it: " + listener.accepted());
            }
            ask((InetSocketAddress) listener.getLocalSocketAddress(), utf8("still counting"), null).assertIs("2\n", "\"still counting\"");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "A client may take its time before it ends its request. Serve each connection on a thread "
            + "of its own (a virtual thread costs almost nothing), so the others need not wait for it. " + SECTION)
    @Test
    void serve_answers_another_client_while_one_is_still_sending(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener); var slow = new Socket()) {
            var address = (InetSocketAddress) listener.getLocalSocketAddress();
            slow.connect(address, (int) PROMPTLY.toMillis());
            slow.getOutputStream().write(utf8("a slow client"));
            Answer quick = ask(address, utf8("a quick one"), null);
            quick.assertIs("3\n", "\"a quick one\" from a second client, while the first had not ended its request");
            slow.getOutputStream().write(utf8(" finally ends"));
            slow.shutdownOutput();
            new Answer(Received.untilEnd(slow, PROMPTLY)).assertIs("5\n", "\"a slow client finally ends\" from the first client");
            server.stop();
        }
    }

    @Graded(points = 1, hint = "When the listening socket is closed, accept() throws a SocketException: that is the signal "
            + "to stop. Check listener.isClosed() and return instead of letting it escape.")
    @Test
    void serve_returns_quietly_when_its_listener_is_closed(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var server = Serving.start(serve(script), listener)) {
            ask((InetSocketAddress) listener.getLocalSocketAddress(), utf8("last words"), null).assertIs("2\n", "\"last words\"");
            server.stop();
        }
    }

    @Graded(points = 2, hint = "An accept that fails while the listener is still open (\"Too many open files\") concerns "
            + "one attempt: report it, pause some tens of milliseconds, and accept again; only a closed listener ends serve. "
            + "See \"When accept fails\".")
    @Test
    void serve_keeps_accepting_after_an_accept_fails(Script script) throws Exception {
        long failingMillis = 300;
        try (var listener = WatchedListener.open(50).failNextAccepts(
                     new java.net.SocketException("Too many open files (the test's doing)"), WatchedListener.tooManyOpenFiles())
                     .failEveryAcceptFor(failingMillis);
             var server = Serving.start(serve(script), listener)) {
            await().atMost(PROMPTLY).pollInterval(Duration.ofMillis(10)).until(() -> listener.acceptCalls() > 0);
            Thread.sleep(failingMillis); // the lesson: what the server does while accept keeps failing
            assertThat(listener.acceptCalls()).as("accept() calls in the %d ms during which every accept failed (\"Too many open "
                    + "files\"); a server that tries again without pausing calls it thousands of times, spinning a CPU", failingMillis)
                    .isLessThanOrEqualTo((int) (failingMillis / 10) + 5); // pauses of 10 ms or more, and room around the window
            Answer answer;
            try {
                answer = ask((InetSocketAddress) listener.getLocalSocketAddress(), utf8("after the failures"), null);
            } catch (IOException | AssertionError none) {
                throw new AssertionError("Every accept() failed for " + failingMillis + " ms (\"Too many open files\", first as a "
                        + "SocketException, then as an IOException) while the listener stayed open; then a client asked \"after the "
                        + "failures\" and got: " + none
                        + (server.call().isRunning() ? "" : "\nserve had ended: " + server.call().failure().map(String::valueOf).orElse("returned")));
            }
            answer.assertIs("3\n", "\"after the failures\", once accept() worked again");
            server.stop();
        }
    }

    // ---- the client, against a reference server

    @Graded(points = 2, hint = "Send the text's UTF-8 bytes (name the charset), then call shutdownOutput(): the server "
            + "sees end of stream, and only then answers. " + SECTION)
    @Test
    void count_sends_its_text_in_utf8_then_ends_its_stream(Script script) throws Exception {
        try (var server = ReferenceServer.honest()) {
            for (String text : new String[] {"one two three", "£€ naïve café", ""}) {
                Throwable thrown = catchThrowable(() -> count(script).call(server.address(), text));
                rethrowTodo(thrown);
                Request request = server.next();
                String call = "count(" + server.address() + ", " + describe(text) + ")";
                assertThat(request).as("%s: the reference server never got a connection%s", call, because(thrown)).isNotNull();
                assertThat(request.bytes()).as("%s: the reference server received %s; expected the text in UTF-8, %s%s", call,
                        Bytes.describe(request.bytes()), Bytes.describe(utf8(text)), because(thrown)).isEqualTo(utf8(text));
                assertThat(request.ended()).as("%s: the reference server received all the bytes, but no end of stream within %d ms. "
                        + "Without it the server cannot know the request is over, and waits%s", call,
                        ReferenceServer.PATIENCE.toMillis(), because(thrown)).isTrue();
            }
        }
    }

    @Graded(points = 2, hint = "close() ends both directions and the answer has nowhere to arrive; shutdownOutput() ends "
            + "only yours, and the socket can still read. " + SECTION)
    @Test
    void count_still_reads_the_answer_after_ending_its_stream(Script script) throws Exception {
        try (var server = ReferenceServer.honest()) {
            for (String text : new String[] {"one two three", "£€ naïve café", "", " a\tb\nc d "}) {
                String call = "count(" + server.address() + ", " + describe(text) + ")";
                long[] got = new long[1];
                Throwable thrown = catchThrowable(() -> got[0] = count(script).call(server.address(), text));
                rethrowTodo(thrown);
                Request request = server.next();
                if (thrown != null) {
                    throw new AssertionError(call + " " + whatHappened(thrown) + "\nThe reference server "
                            + (request == null ? "got no connection." : "received " + request
                            + (request.ended() ? " and answered \"" + words(text) + "\\n\", then closed." : ".")), thrown);
                }
                assertThat(got[0]).as("%s returned %d; the reference server had answered \"%d\\n\"", call, got[0], words(text))
                        .isEqualTo(words(text));
            }
        }
    }

    @Graded(points = 2, hint = "The answer, like any bytes on a stream, may come in several pieces: read until end of "
            + "stream (readAllBytes), not once, then parse. " + SECTION)
    @Test
    void count_reads_the_answer_until_end_of_stream(Script script) throws Exception {
        try (var server = ReferenceServer.answering("12345\n", new int[] {1, 2, 3})) {
            String answered = "The reference server answered \"12345\\n\" in three pieces, \"1\", \"23\" and \"45\\n\", 150 ms apart";
            long[] got = new long[1];
            Throwable thrown = catchThrowable(() -> got[0] = count(script).call(server.address(), "whatever it says"));
            rethrowTodo(thrown);
            if (thrown != null) {
                throw new AssertionError(answered + "; count " + whatHappened(thrown), thrown);
            }
            assertThat(got[0]).as("%s; count returned %d", answered, got[0]).isEqualTo(12_345);
        }
    }

    @Graded(points = 2, hint = "Pass the timeout to connect(server, millis): a server that never answers the handshake keeps "
            + "connect(server) waiting for minutes. " + SECTION)
    @Test
    void count_gives_up_on_a_server_that_never_answers_the_connection(Script script) throws Exception {
        try (var silent = SilentTcpPort.open()) {
            String call = "count(" + silent.address() + ", \"hello\", 150 ms), an address that never answers a connection attempt";
            Throwable thrown = catchThrowable(() -> countWithin(script).call(silent.address(), "hello", Duration.ofMillis(150)));
            rethrowTodo(thrown);
            assertThat(thrown).as("what %s threw", call).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Graded(points = 2, hint = "Bound each read with setSoTimeout too: a server that accepts and never answers must not hang "
            + "the client. And open the socket in try-with-resources, so that it is closed when count gives up. " + SECTION)
    @Test
    void count_gives_up_on_a_server_that_never_answers_and_closes_its_socket(Script script) throws Exception {
        try (var mute = MuteTcpPeer.start()) {
            String call = "count(" + mute.address() + ", \"anyone?\", 150 ms), a server that accepts and never answers";
            Throwable thrown = catchThrowable(() -> countWithin(script).call(mute.address(), "anyone?", Duration.ofMillis(150)));
            rethrowTodo(thrown);
            assertThat(thrown).as("what %s threw", call).isInstanceOf(SocketTimeoutException.class);
            mute.assertEveryConnectionEnded("count, after its read timed out,", Duration.ofMillis(500));
        }
    }

    @Graded(points = 1, hint = "connect and setSoTimeout take whole milliseconds in an int, and 0 means \"wait forever\": wait "
            + "at least 1 ms for a timeout under a millisecond, and Integer.MAX_VALUE ms for one too long for an int.")
    @Test
    void count_takes_a_timeout_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var mute = MuteTcpPeer.start()) {
            Throwable thrown = catchThrowable(() -> countWithin(script).call(mute.address(), "quick?", Duration.ofNanos(300_000)));
            rethrowTodo(thrown);
            assertThat(thrown).as("what count(..., \"quick?\", 0.3 ms) threw against a server that never answers (0.3 ms must not "
                    + "become 0, \"forever\")").isInstanceOf(IOException.class);
        }
        try (var server = ReferenceServer.honest()) {
            long[] got = new long[1];
            Throwable thrown = catchThrowable(() -> got[0] = countWithin(script).call(server.address(), "three patient words",
                    Duration.ofDays(30)));
            rethrowTodo(thrown);
            if (thrown != null) {
                throw new AssertionError("count(..., \"three patient words\", 30 days) " + whatHappened(thrown), thrown);
            }
            assertThat(got[0]).as("what count(..., \"three patient words\", 30 days) returned").isEqualTo(3);
        }
    }

    // ---- the program

    @Graded(points = 1, hint = "With --serve, main binds --host and --port, prints \"Serving at HOST:PORT\" and calls serve.")
    @Test
    void main_with_serve_serves_where_it_says(Script script) throws Exception {
        try (MainProcess main = script.startMain("--serve", "--host", "127.0.0.1", "--port", "0")) {
            var serving = MainOutput.awaitLine(main, Pattern.compile("Serving at (127\\.0\\.0\\.1):(\\d+)"), Duration.ofSeconds(10), "");
            var address = new InetSocketAddress(serving.group(1), Integer.parseInt(serving.group(2)));
            MainOutput.explainingFailure(main, () -> ask(address, utf8("four words from here"), null)
                    .assertIs("4\n", "\"four words from here\" to " + address + ", where main said it serves"));
        }
    }

    @Graded(points = 1, hint = "Without --serve, main joins the words given with spaces, calls count and prints \"N words\".")
    @Test
    void main_counts_the_words_given(Script script) throws Exception {
        try (var server = ReferenceServer.honest();
             MainProcess main = script.startMain("--host", "127.0.0.1", "--port", String.valueOf(server.address().getPort()), "one", "two", "£€");
             MainProcess bad = script.startMain("--port")) { // both start at once: each JVM takes a moment to start
            // Both exit by themselves: wait for that (a main that exited stops MainOutput's waits early), then read.
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`\n%s", main.commandLine(), main.transcript())
                    .isZero();
            assertThat(main.stdout()).as("what `%s` printed, run against a reference server, which answers \"3\\n\" to \"one two £€\"",
                    main.commandLine()).containsPattern("(?m)^3 words");
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    // ---- the reference peers

    private static long words(String text) {
        return WORD.matcher(text).results().count();
    }

    /** What came back to the reference client: the bytes, and whether the server then closed. */
    private record Answer(String text, boolean ended) {
        Answer(Received.All all) {
            this(new String(all.bytes(), StandardCharsets.UTF_8), all.ended());
        }

        void assertIs(String expected, String sent) {
            assertThat(text).as("Sent %s; the server answered %s; expected \"%s\"", sent, text.isEmpty() ? "nothing"
                    : Bytes.describe(utf8(text)), expected.replace("\n", "\\n")).isEqualTo(expected);
            assertThat(ended).as("Sent %s; the server answered \"%s\" but did not close the connection within %d ms", sent,
                    expected.replace("\n", "\\n"), PROMPTLY.toMillis()).isTrue();
        }
    }

    /** The reference client: connects, sends (in slices when given a slicer), ends its stream, reads until the server closes. */
    private static Answer ask(InetSocketAddress server, byte[] request, Slicer slicer) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(server, (int) PROMPTLY.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            if (slicer != null) {
                slicer.write(out, request);
            } else {
                out.write(request);
            }
            socket.shutdownOutput();
            return new Answer(Received.untilEnd(socket, PROMPTLY));
        }
    }

    /** What the reference server received on one connection. */
    private record Request(byte[] bytes, boolean ended) {
        @Override
        public String toString() {
            return Bytes.describe(bytes) + (ended ? " and then the end of stream" : " and no end of stream within "
                    + ReferenceServer.PATIENCE.toMillis() + " ms");
        }
    }

    /**
     * The reference server: for each connection, reads until end of stream (waiting at most
     * {@link #PATIENCE}), then answers, and closes. Honest, it answers the number of words; or it
     * answers a fixed text, in pieces that arrive apart.
     */
    private static final class ReferenceServer implements AutoCloseable {

        static final Duration PATIENCE = Duration.ofMillis(1_500);

        private final ServerSocket listener;
        private final String fixedAnswer;
        private final int[] pieces;
        private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

        private ReferenceServer(String fixedAnswer, int[] pieces) throws IOException {
            this.listener = Loopback.tcpListener();
            this.fixedAnswer = fixedAnswer;
            this.pieces = pieces;
            Thread.ofPlatform().daemon().name("reference word-count server").start(this::serve);
        }

        static ReferenceServer honest() throws IOException {
            return new ReferenceServer(null, null);
        }

        static ReferenceServer answering(String answer, int[] pieces) throws IOException {
            return new ReferenceServer(answer, pieces);
        }

        InetSocketAddress address() {
            return (InetSocketAddress) listener.getLocalSocketAddress();
        }

        /**
         * The next request received, or null when none came. Called once the client has returned, by
         * which time the request has been recorded, or soon will be.
         */
        Request next() throws InterruptedException {
            return requests.poll(1_000, TimeUnit.MILLISECONDS);
        }

        private void serve() {
            while (!listener.isClosed()) {
                try (Socket connection = listener.accept()) {
                    connection.setTcpNoDelay(true);
                    Received.All all = Received.untilEndWithin(connection, PATIENCE);
                    requests.add(new Request(all.bytes(), all.ended()));
                    if (all.ended()) {
                        answer(connection.getOutputStream(), all.bytes());
                    }
                } catch (IOException e) {
                    // the listener was closed, or the client went away: either way, nothing to answer
                }
            }
        }

        private void answer(OutputStream out, byte[] request) throws IOException {
            if (fixedAnswer == null) {
                out.write(utf8(words(new String(request, StandardCharsets.UTF_8)) + "\n"));
                return;
            }
            byte[] answer = utf8(fixedAnswer);
            int sent = 0;
            for (int piece : pieces) {
                if (sent > 0) {
                    Slicer.pause(Duration.ofMillis(150));
                }
                out.write(answer, sent, piece);
                out.flush();
                sent += piece;
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }

    private static String longText(Random random) {
        var text = new StringBuilder();
        String[] separators = {" ", "  ", "\n", "\t", " \r\n"};
        String[] words = {"stream", "£€", "half-close", "FIN", "naïve", "x"};
        for (int i = 0; i < 3_000; i++) {
            text.append(words[random.nextInt(words.length)]).append(separators[random.nextInt(separators.length)]);
        }
        return text.toString();
    }

    private static String describe(String text) {
        return text.length() > 40 ? "a text of " + text.length() + " characters and " + words(text) + " words"
                : "\"" + text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }

    /** Ends a sentence about what the client did with what happened to the call, if it failed. */
    private static String because(Throwable thrown) {
        return thrown == null ? "." : ".\n(count " + whatHappened(thrown) + ")";
    }

    /** "threw X." or "did not return within N ms." */
    private static String whatHappened(Throwable thrown) {
        String message = String.valueOf(thrown.getMessage());
        return thrown instanceof AssertionError && message.contains("did not return")
                ? message.substring(message.indexOf("did not return")) : "threw " + thrown + ".";
    }

    /** A stub's TODO goes straight to the report, without waiting for peers that will hear nothing. */
    private static void rethrowTodo(Throwable thrown) throws Exception {
        if (thrown instanceof UnsupportedOperationException todo && String.valueOf(todo.getMessage()).startsWith("TODO")) {
            throw todo;
        }
    }
}
