///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
     * @throws ServerFailure          the server failed to find out
     * @throws IOException            its CNAMEs loop: the message says "loop" (a ServerFailure will do)
     * @throws SocketTimeoutException no answer in time
     */
    public static List<InetAddress> resolve(InetSocketAddress server, String name, int type, Duration timeout, int retries)
            throws IOException {
        // TODO Encode a query (bring your DnsMessage code into this file), exchange it, decode the reply, tell the error
        //  codes apart and follow CNAMEs to the addresses. See "Aliases and errors" in README.md.
        throw new UnsupportedOperationException("TODO resolve: query, exchange, decode, errors, CNAME chain (README.md, \"Aliases and errors\")");
    }

    public static void main(String[] args) {
        var command = new CommandLine("StubResolver --server HOST:PORT NAME [--type TYPE] [--timeout MS] [--retries N]\n(TYPE: A or AAAA)", args);
        InetSocketAddress server = command.endpoint("--server", command.required("--server"));
        String name = command.operand("NAME");
        int type = command.choice("--type", A, Map.of("A", A, "AAAA", AAAA));
        String typeName = type == A ? "A" : "AAAA";
        System.out.println(";; " + name + " " + typeName + " from " + CommandLine.shown(server));
        try {
            List<InetAddress> addresses = resolve(server, name, type, command.millis("--timeout", Duration.ofSeconds(1)), command.number("--retries", 2, 0, 10));
            if (addresses.isEmpty()) {
                System.out.println(";; no " + typeName + " records for " + name);
            }
            addresses.forEach(address -> System.out.println(name + "\t" + typeName + "\t" + address.getHostAddress()));
        } catch (IOException failed) {
            System.out.println(failed instanceof UnknownHostException ? ";; NXDOMAIN: " + failed.getMessage() : ";; " + failed.getClass().getSimpleName() + ": " + failed.getMessage());
            System.exit(1);
        }
    }
}
