///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertPathValidatorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

/**
 * The chapter 03 echo client over TLS: it connects, lets the server prove that it is the host it
 * meant to reach (the certificate chain up to a trusted CA, and the name in it), and only then
 * sends its lines and reads their echoes.
 *
 * <pre>jbang tls-echo-client [--cafile F] [--server-name N] [--host H] [--port P] [LINE...]</pre>
 */
public class TlsEchoClient {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final List<String> LINES = List.of("A few lines of text", "with characters that are not ASCII: €£", "sent over TLS.");

    /**
     * Connects to {@code server}, wraps the connection in TLS as a client of {@code serverName}
     * and completes the handshake: the server's certificate must chain to an anchor of
     * {@code context} and name {@code serverName}, which is also sent as SNI; TLS 1.2 is the
     * floor. {@code timeout} bounds the connect and every read, the handshake's and every later
     * one. Returns the socket, proven and ready; throws before any application byte is sent when
     * the server fails, having closed the connection.
     */
    public static SSLSocket connect(SSLContext context, InetSocketAddress server, String serverName, Duration timeout) throws IOException {
        // TODO Connect with the timeout, wrap the socket in TLS as a client of serverName, check that name and send it
        //  as SNI, keep to TLS 1.2 and up, bound the handshake and every read, then complete the handshake before returning.
        //  See "A client that checks" in README.md.
        throw new UnsupportedOperationException("TODO connect: a TLS connection that checks the server (README.md, \"A client that checks\")");
    }

    /**
     * Connects as {@link #connect} does, then echoes each line in turn over that one connection,
     * as chapter 03's client does, and closes it; returns the echoes in order.
     */
    public static List<String> echoAll(SSLContext context, InetSocketAddress server, String serverName, List<String> lines,
                                       Duration timeout) throws IOException {
        // TODO Connect as connect does, echo each line over the connection as chapter 03's client does, then close it.
        //  See "A client that checks" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: the echo over a checked connection (README.md, \"A client that checks\")");
    }

    /**
     * A client context that trusts the CAs of {@code caFile}, or the JDK's anchors when it is null.
     * (A script stands alone, so it carries its own copy of TlsContexts.clientContext.)
     */
    static SSLContext context(Path caFile) throws IOException, GeneralSecurityException {
        // TODO Copy your TlsContexts.clientContext here (a script stands alone, with no other file to call).
        //  See "Contexts from files" in README.md.
        throw new UnsupportedOperationException("TODO context: copy TlsContexts.clientContext (README.md, \"Contexts from files\")");
    }

    public static void main(String[] args) {
        Path caFile = null;
        String serverName = null;
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (args[i].equals("--")) {
                i++;
                break;
            }
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--cafile" -> caFile = Path.of(value);
                case "--server-name" -> serverName = value;
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                default -> usage("unknown option " + args[i]);
            }
            i += 2;
        }
        List<String> lines = i < args.length ? List.of(args).subList(i, args.length) : LINES;
        String name = serverName == null ? host : serverName;
        String where = host + ":" + port;
        SSLContext context;
        try {
            context = context(caFile);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("TlsEchoClient: cannot read the CA file " + caFile + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            List<String> echoes = echoAll(context, new InetSocketAddress(host, port), name, lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT " + lines.get(line));
                System.out.println("RCVD " + echoes.get(line));
            }
            System.out.println("Disconnected from " + where + " (" + name + ")");
        } catch (IOException e) {
            System.err.println("TlsEchoClient: " + why(e, where, name));
            System.exit(1);
        }
    }

    /** One line that says why the conversation failed, in the terms of what was checked. */
    static String why(IOException e, String where, String name) {
        String refused = "refused " + where + ": ";
        if (e instanceof SSLHandshakeException) {
            List<Throwable> causes = new ArrayList<>();
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                causes.add(cause);
            }
            // The most telling cause first: an expired certificate also fails the path check around it.
            if (causes.stream().anyMatch(CertificateExpiredException.class::isInstance)) {
                return refused + "its certificate has expired";
            }
            if (causes.stream().anyMatch(CertificateNotYetValidException.class::isInstance)) {
                return refused + "its certificate is not valid yet";
            }
            for (Throwable cause : causes) {
                String message = String.valueOf(cause.getMessage());
                if (message.contains("No subject alternative") || message.contains("No name matching")) {
                    return refused + "its certificate is not for " + name;
                }
                if (cause instanceof CertPathValidatorException || message.contains("unable to find valid certification path")) {
                    return refused + "its certificate does not chain to a CA this client trusts";
                }
                if (message.contains("protocol")) {
                    return refused + "it offers no TLS version from 1.2 up";
                }
            }
            return refused + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return where + " did not answer within " + TIMEOUT.toSeconds() + " s";
        }
        return "the conversation with " + where + " failed: " + e.getMessage();
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
        System.err.println("TlsEchoClient: " + problem);
        System.err.println("usage: TlsEchoClient [--cafile F] [--server-name NAME] [--host HOST] [--port PORT] [LINE...]");
        System.exit(2);
        return null;
    }
}
