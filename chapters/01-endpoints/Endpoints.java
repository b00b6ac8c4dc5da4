///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Optional;

/**
 * Endpoints written down and read back: {@code 127.0.0.1:8881}, {@code [::1]:8881},
 * {@code example.com:80}. Reading one never asks DNS: an address literal becomes a resolved
 * InetSocketAddress on the spot, and a host name stays unresolved until whoever connects decides
 * to look it up.
 *
 * <pre>jbang endpoints [--port DEFAULT_PORT] ENDPOINT...</pre>
 */
public class Endpoints {

    static final int DEFAULT_PORT = 8881;

    /**
     * Reads {@code HOST:PORT}, {@code [IPV6]:PORT}, or the same without {@code :PORT} (then the
     * port is {@code defaultPort}); a bare IPv6 literal such as {@code ::1} takes the default port
     * too. IPv4 and IPv6 literals come back resolved, host names unresolved: nothing is looked up.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static InetSocketAddress parse(String text, int defaultPort) {
        // TODO Split the text into host and port (an IPv6 literal comes in brackets, or bare and without a port),
        //  turn IP literals into addresses without any lookup and keep host names unresolved; reject bad input
        //  with an IllegalArgumentException that names it. See "Writing endpoints down" in README.md.
        throw new UnsupportedOperationException("TODO parse: read HOST:PORT, [IPV6]:PORT and bare literals without DNS (README.md, \"Writing endpoints down\")");
    }

    /**
     * Writes an endpoint the way {@link #parse} reads it: {@code 127.0.0.1:8881},
     * {@code [::1]:8881} (IPv6 in brackets, in its shortest form, with its {@code %scope}), and
     * {@code name:port} for an unresolved name. A resolved address shows its numbers, not its name.
     */
    public static String format(InetSocketAddress address) {
        // TODO Write the endpoint back as parse reads it: numbers for a resolved address, IPv6 in brackets and in its
        //  shortest form with its %scope, the name for an unresolved one. See "Writing endpoints down" in README.md.
        throw new UnsupportedOperationException("TODO format: write HOST:PORT, IPv6 as [ADDRESS]:PORT (README.md, \"Writing endpoints down\")");
    }

    /** INET or INET6 for a resolved address; empty for a name, whose family is known only once it is looked up. */
    public static Optional<StandardProtocolFamily> family(InetSocketAddress address) {
        // TODO Tell INET from INET6 by the kind of InetAddress; a name nobody has looked up has no family yet.
        //  See "Address families" in README.md.
        throw new UnsupportedOperationException("TODO family: INET, INET6, or empty for a name (README.md, \"Address families\")");
    }

    /** What an endpoint is, in one line: its family, the endpoint written back, and an IPv6 scope if it has one. */
    static String described(InetSocketAddress address) {
        String scope = address.getAddress() instanceof Inet6Address six && six.getScopeId() != 0 ? " (scope id " + six.getScopeId() + ")" : "";
        return family(address).map(Enum::name).orElse("unresolved name") + " " + format(address) + scope;
    }

    public static void main(String[] args) {
        var command = new CommandLine("Endpoints [--port DEFAULT_PORT] ENDPOINT...\n(e.g. 127.0.0.1:8881 '[::1]:8881' localhost)", args);
        int defaultPort = command.port("--port", DEFAULT_PORT);
        if (command.operands().isEmpty()) {
            throw command.fail("no endpoint to read");
        }
        boolean allRead = true;
        for (String text : command.operands()) {
            try {
                System.out.println(text + " -> " + described(parse(text, defaultPort)));
            } catch (IllegalArgumentException e) {
                System.out.println(text + " -> error: " + e.getMessage());
                allRead = false;
            }
        }
        System.exit(allRead ? 0 : 1);
    }
}
