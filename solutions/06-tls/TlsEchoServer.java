///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

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

    /**
     * A server context from a PEM chain and a PKCS#8 PEM key, verifying client certificates
     * against {@code clientCaFile} when it is given. (A script stands alone, so it carries its own
     * copy of TlsContexts.serverContext.)
     */
    static SSLContext context(Path certFile, Path keyFile, Path clientCaFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = certificates(certFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "in memory".toCharArray();
        store.setKeyEntry("key", privateKey(keyFile), password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
        keys.init(store, password);
        TrustManagerFactory trust = null;
        if (clientCaFile != null) {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            List<X509Certificate> cas = certificates(clientCaFile);
            for (int i = 0; i < cas.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, cas.get(i));
            }
            trust = TrustManagerFactory.getInstance("PKIX");
            trust.init(anchors);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
        return context;
    }

    private static List<X509Certificate> certificates(Path pemFile) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pemFile)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
        }
    }

    private static PrivateKey privateKey(Path pemFile) throws IOException, GeneralSecurityException {
        String text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        int from = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int to = text.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            throw new InvalidKeySpecException(pemFile + " holds no PKCS#8 key (\"BEGIN PRIVATE KEY\")");
        }
        var spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(text.substring(from + 27, to)));
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException notThisAlgorithm) {
                // try the next one
            }
        }
        throw new InvalidKeySpecException(pemFile + " holds neither an RSA nor an EC key");
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
