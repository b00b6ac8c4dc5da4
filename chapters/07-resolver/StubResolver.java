///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A DNS stub resolver: it asks one configured server, over UDP with a timeout and retries, and
 * over TCP when the answer was too big for a datagram. It believes only a reply that comes from
 * that server and answers the question it asked, with the id it chose; anything else is ignored.
 *
 * <pre>jbang stub-resolver --server HOST:PORT NAME [--type A|AAAA] [--timeout MS] [--retries N]</pre>
 */
public class StubResolver {

    public static final int A = 1;
    public static final int CNAME = 5;
    public static final int AAAA = 28;

    /** The server answered, but with "server failure" (or another error code than "no such name"). */
    public static class ServerFailure extends IOException {
        public ServerFailure(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code query} to {@code server} over UDP and returns the first reply that comes from
     * {@code server} with the query's id and question. Each attempt waits up to {@code timeout};
     * a silent server gets {@code retries} more attempts. A reply with the TC bit set is followed
     * by the same query over TCP, whose reply is returned: it must carry the query's id and question
     * too, and the whole TCP exchange ends within one {@code timeout}.
     *
     * @throws SocketTimeoutException no acceptable reply in any attempt, or no whole TCP reply in time
     * @throws IOException            the TCP reply does not answer the query, or cannot be decoded
     */
    public static byte[] exchange(InetSocketAddress server, byte[] query, Duration timeout, int retries) throws IOException {
        // TODO Send the query over UDP and wait up to timeout for a reply from server with the query's id and question,
        //  ignoring any other; retry on silence, go over TCP when truncated. See "Asking a server: timeouts and retries" in README.md.
        throw new UnsupportedOperationException("TODO exchange: UDP with timeout and retries, check who answered, TCP when truncated (README.md, \"Asking a server: timeouts and retries\")");
    }

    /**
     * The addresses of {@code name} of {@code type} (A or AAAA), following CNAMEs: the answer
     * records of the name's aliases lead to the addresses. An empty list when the name exists but
     * has no address of that type. Records of other names in the answer are ignored.
     *
     * @throws UnknownHostException   the server says there is no such name
     * @throws ServerFailure          the server failed to find out, or its CNAMEs loop (the message says "loop")
     * @throws SocketTimeoutException no answer in time
     */
    public static List<InetAddress> resolve(InetSocketAddress server, String name, int type, Duration timeout, int retries)
            throws IOException {
        // TODO Encode a query (bring your DnsMessage code into this file), exchange it, decode the reply, tell the error
        //  codes apart and follow CNAMEs to the addresses. See "Aliases and errors" in README.md.
        throw new UnsupportedOperationException("TODO resolve: query, exchange, decode, errors, CNAME chain (README.md, \"Aliases and errors\")");
    }

    public static void main(String[] args) {
        InetSocketAddress server = null;
        String name = null;
        int type = A;
        Duration timeout = Duration.ofMillis(1000);
        int retries = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--server" -> server = server(value(args, ++i));
                case "--type" -> type = type(value(args, ++i));
                case "--timeout" -> timeout = Duration.ofMillis(number(value(args, ++i), "--timeout", 1, 60_000));
                case "--retries" -> retries = number(value(args, ++i), "--retries", 0, 10);
                default -> {
                    if (args[i].startsWith("--") || name != null) {
                        usage("unexpected argument " + args[i]);
                    }
                    name = args[i];
                }
            }
        }
        if (server == null || name == null) {
            usage(server == null ? "missing --server HOST:PORT" : "missing NAME");
        }
        String typeName = type == A ? "A" : "AAAA";
        System.out.println(";; " + name + " " + typeName + " from " + server.getHostString() + ":" + server.getPort());
        try {
            List<InetAddress> addresses = resolve(server, name, type, timeout, retries);
            if (addresses.isEmpty()) {
                System.out.println(";; no " + typeName + " records for " + name);
            }
            for (InetAddress address : addresses) {
                System.out.println(name + "\t" + typeName + "\t" + address.getHostAddress());
            }
        } catch (UnknownHostException noSuchName) {
            System.out.println(";; NXDOMAIN: " + noSuchName.getMessage());
            System.exit(1);
        } catch (IOException failed) {
            System.out.println(";; " + failed.getClass().getSimpleName() + ": " + failed.getMessage());
            System.exit(1);
        }
    }

    static String value(String[] args, int i) {
        return i < args.length ? args[i] : usage("missing value after " + args[i - 1]);
    }

    static InetSocketAddress server(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            usage("--server takes HOST:PORT, not '" + text + "'");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        var address = new InetSocketAddress(host, number(text.substring(colon + 1), "the port of --server", 1, 65_535));
        if (address.isUnresolved()) {
            usage("cannot resolve the server's host '" + host + "'");
        }
        return address;
    }

    static int type(String text) {
        return switch (text.toUpperCase(Locale.ROOT)) {
            case "A" -> A;
            case "AAAA" -> AAAA;
            default -> {
                usage("--type takes A or AAAA, not '" + text + "'");
                yield -1;
            }
        };
    }

    static int number(String text, String what, int min, int max) {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        usage(what + " takes a number from " + min + " to " + max + ", not '" + text + "'");
        return -1;
    }

    static String usage(String problem) {
        System.err.println("StubResolver: " + problem);
        System.err.println("usage: StubResolver --server HOST:PORT NAME [--type A|AAAA] [--timeout MS] [--retries N]");
        System.exit(2);
        return null;
    }
}
