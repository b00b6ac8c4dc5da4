///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.InetSocketAddress;
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
        throw new UnsupportedOperationException("TODO serve: TLS on each accepted connection (README.md, \"The server wraps what it accepts\")");
    }

    /**
     * A server context from a PEM chain and a PKCS#8 PEM key, verifying client certificates
     * against {@code clientCaFile} when it is given. (A script stands alone, so it carries its own
     * copy of TlsContexts.serverContext.)
     */
    static SSLContext context(Path certFile, Path keyFile, Path clientCaFile) throws IOException, GeneralSecurityException {
        // TODO Copy your TlsContexts.serverContext here (a script stands alone, with no other file to call).
        //  See "Contexts from files" in README.md.
        throw new UnsupportedOperationException("TODO context: copy TlsContexts.serverContext (README.md, \"Contexts from files\")");
    }

    public static void main(String[] args) throws IOException {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        Path certFile = null;
        Path keyFile = null;
        Path caFile = null;
        boolean requireClientCert = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--require-client-cert")) {
                requireClientCert = true;
                i--; // a flag: no value follows
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--certfile" -> certFile = Path.of(value);
                case "--keyfile" -> keyFile = Path.of(value);
                case "--cafile" -> caFile = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (certFile == null || keyFile == null) {
            usage("--certfile and --keyfile are needed: the server must prove who it is");
        }
        if (requireClientCert != (caFile != null)) {
            usage("--require-client-cert and --cafile (the CA of the client certificates) go together");
        }
        SSLContext context;
        try {
            context = context(certFile, keyFile, caFile);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("TlsEchoServer: cannot load the server's certificate and key: " + e.getMessage());
            System.exit(2);
            return;
        }
        var listener = new ServerSocket(); // a plain listener: only the accepted connections speak TLS
        listener.bind(new InetSocketAddress(host, port));
        System.out.println("Serving at " + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
        System.out.println("(" + (requireClientCert ? "client certificates from " + caFile + " required; " : "") + "Ctrl-C stops)");
        serve(listener, context, requireClientCert, HANDSHAKE_TIMEOUT);
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
        usage("--port takes a number from 0 to 65535, not '" + text + "'");
        return -1;
    }

    static String usage(String problem) {
        System.err.println("TlsEchoServer: " + problem);
        System.err.println("usage: TlsEchoServer --certfile F --keyfile F [--cafile F --require-client-cert] [--host HOST] [--port PORT]");
        System.exit(2);
        return null;
    }
}
