///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A header and a body, written with gathering writes (one call takes several buffers, in order)
 * and read back with scattering reads (one call fills several buffers, in order): the book's
 * {@code sendmsg} and {@code recvmsg_into} without the ancillary data. Neither the header nor the
 * body is copied into a combined buffer first.
 *
 * <pre>jbang gather [--host HOST] [--port PORT] TEXT</pre>
 */
public class Gather {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;

    /**
     * Writes what remains of {@code header}, then what remains of {@code body}, to {@code out}
     * with gathering writes, as many as it takes, and returns how many bytes were written. Both
     * buffers end with nothing remaining.
     */
    public static long send(GatheringByteChannel out, ByteBuffer header, ByteBuffer body) throws IOException {
        // TODO Write both buffers with gathering writes (write(ByteBuffer[])) until neither has anything left; return
        //  the bytes written. See "Gathering writes and scattering reads" in README.md.
        throw new UnsupportedOperationException("TODO send: gathering writes until both buffers are empty (README.md, \"Gathering writes and scattering reads\")");
    }

    /**
     * Fills what remains of {@code header}, then what remains of {@code body}, from {@code in}
     * with scattering reads, as many as it takes. Throws {@link EOFException} when the stream
     * ends before both are full.
     */
    public static void receive(ScatteringByteChannel in, ByteBuffer header, ByteBuffer body) throws IOException {
        // TODO Fill both buffers with scattering reads (read(ByteBuffer[])) until both are full; end of stream first is
        //  an EOFException. See "Gathering writes and scattering reads" in README.md.
        throw new UnsupportedOperationException("TODO receive: scattering reads until both buffers are full (README.md, \"Gathering writes and scattering reads\")");
    }

    public static void main(String[] args) throws IOException {
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        String text = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = i + 1 < args.length ? args[++i] : usage("missing value after --host");
                case "--port" -> port = port(i + 1 < args.length ? args[++i] : usage("missing value after --port"));
                default -> text = text == null && !args[i].startsWith("--") ? args[i] : usage("unexpected " + args[i]);
            }
        }
        if (text == null) {
            usage("which TEXT?");
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(4).putInt(body.length).flip(); // the body's length, big-endian
        try (var channel = SocketChannel.open(new InetSocketAddress(host, port))) {
            long sent = send(channel, header, ByteBuffer.wrap(body));
            channel.shutdownOutput();
            System.out.println("Sent " + sent + " bytes: a 4-byte header (" + body.length + ") and the body");
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
        System.err.println("Gather: " + problem);
        System.err.println("usage: Gather [--host HOST] [--port PORT] TEXT");
        System.exit(2);
        return null;
    }
}
