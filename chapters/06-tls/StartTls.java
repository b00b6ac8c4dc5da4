///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
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
        //  and echo. See "Upgrading a connection" in README.md.
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

    /** A client context trusting {@code caFile}'s CAs, or the JDK's when it is null (the script's own copy of TlsContexts'). */
    static SSLContext clientContext(Path caFile) throws IOException, GeneralSecurityException {
        // TODO Copy your TlsContexts.clientContext here (a script stands alone). See "Contexts from files" in README.md.
        throw new UnsupportedOperationException("TODO clientContext: copy TlsContexts.clientContext (README.md, \"Contexts from files\")");
    }

    /** A server context from a PEM chain and a PKCS#8 PEM key (the script's own copy of TlsContexts'). */
    static SSLContext serverContext(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        // TODO Copy your TlsContexts.serverContext here (a script stands alone). See "Contexts from files" in README.md.
        throw new UnsupportedOperationException("TODO serverContext: copy TlsContexts.serverContext (README.md, \"Contexts from files\")");
    }

    public static void main(String[] args) throws IOException {
        boolean serving = false;
        Path caFile = null;
        Path certFile = null;
        Path keyFile = null;
        String serverName = null;
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (args[i].equals("--")) {
                i++;
                break;
            }
            if (args[i].equals("--serve")) {
                serving = true;
                i++;
                continue;
            }
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--cafile" -> caFile = Path.of(value);
                case "--certfile" -> certFile = Path.of(value);
                case "--keyfile" -> keyFile = Path.of(value);
                case "--server-name" -> serverName = value;
                case "--host" -> host = value;
                case "--port" -> port = port(value);
                default -> usage("unknown option " + args[i]);
            }
            i += 2;
        }
        if (serving && (certFile == null || keyFile == null)) {
            usage("--serve needs --certfile and --keyfile");
        }
        SSLContext context;
        try {
            context = serving ? serverContext(certFile, keyFile) : clientContext(caFile);
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("StartTls: cannot load the " + (serving ? "server's certificate and key" : "CA file") + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        if (serving) {
            var listener = new ServerSocket();
            listener.bind(new InetSocketAddress(host, port));
            System.out.println("Serving at " + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
            serve(listener, context, TIMEOUT);
            return;
        }
        List<String> lines = i < args.length ? List.of(args).subList(i, args.length) : List.of("Hello over STARTTLS, £€");
        String where = host + ":" + port;
        try {
            List<String> echoes = echoAll(context, new InetSocketAddress(host, port), serverName == null ? host : serverName, lines, TIMEOUT);
            for (int line = 0; line < lines.size(); line++) {
                System.out.println("SENT " + lines.get(line));
                System.out.println("RCVD " + echoes.get(line));
            }
            System.out.println("Disconnected from " + where);
        } catch (IOException e) {
            System.err.println("StartTls: no secure conversation with " + where + ": " + e.getMessage());
            System.exit(1);
        }
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
        System.err.println("StartTls: " + problem);
        System.err.println("usage: StartTls --serve --certfile F --keyfile F [--host HOST] [--port PORT]");
        System.err.println("       StartTls [--cafile F] [--server-name NAME] [--host HOST] [--port PORT] [LINE...]");
        System.exit(2);
        return null;
    }
}
