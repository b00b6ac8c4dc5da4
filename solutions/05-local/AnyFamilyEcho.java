///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One echo server and one echo client written against {@link SocketAddress}, so the same code runs
 * unchanged over TCP/IPv4, TCP/IPv6 and a Unix-domain socket file: only the address differs.
 *
 * <pre>jbang any-family-echo --serve ADDRESS
 * jbang any-family-echo ADDRESS [LINE...]      ADDRESS: HOST:PORT, [IPV6]:PORT, or a path with a /</pre>
 */
public class AnyFamilyEcho {

    static final String DEFAULT_ADDRESS = "localhost:8881";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final List<String> LINES = List.of("the same code", "over any family: £€");

    /**
     * Opens a listening channel of the family {@code address} belongs to (IPv4, IPv6 or Unix
     * domain) and binds it there. An IP address may have port 0: the listener's
     * {@code getLocalAddress()} then says which port it got.
     */
    public static ServerSocketChannel listen(SocketAddress address) throws IOException {
        var listener = ServerSocketChannel.open(family(address));
        try {
            listener.bind(address);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /**
     * Accepts connections on {@code listener} until it is closed, echoing each on a virtual thread
     * of its own until the client ends its side. Returns quietly once the listener is closed; a
     * Unix-domain listener's socket file is removed then.
     */
    public static void serve(ServerSocketChannel listener) throws IOException {
        SocketAddress address = listener.getLocalAddress(); // a closed listener no longer says
        try {
            while (true) {
                SocketChannel connection;
                try {
                    connection = listener.accept();
                } catch (ClosedChannelException closed) {
                    return;
                }
                Thread.ofVirtual().start(() -> converse(connection));
            }
        } finally {
            if (address instanceof UnixDomainSocketAddress unix) {
                Files.deleteIfExists(unix.getPath()); // the only family that leaves something behind
            }
        }
    }

    /**
     * Connects to {@code server}, of any family, and echoes each line in turn over that one
     * connection; returns the echoes in order. The whole conversation, connect included, takes at
     * most {@code timeout}, else a {@link SocketTimeoutException}.
     */
    public static List<String> echoAll(SocketAddress server, List<String> lines, Duration timeout) throws IOException {
        // A channel of the address's family, not yet connected: the timer must bound the connect too.
        try (var channel = SocketChannel.open(family(server))) {
            // Unix-domain channels have no read timeout, so the same timer serves every family; closing
            // the channel ends a connect that waits as well as a read.
            var expired = new AtomicBoolean();
            Thread timer = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(timeout);
                    expired.set(true);
                    channel.close();
                } catch (InterruptedException | IOException finishedInTime) {
                    // the conversation is over
                }
            });
            try {
                channel.connect(server);
                List<String> echoes = new ArrayList<>();
                for (String line : lines) {
                    echoes.add(echo(channel, line));
                }
                channel.shutdownOutput();
                return echoes;
            } catch (ClosedChannelException closed) {
                if (expired.get()) {
                    throw new SocketTimeoutException(CommandLine.shown(server) + " did not answer within " + timeout.toMillis() + " ms");
                }
                throw closed;
            } finally {
                timer.interrupt();
            }
        }
    }

    /** The family of an address: what {@code socket.socket(AF_...)} takes in Python. */
    private static ProtocolFamily family(SocketAddress address) {
        return switch (address) {
            case UnixDomainSocketAddress unix -> StandardProtocolFamily.UNIX;
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address -> StandardProtocolFamily.INET6;
            case InetSocketAddress inet -> StandardProtocolFamily.INET;
            default -> throw new IllegalArgumentException("not a socket address this echo knows: " + address);
        };
    }

    private static void converse(SocketChannel connection) {
        try (connection) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (connection.read(buffer) != -1) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    connection.write(buffer);
                }
                buffer.clear();
            }
        } catch (IOException gone) {
            System.err.println("A conversation ended abruptly: " + gone.getMessage());
        }
    }

    private static String echo(SocketChannel channel, String line) throws IOException {
        ByteBuffer sent = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (sent.hasRemaining()) {
            channel.write(sent);
        }
        ByteBuffer echo = ByteBuffer.allocate(sent.capacity());
        while (echo.hasRemaining()) {
            if (channel.read(echo) == -1) {
                throw new EOFException("the server ended the stream after " + echo.position() + " of " + echo.capacity() + " bytes");
            }
        }
        return new String(echo.array(), StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("AnyFamilyEcho --serve ADDRESS | AnyFamilyEcho [ADDRESS [LINE...]]\n"
                + "(ADDRESS: HOST:PORT, [IPV6]:PORT or a path with a /; default " + DEFAULT_ADDRESS + ")", args);
        if (command.text("--serve", null) != null) {
            ServerSocketChannel listener = listen(command.socketAddress("--serve", command.text("--serve", null)));
            CommandLine.closeOnCtrlC(listener, TIMEOUT); // serve returns, and removes a socket file
            CommandLine.serving(listener.getLocalAddress());
            serve(listener);
            return;
        }
        List<String> operands = command.operands(), lines = operands.size() > 1 ? operands.subList(1, operands.size()) : LINES;
        SocketAddress server = command.socketAddress("ADDRESS", operands.isEmpty() ? DEFAULT_ADDRESS : operands.getFirst());
        try {
            CommandLine.printEchoes(lines, echoAll(server, lines, TIMEOUT), line -> '"' + line + '"');
        } catch (IOException e) {
            throw CommandLine.fatal("The conversation with " + CommandLine.shown(server) + " failed: " + e);
        }
    }
}
