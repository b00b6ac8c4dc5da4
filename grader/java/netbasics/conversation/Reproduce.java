package netbasics.conversation;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import netbasics.report.Exchange;
import netbasics.report.Exchange.Event;
import netbasics.report.Exchange.Kind;

/**
 * One line a learner can paste to have the same conversation by hand: their script in one
 * terminal, and in another a peer made of tools the dev container has (python3, openssl). Port
 * 9000 stands for any free port; the suites themselves always use ephemeral ports.
 *
 * <pre>
 * Reproduce by hand: ./jbang udp-echo-server --port 9000   then, in another terminal:
 *   python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.sendto(b"hello", ("127.0.0.1", 9000)); print(s.recvfrom(65535))'
 * </pre>
 */
public final class Reproduce {

    /** The port the commands use. */
    public static final int PORT = 9000;
    private static final int MAX_PAYLOAD = 64;

    private Reproduce() {}

    /** The learner's UDP server, and a python3 client sending {@code payload} and printing the reply. */
    public static String udpServer(String alias, byte[] payload) {
        return udpServer(alias, payload, payload.length);
    }

    /** Like {@link #udpServer(String, byte[])} for a payload of {@code length} bytes of which only the first were kept. */
    static String udpServer(String alias, byte[] head, int length) {
        return of("./jbang " + alias + " --port " + PORT,
                "python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2); s.sendto("
                        + python(head, length) + ", (\"127.0.0.1\", " + PORT + ")); print(s.recvfrom(65535))'");
    }

    /** A python3 UDP echo server, and the learner's client run with {@code arguments}. */
    public static String udpClient(String alias, String arguments) {
        return of("python3 -c 'import socketserver as ss; ss.UDPServer((\"127.0.0.1\", " + PORT + "), type(\"Echo\", "
                        + "(ss.BaseRequestHandler,), {\"handle\": lambda h: print(h.client_address, h.request[0]) or "
                        + "h.request[1].sendto(h.request[0], h.client_address)})).serve_forever()'",
                "./jbang " + alias + " --port " + PORT + (arguments.isBlank() ? "" : " " + arguments));
    }

    /** The learner's TCP server, and a python3 client sending {@code payload} and printing what comes back. */
    public static String tcpServer(String alias, byte[] payload) {
        return tcpServer(alias, payload, payload.length);
    }

    static String tcpServer(String alias, byte[] head, int length) {
        return of("./jbang " + alias + " --port " + PORT,
                "python3 -c 'import socket; s = socket.create_connection((\"127.0.0.1\", " + PORT + ")); s.settimeout(2); "
                        + (length == 0 ? "" : "s.sendall(" + python(head, length) + "); ") + "print(s.recv(65536))'");
    }

    /** A python3 TCP echo server (it prints every chunk it reads: how the stream was split), and the learner's client. */
    public static String tcpClient(String alias, String arguments) {
        return of("python3 -c 'import socketserver as ss; ss.TCPServer((\"127.0.0.1\", " + PORT + "), type(\"Echo\", "
                        + "(ss.BaseRequestHandler,), {\"handle\": lambda h: [print(d) or h.request.sendall(d) "
                        + "for d in iter(lambda: h.request.recv(65536), b\"\")]})).serve_forever()'",
                "./jbang " + alias + " --port " + PORT + (arguments.isBlank() ? "" : " " + arguments));
    }

    /** The socket file the Unix-domain lines use. */
    public static final String SOCKET_FILE = "/tmp/netbasics.sock";

    /** The learner's Unix-domain server at {@link #SOCKET_FILE}, and a python3 client sending {@code payload} and printing what comes back. */
    public static String localServer(String alias, byte[] payload) {
        return localServer(alias, payload, payload.length);
    }

    static String localServer(String alias, byte[] head, int length) {
        return of("./jbang " + alias + " --path " + SOCKET_FILE,
                "python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.connect(\"" + SOCKET_FILE + "\"); s.settimeout(2); s.sendall("
                        + python(head, length) + "); print(s.recv(65536))'");
    }

    /** A python3 Unix-domain echo server at {@link #SOCKET_FILE} (it prints every chunk it reads), and the learner's client. */
    public static String localClient(String alias) {
        return of("rm -f " + SOCKET_FILE + "; python3 -c 'import socketserver as ss; ss.UnixStreamServer(\"" + SOCKET_FILE + "\", type(\"Echo\", "
                        + "(ss.BaseRequestHandler,), {\"handle\": lambda h: [print(d) or h.request.sendall(d) "
                        + "for d in iter(lambda: h.request.recv(65536), b\"\")]})).serve_forever()'",
                "./jbang " + alias + " --path " + SOCKET_FILE);
    }

    /** A throwaway certificate for localhost (and its key) in /tmp, made by openssl, for either side of a TLS line. */
    static final String SELF_SIGNED = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
            + "-addext subjectAltName=DNS:localhost -keyout /tmp/key.pem -out /tmp/cert.pem 2>/dev/null && ";

    /** The learner's TLS server with a throwaway certificate, and openssl's client showing the handshake (certificate, protocol) then the echo. */
    public static String tlsServer(String alias) {
        return of(SELF_SIGNED + "./jbang " + alias + " --certfile /tmp/cert.pem --keyfile /tmp/key.pem --port " + PORT,
                "openssl s_client -connect 127.0.0.1:" + PORT + " -servername localhost -CAfile /tmp/cert.pem -brief");
    }

    /** openssl's TLS server with a throwaway certificate (it prints what it is sent), and the learner's client trusting it. */
    public static String tlsClient(String alias) {
        return of(SELF_SIGNED + "openssl s_server -accept " + PORT + " -cert /tmp/cert.pem -key /tmp/key.pem",
                "./jbang " + alias + " --cafile /tmp/cert.pem --port " + PORT);
    }

    /**
     * The line for a recorded exchange, guessed from who spoke first and how: a fixture sending a
     * datagram to the learner's code means the learner wrote a UDP server, one connecting to it a TCP
     * (or, with TLS steps, a TLS) server; the learner's code speaking first means it is the client.
     * Empty when nothing was recorded, and for a resolver's DNS queries, which no echo peer answers.
     *
     * @param script the exercise's script, {@code UdpEchoServer}; its JBang alias is {@link #alias(String)}
     */
    public static Optional<String> guess(Exchange exchange, String script) {
        String alias = alias(script);
        boolean tls = exchange.events().stream().anyMatch(e -> e.kind() == Kind.TLS);
        for (Event event : exchange.events()) {
            boolean toLearner = event.to().equals(Exchange.LEARNER) && !event.from().equals(Exchange.LEARNER);
            boolean fromLearner = event.from().equals(Exchange.LEARNER) && !event.to().equals(Exchange.LEARNER);
            if (event.kind() == Kind.DATAGRAM && toLearner) {
                return Optional.of(udpServer(alias, event.head(), event.length()));
            }
            if (event.kind() == Kind.DATAGRAM && fromLearner) {
                return event.note().startsWith("DNS ") ? Optional.empty() : Optional.of(udpClient(alias, ""));
            }
            boolean local = event.fromAddress().startsWith("/") || event.toAddress().startsWith("/"); // a socket file's path
            if (event.kind() == Kind.CONNECT && toLearner) {
                Event write = firstWrite(exchange);
                return Optional.of(local ? localServer(alias, write.head(), write.length())
                        : tls ? tlsServer(alias) : tcpServer(alias, write.head(), write.length()));
            }
            if (event.kind() == Kind.CONNECT && fromLearner) {
                return Optional.of(local ? localClient(alias) : tls ? tlsClient(alias) : tcpClient(alias, ""));
            }
        }
        return Optional.empty();
    }

    /** The JBang alias of a script, as jbang-catalog.json names them: {@code UdpEchoServer} → {@code udp-echo-server}. */
    public static String alias(String script) {
        return script.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The first bytes written to the learner's code (an empty write when there were none). */
    private static Event firstWrite(Exchange exchange) {
        return exchange.events().stream().filter(e -> e.kind() == Kind.WRITE && e.to().equals(Exchange.LEARNER)).findFirst()
                .orElse(new Event(0, Kind.WRITE, "", "", "", "", Conversation.TCP, 0, new byte[0], null, ""));
    }

    /** Any pair: what runs first (the server), then what talks to it. */
    public static String of(String first, String then) {
        return "Reproduce by hand: " + first + "   then, in another terminal:\n  " + then;
    }

    /** {@code b"hello"} for short printable ASCII, else {@code bytes.fromhex("…")}; long payloads are cut. */
    static String python(byte[] payload) {
        return python(payload, payload.length);
    }

    /** Like {@link #python(byte[])} for {@code length} bytes of which {@code head} are the first (the rest stand in as zeros). */
    static String python(byte[] head, int length) {
        boolean cut = length > MAX_PAYLOAD || head.length < length;
        byte[] shown = java.util.Arrays.copyOf(head, Math.min(Math.min(head.length, length), MAX_PAYLOAD));
        boolean ascii = true;
        for (byte b : shown) {
            ascii &= b >= 0x20 && b < 0x7f && b != '\'' && b != '"' && b != '\\';
        }
        String literal = ascii ? "b\"" + new String(shown, StandardCharsets.US_ASCII) + "\""
                : "bytes.fromhex(\"" + HexFormat.of().formatHex(shown) + "\")";
        return cut ? literal + " + bytes(" + (length - shown.length) + ")" : literal;
    }
}
