///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Upgrading a plain connection to TLS, as SMTP, IMAP and others do with STARTTLS. The
 * conversation starts in plain text, one line at a time:
 *
 * <pre>
 * S: 220 netbasics echo, STARTTLS required
 * C: STARTTLS
 * S: 220 ready for TLS
 *    (TLS handshake on the same connection, then the chapter 03 echo)
 * </pre>
 *
 * A server that answers anything else ({@code 454 TLS not available}) or a handshake that fails
 * ends the conversation: the client never goes on in plain text.
 *
 * <pre>jbang start-tls --serve --certfile F --keyfile F [--host H] [--port P]
 * jbang start-tls [--cafile F] [--server-name N] [--host H] [--port P] [LINE...]</pre>
 */
public class StartTls {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * Serves each connection accepted on {@code listener} on a thread of its own until the
     * listener is closed, then returns quietly; an accept() that fails while the listener is open
     * costs that one connection, not the server. Each conversation: greet, answer every line but
     * STARTTLS with {@code 530}, answer STARTTLS with {@code 220} and upgrade the same connection
     * as the TLS server (TLS 1.2 or newer), then echo. One deadline, {@code timeout} from the
     * accept, bounds the plain-text part and the handshake together; nothing is echoed in plain
     * text, and a failed handshake ends the connection.
     */
    public static void serve(ServerSocket listener, SSLContext context, Duration timeout) throws IOException {
        // TODO Accept until the listener is closed (then return quietly; a failed accept() on an open listener is no reason
        //  to stop); on each connection's own thread, under one deadline timer for the plain text and the handshake: greet,
        //  answer each line but STARTTLS with 530, answer STARTTLS with 220, then upgrade the same socket as the TLS server
        //  and echo. See "Upgrading a connection" in README.md. (main needs your TlsContexts.java: do that exercise first.)
        throw new UnsupportedOperationException("TODO serve: greet, wait for STARTTLS, upgrade, echo (README.md, \"Upgrading a connection\")");
    }

    /**
     * The client's half of the upgrade, on a connected {@code plain} socket: reads the greeting,
     * sends STARTTLS, and on a {@code 220} reply starts TLS on the same connection as a client of
     * {@code serverName} (the name checked and sent as SNI, TLS 1.2 or newer). {@code timeout}
     * bounds every read, from the greeting on (a read timeout on {@code plain}, which stays the
     * caller's). Throws an IOException when the server does not agree, does not answer in time, or
     * the handshake fails: there is no plain-text way on.
     */
    public static SSLSocket startTls(Socket plain, SSLContext context, String serverName, Duration timeout) throws IOException {
        // TODO Read the greeting, send STARTTLS, and on a 220 reply start TLS on the same socket as a client that checks
        //  serverName; on any other reply, or a failed handshake, throw. See "Upgrading a connection" and "Never fall back" in README.md.
        throw new UnsupportedOperationException("TODO startTls: upgrade the connection, or refuse to go on (README.md, \"Upgrading a connection\")");
    }

    /**
     * Connects to {@code server} within {@code timeout}, upgrades with {@link #startTls}, echoes each
     * line over TLS and closes; returns the echoes in order. Throws, having sent no line and closed
     * the connection, when the upgrade fails.
     */
    public static List<String> echoAll(SSLContext context, InetSocketAddress server, String serverName, List<String> lines,
                                       Duration timeout) throws IOException {
        // TODO Connect, upgrade with startTls, echo each line over TLS, close. Nothing is ever sent in plain text.
        //  See "Never fall back" in README.md.
        throw new UnsupportedOperationException("TODO echoAll: the echo after STARTTLS (README.md, \"Never fall back\")");
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        var command = new CommandLine("StartTls [--serve --certfile FILE --keyfile FILE] [--cafile FILE] [--server-name NAME] [--host HOST] [--port PORT] [LINE...]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        if (command.flag("--serve")) { // the server's certificate and key, read by your TlsContexts.java
            if (command.path("--certfile", null) == null || command.path("--keyfile", null) == null) {
                throw command.fail("--serve needs --certfile and --keyfile");
            }
            var listener = new ServerSocket(address.getPort(), 50, address.getAddress());
            CommandLine.serving(listener.getLocalSocketAddress());
            serve(listener, TlsContexts.serverContext(command.path("--certfile", null), command.path("--keyfile", null), null), TIMEOUT);
            return;
        }
        List<String> lines = command.operands().isEmpty() ? List.of("Hello over STARTTLS, £€") : command.operands();
        try {
            SSLContext context = TlsContexts.clientContext(command.path("--cafile", null));
            List<String> echoes = echoAll(context, address, command.text("--server-name", command.text("--host", DEFAULT_HOST)), lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT " + lines.get(line) + "\nRCVD " + echoes.get(line));
            }
            System.out.println("Disconnected from " + CommandLine.shown(address));
        } catch (IOException e) {
            throw CommandLine.fatal("StartTls: no secure conversation with " + CommandLine.shown(address) + ": " + e.getMessage());
        }
    }
}
