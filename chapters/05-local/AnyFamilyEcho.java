///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
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
        var command = new CommandLine("AnyFamilyEcho --serve ADDRESS | AnyFamilyEcho [ADDRESS [LINE...]]\n"
                + "(ADDRESS: HOST:PORT, [IPV6]:PORT or a path with a /; default " + DEFAULT_ADDRESS + ")", args);
        if (command.text("--serve", null) != null) {
            ServerSocketChannel listener = listen(command.socketAddress("--serve", command.text("--serve", null)));
            CommandLine.closeOnCtrlC(listener, TIMEOUT); // serve returns, and removes a socket file
            CommandLine.serving(listener.getLocalAddress());
            serve(listener);
            return;
        }
        List<String> operands = command.operands(), lines = operands.size() > 1 ? operands.subList(1, operands.size()) : LINES;
        SocketAddress server = command.socketAddress("ADDRESS", operands.isEmpty() ? DEFAULT_ADDRESS : operands.getFirst());
        try {
            CommandLine.printEchoes(lines, echoAll(server, lines, TIMEOUT), line -> '"' + line + '"');
        } catch (IOException e) {
            throw CommandLine.fatal("The conversation with " + CommandLine.shown(server) + " failed: " + e);
        }
    }
}
