package netbasics.chapters.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * Lookup is graded through its main, in a JVM of its own started with {@code -Djdk.net.hosts.file}:
 * the JDK then resolves from the test's hosts file alone, so the answers are known in advance and
 * no lookup reaches the machine's real resolver. (The property is read once, when InetAddress is
 * first used, which is why the test JVM itself cannot be pointed at the file.) The runs of one test
 * start side by side: each is independent, and the JVM's start is most of what a run costs.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>addresses(name, null): every address, in the resolver's order, for both orders of preference and for loopback names of both families: {@code lists_every_address_in_the_resolvers_order}</li>
 * <li>addresses(name, family): only that family, in order; none of it is an UnknownHostException: {@code keeps_only_the_family_asked_for}</li>
 * <li>an unknown name is an UnknownHostException (main: "unknown host", exit 1): {@code an_unknown_name_is_an_unknown_host}</li>
 * <li>firstIpv4: the first IPv4 address in the resolver's order, even when IPv6 is preferred; none is an UnknownHostException: {@code finds_the_first_ipv4_address}</li>
 * <li>reverse: the name of an address, IPv4 and IPv6; no name is an UnknownHostException: {@code finds_the_name_of_an_address}</li>
 * <li>fullyQualified: the canonical name; a name that cannot be qualified comes back as it was, never an error: {@code qualifies_a_short_name}</li>
 * <li>numeric: HOST:PORT in numbers, IPv6 in brackets, no lookup: {@code shows_a_socket_address_as_numbers}</li>
 * <li>main's commands (addresses, --family, first-ipv4, reverse, fqdn, numeric) print one answer per line, exit 0: {@code every test above, through main}</li>
 * </ul>
 */
@Exercise(chapter = "07-resolver", script = "Lookup")
public class LookupTest {

    private static final String FUNCTIONS = "See \"The resolver functions\".";
    private static final String ERRORS = "See \"When a lookup fails\".";
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    /** The IPv6 line comes first on purpose: the order of the answer is the resolver's, not the file's. */
    private static final String HOSTS = """
            # the test's own hosts file: the only source of names in these runs
            fd00::7      www.workbook.test
            10.1.2.3     www.workbook.test www
            10.1.2.4     www.workbook.test
            fd00::8      v6only.workbook.test
            10.1.2.9     db.workbook.test db
            ::1          loop.workbook.test
            127.0.0.3    loop.workbook.test
            127.0.0.2    loop.workbook.test
            """;
    private static final String PREFER_IPV6 = "-Djava.net.preferIPv6Addresses=true";
    private static final String V6_7 = v6("fd00::7");
    private static final String V6_8 = v6("fd00::8");
    private static final String V6_LOOPBACK = v6("::1");

    @Graded(points = 3, hint = "getaddrinfo is InetAddress.getAllByName: every address, in the order the resolver "
            + "gives them (keep it: it is the system's preference). getByName gives only the first. " + FUNCTIONS)
    @Test
    void lists_every_address_in_the_resolvers_order(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(), "addresses", "www.workbook.test"),
                new Invocation(List.of(PREFER_IPV6), "addresses", "www.workbook.test"),
                new Invocation(List.of(), "addresses", "loop.workbook.test"),
                new Invocation(List.of(PREFER_IPV6), "addresses", "loop.workbook.test"));
        assertPrints(runs.get(0), "10.1.2.3", "10.1.2.4", V6_7);
        assertPrints(runs.get(1), V6_7, "10.1.2.3", "10.1.2.4");
        // Loopback addresses of both families, IPv6 first in the file and 127.0.0.3 before 127.0.0.2: not sorted.
        assertPrints(runs.get(2), "127.0.0.3", "127.0.0.2", V6_LOOPBACK);
        assertPrints(runs.get(3), V6_LOOPBACK, "127.0.0.3", "127.0.0.2");
    }

    @Graded(points = 2, hint = "Filter by family with instanceof Inet4Address / Inet6Address; a name left without "
            + "any address of that family is an UnknownHostException, as getaddrinfo fails for it. " + FUNCTIONS)
    @Test
    void keeps_only_the_family_asked_for(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(), "addresses", "www.workbook.test", "--family", "ipv6"),
                new Invocation(List.of(PREFER_IPV6), "addresses", "www.workbook.test", "--family", "ipv4"),
                new Invocation(List.of(), "addresses", "v6only.workbook.test", "--family", "ipv4"),
                new Invocation(List.of(PREFER_IPV6), "addresses", "loop.workbook.test", "--family", "ipv4"));
        assertPrints(runs.get(0), V6_7);
        assertPrints(runs.get(1), "10.1.2.3", "10.1.2.4");
        assertUnknown(runs.get(2));
        assertPrints(runs.get(3), "127.0.0.3", "127.0.0.2");
    }

    @Graded(points = 1, hint = "A name the resolver does not know is an UnknownHostException (Python's gaierror): let it "
            + "reach main, which reports it. " + ERRORS)
    @Test
    void an_unknown_name_is_an_unknown_host(Script script) {
        assertUnknown(runs(script, new Invocation(List.of(), "addresses", "nowhere.workbook.test")).get(0));
    }

    @Graded(points = 2, hint = "gethostbyname knows only IPv4: take the first Inet4Address of getAllByName, not whatever "
            + "getByName puts first (IPv6, when the system prefers it). " + FUNCTIONS)
    @Test
    void finds_the_first_ipv4_address(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(PREFER_IPV6), "first-ipv4", "www.workbook.test"),
                new Invocation(List.of(), "first-ipv4", "v6only.workbook.test"),
                new Invocation(List.of(PREFER_IPV6), "first-ipv4", "loop.workbook.test"));
        assertPrints(runs.get(0), "10.1.2.3");
        assertUnknown(runs.get(1));
        assertPrints(runs.get(2), "127.0.0.3");
    }

    @Graded(points = 2, hint = "gethostbyaddr: getCanonicalHostName on an address made from its bytes does the reverse "
            + "lookup; when it finds no name it returns the numbers, which must become an UnknownHostException. " + FUNCTIONS)
    @Test
    void finds_the_name_of_an_address(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(), "reverse", "10.1.2.4"), new Invocation(List.of(), "reverse", "fd00::8"),
                new Invocation(List.of(), "reverse", "10.200.0.1"));
        assertPrints(runs.get(0), "www.workbook.test");
        assertPrints(runs.get(1), "v6only.workbook.test");
        assertUnknown(runs.get(2));
    }

    @Graded(points = 2, hint = "getfqdn: resolve the name, then ask for the canonical name of its address; a name that "
            + "cannot be qualified comes back as it was, never as an error. " + FUNCTIONS)
    @Test
    void qualifies_a_short_name(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(), "fqdn", "db"), new Invocation(List.of(), "fqdn", "nowhere"));
        assertPrints(runs.get(0), "db.workbook.test");
        assertPrints(runs.get(1), "nowhere");
    }

    @Graded(points = 2, hint = "getnameinfo with NI_NUMERICHOST: getAddress().getHostAddress() gives the numbers without "
            + "any lookup (getHostName/getHostString give a name); IPv6 goes in brackets before :PORT. " + FUNCTIONS)
    @Test
    void shows_a_socket_address_as_numbers(Script script) {
        List<Run> runs = runs(script, new Invocation(List.of(), "numeric", "www", "8881"),
                new Invocation(List.of(), "numeric", "v6only.workbook.test", "53"));
        assertPrints(runs.get(0), "10.1.2.3:8881");
        assertPrints(runs.get(1), "[" + V6_8 + "]:53");
    }

    // ---- helpers

    private record Run(String commandLine, int exit, List<String> lines, String transcript) {}

    /** One run of main: options for its JVM, and its arguments. */
    private record Invocation(List<String> jvmOptions, String... arguments) {}

    /**
     * Runs each invocation's main in a JVM of its own with the test's hosts file, all side by side
     * (each is independent, and a JVM's start is most of the time a run takes), and returns their
     * runs in the same order.
     */
    private static List<Run> runs(Script script, Invocation... invocations) {
        List<MainProcess> started = new ArrayList<>();
        try {
            for (Invocation invocation : invocations) {
                List<String> options = new ArrayList<>(invocation.jvmOptions());
                options.add("-Djdk.net.hosts.file=" + hostsFile());
                started.add(script.startMainWith(options, invocation.arguments()));
            }
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < invocations.length; i++) {
                MainProcess main = started.get(i);
                List<String> jvmOptions = invocations[i].jvmOptions();
                int exit = main.awaitExit(EXIT_WITHIN);
                runs.add(new Run(main.commandLine() + (jvmOptions.isEmpty() ? "" : " (JVM options " + jvmOptions + ")"), exit,
                        main.stdout().lines().toList(), main.transcript()));
            }
            return runs;
        } finally {
            started.forEach(MainProcess::close);
        }
    }

    private static void assertPrints(Run run, String... expected) {
        assertThat(run.lines()).as("`%s` (with the test's hosts file) should print %s, one per line. %s",
                run.commandLine(), List.of(expected), run.transcript()).containsExactly(expected);
        assertThat(run.exit()).as("exit status of `%s`", run.commandLine()).isZero();
    }

    private static void assertUnknown(Run run) {
        assertThat(run.exit()).as("`%s` should fail with UnknownHostException (main then exits 1). %s", run.commandLine(),
                run.transcript()).isEqualTo(1);
        assertThat(run.lines()).as("what `%s` printed", run.commandLine()).anyMatch(line -> line.startsWith("unknown host"));
    }

    private static volatile Path hosts;

    private static synchronized Path hostsFile() {
        if (hosts == null) {
            try {
                Path file = Files.createTempFile("netbasics-hosts-", ".txt");
                Files.writeString(file, HOSTS, StandardCharsets.US_ASCII);
                file.toFile().deleteOnExit();
                hosts = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return hosts;
    }

    private static String v6(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress(); // a literal: parsed, not looked up
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
