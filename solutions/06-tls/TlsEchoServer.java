///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

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
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /**
     * Accepts TCP connections on {@code listener} until it is closed, then returns quietly. Each
     * accepted connection gets a thread of its own, which wraps it in TLS as the server side
     * (TLS 1.2 or newer; a client certificate demanded when {@code requireClientCert}), completes
     * the handshake within {@code handshakeTimeout} or drops the connection, greets a client that
     * showed a certificate with {@code "Authenticated as SUBJECT\n"}, then echoes everything until
     * the client ends its stream.
     */
    public static void serve(ServerSocket listener, SSLContext context, boolean requireClientCert, Duration handshakeTimeout)
            throws IOException {
        while (true) {
            Socket accepted;
            try {
                accepted = listener.accept();
            } catch (SocketException closed) {
                if (listener.isClosed()) {
                    return;
                }
                throw closed;
            }
            // The handshake happens on the connection's thread: a slow client must not hold up accept().
            Thread.ofVirtual().name("tls " + accepted.getRemoteSocketAddress())
                    .start(() -> converse(accepted, context, requireClientCert, handshakeTimeout));
        }
    }

    private static void converse(Socket accepted, SSLContext context, boolean requireClientCert, Duration handshakeTimeout) {
        try (accepted; SSLSocket tls = handshake(accepted, context, requireClientCert, handshakeTimeout)) {
            echo(tls, requireClientCert);
        } catch (IOException failed) {
            // A failed handshake or a vanished client ends this connection, nobody else's.
            System.err.println("Connection from " + accepted.getRemoteSocketAddress() + " ended: " + failed.getMessage());
        }
    }

    /** Wraps an accepted connection as the TLS server and completes the handshake within its deadline. */
    private static SSLSocket handshake(Socket accepted, SSLContext context, boolean requireClientCert, Duration handshakeTimeout)
            throws IOException {
        var tls = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        try {
            tls.setUseClientMode(false); // a wrapped socket starts as a client: this side is the server
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            parameters.setNeedClientAuth(requireClientCert); // "need", not "want": no certificate, no connection
            tls.setSSLParameters(parameters);
            tls.setSoTimeout((int) handshakeTimeout.toMillis());
            tls.startHandshake();
            tls.setSoTimeout(0); // the deadline was for the handshake; a conversation may pause as long as it likes
            return tls;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /** Greets a client that showed a certificate with the subject it proved, then echoes until it ends its stream. */
    private static void echo(SSLSocket tls, boolean requireClientCert) throws IOException {
        OutputStream out = tls.getOutputStream();
        if (requireClientCert) {
            String subject = tls.getSession().getPeerPrincipal().getName();
            out.write(("Authenticated as " + subject + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        InputStream in = tls.getInputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
        }
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
