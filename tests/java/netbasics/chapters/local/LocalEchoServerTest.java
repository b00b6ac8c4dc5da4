package netbasics.chapters.local;

import static netbasics.fixtures.Bytes.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import netbasics.fixtures.Bytes;
import netbasics.fixtures.ChannelEchoPeer;
import netbasics.fixtures.ChannelTestClient;
import netbasics.fixtures.SocketDirectory;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainOutput;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import netbasics.grading.Serving;
import org.junit.jupiter.api.Test;

/**
 * The graded suite of LocalEchoServer. Contract clauses, from the javadoc of listen and serve, their
 * TODOs, and chapter 05's "Same API, another family" and "Cleaning up the socket file", and the tests that
 * check them:
 *
 * <table>
 * <caption>Each clause of the contract and the test that checks it</caption>
 * <tr><th>clause</th><th>checked by</th></tr>
 * <tr><td>listen binds a Unix-domain listener at the path; serve echoes every byte</td><td>echoes_what_a_client_sends_over_a_socket_file, echoes_a_megabyte_intact</td></tr>
 * <tr><td>serve handles each connection on a thread of its own</td><td>{@code serves_several_clients_at_once}</td></tr>
 * <tr><td>each conversation has state of its own: clients sending at once never get each other's bytes</td><td>{@code keeps_conversations_apart_when_clients_send_at_once}</td></tr>
 * <tr><td>a stale socket file (nobody listens) is removed first</td><td>{@code removes_a_stale_socket_file_left_by_a_crash}</td></tr>
 * <tr><td>a file that is not a socket is left alone: FileAlreadyExistsException (regular file, directory)</td><td>{@code refuses_to_delete_a_regular_file_or_a_directory_at_its_path}</td></tr>
 * <tr><td>a symbolic link is not a socket, even a dangling one or one to a stale socket: left alone, FileAlreadyExistsException</td><td>{@code refuses_a_symbolic_link_at_its_path_even_one_to_a_stale_socket}</td></tr>
 * <tr><td>a socket another server listens on is left alone: BindException, and that server goes on</td><td>{@code refuses_to_take_over_a_socket_another_server_listens_on}</td></tr>
 * <tr><td>the probe connection is closed again (the other server sees it end)</td><td>{@code closes_its_probe_of_a_socket_another_server_listens_on}</td></tr>
 * <tr><td>once the listener is closed, serve removes its socket file and returns; conversations in flight go on</td><td>{@code removes_its_socket_file_when_its_listener_is_closed_and_leaves_conversations_running}</td></tr>
 * <tr><td>a client that vanishes ends only its own conversation</td><td>{@code survives_clients_that_vanish}</td></tr>
 * <tr><td>main prints "Serving at PATH" and removes the file when stopped</td><td>{@code main_serves_at_its_path_and_removes_the_file_when_stopped}</td></tr>
 * </table>
 */
@Exercise(chapter = "05-local", script = "LocalEchoServer")
public class LocalEchoServerTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(3);

    private static Contract listen(Script script) {
        return script.method("listen", ServerSocketChannel.class, Path.class);
    }

    private static Contract serve(Script script) {
        return script.method("serve", void.class, ServerSocketChannel.class);
    }

    @Graded(points = 2, hint = "listen opens a ServerSocketChannel of the UNIX family and binds it to "
            + "UnixDomainSocketAddress.of(path); serve echoes like chapter 03's server. See \"Same API, another family\".")
    @Test
    void echoes_what_a_client_sends_over_a_socket_file(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener)) {
                assertThat(isSocket(path)).as("after listen(%s), a socket file at that path", path).isTrue();
                try (var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    for (String message : List.of("Hello £€", "a second message on the same connection", "and a third")) {
                        assertEcho(utf8(message), client.exchange(utf8(message), REPLY_WITHIN), "over " + path);
                    }
                    client.shutdownOutput();
                    assertThat(client.awaitEndOfStream(REPLY_WITHIN))
                            .as("The client ended its side (shutdownOutput) after its echoes; the server should then close the "
                                    + "connection, and the client read the end of the stream within %d ms", REPLY_WITHIN.toMillis())
                            .isTrue();
                }
                server.stop();
            }
        }
    }

    @Graded(points = 1, hint = "Write back exactly the bytes each read brought: flip the buffer before writing, clear it "
            + "after. See \"Same API, another family\".")
    @Test
    void echoes_a_megabyte_intact(Script script) throws Exception {
        byte[] message = new byte[1 << 20];
        new Random(5005).nextBytes(message);
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener);
                 var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                assertEcho(message, client.exchange(message, Duration.ofSeconds(10)), "while reading the echo");
                server.stop();
            }
        }
    }

    @Graded(points = 2, hint = "Hand each accepted channel to a thread of its own and go straight back to accept. "
            + "See \"Same API, another family\".")
    @Test
    void serves_several_clients_at_once(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            List<ChannelTestClient> clients = new ArrayList<>();
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener)) {
                for (int c = 0; c < 3; c++) {
                    clients.add(ChannelTestClient.connect(UnixDomainSocketAddress.of(path)));
                    clients.get(c).send(utf8("client " + c + " is here"), REPLY_WITHIN);
                }
                for (int c = 0; c < 3; c++) {
                    assertEcho(utf8("client " + c + " is here"), clients.get(c).receive(16, REPLY_WITHIN),
                            "while 2 other clients are connected");
                }
                server.stop();
            } finally {
                clients.forEach(ChannelTestClient::close);
            }
        }
    }

    @Graded(points = 2, hint = "Each conversation needs a buffer of its own, made in that conversation: threads that share "
            + "one mix their clients' bytes. See \"Same API, another family\".")
    @Test
    void keeps_conversations_apart_when_clients_send_at_once(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener)) {
                assertConversationsKeptApart(UnixDomainSocketAddress.of(path));
                server.stop();
            }
        }
    }

    /**
     * Four clients, each with bytes of its own, and each must get back exactly its own: one sends 1 MB and reads nothing
     * back while the other three, at the same time, each send 256 KB and read their echo.
     */
    static void assertConversationsKeptApart(java.net.SocketAddress server) throws Exception {
        var random = new Random(5151);
        byte[] held = new byte[1024 * 1024];
        random.nextBytes(held);
        int others = 3;
        List<ChannelTestClient> clients = new ArrayList<>();
        // A thread per client (the common pool may have only one on a small machine): the conversations in flight at once.
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(others); var lagging = ChannelTestClient.connect(server)) {
            // This client sends more than the connection holds and reads nothing back: the server's conversation with it
            // stops part-way through writing a buffer, and waits. Meanwhile the others each send a message and read its
            // echo, so the server reads into its other conversations' buffers: into that same one, if they share it.
            int sent = lagging.sendUntilStalled(held, Duration.ofMillis(200), Duration.ofSeconds(5));
            List<byte[]> messages = new ArrayList<>();
            List<java.util.concurrent.CompletableFuture<byte[]>> echoes = new ArrayList<>();
            for (int c = 0; c < others; c++) {
                byte[] message = new byte[256 * 1024];
                random.nextBytes(message);
                messages.add(message);
                var client = ChannelTestClient.connect(server);
                clients.add(client);
                echoes.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> client.exchange(message, Duration.ofSeconds(3)), threads));
            }
            for (int c = 0; c < others; c++) {
                assertEcho(messages.get(c), echoes.get(c).join(), "by client " + (c + 1) + " of " + (others + 1) + " (256 KB), while "
                        + "client 0 had sent " + sent + " bytes and read none of their echo yet");
            }
            assertEcho(held, lagging.exchangeRest(held, sent, Duration.ofSeconds(5)), "by client 0, which sent " + sent + " of its "
                    + held.length + " bytes, read nothing back until " + others + " other clients had their echoes, then the rest");
        } finally {
            clients.forEach(ChannelTestClient::close);
        }
    }

    @Graded(points = 2, hint = "A socket file whose server is gone stays behind, and bind fails on it (\"Address already "
            + "in use\"). If connecting to it is refused, it is stale: delete it, then bind. See \"Cleaning up the socket file\".")
    @Test
    void removes_a_stale_socket_file_left_by_a_crash(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (var crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                crashed.bind(UnixDomainSocketAddress.of(path)); // closed without removing its file, as after a crash
            }
            Throwable failure = catchThrowable(() -> listen(script).<ServerSocketChannel>call(path).close());
            assertThat(failure).as("listen(%s) where a socket file was left behind by a server that is gone (connecting to it is "
                    + "refused); the server should remove the stale file and bind", path).isNull();
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener);
                 var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                assertEcho(utf8("fresh start"), client.exchange(utf8("fresh start"), REPLY_WITHIN), "after replacing a stale socket file");
                server.stop();
            }
        }
    }

    @Graded(points = 2, hint = "Only a socket may be deleted: read the file's type without following links (\"unix:mode\", "
            + "or BasicFileAttributes.isOther) and refuse anything else with FileAlreadyExistsException (java.nio.file). See "
            + "\"Cleaning up the socket file\".")
    @Test
    void refuses_to_delete_a_regular_file_or_a_directory_at_its_path(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path file = directory.resolve("notes.txt");
            Files.writeString(file, "precious notes, not a socket");
            Throwable failure = catchThrowable(() -> listen(script).<ServerSocketChannel>call(file).close());
            assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.readString(file).equals("precious notes, not a socket"))
                    .as("A regular file holding \"precious notes, not a socket\" was at %s; after listen(%s) (which %s) it should "
                            + "still be there, untouched", file, file, failure == null ? "returned" : "threw " + failure)
                    .isTrue();
            assertThat(failure).as("what listen(%s) threw when a regular file was at the path: the file is there and not ours, "
                    + "which is what FileAlreadyExistsException says", file).isInstanceOf(FileAlreadyExistsException.class);

            Path folder = directory.resolve("folder");
            Files.createDirectory(folder);
            Files.writeString(folder.resolve("inside.txt"), "keep me");
            failure = catchThrowable(() -> listen(script).<ServerSocketChannel>call(folder).close());
            assertThat(Files.exists(folder.resolve("inside.txt")))
                    .as("a directory with a file inside was at %s; after listen (which %s), the file inside should still exist",
                            folder, failure == null ? "returned" : "threw " + failure)
                    .isTrue();
            assertThat(failure).as("what listen(%s) threw when a directory was at the path: not a socket, so "
                    + "FileAlreadyExistsException, as for a regular file", folder).isInstanceOf(FileAlreadyExistsException.class);
        }
    }

    @Graded(points = 2, hint = "A link is not a socket, even a link to one: test the path itself, not what it points to "
            + "(Files.exists and readAttributes with LinkOption.NOFOLLOW_LINKS), and refuse it with FileAlreadyExistsException. "
            + "See \"Cleaning up the socket file\".")
    @Test
    void refuses_a_symbolic_link_at_its_path_even_one_to_a_stale_socket(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path stale = directory.resolve("stale.sock");
            try (var crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                crashed.bind(UnixDomainSocketAddress.of(stale)); // closed without removing its file
            }
            Path link = Files.createSymbolicLink(directory.resolve("link.sock"), stale);
            Path dangling = Files.createSymbolicLink(directory.resolve("dangling.sock"), directory.resolve("nothing-here"));
            for (Path path : List.of(link, dangling)) {
                Throwable failure = catchThrowable(() -> listen(script).<ServerSocketChannel>call(path).close());
                assertThat(Files.isSymbolicLink(path)).as("whether the symbolic link %s -> %s is still there after listen(%s), "
                        + "which %s", path.getFileName(), Files.readSymbolicLink(path).getFileName(), path.getFileName(),
                        failure == null ? "returned" : "threw " + failure).isTrue();
                assertThat(failure).as("what listen(%s) threw where a symbolic link was", path.getFileName())
                        .isInstanceOf(FileAlreadyExistsException.class);
            }
            assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS)).as("whether the stale socket file the link pointed to is "
                    + "still there: only the path listen was given is its business").isTrue();
        }
    }

    @Graded(points = 1, hint = "Close the probe connection at once (try-with-resources): the other server accepts it, and "
            + "must see it end, not keep a connection nobody will ever use. See \"Cleaning up the socket file\".")
    @Test
    void closes_its_probe_of_a_socket_another_server_listens_on(Script script) throws Exception {
        try (var directory = SocketDirectory.create(); var other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            Path path = directory.resolve("busy.sock");
            other.bind(UnixDomainSocketAddress.of(path));
            Throwable failure = catchThrowable(() -> listen(script).<ServerSocketChannel>call(path).close());
            assertThat(failure).as("what listen(%s) did while another server was listening there", path.getFileName())
                    .isInstanceOf(IOException.class);
            other.configureBlocking(false);
            try (var probe = other.accept()) {
                if (probe != null) { // whoever found the server alive without connecting has nothing to close
                    probe.configureBlocking(false);
                    var buffer = java.nio.ByteBuffer.allocate(64);
                    org.awaitility.Awaitility.await("the end of the probe connection that listen made to the other server")
                            .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
                            .until(() -> probe.read(buffer.clear()) == -1);
                }
            }
        }
    }

    @Graded(points = 2, hint = "A socket file on which a server still listens is not stale: connecting to it succeeds. Fail "
            + "(BindException) and leave it alone. See \"Cleaning up the socket file\".")
    @Test
    void refuses_to_take_over_a_socket_another_server_listens_on(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("busy.sock");
            try (var other = ChannelEchoPeer.on(UnixDomainSocketAddress.of(path))) {
                ServerSocketChannel[] taken = new ServerSocketChannel[1];
                Throwable failure = catchThrowable(() -> taken[0] = listen(script).call(path));
                if (taken[0] != null) {
                    taken[0].close();
                }
                assertThat(failure).as("what listen(%s) did while another server was listening there: it should refuse "
                        + "with BindException (java.net), as bind does for a TCP port in use", path).isInstanceOf(BindException.class);
                try (var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    assertEcho(utf8("still mine?"), client.exchange(utf8("still mine?"), REPLY_WITHIN),
                            "to the server that was listening at " + path + " before listen was called");
                }
            }
        }
    }

    @Graded(points = 2, hint = "Closing a Unix-domain channel does not remove its file. Remember the path before the loop "
            + "(getLocalAddress), and delete the file when accept reports the listener closed. See \"Cleaning up the socket file\".")
    @Test
    void removes_its_socket_file_when_its_listener_is_closed_and_leaves_conversations_running(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener);
                 var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                assertEcho(utf8("before"), client.exchange(utf8("before"), REPLY_WITHIN), "before the listener was closed");
                server.stop();
                assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS))
                        .as("whether the socket file %s is still there after the listener was closed and serve returned", path)
                        .isFalse();
                assertEcho(utf8("after £€"), client.exchange(utf8("after £€"), REPLY_WITHIN),
                        "on a connection accepted before the listener was closed");
            }
        }
    }

    @Graded(points = 1, hint = "A client that vanishes ends its own conversation with an IOException; catch it there and "
            + "let the server go on.")
    @Test
    void survives_clients_that_vanish(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("echo.sock");
            try (ServerSocketChannel listener = listen(script).call(path); var server = Serving.start(serve(script), listener)) {
                try (var rude = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    rude.send(new byte[200_000], REPLY_WITHIN); // and leaves without reading the echo
                }
                try (var quiet = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    quiet.shutdownOutput();
                }
                try (var next = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    assertEcho(utf8("still there?"), next.exchange(utf8("still there?"), REPLY_WITHIN),
                            "after one client left without reading its echo and one left without a word");
                }
                assertThat(server.call().isRunning()).as("serve is still running after clients vanished").isTrue();
                server.stop();
            }
        }
    }

    @Graded(points = 2, hint = "main binds --path with listen, prints \"Serving at PATH\", and on Ctrl-C closes the listener "
            + "so that serve removes the socket file. See \"Cleaning up the socket file\".")
    @Test
    void main_serves_at_its_path_and_removes_the_file_when_stopped(Script script) throws Exception {
        try (var directory = SocketDirectory.create()) {
            Path path = directory.resolve("main.sock");
            try (MainProcess main = script.startMain("--path", path.toString())) {
                MainOutput.awaitLine(main, Pattern.compile("Serving at " + Pattern.quote(path.toString())), Duration.ofSeconds(15),
                        "With --path " + path + ", main should print \"Serving at " + path + "\" once bound.");
                try (var client = ChannelTestClient.connect(UnixDomainSocketAddress.of(path))) {
                    assertEcho(utf8("hello main"), client.exchange(utf8("hello main"), REPLY_WITHIN), "to `" + main.commandLine() + "`");
                }
                ProcessHandle process = ProcessHandle.current().children()
                        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(path.toString())).orElse(false))
                        .findFirst().orElseThrow(() -> new AssertionError("cannot find the process of `" + main.commandLine() + "`"));
                process.destroy(); // SIGTERM, as Ctrl-C or kill would stop it
                main.awaitExit(Duration.ofSeconds(15));
                assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS))
                        .as("whether %s is still there after `%s` was stopped with SIGTERM (Ctrl-C)\n%s", path, main.commandLine(),
                                main.transcript())
                        .isFalse();
            }
            try (MainProcess bad = script.startMain("--port", "8881")) {
                assertThat(bad.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
                assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
            }
        }
    }

    private static boolean isSocket(Path path) throws IOException {
        // A socket is neither a regular file, nor a directory, nor a link: "other".
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                && Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }

    static void assertEcho(byte[] sent, byte[] echoed, String how) {
        assertThat(echoed)
                .as("Sent %d bytes (%s) %s; %d bytes came back (%s): %s", sent.length, Bytes.describe(sent), how, echoed.length,
                        Bytes.describe(echoed), Bytes.firstDifference(sent, echoed))
                .isEqualTo(sent);
    }
}
