///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Asks a UDP port whether anything is there. A reply means open. An ICMP "port unreachable" means
 * closed: the host answered that nothing listens there, and a connected datagram socket reports it
 * as a {@link PortUnreachableException}. Silence until the timeout means only "no answer": the
 * datagram or its reply may have been lost, filtered, or ignored by a service that does not answer.
 *
 * <pre>jbang port-probe [--host HOST] [--timeout MS] [PORT...]</pre>
 */
public class PortProbe {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8883;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /** What a probe found out about a port. */
    public enum PortState { OPEN, CLOSED, NO_ANSWER }

    /** Sends one datagram to {@code target} from a socket connected to it and tells what came of it. */
    public static PortState probe(InetSocketAddress target, Duration timeout) throws IOException {
        try (var socket = new DatagramSocket()) {
            // Only a connected socket hears of ICMP errors: the system knows which peer they are about.
            socket.connect(target);
            socket.setSoTimeout(soTimeoutMillis(timeout));
            byte[] probe = "probe".getBytes(StandardCharsets.UTF_8);
            var reply = new DatagramPacket(new byte[1_500], 1_500);
            try {
                socket.send(new DatagramPacket(probe, probe.length));
                socket.receive(reply);
                return PortState.OPEN;
            } catch (PortUnreachableException refused) {
                return PortState.CLOSED;
            } catch (SocketTimeoutException silence) {
                return PortState.NO_ANSWER;
            }
        }
    }

    /** setSoTimeout's milliseconds: at least 1 (0 would wait forever), at most what an int holds. */
    static int soTimeoutMillis(Duration timeout) {
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(1, timeout.toMillis());
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("PortProbe [--host HOST] [--timeout MS] [PORT...]", args);
        String host = command.text("--host", DEFAULT_HOST);
        Duration timeout = command.millis("--timeout", DEFAULT_TIMEOUT);
        for (String port : command.operands().isEmpty() ? List.of(String.valueOf(DEFAULT_PORT)) : command.operands()) {
            var target = command.endpoint("a port", host + ":" + port);
            System.out.println(CommandLine.shown(target) + "/udp " + probe(target, timeout).name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }
}
