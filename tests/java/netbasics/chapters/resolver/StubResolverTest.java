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
import netbasics.fixtures.DnsTestServer.TcpMode;
import netbasics.grading.Call;
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

/**
 * The resolver talks to a programmable DNS server built on dnsjava, which also reads its queries.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>exchange sends the query in one datagram to the server and returns the reply's bytes: {@code exchange_sends_the_query_and_returns_the_reply}</li>
 * <li>a silent attempt is retried, up to retries more times: {@code retries_when_the_server_stays_silent}</li>
 * <li>after 1 + retries attempts of timeout each: SocketTimeoutException, not sooner, saying how many attempts of how
 *     long were made: {@code gives_up_in_time_when_nobody_answers}</li>
 * <li>ignoring a datagram does not reset the clock: each receive gets only the time left: {@code a_stream_of_junk_does_not_stop_the_clock}</li>
 * <li>a reply with another id is ignored: {@code ignores_a_reply_with_another_id}</li>
 * <li>a reply from another address or port is ignored: {@code ignores_a_reply_from_another_port}</li>
 * <li>a reply to another question is ignored: {@code ignores_a_reply_to_another_question}</li>
 * <li>the question's name compares without regard to case: {@code takes_a_reply_whose_question_is_in_capitals}</li>
 * <li>a reply that cannot be decoded is ignored (counts that lie; a name that loops): {@code ignores_a_malformed_reply, ignores_a_reply_whose_name_loops}</li>
 * <li>TC set: the same query over TCP to the same address and port, length-prefixed, whose reply is returned: {@code asks_again_over_tcp_when_the_reply_is_truncated}</li>
 * <li>TCP: a reply split across reads is read whole: {@code reads_a_tcp_reply_split_across_reads}</li>
 * <li>TCP: the reply's id and question are checked; one that fails is not returned (IOException): {@code checks_the_id_and_the_question_of_a_tcp_reply_too}</li>
 * <li>TCP: only a truncated reply that passed the checks (sender first) sends the query over TCP: {@code a_truncated_reply_from_another_port_is_no_reason_to_use_tcp}</li>
 * <li>TCP: the whole exchange ends within one timeout, however slowly the reply trickles, with a SocketTimeoutException:
 *     {@code the_tcp_fallback_has_a_deadline_for_the_whole_reply}</li>
 * <li>TCP: the connect is bounded by the same deadline, on a port that never answers it:
 *     {@code the_tcp_fallback_gives_up_on_a_port_that_never_answers_the_connection}</li>
 * <li>resolve: a fresh random id per query, RD set, the addresses of the type asked; a final dot changes nothing: {@code resolves_a_name_to_its_addresses}</li>
 * <li>resolve follows a CNAME chain to the addresses: {@code follows_a_cname_chain_to_the_addresses}</li>
 * <li>resolve ignores records of other names in the answer: {@code ignores_records_of_other_names_in_the_answer}</li>
 * <li>a CNAME loop (itself included) is an IOException that says "loop", not an empty list: {@code reports_a_cname_loop_as_a_loop}</li>
 * <li>so is a chain longer than a few steps, even one whose every name is new: {@code gives_up_on_a_chain_of_aliases_that_never_ends}</li>
 * <li>an A record that is not 4 bytes or an AAAA record that is not 16 is malformed, not NXDOMAIN, not an address: {@code an_address_record_of_the_wrong_length_is_malformed}</li>
 * <li>NXDOMAIN is an UnknownHostException; a name without addresses of the type is an empty list: {@code tells_no_such_name_from_no_address}</li>
 * <li>SERVFAIL, or another error code than NXDOMAIN (REFUSED), is a ServerFailure: {@code tells_server_failure_apart}</li>
 * <li>main prints NAME TYPE ADDRESS per address; usage errors exit 2: {@code main_prints_the_answers}</li>
 * <li>a chain that ends at an alias without records: ask the server about that alias: {@code asks_about_the_alias_the_answer_ends_at}</li>
 * </ul>
 */
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
            byte[] reply = exchange(script).call(server.address(), query(7, "www.example.com", Type.A), Duration.ofMillis(150), 3);
            assertThat(server.udpQueries()).as("the server dropped the first two queries, so it should have received a third")
                    .hasSizeGreaterThanOrEqualTo(3);
            assertThat(addresses(reply, "the reply to the third attempt")).containsExactly("192.0.2.1");
        }
    }

    @Graded(points = 2, hint = "Give up after 1 + retries attempts, each waiting at most the timeout, with a "
            + "SocketTimeoutException that says how many attempts of how long were made: a receive without a timeout "
            + "waits forever. " + ASKING)
    @Test
    void gives_up_in_time_when_nobody_answers(Script script) throws Exception {
        try (var server = DnsTestServer.start().silent()) {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> exchange(script).call(server.address(), query(9, "example.com", Type.A),
                    Duration.ofMillis(200), 2));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(thrown).as("exchange with a server that never answers (timeout 200 ms, 2 retries)")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(server.udpQueries()).as("queries sent before giving up: 1 + 2 retries").hasSize(3);
            assertThat(millis).as("milliseconds until it gave up: three attempts of 200 ms").isGreaterThanOrEqualTo(550);
            assertThat(thrown.getMessage()).as("the exception's message, which should say how many attempts (3, or 1 + 2 retries) "
                    + "of how long (200 ms) were made").isNotNull()
                    .containsPattern("(?i)\\b(3|three)\\b|\\b(2|two) retr").containsPattern("\\b200\\b|\\b0\\.2\\b");
        }
    }

    @Graded(points = 1, hint = "Ignoring a datagram must not restart the wait: compute the attempt's deadline once and "
            + "give each receive only the time left until it, or a stream of junk keeps you waiting for ever. " + ASKING)
    @Test
    void a_stream_of_junk_does_not_stop_the_clock(Script script) throws Exception {
        // The attempt's timeout is well above the gap between junk replies, even on a machine so busy that
        // the server sends late: only code that never restarts its wait can end before the junk stops.
        try (var server = DnsTestServer.start().then(Mode.JUNK)) {
            long start = System.nanoTime();
            Throwable thrown = catchThrowable(() -> exchange(script).within(Duration.ofSeconds(8))
                    .call(server.address(), query(0x5151, "junk.example", Type.A), Duration.ofMillis(600), 0));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(thrown).as("exchange (timeout 600 ms, no retry) with a server that sends a reply with another id every "
                    + "50 ms for 5 s, and never the true one").isInstanceOf(SocketTimeoutException.class);
            assertThat(millis).as("milliseconds until exchange gave up: one attempt of 600 ms, however many wrong replies "
                    + "came in the meantime").isLessThan(2_500);
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

    @Graded(points = 1, hint = "DNS names are the same whatever their case: compare the reply's question with your query's "
            + "without regard to case (a server may keep the case it was sent, or answer in capitals). " + CHECKING)
    @Test
    void takes_a_reply_whose_question_is_in_capitals(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("bank.example", "192.0.2.7").then(Mode.QUESTION_IN_CAPITALS)) {
            byte[][] reply = new byte[1][];
            Throwable thrown = catchThrowable(() -> reply[0] = exchange(script).call(server.address(), query(0x4343, "bank.example", Type.A),
                    Duration.ofMillis(500), 0));
            assertThat(thrown).as("exchange of a query for bank.example (timeout 500 ms, no retry) with a server whose only reply "
                    + "has the query's id and the question BANK.EXAMPLE, in capitals: the same name, so the reply answers the query")
                    .isNull();
            assertThat(addresses(reply[0], "the reply returned by exchange")).containsExactly("192.0.2.7");
        }
    }

    @Graded(points = 1, hint = "A reply that cannot be decoded is no answer: drop it and keep waiting for a good one. "
            + CHECKING)
    @Test
    void ignores_a_malformed_reply(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.MALFORMED, "first a reply with the right id whose promised answers are missing");
    }

    @Graded(points = 1, hint = "Decoding a reply must end, whatever its bytes: a name that points back into its own "
            + "labels is malformed, to be dropped like any reply that cannot be decoded, never followed for ever. "
            + "See \"Decoding bytes you do not trust\".")
    @Test
    void ignores_a_reply_whose_name_loops(Script script) throws Exception {
        assertIgnoresForgery(script, Mode.LOOPING_NAME, "first a reply with the right id and question whose answer's name is "
                + "'a' and a pointer back to that 'a'");
    }

    private static void assertIgnoresForgery(Script script, Mode mode, String what) throws Exception {
        try (var server = DnsTestServer.start().a("bank.example", "192.0.2.7").then(mode)) {
            byte[] reply = exchange(script).call(server.address(), query(0x4242, "bank.example", Type.A), TIMEOUT, 1);
            List<String> got = addresses(reply, "the reply returned by exchange");
            assertThat(got).as("The server sent %s (claiming %s), then the true reply %d ms later; exchange returned a reply with %s",
                    what, DnsTestServer.FORGED_IPV4, DnsTestServer.AFTER_FORGERY.toMillis(), got).containsExactly("192.0.2.7");
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

    @Graded(points = 1, hint = "A TCP read returns what has arrived, perhaps one byte of the length or a third of the "
            + "message: read the 2-byte length, then loop (or DataInputStream.readFully) until that many bytes have come. " + TCP)
    @Test
    void reads_a_tcp_reply_split_across_reads(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("big.example", "192.0.2.1").a("big.example", "192.0.2.2")
                .then(Mode.TRUNCATE).thenTcp(TcpMode.SLICED)) {
            byte[] reply = exchange(script).call(server.address(), query(0x7117, "big.example", Type.A), TIMEOUT, 1);
            assertThat(addresses(reply, "the reply over TCP, which the server wrote as 1 + 1 bytes of length, then the "
                    + "message in three pieces 15 ms apart")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
        }
    }

    @Graded(points = 2, hint = "A reply over TCP needs the same checks as over UDP: the query's id and the very same "
            + "question. One that fails them is no answer: do not return it (throw an IOException). " + TCP)
    @Test
    void checks_the_id_and_the_question_of_a_tcp_reply_too(Script script) throws Exception {
        try (var wrongId = DnsTestServer.start().a("bank.example", "192.0.2.7").then(Mode.TRUNCATE).thenTcp(TcpMode.WRONG_ID);
             var wrongQuestion = DnsTestServer.start().a("bank.example", "192.0.2.7").then(Mode.TRUNCATE).thenTcp(TcpMode.WRONG_QUESTION)) {
            byte[] query = query(0x4343, "bank.example", Type.A);
            Call first = exchange(script).start(wrongId.address(), query, TIMEOUT, 1);
            Call second = exchange(script).start(wrongQuestion.address(), query, TIMEOUT, 1);
            assertNotBelieved(first, query, "a truncated UDP reply, then over TCP a reply with another id (claiming "
                    + DnsTestServer.FORGED_IPV4 + ")");
            assertNotBelieved(second, query, "a truncated UDP reply, then over TCP a reply with the right id to the question "
                    + "forged.invalid (claiming " + DnsTestServer.FORGED_IPV4 + ")");
        }
    }

    @Graded(points = 1, hint = "Check the sender before anything else the datagram says: a truncated reply from another "
            + "port is a forgery like any other, no reason to go over TCP. Keep waiting for the server's reply. " + CHECKING)
    @Test
    void a_truncated_reply_from_another_port_is_no_reason_to_use_tcp(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("bank.example", "192.0.2.7").then(Mode.FORGED_TRUNCATION)) {
            byte[] reply = exchange(script).call(server.address(), query(0x4444, "bank.example", Type.A), TIMEOUT, 1);
            assertThat(addresses(reply, "the reply returned by exchange")).as("the server's true reply over UDP, sent %d ms "
                    + "after a truncated reply from another port", DnsTestServer.AFTER_FORGERY.toMillis()).containsExactly("192.0.2.7");
            assertThat(server.tcpQueries()).as("queries over TCP: none, since only a forged datagram was truncated").isEmpty();
        }
    }

    @Graded(points = 2, hint = "Over TCP, a timeout on each read is not a deadline: a server that sends one byte every "
            + "50 ms never trips a 500 ms read timeout. Give the whole TCP exchange one deadline and each read only "
            + "the time left until it. " + TCP)
    @Test
    void the_tcp_fallback_has_a_deadline_for_the_whole_reply(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("big.example", "192.0.2.1").then(Mode.TRUNCATE).thenTcp(TcpMode.TRICKLE)
                .trickle(Duration.ofMillis(50))) {
            // 50 ms between bytes, far enough below the 500 ms timeout that a late byte on a busy machine does not
            // trip a per-read timeout either: only a deadline for the whole exchange ends this in time.
            assertGivesUpOverTcpInTime(script, server, "a TCP reply trickled one byte every 50 ms (it would take over 2 s "
                    + "to arrive whole)", "its deadline is a timeout of 500 ms, not 500 ms per byte");
        }
    }

    @Graded(points = 1, hint = "Connect over TCP with a timeout (connect(address, millis)), the time left until the "
            + "TCP exchange's deadline: without one, a server whose TCP port never answers holds the resolver for "
            + "minutes while the system retries its SYN. " + TCP)
    @Test
    void the_tcp_fallback_gives_up_on_a_port_that_never_answers_the_connection(Script script) throws Exception {
        try (var server = DnsTestServer.startSilentOverTcp().a("big.example", "192.0.2.1").then(Mode.TRUNCATE)) {
            assertGivesUpOverTcpInTime(script, server, "a TCP port that never answers a connection attempt",
                    "one timeout of 500 ms bounds the connect too");
        }
    }

    /**
     * exchange, with a timeout of 500 ms and 1 retry, of a query whose UDP reply is truncated and whose TCP
     * exchange cannot end in time: a SocketTimeoutException, well within a few timeouts.
     */
    private static void assertGivesUpOverTcpInTime(Script script, DnsTestServer server, String tcpSide, String why) {
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(() -> exchange(script).within(Duration.ofSeconds(6))
                .call(server.address(), query(0x7227, "big.example", Type.A), Duration.ofMillis(500), 1));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertThat(thrown).as("exchange (timeout 500 ms, 1 retry) after a truncated reply, with %s: no whole reply in time",
                tcpSide).isInstanceOf(SocketTimeoutException.class);
        assertThat(millis).as("milliseconds until exchange gave up over TCP: %s", why).isLessThan(4_000);
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

    @Graded(points = 1, hint = "When the chain of CNAMEs in the answer ends at an alias without records of the type, the "
            + "server did not finish the chain: ask it about that alias, and return what it answers. " + ANSWERS)
    @Test
    void asks_about_the_alias_the_answer_ends_at(Script script) throws Exception {
        try (var server = DnsTestServer.start().cname("www.shallow.example", "edge.shallow.example")
                .a("edge.shallow.example", "192.0.2.44").shallow("www.shallow.example")) {
            assertThat(texts(resolve(script).call(server.address(), "www.shallow.example", Type.A, TIMEOUT, 1)))
                    .as("resolve(www.shallow.example, A) from a server that answers only www.shallow.example CNAME "
                            + "edge.shallow.example, and edge.shallow.example A 192.0.2.44 when asked about it")
                    .containsExactly("192.0.2.44");
            assertThat(server.udpQueries().stream().map(q -> q.getQuestion().getName().toString()).toList())
                    .as("the names resolve asked the server about").contains("edge.shallow.example.");
        }
    }

    @Graded(points = 2, hint = "An answer may carry records of other names: take only the records whose name is the "
            + "one you asked (or the alias you are following), compared without regard to case. " + ANSWERS)
    @Test
    void ignores_records_of_other_names_in_the_answer(Script script) throws Exception {
        try (var server = DnsTestServer.start().a("www.example.com", "192.0.2.1").stray("www.example.com", "evil.example", "192.0.2.66")
                .cname("alias.example.com", "edge.example.net").a("edge.example.net", "203.0.113.7")
                .stray("alias.example.com", "elsewhere.example", "192.0.2.67")) {
            assertThat(texts(resolve(script).call(server.address(), "www.example.com", Type.A, TIMEOUT, 1)))
                    .as("resolve(www.example.com, A) from an answer holding first an A record of evil.example (192.0.2.66), "
                            + "then www.example.com A 192.0.2.1").containsExactly("192.0.2.1");
            assertThat(texts(resolve(script).call(server.address(), "alias.example.com", Type.A, TIMEOUT, 1)))
                    .as("resolve(alias.example.com, A) from an answer holding elsewhere.example A 192.0.2.67, then "
                            + "alias.example.com CNAME edge.example.net and edge.example.net A 203.0.113.7").containsExactly("203.0.113.7");
        }
    }

    @Graded(points = 2, hint = "Remember the names of the chain as you follow it: a CNAME to a name already seen (itself "
            + "included) is a loop, an error to report with an IOException that says \"loop\". An empty list would "
            + "claim the name exists without addresses. " + ANSWERS)
    @Test
    void reports_a_cname_loop_as_a_loop(Script script) throws Exception {
        try (var server = DnsTestServer.start().cname("self.example", "self.example")
                .cname("ping.example", "pong.example").cname("pong.example", "ping.example")) {
            for (String name : List.of("self.example", "ping.example")) {
                String what = name.equals("self.example") ? "self.example CNAME self.example"
                        : "ping.example CNAME pong.example, pong.example CNAME ping.example";
                Throwable thrown = catchThrowable(() -> resolve(script).call(server.address(), name, Type.A, TIMEOUT, 1));
                assertThat(thrown).as("resolve(%s, A) where %s: a CNAME loop", name, what).isInstanceOf(IOException.class)
                        .isNotInstanceOf(UnknownHostException.class).isNotInstanceOf(SocketTimeoutException.class);
                assertThat(thrown.getMessage()).as("the message of the exception for the loop %s", what).containsIgnoringCase("loop");
            }
        }
    }

    @Graded(points = 1, hint = "A server can lead you from alias to alias for ever, every name a new one: a set of the "
            + "names seen never fills. Count the steps too, and give up after a few (the solution allows 8) with an IOException "
            + "whose message says \"loop\". " + ANSWERS)
    @Test
    void gives_up_on_a_chain_of_aliases_that_never_ends(Script script) throws Exception {
        try (var server = DnsTestServer.start().endlessAliases("endless.example")) {
            Throwable thrown = catchThrowable(() -> resolve(script).within(Duration.ofSeconds(10))
                    .call(server.address(), "www.endless.example", Type.A, TIMEOUT, 1));
            String what = "resolve(www.endless.example, A) from a server that answers each name with one alias, always a new one "
                    + "(www CNAME n1.endless.example, n1 CNAME n2, …, and \"no such name\" for n" + (DnsTestServer.ENDLESS_STEPS - 1)
                    + ", lest a resolver that never gives up ask for ever): " + server.udpQueries().size() + " queries asked";
            assertThat(thrown).as(what).isInstanceOf(IOException.class)
                    .isNotInstanceOf(UnknownHostException.class).isNotInstanceOf(SocketTimeoutException.class);
            assertThat(thrown.getMessage()).as("the message of the exception for %s", what).containsIgnoringCase("loop");
        }
    }

    @Graded(points = 2, hint = "An A record holds 4 bytes, an AAAA record 16: any other length makes the reply "
            + "malformed (drop it, as any reply you cannot decode). It is not \"no such name\", and 4 bytes in an AAAA "
            + "record are no IPv6 address. " + ANSWERS)
    @Test
    void an_address_record_of_the_wrong_length_is_malformed(Script script) throws Exception {
        try (var fiveByteA = DnsTestServer.start().a("odd.example", "192.0.2.5").lastRecordLength(5);
             var fourByteAaaa = DnsTestServer.start().aaaa("odd.example", "2001:db8::5").lastRecordLength(4)) {
            Duration shortWait = Duration.ofMillis(200);
            Call a = resolve(script).start(fiveByteA.address(), "odd.example", Type.A, shortWait, 0);
            Call aaaa = resolve(script).start(fourByteAaaa.address(), "odd.example", Type.AAAA, shortWait, 0);
            assertMalformedAnswer(a, "resolve(odd.example, A) from a server whose A record has 5 bytes of data");
            assertMalformedAnswer(aaaa, "resolve(odd.example, AAAA) from a server whose AAAA record has 4 bytes of data");
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

    @Graded(points = 2, hint = "An rcode of 2 (SERVFAIL) says the server could not find out, and any other error code but 3 "
            + "(REFUSED, 5, say) that it will not tell: throw the script's ServerFailure, not UnknownHostException (the name may "
            + "well exist), and never an empty list. " + ANSWERS)
    @Test
    void tells_server_failure_apart(Script script) throws Exception {
        try (var server = DnsTestServer.start().failing("broken.example").failing("closed.example", org.xbill.DNS.Rcode.REFUSED)) {
            for (String name : List.of("broken.example", "closed.example")) {
                String code = name.equals("broken.example") ? "SERVFAIL (rcode 2)" : "REFUSED (rcode 5)";
                Throwable thrown = catchThrowable(() -> resolve(script).call(server.address(), name, Type.A, TIMEOUT, 2));
                assertThat(thrown).as("resolve of a name the server answers with %s", code).isInstanceOf(IOException.class)
                        .isNotInstanceOf(UnknownHostException.class).isNotInstanceOf(SocketTimeoutException.class);
                assertThat(thrown.getClass().getSimpleName()).as("the class of the exception for an answer with %s", code)
                        .isEqualTo("ServerFailure");
            }
        }
    }

    @Graded(points = 1, hint = "main parses --server HOST:PORT, NAME and --type, calls resolve and prints one line per "
            + "address: NAME, the type, the address.")
    @Test
    void main_prints_the_answers(Script script) throws Exception {
        try (var server = DnsTestServer.start().cname("www.example.com", "web.example.com").a("web.example.com", "198.51.100.3");
             MainProcess main = script.startMain("--server", "127.0.0.1:" + server.address().getPort(), "www.example.com", "--type", "A");
             MainProcess bad = script.startMain("www.example.com")) {
            int exit = main.awaitExit(Duration.ofSeconds(20));
            Pattern answer = Pattern.compile("www\\.example\\.com\\s+A\\s+198\\.51\\.100\\.3");
            assertThat(main.stdout().lines()).as("`%s` should print the line \"www.example.com  A  198.51.100.3\" "
                    + "(www.example.com is an alias of web.example.com, which has that address). %s", main.commandLine(), main.transcript())
                    .anyMatch(line -> answer.matcher(line).find());
            assertThat(exit).as("exit status of `%s`", main.commandLine()).isZero();
            assertThat(bad.awaitExit(Duration.ofSeconds(15))).as("exit status of `%s` (no --server)", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    // ---- helpers

    /** The call threw an IOException, or returned the server's true reply: never the forged one. */
    private static void assertNotBelieved(Call call, byte[] query, String what) {
        Object returned;
        try {
            returned = call.result(CALL_BOUND);
        } catch (AssertionError timedOut) {
            throw timedOut;
        } catch (Throwable thrown) {
            assertThat(thrown).as("exchange after the server sent %s", what).isInstanceOf(IOException.class);
            return;
        }
        byte[] reply = (byte[]) returned;
        assertThat(addresses(reply, "the reply returned by exchange")).as("The server sent %s; exchange returned that reply "
                + "instead of throwing an IOException", what).doesNotContain(DnsTestServer.FORGED_IPV4);
        assertThat(id(reply)).as("the id of the reply exchange returned").isEqualTo(id(query));
    }

    private static int id(byte[] message) {
        return (message[0] & 0xFF) << 8 | message[1] & 0xFF;
    }

    private static void assertMalformedAnswer(Call call, String what) {
        Object returned;
        try {
            returned = call.result(CALL_BOUND);
        } catch (AssertionError timedOut) {
            throw timedOut;
        } catch (Throwable thrown) {
            assertThat(thrown).as("%s: a malformed reply, dropped like any other (an IOException, perhaps a timeout)", what)
                    .isInstanceOf(IOException.class).isNotInstanceOf(UnknownHostException.class);
            return;
        }
        throw new AssertionError(what + ": a malformed reply, yet resolve returned " + returned
                + " instead of throwing an IOException");
    }

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
