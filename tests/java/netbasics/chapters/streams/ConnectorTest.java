package netbasics.chapters.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import netbasics.fixtures.Loopback;
import netbasics.fixtures.SilentTcpPort;
import netbasics.grading.Call;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Connector is graded with three kinds of loopback address: one where nothing listens (the
 * connection is refused at once), one that never answers (a listener whose queue is full: see
 * {@link SilentTcpPort}), and one that accepts.
 *
 * <p>The contract of {@code Connector} ("Connecting to a name with several addresses") and the test
 * that checks each clause:
 * <ul>
 * <li>returns a socket connected to the first address that accepts: {@code connects_to_a_single_address_that_accepts}
 * <li>an address that refuses is one failed attempt: {@code goes_on_to_the_next_address_when_one_refuses}
 * <li>each attempt is bounded by the timeout: {@code gives_up_on_a_silent_address_after_the_timeout}
 * <li>the addresses are tried in the order given, stopping at the first that connects:
 *     {@code connects_to_the_address_that_accepts_in_every_order}
 * <li>when none accepts: a ConnectException with a line per address and each attempt's exception
 *     suppressed, in order: {@code when_every_address_fails_carries_each_attempts_exception},
 *     {@code when_every_address_fails_names_each_address_and_why}
 * <li>every attempt, on a fresh socket, is bound to {@code source}: {@code binds_every_attempt_to_the_source_address}
 * <li>the name form resolves every address of the name: {@code resolves_a_host_name_and_connects}; and
 *     tries them in the resolver's order, first ones refusing, IPv4 and IPv6 mixed, from the test's own
 *     hosts file: {@code main_tries_every_address_of_a_name_in_the_resolvers_order}
 * <li>IPv6 and IPv4 addresses alike: {@code tries_ipv6_and_ipv4_addresses_alike}
 * <li>an empty list and a timeout that is not positive are IllegalArgumentException:
 *     {@code rejects_an_empty_list_and_a_timeout_that_is_not_positive}
 * <li>a timeout under a millisecond still ends, one of many days still connects:
 *     {@code takes_a_timeout_under_a_millisecond_or_of_many_days}
 * <li>main prints "Connected to ADDRESS:PORT from ADDRESS:PORT", or why not:
 *     {@code main_prints_where_it_connected}
 * </ul>
 */
@Exercise(chapter = "03-streams", script = "Connector")
public class ConnectorTest {

    private static final String SECTION = "See \"Connecting to a name with several addresses\".";
    /** The per-attempt timeout the tests pass: ample for loopback, short enough to wait out a few times. */
    private static final Duration ATTEMPT = Duration.ofMillis(150);
    private static final String ATTEMPT_MS = ATTEMPT.toMillis() + " ms";
    /** On top of the attempts' timeouts, how long a call may take. */
    private static final Duration SLACK = Duration.ofMillis(2_500);

    private static Contract connectToAddresses(Script script, int silentAttempts) {
        return script.method("connect", Socket.class, List.class, Duration.class, InetSocketAddress.class)
                .within(ATTEMPT.multipliedBy(silentAttempts).plus(SLACK));
    }

    private static Contract connectToHost(Script script) {
        return script.method("connect", Socket.class, String.class, int.class, Duration.class, InetSocketAddress.class)
                .within(SLACK);
    }

    @Graded(points = 1, hint = "Make a Socket, connect it with connect(address, timeoutMillis), and return it connected. "
            + SECTION)
    @Test
    void connects_to_a_single_address_that_accepts(Script script) throws Exception {
        try (var listener = Loopback.tcpListener()) {
            List<InetSocketAddress> addresses = List.of(address(listener));
            try (Socket socket = connectToAddresses(script, 0).call(addresses, ATTEMPT, null)) {
                assertConnectedTo(socket, listener, "connect(" + addresses + ", " + ATTEMPT_MS + ", null)");
            }
        }
    }

    @Graded(points = 2, hint = "A refused connection is one failed attempt, not the end: note the exception and go on to "
            + "the next address, on a new Socket (a socket whose connect failed is closed for good). " + SECTION)
    @Test
    void goes_on_to_the_next_address_when_one_refuses(Script script) throws Exception {
        try (var listener = Loopback.tcpListener()) {
            List<InetSocketAddress> addresses = List.of(Loopback.closedTcpPort(), Loopback.closedTcpPort(), address(listener));
            String call = "connect([refuses, refuses, accepts] = " + addresses + ", " + ATTEMPT_MS + ", null)";
            try (Socket socket = callExpectingSocket(connectToAddresses(script, 0), call, addresses)) {
                assertConnectedTo(socket, listener, call);
            }
        }
    }

    @Graded(points = 2, hint = "An address may never answer: Socket.connect(address) without a timeout then waits for "
            + "minutes. Pass the timeout to connect(address, millis); a SocketTimeoutException is one more failed attempt. "
            + SECTION)
    @Test
    void gives_up_on_a_silent_address_after_the_timeout(Script script) throws Exception {
        try (var listener = Loopback.tcpListener(); var silent = SilentTcpPort.open()) {
            List<InetSocketAddress> addresses = List.of(silent.address(), address(listener));
            String call = "connect([never answers, accepts] = " + addresses + ", " + ATTEMPT_MS + ", null)";
            try (Socket socket = callExpectingSocket(connectToAddresses(script, 1), call, addresses)) {
                assertConnectedTo(socket, listener, call);
            }
        }
    }

    @Graded(points = 2, hint = "Try the addresses in the order given and stop at the first that connects: the order is "
            + "the resolver's advice on which to prefer. Whatever comes before it, an address that refuses or one that "
            + "never answers, is one failed attempt. " + SECTION)
    @Test
    void connects_to_the_address_that_accepts_in_every_order(Script script) throws Exception {
        List<List<String>> orders = permutations(List.of("refuses", "never answers", "accepts"));
        var listeners = new ArrayList<ServerSocket>();
        try (var silent = SilentTcpPort.open(); var second = Loopback.tcpListener()) {
            // The six orders are tried at once, each with a listener of its own, so their timeouts run side by side.
            var calls = new ArrayList<Call>();
            var described = new ArrayList<String>();
            for (List<String> order : orders) {
                var listener = Loopback.tcpListener();
                listeners.add(listener);
                Map<String, InetSocketAddress> kinds = Map.of("refuses", Loopback.closedTcpPort(), "never answers", silent.address(),
                        "accepts", address(listener));
                List<InetSocketAddress> addresses = order.stream().map(kinds::get).toList();
                described.add("connect(" + order + " = " + addresses + ", " + ATTEMPT_MS + ", null)");
                calls.add(connectToAddresses(script, 1).start(addresses, ATTEMPT, null));
            }
            for (int i = 0; i < orders.size(); i++) {
                var call = calls.get(i);
                try (Socket socket = socketFrom(described.get(i), () -> call.result(ATTEMPT.plus(SLACK)))) {
                    assertConnectedTo(socket, listeners.get(i), described.get(i));
                }
            }
            var first = listeners.get(0);
            List<InetSocketAddress> both = List.of(address(second), address(first));
            String call = "connect([accepts, also accepts] = " + both + ", " + ATTEMPT_MS + ", null)";
            try (Socket socket = callExpectingSocket(connectToAddresses(script, 0), call, both)) {
                assertThat(socket.getRemoteSocketAddress()).as("%s must connect to the first address that accepts, %s", call,
                        address(second)).isEqualTo(address(second));
                second.setSoTimeout(2_000);
                second.accept().close();
            }
        } finally {
            for (ServerSocket listener : listeners) {
                listener.close();
            }
        }
    }

    @Graded(points = 2, hint = "When every attempt fails, throw one ConnectException and attach each attempt's exception "
            + "to it with addSuppressed, in order: the caller can see what happened at every address. " + SECTION)
    @Test
    void when_every_address_fails_carries_each_attempts_exception(Script script) throws Exception {
        try (var silent = SilentTcpPort.open()) {
            List<InetSocketAddress> addresses = List.of(Loopback.closedTcpPort(), silent.address(), Loopback.closedTcpPort());
            String call = "connect([refuses, never answers, refuses] = " + addresses + ", " + ATTEMPT_MS + ", null)";
            Throwable thrown = catchThrowable(() -> connectToAddresses(script, 1).call(addresses, ATTEMPT, null));
            rethrowUnlessIOException(thrown, call);
            assertThat(thrown).as("%s threw %s; expected a ConnectException", call, thrown).isInstanceOf(ConnectException.class);
            List<Class<?>> causes = Arrays.stream(thrown.getSuppressed()).<Class<?>>map(Object::getClass).toList();
            assertThat(causes).as("%s threw %s, whose suppressed exceptions are %s; expected one per attempt, in order: the "
                    + "refusal, the timeout, the refusal", call, thrown, Arrays.toString(thrown.getSuppressed()))
                    .containsExactly(ConnectException.class, SocketTimeoutException.class, ConnectException.class);
        }
    }

    @Graded(points = 1, hint = "The message of the ConnectException thrown when every attempt fails should name each "
            + "address and what happened there, one line each. " + SECTION)
    @Test
    void when_every_address_fails_names_each_address_and_why(Script script) throws Exception {
        List<InetSocketAddress> addresses = List.of(Loopback.closedTcpPort(), Loopback.closedTcpPort());
        String call = "connect([refuses, refuses] = " + addresses + ", " + ATTEMPT_MS + ", null)";
        Throwable thrown = catchThrowable(() -> connectToAddresses(script, 0).call(addresses, ATTEMPT, null));
        rethrowUnlessIOException(thrown, call);
        String message = String.valueOf(thrown.getMessage());
        for (InetSocketAddress address : addresses) {
            assertThat(message).as("%s threw %s; its message must name each address tried, with its port, %d", call, thrown,
                    address.getPort()).contains(String.valueOf(address.getPort()));
        }
        for (InetSocketAddress address : addresses) {
            int port = address.getPort();
            List<Integer> others = addresses.stream().map(InetSocketAddress::getPort).filter(other -> other != port).toList();
            boolean lineOfItsOwn = message.lines().anyMatch(line -> namesPort(line, port) && others.stream().noneMatch(other -> namesPort(line, other)));
            assertThat(lineOfItsOwn).as("%s threw a ConnectException whose message is:\n%s\nIt must give each address a line of "
                    + "its own, saying what happened there, but no line names port %d without naming another address's port "
                    + "too (start each address's line with \"\\n\")", call, message, port).isTrue();
        }
        assertThat(message.toLowerCase()).as("%s threw %s; its message must say why each attempt failed (\"Connection "
                + "refused\")", call, thrown).contains("refused");
    }

    @Graded(points = 1, hint = "Bind each attempt's socket to the source address, when there is one, before connecting: "
            + "socket.bind(source). " + SECTION)
    @Test
    void binds_every_attempt_to_the_source_address(Script script) throws Exception {
        var source = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0);
        try (var probe = new Socket()) {
            probe.bind(source);
        } catch (IOException unavailable) {
            Assumptions.abort("127.0.0.2 cannot be bound on this machine (" + unavailable + "), so there is no second loopback "
                    + "address to connect from");
        }
        try (var listener = Loopback.tcpListener()) {
            List<InetSocketAddress> addresses = List.of(Loopback.closedTcpPort(), address(listener));
            String call = "connect([refuses, accepts] = " + addresses + ", " + ATTEMPT_MS + ", source 127.0.0.2:0)";
            Socket socket = connectToAddresses(script, 0).call(addresses, ATTEMPT, source);
            try (socket) {
                assertConnectedTo(socket, listener, call);
                assertThat(((InetSocketAddress) socket.getLocalSocketAddress()).getAddress()).as("the local address of the socket "
                        + "returned by %s", call).isEqualTo(source.getAddress());
            }
        }
    }

    @Graded(points = 1, hint = "InetAddress.getAllByName(host) gives every address of a name (getByName only the first); "
            + "pair each with the port and try them in turn. " + SECTION)
    @Test
    void resolves_a_host_name_and_connects(Script script) throws Exception {
        // The listener is on the last address localhost resolves to here: every one before it must be tried first.
        InetAddress[] resolved = InetAddress.getAllByName("localhost");
        InetAddress last = resolved[resolved.length - 1];
        try (var listener = new ServerSocket()) {
            try {
                listener.bind(new InetSocketAddress(last, 0));
            } catch (IOException unavailable) {
                Assumptions.abort("localhost resolves to " + last + ", which cannot be bound here: " + unavailable);
            }
            int port = listener.getLocalPort();
            String call = "connect(\"localhost\", " + port + ", " + ATTEMPT_MS + ", null), localhost being "
                    + Arrays.toString(resolved) + " and only " + last.getHostAddress() + " accepting";
            try (Socket socket = connectToHost(script).call("localhost", port, ATTEMPT, null)) {
                assertConnectedTo(socket, listener, call);
            }
        }
    }

    @Graded(points = 1, hint = "Nothing in the loop depends on the address family: a name may have IPv6 and IPv4 "
            + "addresses, and the same code tries both. " + SECTION)
    @Test
    void tries_ipv6_and_ipv4_addresses_alike(Script script) throws Exception {
        Loopback.assumeIpv6();
        try (var v4 = Loopback.tcpListener(); var v6 = new ServerSocket()) {
            v6.bind(new InetSocketAddress(Loopback.ipv6(), 0));
            InetSocketAddress closedV6;
            try (var closing = new ServerSocket()) {
                closing.bind(new InetSocketAddress(Loopback.ipv6(), 0));
                closedV6 = (InetSocketAddress) closing.getLocalSocketAddress();
            }
            List<InetSocketAddress> toV4 = List.of(closedV6, address(v4));
            String toV4Call = "connect(" + toV4 + ", " + ATTEMPT_MS + ", null)";
            try (Socket socket = callExpectingSocket(connectToAddresses(script, 0), toV4Call, toV4)) {
                assertConnectedTo(socket, v4, "connect([::1 refuses, 127.0.0.1 accepts], " + ATTEMPT_MS + ", null)");
            }
            List<InetSocketAddress> toV6 = List.of(Loopback.closedTcpPort(), address(v6));
            String toV6Call = "connect(" + toV6 + ", " + ATTEMPT_MS + ", null)";
            try (Socket socket = callExpectingSocket(connectToAddresses(script, 0), toV6Call, toV6)) {
                assertConnectedTo(socket, v6, "connect([127.0.0.1 refuses, ::1 accepts], " + ATTEMPT_MS + ", null)");
            }
        }
    }

    @Graded(points = 1, hint = "main parses --host, --port, --timeout (milliseconds) and --source, connects, and prints "
            + "\"Connected to ADDRESS:PORT from ADDRESS:PORT\"; when no address accepts it prints why and exits with 1.")
    @Test
    void main_prints_where_it_connected(Script script) throws Exception {
        int closed = Loopback.closedTcpPort().getPort();
        // All three start at once: each JVM takes a moment to start.
        try (var listener = Loopback.tcpListener();
             MainProcess main = script.startMain("--host", "127.0.0.1", "--port", String.valueOf(listener.getLocalPort()),
                     "--timeout", "2000");
             MainProcess refused = script.startMain("--host", "127.0.0.1", "--port", String.valueOf(closed));
             MainProcess bad = script.startMain("--timeout", "soon")) {
            // All three exit by themselves: wait for that (a main that exited stops MainOutput's waits early), then read.
            assertThat(main.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`, a listener on 127.0.0.1:%d accepting\n%s",
                    main.commandLine(), listener.getLocalPort(), main.transcript()).isZero();
            assertThat(main.stdout()).as("what `%s` printed, a listener on 127.0.0.1:%d accepting", main.commandLine(), listener.getLocalPort())
                    .containsPattern("Connected to 127\\.0\\.0\\.1:" + listener.getLocalPort() + " from 127\\.0\\.0\\.1:\\d+");
            assertThat(refused.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`, where nothing listens", refused.commandLine())
                    .isEqualTo(1);
            assertThat(refused.stdout()).as("what `%s` printed, where nothing listens", refused.commandLine())
                    .contains(String.valueOf(closed)).containsIgnoringCase("refused");
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    @Graded(points = 1, hint = "An empty list and a timeout that is not positive (zero would mean \"forever\" to Socket.connect) "
            + "are the caller's mistakes: throw IllegalArgumentException before trying anything. " + SECTION)
    @Test
    void rejects_an_empty_list_and_a_timeout_that_is_not_positive(Script script) throws Exception {
        try (var listener = Loopback.tcpListener()) {
            List<InetSocketAddress> accepting = List.of(address(listener));
            Map<String, Connecting> mistakes = new java.util.LinkedHashMap<>();
            mistakes.put("connect([], " + ATTEMPT_MS + ", null)", () -> connectToAddresses(script, 0).call(List.of(), ATTEMPT, null));
            mistakes.put("connect(" + accepting + ", 0 ms, null)", () -> connectToAddresses(script, 0).call(accepting, Duration.ZERO, null));
            mistakes.put("connect(" + accepting + ", -1 ms, null)",
                    () -> connectToAddresses(script, 0).call(accepting, Duration.ofMillis(-1), null));
            for (var mistake : mistakes.entrySet()) {
                Throwable thrown = catchThrowable(() -> {
                    Object returned = mistake.getValue().connect();
                    if (returned instanceof Socket socket) {
                        socket.close();
                    }
                });
                if (thrown instanceof UnsupportedOperationException todo) {
                    throw todo;
                }
                assertThat(thrown).as("what %s threw (the caller's mistake)", mistake.getKey()).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Graded(points = 1, hint = "Socket.connect takes whole milliseconds in an int, and 0 means \"forever\": give a timeout "
            + "under a millisecond at least 1 ms, and one too long for an int Integer.MAX_VALUE ms. " + SECTION)
    @Test
    void takes_a_timeout_under_a_millisecond_or_of_many_days(Script script) throws Exception {
        try (var silent = SilentTcpPort.open()) {
            List<InetSocketAddress> never = List.of(silent.address());
            String call = "connect([never answers] = " + never + ", 0.3 ms, null)";
            Throwable thrown = catchThrowable(() -> connectToAddresses(script, 0).call(never, Duration.ofNanos(300_000), null));
            rethrowUnlessIOException(thrown, call);
            assertThat(thrown).as("what %s threw (0.3 ms must not become 0, \"forever\")", call).isInstanceOf(ConnectException.class);
        }
        try (var listener = Loopback.tcpListener()) {
            List<InetSocketAddress> accepting = List.of(address(listener));
            String call = "connect(" + accepting + ", 30 days, null)";
            try (Socket socket = socketFrom(call, () -> connectToAddresses(script, 0).call(accepting, Duration.ofDays(30), null))) {
                assertConnectedTo(socket, listener, call);
            }
        }
    }

    /**
     * The test's hosts file: each name has several loopback addresses. With the JDK's default
     * order (IPv4 first, in the file's order, then IPv6) "first.workbook.test" is 127.0.0.2,
     * 127.0.0.3, 127.0.0.4, ::1 and "last.workbook.test" 127.0.0.2, 127.0.0.4, ::1.
     */
    private static final String HOSTS = """
            # the test's own hosts file: the only source of names for the Connector it starts
            ::1          first.workbook.test last.workbook.test
            127.0.0.2    first.workbook.test last.workbook.test
            127.0.0.3    first.workbook.test
            127.0.0.4    first.workbook.test last.workbook.test
            """;

    @Graded(points = 2, hint = "InetAddress.getAllByName(host) gives every address of a name in the resolver's order (getByName "
            + "only the first): try them all, in that order, and keep the first that connects. " + SECTION)
    @Test
    void main_tries_every_address_of_a_name_in_the_resolvers_order(Script script) throws Exception {
        Loopback.assumeIpv6();
        Path hosts = Files.createTempFile("netbasics-hosts-", ".txt");
        try (var v6 = new ServerSocket(); var v4 = new ServerSocket()) {
            Files.writeString(hosts, HOSTS, StandardCharsets.US_ASCII);
            v6.bind(new InetSocketAddress(Loopback.ipv6(), 0));
            int port = v6.getLocalPort();
            try {
                v4.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), port));
            } catch (IOException taken) {
                Assumptions.abort("port " + port + " is free on ::1 but taken on 127.0.0.3, so the test cannot listen on both: " + taken);
            }
            List<String> jvm = List.of("-Djdk.net.hosts.file=" + hosts, "-Djava.net.preferIPv6Addresses=false");
            // Both start at once: a JVM takes a moment to start.
            try (MainProcess last = script.startMainWith(jvm, "--host", "last.workbook.test", "--port", String.valueOf(port),
                         "--timeout", "2000");
                 MainProcess first = script.startMainWith(jvm, "--host", "first.workbook.test", "--port", String.valueOf(port),
                         "--timeout", "2000")) {
                // Both exit by themselves: wait for that (a main that exited stops MainOutput's waits early), then read.
                String lastSetUp = "The test's hosts file gives last.workbook.test the addresses 127.0.0.2, 127.0.0.4 and ::1, in that "
                        + "order; on port " + port + " the first two refuse and only ::1 accepts.";
                assertThat(last.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`. %s\n%s", last.commandLine(), lastSetUp,
                        last.transcript()).isZero();
                assertThat(last.stdout()).as("what `%s` printed. %s", last.commandLine(), lastSetUp)
                        .containsPattern("Connected to \\[?(::1|0:0:0:0:0:0:0:1)\\]?:" + port + " from ");
                String firstSetUp = "The test's hosts file gives first.workbook.test the addresses 127.0.0.2, 127.0.0.3, 127.0.0.4 and "
                        + "::1, in that order; on port " + port + " 127.0.0.2 and 127.0.0.4 refuse, 127.0.0.3 and ::1 accept, so the "
                        + "first that accepts in the resolver's order is 127.0.0.3.";
                assertThat(first.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`. %s\n%s", first.commandLine(), firstSetUp,
                        first.transcript()).isZero();
                assertThat(first.stdout()).as("what `%s` printed. %s", first.commandLine(), firstSetUp)
                        .containsPattern("Connected to 127\\.0\\.0\\.3:" + port + " from ");
            }
        } finally {
            Files.deleteIfExists(hosts);
        }
    }

    // ---- helpers

    private static InetSocketAddress address(ServerSocket listener) {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Calls connect and returns its socket; when it throws instead, fails saying what it threw and with which causes. */
    private static Socket callExpectingSocket(Contract connect, String call, List<InetSocketAddress> addresses) {
        return socketFrom(call, () -> connect.call(addresses, ATTEMPT, null));
    }

    private interface Connecting {
        Object connect();
    }

    private static Socket socketFrom(String call, Connecting connecting) {
        try {
            return (Socket) connecting.connect();
        } catch (UnsupportedOperationException todo) {
            throw todo;
        } catch (AssertionError hung) {
            throw new AssertionError(call + ": " + hung.getMessage() + " An attempt must give up after the timeout.", hung);
        } catch (Throwable thrown) {
            String causes = Arrays.stream(thrown.getSuppressed()).map(String::valueOf).collect(Collectors.joining("\n    ", "\n    ", ""));
            throw new AssertionError(call + " threw " + thrown + (thrown.getSuppressed().length > 0 ? causes : "")
                    + "\nOne of the addresses accepts connections: it should have returned a socket connected there.", thrown);
        }
    }

    /** The socket is connected to the listener, and the listener really has that connection waiting. */
    private static void assertConnectedTo(Socket socket, ServerSocket listener, String call) throws IOException {
        assertThat(socket).as("%s returned null", call).isNotNull();
        assertThat(socket.isConnected()).as("%s returned a socket that is not connected", call).isTrue();
        assertThat(socket.getRemoteSocketAddress()).as("the address that the socket returned by %s is connected to", call)
                .isEqualTo(listener.getLocalSocketAddress());
        listener.setSoTimeout(2_000);
        try (Socket accepted = listener.accept()) {
            assertThat(accepted.getRemoteSocketAddress()).as("the connection that %s made, seen from the listener", call)
                    .isEqualTo(socket.getLocalSocketAddress());
        }
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        var all = new ArrayList<List<T>>();
        for (T first : items) {
            var rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<T> tail : permutations(rest)) {
                var order = new ArrayList<T>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }

    /** Whether {@code line} has {@code port} in it as a number of its own, not as part of a longer one. */
    private static boolean namesPort(String line, int port) {
        return Pattern.compile("(?<!\\d)" + port + "(?!\\d)").matcher(line).find();
    }

    /** For a call that must fail with an IOException: a stub's TODO, a hang, or a normal return fail the test as they are. */
    private static void rethrowUnlessIOException(Throwable thrown, String call) {
        if (thrown == null) {
            throw new AssertionError(call + " returned normally, but no address accepts: it must throw a ConnectException.");
        }
        if (thrown instanceof IOException) {
            return;
        }
        if (thrown instanceof AssertionError hung) {
            throw new AssertionError(call + ": " + hung.getMessage() + " An attempt must give up after the timeout.", hung);
        }
        if (thrown instanceof UnsupportedOperationException todo) {
            throw todo;
        }
        throw new AssertionError(call + " threw " + thrown + "; expected a ConnectException.", thrown);
    }
}
