package netbasics.chapters.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import netbasics.fixtures.DnsTestServer;
import netbasics.fixtures.DnsTestServer.Mode;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The resolver talks to a programmable DNS server built on dnsjava, which also reads its queries. */
@Exercise(chapter = "07-resolver", script = "StubResolver")
public class StubResolverTest {

    private static final String ASKING = "See \"Asking a server: timeouts and retries\".";
    private static final String CHECKING = "See \"Who answered, and to what?\".";
    private static final String TCP = "See \"Too big for a datagram: TCP\".";
    private static final String ANSWERS = "See \"Aliases and errors\".";
    /** One attempt's wait: generous, since other builds share the machine; loopback answers in far less. */
    private static final Duration TIMEOUT = Duration.ofMillis(1_500);
    /** A bound on a whole call: every attempt's timeout and then some. */
    private static final Duration CALL_BOUND = Duration.ofSeconds(15);

    private static Contract exchange(Script script) {
        return script.method("exchange", byte[].class, InetSocketAddress.class, byte[].class, Duration.class, int.class).within(CALL_BOUND);
    }

    private static Contract resolve(Script script) {
        return script.method("resolve", List.class, InetSocketAddress.class, String.class, int.class, Duration.class, int.class)
                .within(CALL_BOUND);
    }

    // ---- exchange: UDP, timeouts, retries

    @Graded(points = 2, hint = "Send the query in one datagram to the server, then receive the reply with a timeout "
            + "(setSoTimeout) and return exactly its bytes. " + ASKING)
    @Test
    void exchange_sends_the_query_and_returns_the_reply(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("www.example.com", "192.0.2.1")) {
            byte[] query = query(0x2B2B, "www.example.com", Type.A);
            byte[] reply = exchange(script).call(server.address(), query, TIMEOUT, 2);
            assertThat(server.udpQueries()).as("queries the server received over UDP").isNotEmpty();
            assertThat(server.udpQueries().get(0).toWire()).as("the query as it reached the server").isEqualTo(query);
            assertThat(addresses(reply, "exchange of a query for www.example.com A")).containsExactly("192.0.2.1");
        }
    }

    @Graded(points = 2, hint = "A lost datagram is not an error yet: when an attempt times out, send the query again, "
            + "up to `retries` more times. " + ASKING)
    @Test
    void retries_when_the_server_stays_silent(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("www.example.com", "192.0.2.1").then(Mode.DROP, Mode.DROP)) {
            byte[] reply = exchange(script).call(server.address(), query(7, "www.example.com", Type.A), Duration.ofMillis(700), 3);
            assertThat(server.udpQueries()).as("the server dropped the first two queries, so it should have received a third")
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(addresses(reply, "the reply to the third attempt")).containsExactly("192.0.2.1");
        }
    }

    @Graded(points = 2, hint = "Give up after 1 + retries attempts, each waiting at most the timeout, with a "
            + "SocketTimeoutException: a receive without a timeout waits forever. " + ASKING)
    @Test
    void gives_up_in_time_when_nobody_answers(Script script) throws Exception {
        try (var server = DnsTestServer.start().silent()) {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> exchange(script).call(server.address(), query(9, "example.com", Type.A),
                    Duration.ofMillis(400), 2));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(thrown).as("exchange with a server that never answers (timeout 400 ms, 2 retries)")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(server.udpQueries()).as("queries sent before giving up: 1 + 2 retries").hasSize(3);
            assertThat(millis).as("milliseconds until it gave up: three attempts of 400 ms").isGreaterThanOrEqualTo(1_100);
        }
    }

    // ---- exchange: which replies to believe

    @Graded(points = 2, hint = "A reply whose id is not the query's answers some other query (or is forged): ignore it "
            + "and keep waiting until the attempt's timeout. " + CHECKING)
    @Test
    void ignores_a_reply_with_another_id(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.WRONG_ID, "first a reply with another id");
    }

    @Graded(points = 2, hint = "Believe only a datagram from the server's address and port (packet.getSocketAddress()): "
            + "anyone can send you a datagram. " + CHECKING)
    @Test
    void ignores_a_reply_from_another_port(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.OTHER_PORT, "first a reply with the right id from another port");
    }

    @Graded(points = 1, hint = "The reply repeats the question: it must be the question you asked (name, type, class). "
            + CHECKING)
    @Test
    void ignores_a_reply_to_another_question(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.WRONG_QUESTION, "first a reply with the right id to another question");
    }

    @Graded(points = 1, hint = "A reply that cannot be decoded is no answer: drop it and keep waiting for a good one. "
            + CHECKING)
    @Test
    void ignores_a_malformed_reply(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.MALFORMED, "first a reply with the right id whose promised answers are missing");
    }

    private static void assertIgnoresForgery(Script script, Mode mode, String what) throws Exception {
        try (var server = DnsTestServer.start().a("bank.example", "192.0.2.7").then(mode)) {
            byte[] reply = exchange(script).call(server.address(), query(0x4242, "bank.example", Type.A), TIMEOUT, 1);
            List<String> got = addresses(reply, "the reply returned by exchange");
            assertThat(got).as("The server sent %s (claiming %s), then the true reply 100 ms later; exchange returned a reply with %s",
                    what, DnsTestServer.FORGED_IPV4, got).containsExactly("192.0.2.7");
        }
    }

    @Graded(points = 3, hint = "A reply with the TC bit (0x0200) set was cut to fit a datagram: send the same query over "
            + "TCP to the same address and port, with a 2-byte length before it, and read the reply the same way. " + TCP)
    @Test
    void asks_again_over_tcp_when_the_reply_is_truncated(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("big.example", "192.0.2.1").a("big.example", "192.0.2.2").then(Mode.TRUNCATE)) {
            byte[] query = query(0x7007, "big.example", Type.A);
            byte[] reply = exchange(script).call(server.address(), query, TIMEOUT, 1);
            assertThat(server.tcpQueries()).as("queries over TCP after a truncated UDP reply").hasSize(1);
            assertThat(server.tcpQueries().get(0).toWire()).as("the query sent over TCP").isEqualTo(query);
            assertThat(addresses(reply, "the reply after a truncated one")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
        }
    }

    // ---- resolve: names to addresses

    @Graded(points = 2, hint = "Encode a query with a fresh random id and RD set, exchange it, decode the reply and "
            + "return the addresses of the records of the type asked. " + ANSWERS)
    @Test
    void resolves_a_name_to_its_addresses(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("www.example.com", "192.0.2.1").a("www.example.com", "192.0.2.2")
                .aaaa("www.example.com", "2001:db8::5")) {
            assertThat(texts(resolve(script).call(server.address(), "www.example.com", Type.A, TIMEOUT, 2)))
                    .as("resolve(www.example.com, A)").containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
            assertThat(texts(resolve(script).call(server.address(), "www.example.com", Type.AAAA, TIMEOUT, 2)))
                    .as("resolve(www.example.com, AAAA)").containsExactly(InetAddress.getByName("2001:db8::5").getHostAddress());
            assertThat(texts(resolve(script).call(server.address(), "www.example.com.", Type.A, TIMEOUT, 2)))
                    .as("resolve(www.example.com., A): the final dot changes nothing").containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
            List<Message> queries = server.udpQueries();
            for (Message query : queries) {
                assertThat(query.getHeader().getFlag(Flags.RD)).as("the RD flag of the query %s", query).isTrue();
                assertThat(query.getQuestion().getName()).isEqualTo(Name.fromString("www.example.com."));
            }
            assertThat(queries.stream().map(q -> q.getHeader().getID()).distinct().count())
                    .as("distinct ids among three queries: each id should be chosen afresh, at random").isGreaterThanOrEqualTo(2);
        }
    }

    @Graded(points = 2, hint = "When the answer starts with a CNAME for your name, follow it: the addresses belong to "
            + "the CNAME's target (which may be an alias again). " + ANSWERS)
    @Test
    void follows_a_cname_chain_to_the_addresses(Script script) throws Exception {
        try (var server = DnsTestServer.start().cname("www.example.com", "edge.example.net").cname("edge.example.net", "pop7.cdn.example")
                .a("pop7.cdn.example", "203.0.113.7").a("unrelated.example", "192.0.2.99")) {
            assertThat(texts(resolve(script).call(server.address(), "www.example.com", Type.A, TIMEOUT, 2)))
                    .as("resolve(www.example.com, A) where www.example.com -> edge.example.net -> pop7.cdn.example A 203.0.113.7")
                    .containsExactly("203.0.113.7");
        }
    }

    @Graded(points = 2, hint = "An rcode of 3 (NXDOMAIN) is an answer: the name does not exist. Throw an "
            + "UnknownHostException; do not return an empty list, which means \"exists, but no address of that type\". " + ANSWERS)
    @Test
    void tells_no_such_name_from_no_address(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("v4only.example", "192.0.2.4")) {
            Throwable thrown = catchThrowable(() -> resolve(script).call(server.address(), "nowhere.example", Type.A, TIMEOUT, 2));
            assertThat(thrown).as("resolve of a name the server says does not exist (NXDOMAIN)").isInstanceOf(UnknownHostException.class);
            List<InetAddress> none = resolve(script).call(server.address(), "v4only.example", Type.AAAA, TIMEOUT, 2);
            assertThat(none).as("resolve(v4only.example, AAAA): the name exists, with no AAAA record").isEmpty();
        }
    }

    @Graded(points = 2, hint = "An rcode of 2 (SERVFAIL) says the server could not find out: throw the script's "
            + "ServerFailure, not UnknownHostException (the name may well exist). " + ANSWERS)
    @Test
    void tells_server_failure_apart(Script script) throws Exception {
        try (var server = DnsTestServer.start().failing("broken.example")) {
            Throwable thrown = catchThrowable(() -> resolve(script).call(server.address(), "broken.example", Type.A, TIMEOUT, 2));
            assertThat(thrown).as("resolve of a name the server answers with SERVFAIL").isInstanceOf(IOException.class)
                    .isNotInstanceOf(UnknownHostException.class).isNotInstanceOf(SocketTimeoutException.class);
            assertThat(thrown.getClass().getSimpleName()).as("the exception's class").isEqualTo("ServerFailure");
        }
    }

    @Graded(points = 1, hint = "main parses --server HOST:PORT, NAME and --type, calls resolve and prints one line per "
            + "address: NAME, the type, the address.")
    @Test
    void main_prints_the_answers(Script script) throws Exception {
        try (var server = DnsTestServer.start().cname("www.example.com", "web.example.com").a("web.example.com", "198.51.100.3");
             MainProcess main = script.startMain("--server", "127.0.0.1:" + server.address().getPort(), "www.example.com", "--type", "A")) {
            int exit = main.awaitExit(Duration.ofSeconds(20));
            Pattern answer = Pattern.compile("www\\.example\\.com\\s+A\\s+198\\.51\\.100\\.3");
            assertThat(main.stdout().lines()).as("`%s` should print the line \"www.example.com  A  198.51.100.3\" "
                    + "(www.example.com is an alias of web.example.com, which has that address). %s", main.commandLine(), main.transcript())
                    .anyMatch(line -> answer.matcher(line).find());
            assertThat(exit).as("exit status of `%s`", main.commandLine()).isZero();
        }
        try (MainProcess bad = script.startMain("www.example.com")) {
            assertThat(bad.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s` (no --server)", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    // ---- helpers

    private static byte[] query(int id, String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN));
        query.getHeader().setID(id);
        return query.toWire();
    }

    /** The A and AAAA addresses in a reply, as dnsjava reads it. */
    private static List<String> addresses(byte[] reply, String what) {
        Message message;
        try {
            message = new Message(reply);
        } catch (IOException e) {
            throw new AssertionError(what + ": dnsjava cannot read it as a DNS message: " + e.getMessage());
        }
        return message.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.A || r.getType() == Type.AAAA)
                .map(r -> r instanceof ARecord a ? a.getAddress().getHostAddress() : ((org.xbill.DNS.AAAARecord) r).getAddress().getHostAddress())
                .toList();
    }

    private static List<String> texts(List<InetAddress> addresses) {
        return addresses.stream().map(InetAddress::getHostAddress).toList();
    }
}
