///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES TlsContexts.java ../cli/CommandLine.java

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
    static final Duration ACCEPT_BACK_OFF = Duration.ofMillis(50);
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    static final String GREETING = "220 netbasics echo, STARTTLS required";
    static final String READY = "220 ready for TLS";
    static final String FIRST = "530 send STARTTLS first";
    static final int LONGEST_LINE = 512;

    /**
     * Serves each connection accepted on {@code listener} on a thread of its own until the listener is closed, then
     * returns quietly; a failed accept() on an open listener costs that connection, not the server. Each conversation:
     * greet, answer every line but STARTTLS with {@code 530}, STARTTLS with {@code 220}, upgrade the same connection as
     * the TLS server (TLS 1.2 or newer), echo. One deadline, {@code timeout} from the accept, bounds the plain text and
     * the handshake together; nothing is echoed in plain text, and a failed handshake ends the connection.
     */
    public static void serve(ServerSocket listener, SSLContext context, Duration timeout) throws IOException {
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
            Thread.ofVirtual().start(() -> converse(accepted, context, timeout));
        }
    }

    private static void converse(Socket plain, SSLContext context, Duration timeout) {
        // A timer, not a read timeout: a client that trickles a byte now and then would reset a read timeout for ever.
        Thread deadline = Thread.ofVirtual().start(() -> closeAfter(timeout, plain));
        try (plain) {
            InputStream in = plain.getInputStream();
            OutputStream out = plain.getOutputStream();
            writeLine(out, GREETING);
            for (String line; !"STARTTLS".equalsIgnoreCase(line = readLine(in)); ) {
                writeLine(out, FIRST); // plain text carries no data here: not a byte is echoed before TLS
            }
            writeLine(out, READY);
            try (var tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true)) {
                tls.setUseClientMode(false);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(PROTOCOLS);
                tls.setSSLParameters(parameters);
                tls.startHandshake(); // fails on anything but a TLS client: then the connection just ends
                deadline.interrupt(); // upgraded in time: the echo may pause as long as it likes
                byte[] buffer = new byte[8192];
                for (int n; (n = tls.getInputStream().read(buffer)) != -1; ) {
                    tls.getOutputStream().write(buffer, 0, n);
                }
            }
        } catch (IOException failed) {
            System.err.println("Conversation with " + plain.getRemoteSocketAddress() + " ended: " + failed.getMessage());
        } finally {
            deadline.interrupt();
        }
    }

    /** Closes {@code socket} when {@code delay} has passed, unless interrupted first. */
    private static void closeAfter(Duration delay, Socket socket) {
        try {
            Thread.sleep(delay);
            socket.close();
        } catch (InterruptedException | IOException cancelledOrClosed) {
            // interrupted: the upgrade was over in time
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

    /**
     * The client's half, on a connected {@code plain} socket: reads the greeting, sends STARTTLS, and on a {@code 220}
     * reply starts TLS on the same connection as a client of {@code serverName} (the name checked and sent as SNI, TLS
     * 1.2 or newer). {@code timeout} bounds every read, from the greeting on (a read timeout on {@code plain}). Throws an
     * IOException when the server does not agree, does not answer in time, or the handshake fails: no plain-text way on.
     */
    public static SSLSocket startTls(Socket plain, SSLContext context, String serverName, Duration timeout) throws IOException {
        plain.setSoTimeout((int) timeout.toMillis());
        InputStream in = plain.getInputStream();
        String greeting = readLine(in);
        if (!greeting.startsWith("220")) {
            throw new IOException("the server greeted with \"" + greeting + "\", not 220");
        }
        writeLine(plain.getOutputStream(), "STARTTLS");
        String reply = readLine(in);
        if (!reply.startsWith("220")) {
            throw new IOException("the server refused STARTTLS (\"" + reply + "\"): not going on in plain text");
        }
        var tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, plain.getPort(), true);
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setProtocols(PROTOCOLS);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!serverName.contains(":") && !serverName.matches("[0-9.]+")) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return tls;
    }

    /**
     * Connects to {@code server} within {@code timeout}, upgrades with {@link #startTls}, echoes each line over TLS and
     * closes; returns the echoes in order. Throws, having sent no line and closed the connection, when the upgrade fails.
     */
    public static List<String> echoAll(SSLContext context, InetSocketAddress server, String serverName, List<String> lines,
                                       Duration timeout) throws IOException {
        try (var plain = new Socket()) {
            plain.connect(server, (int) timeout.toMillis());
            SSLSocket secure = startTls(plain, context, serverName, timeout);
            try (secure) {
                List<String> echoes = new ArrayList<>();
                for (String line : lines) {
                    echoes.add(echo(secure, line));
                }
                return echoes;
            }
        }
    }

    private static String echo(Socket socket, String line) throws IOException {
        byte[] sent = line.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        byte[] echo = new byte[sent.length];
        for (int received = 0; received < echo.length; ) {
            int n = socket.getInputStream().read(echo, received, echo.length - received);
            if (n == -1) {
                throw new EOFException("the server ended the stream after echoing " + received + " of " + echo.length + " bytes");
            }
            received += n;
        }
        return new String(echo, StandardCharsets.UTF_8);
    }

    /**
     * One line, read a byte at a time: nothing after the newline is taken from the stream, so the
     * bytes of the TLS handshake that follow are left for the TLS layer.
     */
    private static String readLine(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                throw new EOFException("the connection ended in the middle of the plain-text conversation");
            }
            if (line.size() == LONGEST_LINE) {
                throw new IOException("a line longer than " + LONGEST_LINE + " bytes");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8).replaceFirst("\r$", "");
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
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
