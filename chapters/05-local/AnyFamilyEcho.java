///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;

/**
 * One echo server and one echo client written against {@link SocketAddress}, so the same code runs
 * unchanged over TCP/IPv4, TCP/IPv6 and a Unix-domain socket file: only the address differs.
 *
 * <pre>jbang any-family-echo --serve ADDRESS
 * jbang any-family-echo ADDRESS [LINE...]      ADDRESS: HOST:PORT, [IPV6]:PORT, or a path with a /</pre>
 */
public class AnyFamilyEcho {

    static final String DEFAULT_ADDRESS = "localhost:8881";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final List<String> LINES = List.of("the same code", "over any family: £€");

    /**
     * Opens a listening channel of the family {@code address} belongs to (IPv4, IPv6 or Unix
     * domain) and binds it there. An IP address may have port 0: the listener's
     * {@code getLocalAddress()} then says which port it got.
     */
    public static ServerSocketChannel listen(SocketAddress address) throws IOException {
        // TODO Open a ServerSocketChannel of the address's family (IPv4, IPv6 or Unix domain) and bind it to the address
        //  as given. See "Code for any family" in README.md.
        throw new UnsupportedOperationException("TODO listen: a listener of the address's family (README.md, \"Code for any family\")");
    }

    /**
     * Accepts connections on {@code listener} until it is closed, echoing each on a virtual thread
     * of its own until the client ends its side. Returns quietly once the listener is closed; a
     * Unix-domain listener's socket file is removed then.
     */
    public static void serve(ServerSocketChannel listener) throws IOException {
        // TODO Accept until the listener is closed and echo each connection on a thread of its own, whatever the family;
        //  a Unix-domain listener's file is removed at the end. See "Code for any family" in README.md.
        throw new UnsupportedOperationException("TODO serve: accept and echo in any family (README.md, \"Code for any family\")");
    }

    /**
     * Connects to {@code server}, of any family, and echoes each line in turn over that one
     * connection; returns the echoes in order. The whole conversation, connect included, takes at
     * most {@code timeout}, else a {@link SocketTimeoutException}.
     */
    public static List<String> echoAll(SocketAddress server, List<String> lines, Duration timeout) throws IOException {
        // TODO Connect a channel of the server's family, echo each line over it, end your side; give up with a
        //  SocketTimeoutException once the timeout has passed, connecting included. See "Code for any family" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: the echo client for any SocketAddress (README.md, \"Code for any family\")");
    }

    public static void main(String[] args) throws IOException {
        boolean serving = args.length > 0 && args[0].equals("--serve");
        int first = serving ? 1 : 0;
        if (serving && args.length != 2) {
            usage("--serve takes one ADDRESS");
        }
        SocketAddress address = args.length > first ? address(args[first]) : address(DEFAULT_ADDRESS);
        if (serving) {
            ServerSocketChannel listener = listen(address);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    listener.close(); // serve returns, and removes a socket file
                    main.join(2_000);
                } catch (IOException | InterruptedException e) {
                    System.err.println("Stopping failed: " + e);
                }
            }));
            System.out.println("Serving at " + shown(listener.getLocalAddress()) + " (Ctrl-C stops)");
            serve(listener);
            return;
        }
        List<String> lines = args.length > first + 1 ? List.of(args).subList(first + 1, args.length) : LINES;
        try {
            List<String> echoes = echoAll(address, lines, TIMEOUT);
            for (int i = 0; i < lines.size(); i++) {
                System.out.println("SENT \"" + lines.get(i) + "\"");
                System.out.println("RCVD \"" + echoes.get(i) + "\"");
            }
        } catch (IOException e) {
            System.err.println("The conversation with " + shown(address) + " failed: " + e);
            System.exit(1);
        }
    }

    /** Reads an address as people type it: a path when it holds a "/", else HOST:PORT or [IPV6]:PORT. */
    static SocketAddress address(String text) {
        if (text.contains("/")) {
            return UnixDomainSocketAddress.of(text);
        }
        int colon = text.lastIndexOf(':');
        if (colon < 1) {
            usage("'" + text + "' is neither HOST:PORT nor a path");
        }
        String host = text.substring(0, colon).replaceAll("^\\[(.*)]$", "$1");
        try {
            return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException notAPort) { // NumberFormatException included
            usage("'" + text + "' has no port from 0 to 65535");
            return null;
        }
    }

    /** An address as people read it: the path, or HOST:PORT with an IPv6 host in brackets. */
    static String shown(SocketAddress address) {
        return switch (address) {
            case UnixDomainSocketAddress unix -> unix.getPath().toString();
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 -> "[" + v6.getHostAddress() + "]:" + inet.getPort();
            case InetSocketAddress inet -> inet.getHostString() + ":" + inet.getPort();
            default -> address.toString();
        };
    }

    static String usage(String problem) {
        System.err.println("AnyFamilyEcho: " + problem);
        System.err.println("usage: AnyFamilyEcho --serve ADDRESS | AnyFamilyEcho ADDRESS [LINE...]   (ADDRESS: HOST:PORT, [IPV6]:PORT or a path with a /)");
        System.exit(2);
        return null;
    }
}
