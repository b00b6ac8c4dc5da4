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
 * Upgrading a plain connection to TLS with STARTTLS, as SMTP and IMAP do: the server greets ({@code 220 netbasics echo,
 * STARTTLS required}), the client asks ({@code STARTTLS}), the server agrees ({@code 220 ready for TLS}), and a TLS
 * handshake and the chapter 03 echo follow on the same connection. Anything else ends it: never a plain-text way on.
 * <pre>jbang start-tls --serve --certfile F --keyfile F [--host H] [--port P]
 * jbang start-tls [--cafile F] [--server-name N] [--host H] [--port P] [LINE...]</pre>
 */
public class StartTls {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * Serves each connection accepted on {@code listener} on a thread of its own until the listener is closed, then
     * returns quietly; a failed accept() on an open listener costs that connection, not the server. Each conversation:
     * greet, answer every line but STARTTLS with {@code 530}, STARTTLS with {@code 220}, upgrade the same connection as
     * the TLS server (TLS 1.2 or newer), echo. One deadline, {@code timeout} from the accept, bounds the plain text and
     * the handshake together; nothing is echoed in plain text, and a failed handshake ends the connection.
     */
    public static void serve(ServerSocket listener, SSLContext context, Duration timeout) throws IOException {
        // TODO Accept until the listener is closed; on each connection's own thread, under one deadline timer: greet, 530
        //  until STARTTLS, 220, upgrade as the TLS server, echo. See "Upgrading a connection". (main needs your TlsContexts.java.)
        throw new UnsupportedOperationException("TODO serve: greet, wait for STARTTLS, upgrade, echo (README.md, \"Upgrading a connection\")");
    }

    /**
     * The client's half, on a connected {@code plain} socket: reads the greeting, sends STARTTLS, and on a {@code 220}
     * reply starts TLS on the same connection as a client of {@code serverName} (the name checked and sent as SNI, TLS
     * 1.2 or newer). {@code timeout} bounds every read, from the greeting on (a read timeout on {@code plain}). Throws an
     * IOException when the server does not agree, does not answer in time, or the handshake fails: no plain-text way on.
     */
    public static SSLSocket startTls(Socket plain, SSLContext context, String serverName, Duration timeout) throws IOException {
        // TODO Read the greeting, send STARTTLS, and on a 220 reply start TLS on the same socket as a client that checks
        //  serverName; on any other reply, or a failed handshake, throw. See "Upgrading a connection" and "Never fall back".
        throw new UnsupportedOperationException("TODO startTls: upgrade the connection, or refuse to go on (README.md, \"Upgrading a connection\")");
    }

    /**
     * Connects to {@code server} within {@code timeout}, upgrades with {@link #startTls}, echoes each line over TLS and
     * closes; returns the echoes in order. Throws, having sent no line and closed the connection, when the upgrade fails.
     */
    public static List<String> echoAll(SSLContext context, InetSocketAddress server, String serverName, List<String> lines,
                                       Duration timeout) throws IOException {
        // TODO Connect, upgrade with startTls, echo each line over TLS, close. Nothing is ever sent in plain text. See "Never fall back".
        throw new UnsupportedOperationException("TODO echoAll: the echo after STARTTLS (README.md, \"Never fall back\")");
    }

    public static void main(String[] args) throws IOException, GeneralSecurityException {
        var command = new CommandLine("StartTls [--serve --certfile FILE --keyfile FILE] [--cafile FILE] [--server-name NAME] [--host HOST] [--port PORT] [LINE...]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        if (command.flag("--serve")) { // your TlsContexts.java reads the files, as the client's CA file below
            SSLContext context = TlsContexts.serverContext(command.requiredPath("--certfile"), command.requiredPath("--keyfile"), null);
            serve(CommandLine.listen(address), context, TIMEOUT);
            return;
        }
        List<String> lines = command.operands().isEmpty() ? List.of("Hello over STARTTLS, £€") : command.operands();
        String name = command.text("--server-name", command.text("--host", DEFAULT_HOST));
        try {
            CommandLine.printEchoes(lines, echoAll(TlsContexts.clientContext(command.path("--cafile", null)), address, name, lines, TIMEOUT));
            System.out.println("Disconnected from " + CommandLine.shown(address));
        } catch (IOException e) {
            throw CommandLine.fatal("StartTls: no secure conversation with " + CommandLine.shown(address) + ": " + e.getMessage());
        }
    }
}
