///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
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
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
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
        var plain = new Socket();
        try {
            plain.connect(server, (int) timeout.toMillis());
            // Wrapping with the name we mean to reach: the name to check, and (below) the name to send.
            var tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, server.getPort(), true);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setProtocols(PROTOCOLS);
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // check the name during the handshake, not after
            if (!isAddressLiteral(serverName)) {
                // The JDK sends SNI on its own only for names with a dot; "localhost" would go without.
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            tls.setSSLParameters(parameters);
            tls.setSoTimeout((int) timeout.toMillis()); // bounds the handshake's reads, and every read after it
            tls.startHandshake(); // the server proves who it is here, before a byte of ours is sent
            return tls;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * Connects as {@link #connect} does, then echoes each line in turn over that one connection,
     * as chapter 03's client does, and closes it; returns the echoes in order.
     */
    public static List<String> echoAll(SSLContext context, InetSocketAddress server, String serverName, List<String> lines,
                                       Duration timeout) throws IOException {
        try (SSLSocket socket = connect(context, server, serverName, timeout)) {
            List<String> echoes = new ArrayList<>();
            for (String line : lines) {
                echoes.add(echo(socket, line));
            }
            return echoes;
        } // closing sends TLS's close_notify: the server reads the end of the stream
    }

    private static String echo(SSLSocket socket, String line) throws IOException {
        byte[] sent = line.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(sent);
        out.flush();
        byte[] echo = new byte[sent.length];
        InputStream in = socket.getInputStream();
        for (int received = 0; received < echo.length; ) {
            int n = in.read(echo, received, echo.length - received);
            if (n == -1) {
                throw new EOFException("the server ended the stream after echoing " + received + " of " + echo.length + " bytes");
            }
            received += n;
        }
        return new String(echo, StandardCharsets.UTF_8);
    }

    private static boolean isAddressLiteral(String name) {
        return name.contains(":") || name.matches("[0-9.]+");
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
