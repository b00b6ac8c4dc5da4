///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP server that tells each client who it is: the five-tuple of its connection, as the server
 * sees it, in one line such as {@code TCP 127.0.0.1:50312 -> 127.0.0.1:8881}. The client hangs
 * up when it has read enough; the server then closes its side too.
 *
 * <pre>jbang who-am-i [--host HOST] [--port PORT]</pre>
 */
public class WhoAmI {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;

    /**
     * The five-tuple of an accepted connection, from the server's side:
     * {@code TCP CLIENT_ADDRESS:PORT -> SERVER_ADDRESS:PORT}, IPv6 addresses in brackets.
     */
    public static String fiveTuple(Socket connection) {
        // TODO Build "TCP CLIENT -> SERVER" from the connection's two ends, each ADDRESS:PORT with IPv6 in brackets.
        //  See "Who is on the other end" in README.md.
        throw new UnsupportedOperationException("TODO fiveTuple: the connection's protocol and two ends (README.md, \"Who is on the other end\")");
    }

    /**
     * Accepts connections until {@code listener} is closed, then returns quietly. Each client gets
     * its line at once and is served on a thread of its own, so a client that stays connected
     * never keeps the next one waiting.
     */
    public static void serve(ServerSocket listener) throws IOException {
        // TODO Accept connections until the listener is closed, then return quietly. Give each client its line at once, on
        //  a thread of its own, and keep its connection open until the client hangs up. See "A server with many clients" in README.md.
        throw new UnsupportedOperationException("TODO serve: tell each client its five-tuple (README.md, \"A server with many clients\")");
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("WhoAmI [--host HOST] [--port PORT]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        try (var listener = new ServerSocket()) {
            listener.bind(address);
            CommandLine.serving(listener.getLocalSocketAddress());
            serve(listener);
        }
    }
}
