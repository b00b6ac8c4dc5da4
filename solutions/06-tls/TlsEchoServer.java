///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
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
 * deadline for the whole handshake: a client that stalls, trickles or botches its handshake costs
 * only its own connection, and so does an accept() that fails. With {@code requireClientCert} it demands a client certificate (mutual TLS) and
 * tells each client the subject it authenticated before echoing.
 *
 * <pre>jbang tls-echo-server --certfile F --keyfile F [--cafile F --require-client-cert] [--host H] [--port P]</pre>
 */
public class TlsEchoServer {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ACCEPT_BACK_OFF = Duration.ofMillis(50);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

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
        while (true) {
            Socket accepted;
            try {
                accepted = listener.accept();
            } catch (IOException failed) {
                if (listener.isClosed()) {
                    return;
                }
                // "Too many open files", a connection reset before it was taken: this one is lost, the next may do.
                System.err.println("accept() failed: " + failed.getMessage());
                if (!pause(ACCEPT_BACK_OFF)) {
                    return;
                }
                continue;
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

    /**
     * Wraps an accepted connection as the TLS server and completes the handshake within its deadline.
     * The deadline is a timer that closes the connection, not a read timeout: a read timeout bounds
     * each read, and a client that trickles its ClientHello a byte at a time would reset it at every
     * byte and hold the connection for as long as it likes.
     */
    private static SSLSocket handshake(Socket accepted, SSLContext context, boolean requireClientCert, Duration handshakeTimeout)
            throws IOException {
        var tls = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, accepted.getPort(), true);
        try {
            tls.setUseClientMode(false); // a wrapped socket starts as a client: this side is the server
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            parameters.setNeedClientAuth(requireClientCert); // "need", not "want": no certificate, no connection
            tls.setSSLParameters(parameters);
            Thread deadline = Thread.ofVirtual().start(() -> closeAfter(handshakeTimeout, accepted));
            try {
                tls.startHandshake(); // a close by the deadline makes it throw
            } finally {
                deadline.interrupt(); // the deadline was for the handshake; a conversation may pause as long as it likes
            }
            return tls;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /** Closes {@code socket} when {@code delay} has passed, unless interrupted first. */
    private static void closeAfter(Duration delay, Socket socket) {
        try {
            Thread.sleep(delay);
            socket.close();
        } catch (InterruptedException | IOException cancelledOrClosed) {
            // interrupted: the handshake was over in time
        }
    }

    /** Sleeps a moment, so that an accept() that keeps failing does not spin; false when interrupted. */
    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
