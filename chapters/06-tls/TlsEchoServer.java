///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The chapter 03 echo server over TLS. It listens on a plain TCP socket, and wraps each
 * connection it accepts in TLS as the server side, on that connection's own thread, with a
 * deadline for the handshake: a client that stalls or botches its handshake costs only its own
 * connection. With {@code requireClientCert} it demands a client certificate (mutual TLS) and
 * tells each client the subject it authenticated before echoing.
 *
 * <pre>jbang tls-echo-server --certfile F --keyfile F [--cafile F --require-client-cert] [--host H] [--port P]</pre>
 */
public class TlsEchoServer {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Accepts TCP connections on {@code listener} until it is closed, then returns quietly; an
     * accept() that fails while the listener is open (out of file descriptors, say) costs that one
     * connection, not the server. Each accepted connection gets a thread of its own, which wraps it
     * in TLS as the server side (TLS 1.2 or newer; a client certificate demanded when
     * {@code requireClientCert}), completes the whole handshake within {@code handshakeTimeout} of
     * the accept or is closed, greets a client that showed a certificate with
     * {@code "Authenticated as SUBJECT\n"}, then echoes everything until the client ends its stream.
     */
    public static void serve(ServerSocket listener, SSLContext context, boolean requireClientCert, Duration handshakeTimeout)
            throws IOException {
        // TODO Accept plain connections until the listener is closed (then return quietly; a failed accept() on an open
        //  listener is no reason to stop); on each connection's own thread, wrap it in TLS as the server, TLS 1.2 and up, a
        //  client certificate demanded when asked, the whole handshake within its deadline (a timer, not a read timeout);
        //  greet an authenticated client, then echo. See "The server wraps what it accepts" and "Deadlines" in README.md.
        //  (main needs your TlsContexts.java: do that exercise first.)
        throw new UnsupportedOperationException("TODO serve: TLS on each accepted connection (README.md, \"The server wraps what it accepts\")");
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        var command = new CommandLine("TlsEchoServer --certfile FILE --keyfile FILE [--cafile FILE --require-client-cert] [--host HOST] [--port PORT]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        Path certFile = command.path("--certfile", null), keyFile = command.path("--keyfile", null), caFile = command.path("--cafile", null);
        if (certFile == null || keyFile == null || command.flag("--require-client-cert") != (caFile != null)) {
            throw command.fail("--certfile and --keyfile prove who the server is; --require-client-cert goes with --cafile, the clients' CA");
        }
        SSLContext context = TlsContexts.serverContext(certFile, keyFile, caFile); // your TlsContexts.java
        var listener = new ServerSocket(); // a plain listener: only the accepted connections speak TLS
        listener.bind(address);
        CommandLine.serving(listener.getLocalSocketAddress());
        serve(listener, context, command.flag("--require-client-cert"), HANDSHAKE_TIMEOUT);
    }
}
