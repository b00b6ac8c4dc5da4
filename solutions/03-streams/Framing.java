///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Two ways to find where one message ends in a byte stream that has no boundaries of its own:
 * a 4-byte big-endian length before each payload, or a newline after each line of text.
 *
 * <p>The readers return the next whole frame, however its bytes were split on the way, and
 * {@code null} when the stream ends cleanly between two frames (like {@code BufferedReader.readLine}).
 * A stream that ends inside a frame is an {@link EOFException}; a frame longer than the caller
 * allows, or a negative length, is a {@link ProtocolException}. The readers never read past the end
 * of the frame they return, so the next call finds the next frame.
 *
 * <pre>jbang framing [--host HOST] [--port PORT] [--max BYTES] [--lines]</pre>
 *
 * accepts connections one after another and prints every frame (or, with {@code --lines}, every
 * line) that arrives, and how each connection ended: try it with {@code nc HOST PORT}.
 */
public class Framing {

    static final String DEFAULT_HOST = "localhost";
    static final int DEFAULT_PORT = 8881;
    static final int HEADER_BYTES = 4;
    static final int DEFAULT_MAX = 64 * 1024;

    /** Writes one frame: the payload's length as 4 bytes, most significant first, then the payload; then flushes. */
    public static void writeFrame(OutputStream out, byte[] payload) throws IOException {
        // One write of header and payload together: a whole frame leaves at once, never half of it.
        byte[] frame = ByteBuffer.allocate(HEADER_BYTES + payload.length).putInt(payload.length).put(payload).array();
        out.write(frame);
        out.flush();
    }

    /**
     * Reads the next length-prefixed frame and returns its payload; {@code null} when the stream
     * ends cleanly before a frame begins.
     *
     * @throws EOFException      the stream ended inside a frame (the message says how many bytes were missing)
     * @throws ProtocolException the length is negative or above {@code maxLength}
     */
    public static byte[] readFrame(InputStream in, int maxLength) throws IOException {
        byte[] header = in.readNBytes(HEADER_BYTES);
        if (header.length == 0) {
            return null; // the peer finished between two frames: there are no more
        }
        if (header.length < HEADER_BYTES) {
            throw new EOFException("the stream ended " + header.length + " bytes into a frame's " + HEADER_BYTES
                    + "-byte length: " + (HEADER_BYTES - header.length) + " bytes missing");
        }
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0) {
            throw new ProtocolException("negative frame length " + length);
        }
        if (length > maxLength) {
            // Checked before allocating: a peer must not make us reserve gigabytes by sending four bytes.
            throw new ProtocolException("frame length " + length + " is above the maximum of " + maxLength);
        }
        byte[] payload = in.readNBytes(length); // loops over read() until all of it has come, or the end
        if (payload.length < length) {
            throw new EOFException("the stream ended " + payload.length + " bytes into a " + length
                    + "-byte payload: " + (length - payload.length) + " bytes missing");
        }
        return payload;
    }

    /** Writes {@code line} in UTF-8 followed by {@code \n}, then flushes. A line may not contain {@code \n} itself. */
    public static void writeLine(OutputStream out, String line) throws IOException {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a line frame cannot contain \\n: the reader would see two lines");
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Reads the next line ending in {@code \n} (or {@code \r\n}), decoded as UTF-8 and without its
     * ending; {@code null} when the stream ends cleanly before a line begins. {@code maxLength}
     * counts every byte before the {@code \n}, a {@code \r} included.
     *
     * <p>It reads one byte at a time so as never to consume the next line's bytes; give it a
     * {@code BufferedInputStream} so that this costs no system call per byte.
     *
     * @throws EOFException      the stream ended inside a line
     * @throws ProtocolException more than {@code maxLength} bytes came without a {@code \n}
     */
    public static String readLine(InputStream in, int maxLength) throws IOException {
        var line = new ByteArrayOutputStream();
        while (true) {
            int next = in.read();
            if (next == -1) {
                if (line.size() == 0) {
                    return null;
                }
                throw new EOFException("the stream ended " + line.size() + " bytes into a line, before its \\n");
            }
            if (next == '\n') {
                break;
            }
            if (line.size() == maxLength) {
                throw new ProtocolException("no \\n within the maximum line length of " + maxLength + " bytes");
            }
            line.write(next);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        // Decoded once the line is whole: a character split between two reads is whole again here.
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** Prints each frame (or line, with {@code lines}) of one connection, then why the connection ended. */
    static void printFrames(InputStream in, boolean lines, int max) throws IOException {
        for (byte[] frame; (frame = lines ? bytesOf(readLine(in, max)) : readFrame(in, max)) != null; ) {
            System.out.println((lines ? "line: " : "frame of " + frame.length + " bytes: ") + new String(frame, StandardCharsets.UTF_8));
        }
        System.out.println("end of stream between frames: no more frames");
    }

    private static byte[] bytesOf(String line) {
        return line == null ? null : line.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws IOException {
        var command = new CommandLine("Framing [--host HOST] [--port PORT] [--max BYTES] [--lines]", args);
        var address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
        int max = command.number("--max", DEFAULT_MAX, 0, Integer.MAX_VALUE);
        try (var listener = new ServerSocket()) {
            listener.bind(address);
            CommandLine.serving(listener.getLocalSocketAddress());
            while (true) {
                try (Socket peer = listener.accept(); InputStream in = new BufferedInputStream(peer.getInputStream())) {
                    System.out.println("Connection from " + peer.getRemoteSocketAddress());
                    printFrames(in, command.flag("--lines"), max);
                } catch (IOException broken) {
                    System.out.println(broken);
                }
            }
        }
    }
}
