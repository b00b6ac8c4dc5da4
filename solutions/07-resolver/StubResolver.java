///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;

/**
 * A DNS stub resolver: it asks one configured server, over UDP with a timeout and retries, and
 * over TCP when the answer was too big for a datagram. It believes only a reply that comes from
 * that server and answers the question it asked, with the id it chose; anything else is ignored.
 *
 * <pre>jbang stub-resolver --server HOST:PORT NAME [--type A|AAAA] [--timeout MS] [--retries N]</pre>
 */
public class StubResolver {

    public static final int A = 1;
    public static final int CNAME = 5;
    public static final int AAAA = 28;

    static final int FLAG_RESPONSE = 0x8000;
    static final int FLAG_TRUNCATED = 0x0200;
    static final int RCODE_SERVER_FAILURE = 2;
    static final int RCODE_NO_SUCH_NAME = 3;
    /** A resolver must not chase aliases forever: a CNAME loop or a very long chain ends here. */
    static final int MAX_CNAMES = 8;

    private static final SecureRandom IDS = new SecureRandom();

    /** The server answered, but with "server failure" (or another error code than "no such name"). */
    public static class ServerFailure extends IOException {
        public ServerFailure(String message) {
            super(message);
        }
    }

    /**
     * Sends {@code query} to {@code server} over UDP and returns the first reply that comes from
     * {@code server} with the query's id and question. Each attempt waits up to {@code timeout};
     * a silent server gets {@code retries} more attempts. A reply with the TC bit set is followed
     * by the same query over TCP, whose reply is returned: it must carry the query's id and question
     * too, and the whole TCP exchange ends within one {@code timeout}.
     *
     * @throws SocketTimeoutException no acceptable reply in any attempt, or no whole TCP reply in time
     * @throws IOException            the TCP reply does not answer the query, or cannot be decoded
     */
    public static byte[] exchange(InetSocketAddress server, byte[] query, Duration timeout, int retries) throws IOException {
        try (var socket = new DatagramSocket()) {
            byte[] buffer = new byte[65_535];
            for (int attempt = 0; attempt <= retries; attempt++) {
                socket.send(new DatagramPacket(query, query.length, server));
                long deadline = System.nanoTime() + timeout.toNanos();
                // Keep listening until this attempt's deadline: a stale, forged or broken reply is not an answer.
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                    var packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException silent) {
                        break;
                    }
                    byte[] reply = Arrays.copyOf(packet.getData(), packet.getLength());
                    if (!server.equals(packet.getSocketAddress()) || !answers(query, reply) || !wellFormed(reply)) {
                        continue;
                    }
                    if ((flags(reply) & FLAG_TRUNCATED) != 0) {
                        return exchangeOverTcp(server, query, timeout);
                    }
                    return reply;
                }
            }
        }
        throw new SocketTimeoutException("no answer from " + server + " in " + (retries + 1) + " attempts of "
                + timeout.toMillis() + " ms");
    }

    /**
     * The same query over TCP, each message preceded by its length in two bytes. The whole
     * exchange (connect, write, every read) has one deadline, {@code timeout} from now: a
     * per-read timeout alone would let a server that sends one byte at a time keep us for ever.
     */
    static byte[] exchangeOverTcp(InetSocketAddress server, byte[] query, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var socket = new Socket()) {
            socket.connect(server, millisLeft(deadline, server));
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(2 + query.length).putShort((short) query.length).put(query).array());
            out.flush();
            byte[] prefix = readFully(socket, new byte[2], deadline, server);
            byte[] reply = readFully(socket, new byte[(prefix[0] & 0xFF) << 8 | prefix[1] & 0xFF], deadline, server);
            // Over TCP the sender is the server we connected to; the id and the question still need checking.
            if (!answers(query, reply)) {
                throw new ProtocolException("the TCP reply from " + server + " does not answer the query (another id or question)");
            }
            if (!wellFormed(reply)) {
                throw new ProtocolException("the TCP reply from " + server + " cannot be decoded");
            }
            return reply;
        }
    }

    /** Fills {@code buffer} from the socket, however the bytes are split, giving each read only the time left. */
    private static byte[] readFully(Socket socket, byte[] buffer, long deadline, InetSocketAddress server) throws IOException {
        InputStream in = socket.getInputStream();
        for (int filled = 0; filled < buffer.length; ) {
            socket.setSoTimeout(millisLeft(deadline, server));
            int count = in.read(buffer, filled, buffer.length - filled);
            if (count < 0) {
                throw new EOFException("the TCP connection to " + server + " ended after " + filled + " of " + buffer.length + " bytes");
            }
            filled += count;
        }
        return buffer;
    }

    /** The milliseconds left until {@code deadline}, at least 1 (0 would mean "no timeout"); none left is a timeout. */
    private static int millisLeft(long deadline, InetSocketAddress server) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no whole reply over TCP from " + server + " before the deadline");
        }
        return (int) Math.max(1, Duration.ofNanos(left).toMillis());
    }

    /** Whether {@code reply} is a response with the query's id and the very same question. */
    static boolean answers(byte[] query, byte[] reply) {
        if (reply.length < query.length || (flags(reply) & FLAG_RESPONSE) == 0) {
            return false;
        }
        if (reply[0] != query[0] || reply[1] != query[1]) {
            return false; // another id: a stale reply to an earlier query, or a forgery
        }
        // The question section follows the header in both; names compare without regard to case.
        return reply[4] == 0 && reply[5] == 1 && new String(reply, 12, query.length - 12, StandardCharsets.ISO_8859_1)
                .equalsIgnoreCase(new String(query, 12, query.length - 12, StandardCharsets.ISO_8859_1));
    }

    /**
     * The addresses of {@code name} of {@code type} (A or AAAA), following CNAMEs: the answer
     * records of the name's aliases lead to the addresses. An empty list when the name exists but
     * has no address of that type. Records of other names in the answer are ignored.
     *
     * @throws UnknownHostException   the server says there is no such name
     * @throws ServerFailure          the server failed to find out
     * @throws IOException            its CNAMEs loop: the message says "loop" (a ServerFailure will do)
     * @throws SocketTimeoutException no answer in time
     */
    public static List<InetAddress> resolve(InetSocketAddress server, String name, int type, Duration timeout, int retries)
            throws IOException {
        String wanted = trim(name);
        // Every name of the chain so far, in lower case: meeting one again is a CNAME loop.
        Set<String> chain = new LinkedHashSet<>(List.of(wanted.toLowerCase(Locale.ROOT)));
        while (true) {
            byte[] query = Wire.encodeQuery(IDS.nextInt(0x10000), wanted, type);
            Wire.Message reply = Wire.decode(exchange(server, query, timeout, retries));
            if (reply.rcode() == RCODE_NO_SUCH_NAME) {
                throw new UnknownHostException(name + ": no such name (NXDOMAIN from " + server + ")");
            }
            if (reply.rcode() != 0) {
                throw new ServerFailure(name + ": the server " + server + " failed with rcode " + reply.rcode()
                        + (reply.rcode() == RCODE_SERVER_FAILURE ? " (SERVFAIL)" : ""));
            }
            // Walk the chain inside this answer: name -> alias target -> ... -> addresses. Records of
            // other names are not about this question, whatever they say.
            String current = wanted;
            while (true) {
                List<InetAddress> addresses = new ArrayList<>();
                String next = null;
                for (Wire.Answer answer : reply.answers()) {
                    if (!answer.name().equalsIgnoreCase(current)) {
                        continue;
                    }
                    if (answer.type() == type) {
                        addresses.add(InetAddress.getByAddress(name, answer.data()));
                    } else if (answer.type() == CNAME) {
                        next = Wire.nameAt(answer.message(), answer.dataOffset());
                    }
                }
                if (!addresses.isEmpty() || next == null) {
                    if (!addresses.isEmpty() || current.equals(wanted)) {
                        return addresses;
                    }
                    break; // the chain ended at an alias without its addresses: ask for the alias itself
                }
                if (!chain.add(next.toLowerCase(Locale.ROOT))) {
                    throw new ServerFailure(name + ": a CNAME loop: " + String.join(" -> ", chain) + " -> " + next);
                }
                if (chain.size() > MAX_CNAMES + 1) {
                    throw new ServerFailure(name + ": more than " + MAX_CNAMES + " aliases in a row, taken for a loop: "
                            + String.join(" -> ", chain));
                }
                current = next;
            }
            wanted = current;
        }
    }

    private static boolean wellFormed(byte[] reply) {
        try {
            Wire.decode(reply);
            return true;
        } catch (ProtocolException broken) {
            return false; // from the right place, but unreadable: keep waiting for a good one
        }
    }

    private static int flags(byte[] message) {
        return (message[2] & 0xFF) << 8 | message[3] & 0xFF;
    }

    private static String trim(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** The DNS message on the wire, as in DnsMessage: the encoder and a defensive decoder. */
    static final class Wire {
        record Answer(String name, int type, byte[] message, int dataOffset, byte[] data) {}

        record Message(int flags, List<Answer> answers) {
            int rcode() {
                return flags & 0xF;
            }
        }

        static byte[] encodeQuery(int id, String name, int type) {
            var out = new ByteArrayOutputStream();
            out.writeBytes(ByteBuffer.allocate(12).putShort((short) id).putShort((short) 0x0100).putShort((short) 1)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).array());
            if (!name.isEmpty()) {
                for (String label : name.split("\\.", -1)) {
                    byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                    if (bytes.length == 0 || bytes.length > 63) {
                        throw new IllegalArgumentException("a label is 1 to 63 bytes, not " + bytes.length + ", in '" + name + "'");
                    }
                    out.write(bytes.length);
                    out.writeBytes(bytes);
                }
            }
            out.write(0);
            if (out.size() - 12 > 255) {
                throw new IllegalArgumentException("a name is at most 255 bytes on the wire: '" + name + "'");
            }
            out.writeBytes(ByteBuffer.allocate(4).putShort((short) type).putShort((short) 1).array());
            return out.toByteArray();
        }

        static Message decode(byte[] m) throws ProtocolException {
            need(m, 0, 12);
            int flags = u16(m, 2);
            int questions = u16(m, 4);
            int answers = u16(m, 6);
            int at = 12;
            for (int i = 0; i < questions; i++) {
                at = skipName(m, at) + 4;
            }
            List<Answer> list = new ArrayList<>();
            for (int i = 0; i < answers; i++) {
                String owner = nameAt(m, at);
                at = skipName(m, at);
                need(m, at, 10);
                int type = u16(m, at);
                int length = u16(m, at + 8);
                at += 10;
                need(m, at, length);
                if ((type == A && length != 4) || (type == AAAA && length != 16)) {
                    throw new ProtocolException("an " + (type == A ? "A record holds 4" : "AAAA record holds 16")
                            + " bytes, not " + length);
                }
                list.add(new Answer(owner, type, m, at, Arrays.copyOfRange(m, at, at + length)));
                at += length;
            }
            return new Message(flags, list);
        }

        /**
         * The name at {@code offset}. A pointer must point before the labels it ends (where the name
         * began, or the last jump landed), and the 255 bytes are counted as labels arrive: no loop survives either.
         */
        static String nameAt(byte[] m, int offset) throws ProtocolException {
            var name = new StringBuilder();
            int at = offset;
            int labelsStart = offset;
            int wire = 1;
            while (true) {
                need(m, at, 1);
                int length = m[at] & 0xFF;
                if ((length & 0xC0) == 0xC0) {
                    need(m, at, 2);
                    int target = (length & 0x3F) << 8 | m[at + 1] & 0xFF;
                    if (target >= labelsStart) {
                        throw new ProtocolException("a compression pointer at " + at + " points to " + target
                                + ", not before " + labelsStart + " where the labels it ends began");
                    }
                    at = target;
                    labelsStart = target;
                    continue;
                }
                if (length > 63) {
                    throw new ProtocolException("a label length of " + length + " at " + at);
                }
                if (length == 0) {
                    return name.toString();
                }
                need(m, at + 1, length);
                wire += 1 + length;
                if (wire > 255) {
                    throw new ProtocolException("a name longer than 255 bytes at " + offset);
                }
                name.append(name.isEmpty() ? "" : ".").append(new String(m, at + 1, length, StandardCharsets.US_ASCII));
                at += 1 + length;
            }
        }

        /** The offset just after the name at {@code offset} (after its first pointer, if it has one). */
        static int skipName(byte[] m, int offset) throws ProtocolException {
            nameAt(m, offset); // validates the whole name
            int at = offset;
            while (true) {
                int length = m[at] & 0xFF;
                if ((length & 0xC0) == 0xC0) {
                    return at + 2;
                }
                if (length == 0) {
                    return at + 1;
                }
                at += 1 + length;
            }
        }

        private static int u16(byte[] m, int at) {
            return (m[at] & 0xFF) << 8 | m[at + 1] & 0xFF;
        }

        private static void need(byte[] m, int at, int count) throws ProtocolException {
            if (at + count > m.length) {
                throw new ProtocolException("the message ends at " + m.length + " but needs " + count + " bytes at " + at);
            }
        }
    }

    public static void main(String[] args) {
        var command = new CommandLine("StubResolver --server HOST:PORT NAME [--type TYPE] [--timeout MS] [--retries N]\n(TYPE: A or AAAA)", args);
        InetSocketAddress server = command.endpoint("--server", command.required("--server"));
        String name = command.operand("NAME");
        int type = command.choice("--type", A, Map.of("A", A, "AAAA", AAAA));
        String typeName = type == A ? "A" : "AAAA";
        System.out.println(";; " + name + " " + typeName + " from " + CommandLine.shown(server));
        try {
            List<InetAddress> addresses = resolve(server, name, type, command.millis("--timeout", Duration.ofSeconds(1)), command.number("--retries", 2, 0, 10));
            if (addresses.isEmpty()) {
                System.out.println(";; no " + typeName + " records for " + name);
            }
            addresses.forEach(address -> System.out.println(name + "\t" + typeName + "\t" + address.getHostAddress()));
        } catch (IOException failed) {
            System.out.println(failed instanceof UnknownHostException ? ";; NXDOMAIN: " + failed.getMessage() : ";; " + failed.getClass().getSimpleName() + ": " + failed.getMessage());
            System.exit(1);
        }
    }
}
