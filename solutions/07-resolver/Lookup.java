///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The resolver functions of the book on the JDK: all addresses of a name (getaddrinfo), the first
 * IPv4 address (gethostbyname), the name of an address (gethostbyaddr), the fully qualified name
 * (getfqdn), and the numeric host and port of a socket address (getnameinfo with NI_NUMERICHOST |
 * NI_NUMERICSERV).
 *
 * <pre>
 * jbang lookup addresses NAME [--family ipv4|ipv6]
 * jbang lookup first-ipv4 NAME
 * jbang lookup reverse ADDRESS
 * jbang lookup fqdn NAME
 * jbang lookup numeric HOST PORT
 * </pre>
 *
 * Run it with {@code -Djdk.net.hosts.file=FILE} (jbang: {@code -R-Djdk.net.hosts.file=FILE}) and the
 * JDK answers from that file alone, never from DNS.
 */
public class Lookup {

    /**
     * Every address of {@code name}, in the order the resolver gives them (the JDK puts IPv4 first
     * unless {@code java.net.preferIPv6Addresses} says otherwise); only those of {@code family}
     * when it is not {@code null}.
     *
     * @throws UnknownHostException the name is unknown, or has no address of {@code family}
     */
    public static List<InetAddress> addresses(String name, ProtocolFamily family) throws UnknownHostException {
        List<InetAddress> all = Arrays.asList(InetAddress.getAllByName(name));
        if (family == null) {
            return all;
        }
        List<InetAddress> ofFamily = all.stream().filter(address -> familyOf(address) == family).toList();
        if (ofFamily.isEmpty()) {
            throw new UnknownHostException(name + " has no " + (family == StandardProtocolFamily.INET ? "IPv4" : "IPv6") + " address");
        }
        return ofFamily;
    }

    /** The first IPv4 address of {@code name}, like gethostbyname, which knows no IPv6. */
    public static Inet4Address firstIpv4(String name) throws UnknownHostException {
        // getByName would return the first address of any family: an IPv6 one when the system prefers it.
        return (Inet4Address) addresses(name, StandardProtocolFamily.INET).get(0);
    }

    /**
     * The host name of {@code address} by a reverse lookup, like gethostbyaddr.
     *
     * @throws UnknownHostException the resolver knows no name for it
     */
    public static String reverse(InetAddress address) throws UnknownHostException {
        // A fresh copy without a name: an InetAddress made from a name would just give that name back.
        InetAddress bare = InetAddress.getByAddress(address.getAddress());
        String name = bare.getCanonicalHostName();
        if (name.equals(bare.getHostAddress())) {
            throw new UnknownHostException("no name for " + bare.getHostAddress());
        }
        return name;
    }

    /**
     * The fully qualified name of {@code name}, like getfqdn: the name the resolver gives for its
     * first address; {@code name} itself when it cannot be resolved or has no such name.
     */
    public static String fullyQualified(String name) {
        try {
            String canonical = InetAddress.getByName(name).getCanonicalHostName();
            InetAddress literal = InetAddress.getByName(canonical);
            return canonical.equals(literal.getHostAddress()) ? name : canonical;
        } catch (UnknownHostException unknown) {
            return name; // getfqdn never fails: what cannot be qualified is returned as it came
        }
    }

    /**
     * {@code HOST:PORT} with the host as numbers, {@code [HOST]:PORT} for IPv6, like getnameinfo
     * with NI_NUMERICHOST | NI_NUMERICSERV: no lookup happens.
     */
    public static String numeric(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(address.getHostString() + " is not resolved: there are no numbers to show");
        }
        InetAddress host = address.getAddress();
        String text = host.getHostAddress(); // the numbers; getHostName() would ask the resolver for a name
        return (host instanceof Inet6Address ? "[" + text + "]" : text) + ":" + address.getPort();
    }

    private static ProtocolFamily familyOf(InetAddress address) {
        return address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    /** Only numbers are accepted: a name here would be resolved first, which is not the point of reverse. */
    static InetAddress literal(CommandLine command, String text) throws UnknownHostException {
        if (!text.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw command.fail("reverse takes an IPv4 or IPv6 address, not '" + text + "'");
        }
        return InetAddress.getByName(text);
    }

    public static void main(String[] args) {
        var command = new CommandLine("Lookup addresses NAME [--family FAMILY] | first-ipv4 NAME | reverse ADDRESS | fqdn NAME | numeric HOST PORT\n"
                + "(FAMILY: ipv4 or ipv6; the system's resolver answers: try -Djdk.net.hosts.file=FILE)", args);
        var family = command.choice("--family", null, Map.of("ipv4", StandardProtocolFamily.INET, "ipv6", StandardProtocolFamily.INET6));
        List<String> words = command.operands();
        if (words.size() != (words.size() > 0 && words.getFirst().equals("numeric") ? 3 : 2)) {
            throw command.fail("a command and its " + (words.size() > 0 && words.getFirst().equals("numeric") ? "HOST PORT" : "argument"));
        }
        try {
            switch (words.getFirst()) {
                case "addresses" -> addresses(words.get(1), family).forEach(address -> System.out.println(address.getHostAddress()));
                case "first-ipv4" -> System.out.println(firstIpv4(words.get(1)).getHostAddress());
                case "reverse" -> System.out.println(reverse(literal(command, words.get(1))));
                case "fqdn" -> System.out.println(fullyQualified(words.get(1)));
                case "numeric" -> System.out.println(numeric(new InetSocketAddress(InetAddress.getByName(words.get(1)), (int) command.number("PORT", words.get(2), 0, 65_535))));
                default -> throw command.fail("unknown command " + words.getFirst());
            }
        } catch (UnknownHostException unknown) {
            System.out.println("unknown host: " + unknown.getMessage());
            System.exit(1);
        }
    }
}
