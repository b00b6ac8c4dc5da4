///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

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

    public static void main(String[] args) {
        if (args.length < 2) {
            usage("missing command or argument");
        }
        try {
            switch (args[0]) {
                case "addresses" -> {
                    ProtocolFamily family = args.length == 4 && args[2].equals("--family") ? family(args[3])
                            : args.length == 2 ? null : usage("addresses takes NAME [--family ipv4|ipv6]");
                    addresses(args[1], family).forEach(address -> System.out.println(address.getHostAddress()));
                }
                case "first-ipv4" -> System.out.println(firstIpv4(one(args)).getHostAddress());
                case "reverse" -> System.out.println(reverse(literal(one(args))));
                case "fqdn" -> System.out.println(fullyQualified(one(args)));
                case "numeric" -> {
                    if (args.length != 3) {
                        usage("numeric takes HOST PORT");
                    }
                    var address = new InetSocketAddress(args[1], port(args[2]));
                    if (address.isUnresolved()) {
                        throw new UnknownHostException(args[1]);
                    }
                    System.out.println(numeric(address));
                }
                default -> usage("unknown command " + args[0]);
            }
        } catch (UnknownHostException unknown) {
            System.out.println("unknown host: " + unknown.getMessage());
            System.exit(1);
        }
    }

    static String one(String[] args) {
        return args.length == 2 ? args[1] : usage(args[0] + " takes one argument");
    }

    static InetAddress literal(String text) throws UnknownHostException {
        // Only numbers are accepted: a name here would be resolved first, which is not the point.
        if (!text.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            usage("reverse takes an IPv4 or IPv6 address, not '" + text + "'");
        }
        return InetAddress.getByName(text);
    }

    static ProtocolFamily family(String text) {
        return switch (text) {
            case "ipv4" -> StandardProtocolFamily.INET;
            case "ipv6" -> StandardProtocolFamily.INET6;
            default -> usage("--family takes ipv4 or ipv6, not '" + text + "'");
        };
    }

    static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        usage("the port is a number from 0 to 65535, not '" + text + "'");
        return -1;
    }

    static <T> T usage(String problem) {
        System.err.println("Lookup: " + problem);
        System.err.println("usage: Lookup addresses NAME [--family ipv4|ipv6] | first-ipv4 NAME | reverse ADDRESS | fqdn NAME | numeric HOST PORT");
        System.exit(2);
        return null;
    }
}
