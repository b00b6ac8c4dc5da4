///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The book's {@code create_connection}: a host name may stand for several addresses (IPv4 and
 * IPv6, several servers), and some of them may refuse or never answer. Try each in turn, give
 * each a bounded time, keep the first connection that succeeds, and when none does, say what
 * happened at every one of them.
 *
 * <pre>jbang connector [--host HOST] [--port PORT] [--timeout MILLIS] [--source ADDRESS]</pre>
 */
public class Connector {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Resolves {@code host} to all its addresses and connects to the first that accepts, as
     * {@link #connect(List, Duration, InetSocketAddress)} does.
     */
    public static Socket connect(String host, int port, Duration timeout, InetSocketAddress source) throws IOException {
        var addresses = new ArrayList<InetSocketAddress>();
        for (InetAddress address : InetAddress.getAllByName(host)) {
            addresses.add(new InetSocketAddress(address, port));
        }
        return connect(addresses, timeout, source);
    }

    /**
     * Tries each address in order, each attempt on a fresh socket (bound to {@code source} first
     * when it is not null) and bounded by {@code timeout}, and returns the first connected socket.
     *
     * @throws ConnectException no address accepted: its message has a line per address with what
     *                          happened there, and each attempt's exception is attached, in order,
     *                          as a suppressed exception
     */
    public static Socket connect(List<InetSocketAddress> addresses, Duration timeout, InetSocketAddress source) throws IOException {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address to connect to");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            // For Socket.connect, 0 means "wait forever": exactly what a timeout is here to prevent.
            throw new IllegalArgumentException("the timeout must be positive, not " + timeout);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        var failures = new ArrayList<IOException>();
        var report = new StringBuilder("could not connect to any address; tried " + addresses.size() + ":");
        for (InetSocketAddress address : addresses) {
            // A socket whose connect failed is closed for good: every attempt needs a new one.
            var socket = new Socket();
            try {
                if (source != null) {
                    socket.bind(source);
                }
                socket.connect(address, millis);
                return socket;
            } catch (IOException failed) {
                socket.close();
                failures.add(failed);
                report.append("\n  ").append(address).append(": ").append(failed);
            }
        }
        var all = new ConnectException(report.toString());
        failures.forEach(all::addSuppressed);
        throw all;
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("Connector [--host HOST] [--port PORT] [--timeout MS] [--source ADDRESS]", args);
        String source = command.text("--source", null);
        try (Socket socket = connect(command.text("--host", DEFAULT_HOST), command.port("--port", DEFAULT_PORT),
                command.millis("--timeout", DEFAULT_TIMEOUT), source == null ? null : new InetSocketAddress(source, 0))) {
            System.out.println("Connected to " + CommandLine.shown(socket.getRemoteSocketAddress()) + " from "
                    + CommandLine.shown(socket.getLocalSocketAddress()));
        } catch (ConnectException | UnknownHostException none) {
            System.out.println(none.getMessage());
            System.exit(1);
        }
    }
}
