///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

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

    /** One number of a dotted quad: 0 to 255, without leading zeros (some tools read 010 as octal 8). */
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    /** A host made of digits and dots only can never be a name (RFC 1123): it must be a dotted quad. */
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    /** Labels of letters, digits and inner hyphens, joined by dots, optionally ending in the root's dot. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    /** Hex groups, colons, maybe a dotted quad at the end, maybe a %scope: the only characters an IPv6 literal has. */
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /**
     * Reads {@code HOST:PORT}, {@code [IPV6]:PORT}, or the same without {@code :PORT} (then the
     * port is {@code defaultPort}); a bare IPv6 literal such as {@code ::1} takes the default port
     * too. IPv4 and IPv6 literals come back resolved, host names unresolved: nothing is looked up.
     *
     * @throws IllegalArgumentException naming the input and what is wrong with it
     */
    public static InetSocketAddress parse(String text, int defaultPort) {
        if (defaultPort < 0 || defaultPort > 65_535) {
            throw new IllegalArgumentException("the default port " + defaultPort + " is out of range 0-65535");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty endpoint: expected HOST, HOST:PORT, [IPV6] or [IPV6]:PORT");
        }
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw problem(text, "the '[' bracket is never closed by a ']' bracket");
            }
            String literal = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (literal.contains("[") || rest.contains("[") || rest.contains("]")) {
                throw problem(text, "unbalanced brackets: one '[' and one ']' go around an IPv6 address");
            }
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw problem(text, "after ']' only ':PORT' may follow");
            }
            int port = rest.isEmpty() ? defaultPort : port(rest.substring(1), text);
            return new InetSocketAddress(ipv6(literal, text), port);
        }
        if (text.contains("]")) {
            throw problem(text, "a ']' bracket without its '[' bracket");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            return host(text, defaultPort, text);
        }
        if (colon == text.lastIndexOf(':')) {
            return host(text.substring(0, colon), port(text.substring(colon + 1), text), text);
        }
        // Two colons or more: only an IPv6 literal has those, and without brackets it has no port.
        return new InetSocketAddress(ipv6(text, text), defaultPort);
    }

    /**
     * Writes an endpoint the way {@link #parse} reads it: {@code 127.0.0.1:8881},
     * {@code [::1]:8881} (IPv6 in brackets, in its shortest form, with its {@code %scope}), and
     * {@code name:port} for an unresolved name. A resolved address shows its numbers, not its name.
     */
    public static String format(InetSocketAddress address) {
        String host = address.isUnresolved() ? address.getHostString() : literal(address.getAddress());
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** INET or INET6 for a resolved address; empty for a name, whose family is known only once it is looked up. */
    public static Optional<StandardProtocolFamily> family(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return Optional.empty();
        }
        return Optional.of(address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
    }

    private static InetSocketAddress host(String host, int port, String text) {
        if (host.isEmpty()) {
            throw problem(text, "the host is missing before ':'");
        }
        if (DIGITS_AND_DOTS.matcher(host).matches()) {
            if (!IPV4.matcher(host).matches()) {
                throw problem(text, "'" + host + "' is not an IPv4 address: four numbers 0-255, no leading zeros");
            }
            byte[] bytes = new byte[4];
            String[] numbers = host.split("\\.");
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(numbers[i]);
            }
            return new InetSocketAddress(address(bytes), port);
        }
        if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
            throw problem(text, "'" + host + "' is neither an IPv4 address nor a host name (letters, digits, '-' and '.')");
        }
        // Only the name is kept: the lookup, if any, is for whoever connects.
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static InetAddress ipv6(String literal, String text) {
        if (IPV4.matcher(literal).matches()) {
            throw problem(text, "brackets are for IPv6 addresses only; write " + literal + " without them");
        }
        if (!IPV6_CHARACTERS.matcher(literal).matches()) {
            throw problem(text, "'" + literal + "' is not an IPv6 address");
        }
        try {
            // In brackets, getByName accepts only an IPv6 literal and never falls back to DNS.
            return InetAddress.getByName("[" + literal + "]");
        } catch (UnknownHostException e) {
            throw problem(text, "'" + literal + "' is not an IPv6 address (" + e.getMessage() + ")");
        }
    }

    private static int port(String digits, String text) {
        if (digits.isEmpty()) {
            throw problem(text, "the port is missing after ':'");
        }
        if (!PORT.matcher(digits).matches() || Integer.parseInt(digits) > 65_535) {
            throw problem(text, "the port must be a number from 0 to 65535, not '" + digits + "'");
        }
        return Integer.parseInt(digits);
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // from bytes: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress(); // IPv6: all eight groups, then any %scope
        if (!(address instanceof Inet6Address)) {
            return text;
        }
        int percent = text.indexOf('%');
        String groups = percent < 0 ? text : text.substring(0, percent);
        String scope = percent < 0 ? "" : text.substring(percent);
        return shortest(groups) + scope;
    }

    /** RFC 5952: the longest run of two or more zero groups, the first if runs tie, becomes "::". */
    private static String shortest(String groups) {
        String[] parts = groups.split(":");
        int runStart = -1;
        int runLength = 1;
        for (int i = 0; i < parts.length; i++) {
            int j = i;
            while (j < parts.length && parts[j].equals("0")) {
                j++;
            }
            if (j - i > runLength) {
                runStart = i;
                runLength = j - i;
            }
        }
        if (runStart < 0) {
            return groups;
        }
        return String.join(":", Arrays.copyOfRange(parts, 0, runStart)) + "::"
                + String.join(":", Arrays.copyOfRange(parts, runStart + runLength, parts.length));
    }

    private static IllegalArgumentException problem(String text, String what) {
        return new IllegalArgumentException("'" + text + "': " + what);
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
