///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.EOFException;
import java.io.IOException;
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
        var command = new CommandLine("Gather [--host HOST] [--port PORT] TEXT", args);
        var server = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        if (command.operands().size() != 1) {
            throw command.fail("name one TEXT (in quotes if it has spaces)");
        }
        byte[] body = command.operands().getFirst().getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(4).putInt(body.length).flip(); // the body's length, big-endian
        try (var channel = SocketChannel.open(server)) {
            long sent = send(channel, header, ByteBuffer.wrap(body));
            channel.shutdownOutput();
            System.out.println("Sent " + sent + " bytes: a 4-byte header (" + body.length + ") and the body");
        }
    }
}
