///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
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
        //  See "A client that checks" in README.md. (main needs your TlsContexts.java: do that exercise first.)
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

    /** One line that says why the conversation failed, in the terms of what was checked. */
    static String why(Exception e, String where, String name) {
        String seen = "";
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            seen += cause.getClass().getSimpleName() + ": " + cause.getMessage() + "\n";
        }
        String refused = "refused " + where + ": "; // the most telling cause first: an expired certificate also fails the path check
        return seen.contains("CertificateExpired") ? refused + "its certificate has expired"
                : seen.contains("No subject alternative") || seen.contains("No name matching") ? refused + "its certificate is not for " + name
                : seen.contains("valid certification path") || seen.contains("CertPathValidator") ? refused + "its certificate does not chain to a CA this client trusts"
                : seen.startsWith("SSLHandshakeException") && seen.contains("protocol") ? refused + "it offers no TLS version from 1.2 up"
                : seen.startsWith("SocketTimeoutException") ? where + " did not answer within " + TIMEOUT.toSeconds() + " s"
                : "the conversation with " + where + " failed: " + e.getMessage();
    }

    public static void main(String[] args) {
        var command = new CommandLine("TlsEchoClient [--cafile FILE] [--server-name NAME] [--host HOST] [--port PORT] [LINE...]", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        String name = command.text("--server-name", command.text("--host", DEFAULT_HOST));
        List<String> lines = command.operands().isEmpty() ? LINES : command.operands();
        try {
            CommandLine.printEchoes(lines, echoAll(TlsContexts.clientContext(command.path("--cafile", null)), server, name, lines, TIMEOUT));
            System.out.println("Disconnected from " + CommandLine.shown(server) + " (" + name + ")");
        } catch (IOException | GeneralSecurityException e) {
            throw CommandLine.fatal("TlsEchoClient: " + why(e, CommandLine.shown(server), name));
        }
    }
}
