package netbasics.chapters.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * Endpoints is graded in-process on literals only: nothing it reads may need DNS.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>parse: IPv4 HOST:PORT and HOST alone (the default port), ports 0 and 65535: {@code reads_an_ipv4_address_and_port}</li>
 * <li>parse: [IPV6]:PORT and [IPV6], any case, the shortened forms: {@code reads_ipv6_in_brackets_with_or_without_a_port}</li>
 * <li>parse: a bare IPv6 literal (two colons or more) takes the default port: {@code reads_a_bare_ipv6_address_with_the_default_port}</li>
 * <li>parse keeps the %scope of an IPv6 literal: {@code keeps_the_scope_id_of_an_ipv6_address}</li>
 * <li>parse keeps a host name unresolved and never looks it up: {@code keeps_a_host_name_unresolved_without_looking_it_up}</li>
 * <li>rule 6: a port is 1 to 5 digits, 0-65535, no sign, no spaces; the message says "port": {@code rejects_a_port_out_of_range_or_not_a_number}</li>
 * <li>rule 6 at its edges (00080 is 80), the default port used as given, 0-65535, and refused past it; a name may end in the root's dot: {@code reads_ports_and_names_at_the_edges_of_the_syntax}</li>
 * <li>rule 2: brackets must pair, ":PORT" only after "]"; the message says "bracket": {@code rejects_unbalanced_brackets}</li>
 * <li>rule 1 (empty is an error, the message says "empty"), rules 3-5 (dotted quads, host names, IPv6 literals, empty parts); the message quotes the input: {@code rejects_empty_and_malformed_input_naming_it}</li>
 * <li>format: IPv4 and names as HOST:PORT, a resolved address as numbers: {@code writes_ipv4_and_names_back}</li>
 * <li>format: IPv6 in brackets, RFC 5952's shortest form, the %scope kept: {@code writes_ipv6_in_brackets_and_in_its_shortest_form}</li>
 * <li>format writes what parse reads, and back: {@code reads_back_what_it_writes}</li>
 * <li>family: INET, INET6, empty for an unresolved name: {@code names_the_address_family}</li>
 * <li>main prints TEXT -> FAMILY ADDRESS:PORT or TEXT -> error: MESSAGE, exit 1 if any was rejected, 2 for usage: {@code main_reads_each_argument_and_says_what_it_is}</li>
 * </ul>
 */
@Exercise(chapter = "01-endpoints", script = "Endpoints")
public class EndpointsTest {

    private static final int DEFAULT_PORT = 8881;
    /** Parsing is string work: far below this even on a busy machine, far above it when DNS is asked. */
    private static final Duration PARSE_WITHIN = Duration.ofSeconds(2);

    @Graded(points = 2, hint = "Split HOST:PORT at its one ':'. A host of four numbers 0-255 is an IPv4 literal: make its "
            + "InetAddress from the literal or its four bytes, never by a lookup. See \"Writing endpoints down\".")
    @Test
    void reads_an_ipv4_address_and_port(Script script) {
        Method parse = parse(script);
        expectAddress(parse, "127.0.0.1:8881", ipv4(127, 0, 0, 1), 8881);
        expectAddress(parse, "192.0.2.10:80", ipv4(192, 0, 2, 10), 80);
        expectAddress(parse, "0.0.0.0:0", ipv4(0, 0, 0, 0), 0);
        expectAddress(parse, "255.255.255.255:65535", ipv4(255, 255, 255, 255), 65_535);
        expectAddress(parse, "10.1.2.3", ipv4(10, 1, 2, 3), DEFAULT_PORT);
    }

    @Graded(points = 2, hint = "In [IPV6]:PORT the ']' ends the address: all between the brackets is the IPv6 literal, and "
            + "':PORT' may follow the ']'. See \"Writing endpoints down\".")
    @Test
    void reads_ipv6_in_brackets_with_or_without_a_port(Script script) {
        Method parse = parse(script);
        expectAddress(parse, "[::1]:8881", literal("::1"), 8881);
        expectAddress(parse, "[::1]", literal("::1"), DEFAULT_PORT);
        expectAddress(parse, "[2001:db8::7]:443", literal("2001:db8::7"), 443);
        expectAddress(parse, "[::]:0", literal("::"), 0);
        expectAddress(parse, "[2001:DB8:0:0:0:0:0:A]:1", literal("2001:db8::a"), 1);
    }

    @Graded(points = 2, hint = "Without brackets an IPv6 address leaves no room for a port: text with two colons or more is "
            + "all address, and the port is the default. Cutting at the last ':' turns ::1 into ':' and '1'. "
            + "See \"Writing endpoints down\".")
    @Test
    void reads_a_bare_ipv6_address_with_the_default_port(Script script) {
        Method parse = parse(script);
        expectAddress(parse, "::1", literal("::1"), DEFAULT_PORT);
        expectAddress(parse, "2001:db8::8881", literal("2001:db8::8881"), DEFAULT_PORT);
        expectAddress(parse, "fe80::1", literal("fe80::1"), DEFAULT_PORT);
        expectAddress(parse, "::", literal("::"), DEFAULT_PORT);
        expectAddress(parse, "1:2:3:4:5:6:7:8", literal("1:2:3:4:5:6:7:8"), DEFAULT_PORT);
    }

    @Graded(points = 1, hint = "The %N after a link-local IPv6 address is its scope id, the interface it belongs to: it is "
            + "part of the address (Inet6Address.getScopeId()). See \"Writing endpoints down\".")
    @Test
    void keeps_the_scope_id_of_an_ipv6_address(Script script) {
        Method parse = parse(script);
        record Scoped(String text, int scopeId, int port) {}
        for (var scoped : List.of(new Scoped("[fe80::1%2]:80", 2, 80), new Scoped("fe80::1%3", 3, DEFAULT_PORT))) {
            InetSocketAddress parsed = expectAddress(parse, scoped.text(), literal("fe80::1"), scoped.port());
            assertThat(((Inet6Address) parsed.getAddress()).getScopeId())
                    .as("parse(\"%s\", %d).getAddress().getScopeId(): the scope id written after '%%'", scoped.text(), DEFAULT_PORT)
                    .isEqualTo(scoped.scopeId());
        }
    }

    @Graded(points = 3, hint = "new InetSocketAddress(host, port) looks the name up at once; "
            + "InetSocketAddress.createUnresolved(host, port) keeps only the name. Reading an endpoint must not ask DNS. "
            + "See \"Names are not addresses\".")
    @Test
    void keeps_a_host_name_unresolved_without_looking_it_up(Script script) {
        Method parse = parse(script);
        Map<String, Integer> names = new LinkedHashMap<>();
        names.put("localhost:8881", 8881);
        names.put("localhost", DEFAULT_PORT);
        names.put("www.example.com:443", 443);
        names.put("no-such-host.invalid:80", 80);
        names.put("db-1.internal.example:5432", 5432);
        for (var name : names.entrySet()) {
            String text = name.getKey();
            String host = text.contains(":") ? text.substring(0, text.indexOf(':')) : text;
            InetSocketAddress parsed = parsed(parse, text);
            assertThat(parsed.isUnresolved())
                    .as("parse(\"%s\", %d) returned %s, which is resolved: reading the endpoint looked the name up. "
                            + "A name must stay a name (isUnresolved() true) until something connects to it.", text, DEFAULT_PORT, parsed)
                    .isTrue();
            assertThat(parsed.getHostString()).as("the host name parse(\"%s\", %d) kept", text, DEFAULT_PORT).isEqualTo(host);
            assertThat(parsed.getPort()).as("the port of parse(\"%s\", %d)", text, DEFAULT_PORT).isEqualTo(name.getValue());
        }
    }

    @Graded(points = 2, hint = "A port is a number from 0 to 65535 (16 bits): check the range yourself, and throw an "
            + "IllegalArgumentException whose message quotes the input and says the port is wrong (NumberFormatException's "
            + "own message does neither). See \"Writing endpoints down\".")
    @Test
    void rejects_a_port_out_of_range_or_not_a_number(Script script) {
        expectRejections(parse(script), "port", "host:65536", "host:-1", "127.0.0.1:99999999999", "host:", "host:http",
                "[::1]:65536", "[::1]:", "host:8O", "host:+80", "[::1]:+80", "host: 80", "host:80 ", "host:000080",
                "host:4294967376");
    }

    @Graded(points = 1, hint = "A '[' must be closed by the first ']', with nothing but ':PORT' after it; a ']' without its "
            + "'[' is an error too. Quote the input and say \"bracket\" in the message. See \"Writing endpoints down\".")
    @Test
    void rejects_unbalanced_brackets(Script script) {
        expectRejections(parse(script), "bracket", "[::1", "::1]", "[::1]]:80", "[[::1]]:80", "]::1[", "[::1:80");
    }

    @Graded(points = 2, hint = "Check each part before using it, and put the whole input in the message so the reader "
            + "sees what was wrong: an empty string, a missing host, a host that is neither a name nor an address. "
            + "See \"Writing endpoints down\".")
    @Test
    void rejects_empty_and_malformed_input_naming_it(Script script) {
        Method parse = parse(script);
        expectRejections(parse, "empty", "");
        expectRejections(parse, null, ":80", "exa mple.com:80", "user@host:80", "a..b:80", "[::1]80", "[127.0.0.1]:80",
                "[zz::1]:80", "zz::1", "1.2.3:80", "256.1.1.1:80", "010.1.1.1:80", "1:2:3:4:5:6:7:8:9", "host:80:90");
        // Empty parts, and names and IPv6 literals just past the edge of the syntax.
        expectRejections(parse, null, "[]", "[]:80", ".", ":", "-a.example:80", "a-.example:80", "b\u00fccher.example:80",
                "1::2::3", ":::", "[12345::1]:80", "1.2.3.4.5:80");
    }

    @Graded(points = 1, hint = "A port is one to five digits, so 00080 is 80; the default port is used as given, 0 and "
            + "65535 included, and one past 65535 is an IllegalArgumentException. A name may end in the root's dot. "
            + "See \"Writing endpoints down\".")
    @Test
    void reads_ports_and_names_at_the_edges_of_the_syntax(Script script) {
        Method parse = parse(script);
        expectAddress(parse, "10.0.0.1:00080", ipv4(10, 0, 0, 1), 80);
        expectAddress(parse, "[::1]:65535", literal("::1"), 65_535);
        for (String name : List.of("example.com.", "xn--bcher-kva.example", "a-b.example", "a", "0a.example")) {
            InetSocketAddress parsed = parsed(parse, name + ":1");
            assertThat(parsed.isUnresolved()).as("parse(\"%s:1\", %d) is an unresolved name", name, DEFAULT_PORT).isTrue();
            assertThat(parsed.getHostString()).as("the host name parse(\"%s:1\", %d) kept", name, DEFAULT_PORT).isEqualTo(name);
        }
        for (int port : new int[] {0, 65_535}) {
            Object parsed = Learner.within(PARSE_WITHIN, parse, null, "10.0.0.1", port);
            assertThat(((InetSocketAddress) parsed).getPort()).as("the port of parse(\"10.0.0.1\", %d)", port).isEqualTo(port);
        }
        for (int port : new int[] {-1, 65_536}) {
            Optional<Throwable> failure = Learner.failureOf(PARSE_WITHIN, parse, null, "10.0.0.1", port);
            assertThat(failure).as("what parse(\"10.0.0.1\", %d) threw: a default port out of range", port)
                    .hasValueSatisfying(thrown -> assertThat(thrown).isInstanceOf(IllegalArgumentException.class));
        }
    }

    @Graded(points = 1, hint = "Write HOST:PORT. A resolved address shows its numbers (getAddress().getHostAddress()), "
            + "even when it also knows a name; an unresolved one shows its name (getHostString()).")
    @Test
    void writes_ipv4_and_names_back(Script script) throws UnknownHostException {
        Method format = format(script);
        expectFormat(format, new InetSocketAddress(ipv4(127, 0, 0, 1), 8881), "127.0.0.1:8881");
        expectFormat(format, new InetSocketAddress(ipv4(0, 0, 0, 0), 0), "0.0.0.0:0");
        expectFormat(format, InetSocketAddress.createUnresolved("example.com", 80), "example.com:80");
        expectFormat(format, new InetSocketAddress(InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}), 8881),
                "127.0.0.1:8881");
    }

    @Graded(points = 2, hint = "IPv6 goes in brackets so its colons are not taken for the port's. Shorten it as RFC 5952 "
            + "says: no leading zeros, and the longest run of two or more zero groups (the first, if runs tie) becomes '::'. "
            + "Keep any %scope. See \"Writing endpoints down\".")
    @Test
    void writes_ipv6_in_brackets_and_in_its_shortest_form(Script script) throws UnknownHostException {
        Method format = format(script);
        expectFormat(format, new InetSocketAddress(literal("::1"), 8881), "[::1]:8881");
        expectFormat(format, new InetSocketAddress(literal("::"), 0), "[::]:0");
        expectFormat(format, new InetSocketAddress(literal("2001:db8:0:0:0:0:0:7"), 443), "[2001:db8::7]:443");
        expectFormat(format, new InetSocketAddress(literal("2001:db8:0:0:1:0:0:1"), 80), "[2001:db8::1:0:0:1]:80");
        expectFormat(format, new InetSocketAddress(literal("2001:0:0:1:0:0:0:1"), 80), "[2001:0:0:1::1]:80");
        expectFormat(format, new InetSocketAddress(literal("2001:db8:0:1:1:1:1:1"), 80), "[2001:db8:0:1:1:1:1:1]:80");
        expectFormat(format, new InetSocketAddress(literal("1:0:0:0:0:0:0:0"), 80), "[1::]:80");
        byte[] linkLocal = literal("fe80::1").getAddress();
        expectFormat(format, new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 2), 80), "[fe80::1%2]:80");
    }

    @Graded(points = 1, hint = "format writes what parse reads: parse(format(a)) is a again, and format(parse(text)) is text "
            + "in its one canonical spelling.")
    @Test
    void reads_back_what_it_writes(Script script) {
        Method parse = parse(script);
        Method format = format(script);
        Map<String, String> canonical = new LinkedHashMap<>();
        canonical.put("10.0.0.1", "10.0.0.1:8881");
        canonical.put("[0:0:0:0:0:0:0:1]:80", "[::1]:80");
        canonical.put("[2001:DB8::A]:1", "[2001:db8::a]:1");
        canonical.put("::", "[::]:8881");
        canonical.put("[fe80::1%7]", "[fe80::1%7]:8881");
        canonical.put("localhost", "localhost:8881");
        for (var pair : canonical.entrySet()) {
            InetSocketAddress parsed = parsed(parse, pair.getKey());
            String written = Learner.call(format, null, parsed);
            assertThat(written).as("format(parse(\"%s\", %d))", pair.getKey(), DEFAULT_PORT).isEqualTo(pair.getValue());
            InetSocketAddress again = parsed(parse, written);
            assertThat(again).as("parse(\"%s\", %d), reading back what format wrote", written, DEFAULT_PORT).isEqualTo(parsed);
        }
    }

    @Graded(points = 1, hint = "An Inet4Address is StandardProtocolFamily.INET (AF_INET), an Inet6Address is INET6 (AF_INET6); "
            + "an unresolved name has no family until it is looked up. See \"Address families\".")
    @Test
    void names_the_address_family(Script script) {
        Method family = Learner.staticMethod(script, "family", Optional.class, InetSocketAddress.class);
        Map<InetSocketAddress, Optional<StandardProtocolFamily>> expected = new LinkedHashMap<>();
        expected.put(new InetSocketAddress(ipv4(127, 0, 0, 1), 8881), Optional.of(StandardProtocolFamily.INET));
        expected.put(new InetSocketAddress(literal("::1"), 8881), Optional.of(StandardProtocolFamily.INET6));
        expected.put(new InetSocketAddress(literal("fe80::1"), 80), Optional.of(StandardProtocolFamily.INET6));
        expected.put(InetSocketAddress.createUnresolved("localhost", 8881), Optional.empty());
        expected.put(InetSocketAddress.createUnresolved("::1", 8881), Optional.empty());
        for (var pair : expected.entrySet()) {
            Object answer = Learner.call(family, null, pair.getKey());
            assertThat(answer).as("family(%s)", pair.getKey()).isEqualTo(pair.getValue());
        }
    }

    @Graded(points = 1, hint = "main hands each argument to parse and prints \"TEXT -> FAMILY ADDRESS:PORT\", or "
            + "\"TEXT -> error: MESSAGE\" for input parse rejects, and exits with 1 if any was rejected.")
    @Test
    void main_reads_each_argument_and_says_what_it_is(Script script) {
        try (MainProcess main = script.startMain("--port", "8881", "127.0.0.1:80", "[::1]", "localhost:8881", "host:65536");
             MainProcess bad = script.startMain("--port", "not-a-port", "localhost")) {
            int status = main.awaitExit(Duration.ofSeconds(10));
            List<String> lines = main.stdout().lines().toList();
            assertThat(lines).as("what `%s` printed\n%s", main.commandLine(), main.transcript())
                    .contains("127.0.0.1:80 -> INET 127.0.0.1:80", "[::1] -> INET6 [::1]:8881",
                            "localhost:8881 -> unresolved name localhost:8881")
                    .anySatisfy(line -> assertThat(line).startsWith("host:65536 -> error: ").contains("port"));
            assertThat(status).as("exit status of `%s`, where one argument was rejected", main.commandLine()).isEqualTo(1);
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    private static Method parse(Script script) {
        return Learner.staticMethod(script, "parse", InetSocketAddress.class, String.class, int.class);
    }

    private static Method format(Script script) {
        return Learner.staticMethod(script, "format", String.class, InetSocketAddress.class);
    }

    /** parse(text, 8881), which must not throw. */
    private static InetSocketAddress parsed(Method parse, String text) {
        String call = "parse(\"" + text + "\", " + DEFAULT_PORT + ")";
        Object result;
        try {
            result = Learner.within(PARSE_WITHIN, parse, null, text, DEFAULT_PORT);
        } catch (Learner.TimedOut timedOut) {
            throw new AssertionError(call + " did not return within " + PARSE_WITHIN.toMillis()
                    + " ms. Reading an endpoint is string work; a call that takes this long is waiting for DNS.");
        } catch (RuntimeException e) {
            if (Learner.isTodo(e)) {
                throw e;
            }
            throw new AssertionError(call + " threw " + e + ", but \"" + text + "\" is a valid endpoint.", e);
        }
        assertThat(result).as(call).isNotNull();
        return (InetSocketAddress) result;
    }

    private static InetSocketAddress expectAddress(Method parse, String text, InetAddress address, int port) {
        InetSocketAddress parsed = parsed(parse, text);
        String call = "parse(\"" + text + "\", " + DEFAULT_PORT + ")";
        assertThat(parsed.isUnresolved())
                .as("%s returned %s, an unresolved name; an address literal becomes an InetAddress at once", call, parsed)
                .isFalse();
        assertThat(parsed.getAddress()).as("the address of %s", call).isEqualTo(address);
        assertThat(parsed.getAddress()).as("the kind of address of %s", call).isInstanceOf(address.getClass());
        assertThat(parsed.getPort()).as("the port of %s", call).isEqualTo(port);
        return parsed;
    }

    /** Each text must be rejected with an IllegalArgumentException whose message quotes it and, if given, says the keyword. */
    private static void expectRejections(Method parse, String keyword, String... texts) {
        List<String> wrong = new ArrayList<>();
        for (String text : texts) {
            String call = "parse(\"" + text + "\", " + DEFAULT_PORT + ")";
            Optional<Throwable> failure;
            try {
                failure = Learner.failureOf(PARSE_WITHIN, parse, null, text, DEFAULT_PORT);
            } catch (Learner.TimedOut timedOut) {
                wrong.add(call + " did not return within " + PARSE_WITHIN.toMillis() + " ms (was it asking DNS?)");
                continue;
            }
            if (failure.isEmpty()) {
                wrong.add(call + " returned an address instead of throwing IllegalArgumentException");
                continue;
            }
            Throwable thrown = failure.get();
            String message = String.valueOf(thrown.getMessage());
            if (!(thrown instanceof IllegalArgumentException)) {
                wrong.add(call + " threw " + thrown + " instead of an IllegalArgumentException");
            } else if (!message.contains(text)) {
                wrong.add(call + " threw an IllegalArgumentException whose message does not quote the input: \"" + message + "\"");
            } else if (keyword != null && !message.toLowerCase(Locale.ROOT).contains(keyword)) {
                wrong.add(call + " threw an IllegalArgumentException whose message does not say \"" + keyword + "\": \"" + message + "\"");
            }
        }
        assertThat(wrong).as("Bad input must be rejected with an IllegalArgumentException that names it:\n    %s",
                String.join("\n    ", wrong)).isEmpty();
    }

    private static void expectFormat(Method format, InetSocketAddress address, String expected) {
        String written = Learner.call(format, null, address);
        assertThat(written).as("format(%s)", address).isEqualTo(expected);
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** An IPv6 literal as the JDK reads it; in brackets, getByName never asks DNS. */
    private static InetAddress literal(String ipv6) {
        try {
            return InetAddress.getByName("[" + ipv6 + "]");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
