///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The DNS message on the wire: a query encoded to bytes, and a response decoded from them.
 *
 * <p>Every message starts with a 12-byte header (id, flags, four counts), then the question
 * section, then the answer records. Names are sequences of length-prefixed labels ending in a zero
 * byte, and a response may replace the tail of a name with a two-byte pointer to an earlier copy
 * of it (compression). A response comes from the network, so the decoder trusts nothing in it:
 * anything malformed is a {@link ProtocolException}, never a hang, a huge allocation or an
 * {@code ArrayIndexOutOfBoundsException}.
 *
 * <pre>jbang dns-message NAME [--type A|AAAA|CNAME] [--id ID]</pre>
 *
 * prints the query's bytes in hex, then decodes them back, as a response would be decoded.
 */
public class DnsMessage {

    public static final int A = 1;
    public static final int CNAME = 5;
    public static final int AAAA = 28;
    public static final int CLASS_IN = 1;

    /** Header flag bits: a response, truncated, recursion desired. */
    public static final int FLAG_RESPONSE = 0x8000;
    public static final int FLAG_TRUNCATED = 0x0200;
    public static final int FLAG_RECURSION_DESIRED = 0x0100;

    static final int HEADER_BYTES = 12;
    static final int MAX_LABEL = 63;
    static final int MAX_NAME = 255;

    /** One question: a name (without its final dot), a type and a class. */
    public record Question(String name, int type, int dnsClass) {}

    /**
     * One resource record. {@code data} is the address text for A and AAAA
     * ({@link InetAddress#getHostAddress()}), the target name for CNAME, and hex for other types.
     */
    public record Answer(String name, int type, int dnsClass, long ttl, String data) {}

    /** A decoded message: the header's id and flags, its questions and its answer records. */
    public record Message(int id, int flags, List<Question> questions, List<Answer> answers) {
        /** The response code: 0 no error, 2 server failure, 3 no such name. */
        public int rcode() {
            return flags & 0xF;
        }
    }

    /**
     * A query with id {@code id}, the recursion-desired flag set, and one question: {@code name}
     * (a final dot is allowed), {@code type}, class IN.
     *
     * @throws IllegalArgumentException the id is not 16 bits, a label is empty or over 63 bytes, or the name is over 255
     */
    public static byte[] encodeQuery(int id, String name, int type) {
        if (id < 0 || id > 0xFFFF) {
            throw new IllegalArgumentException("a DNS id is 16 bits: " + id);
        }
        var out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES)
                .putShort((short) id)
                .putShort((short) FLAG_RECURSION_DESIRED)
                .putShort((short) 1) // one question
                .putShort((short) 0).putShort((short) 0).putShort((short) 0);
        out.writeBytes(header.array());
        out.writeBytes(encodeName(name));
        out.writeBytes(ByteBuffer.allocate(4).putShort((short) type).putShort((short) CLASS_IN).array());
        return out.toByteArray();
    }

    /** {@code www.example.com} as 3www7example3com0. */
    static byte[] encodeName(String name) {
        String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        var out = new ByteArrayOutputStream();
        if (!trimmed.isEmpty()) {
            for (String label : trimmed.split("\\.", -1)) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                if (bytes.length == 0 || bytes.length > MAX_LABEL) {
                    throw new IllegalArgumentException("a label is 1 to " + MAX_LABEL + " bytes, not " + bytes.length + ", in '" + name + "'");
                }
                out.write(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.write(0); // the root: every name ends here
        if (out.size() > MAX_NAME) {
            throw new IllegalArgumentException("a name is at most " + MAX_NAME + " bytes on the wire, '" + name + "' takes " + out.size());
        }
        return out.toByteArray();
    }

    /**
     * Decodes a message: header, question section, answer section (the authority and additional
     * sections are not read).
     *
     * @throws ProtocolException the bytes are not a well-formed message
     */
    public static Message decode(byte[] message) throws ProtocolException {
        if (message.length < HEADER_BYTES) {
            throw new ProtocolException("a DNS message has a 12-byte header; this one has " + message.length + " bytes");
        }
        var reader = new Reader(message);
        int id = reader.u16();
        int flags = reader.u16();
        int questionCount = reader.u16();
        int answerCount = reader.u16();
        reader.u16();
        reader.u16();
        // Lists grow as records really arrive: a count of 65,535 in a 20-byte message allocates nothing.
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < questionCount; i++) {
            questions.add(new Question(reader.name(), reader.u16(), reader.u16()));
        }
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < answerCount; i++) {
            String name = reader.name();
            int type = reader.u16();
            int dnsClass = reader.u16();
            long ttl = reader.u32();
            int length = reader.u16();
            int end = reader.position + length;
            reader.need(length);
            answers.add(new Answer(name, type, dnsClass, ttl, reader.data(type, length)));
            reader.position = end;
        }
        return new Message(id, flags, List.copyOf(questions), List.copyOf(answers));
    }

    /** Reads a message front to back, checking every length against what is really there. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        void need(int count) throws ProtocolException {
            if (position + count > bytes.length) {
                throw new ProtocolException("the message ends at byte " + bytes.length + " but needs " + count
                        + " more bytes at offset " + position + " (do the header's counts promise more than it holds?)");
            }
        }

        int u8() throws ProtocolException {
            need(1);
            return bytes[position++] & 0xFF;
        }

        int u16() throws ProtocolException {
            return u8() << 8 | u8();
        }

        long u32() throws ProtocolException {
            return (long) u16() << 16 | u16();
        }

        /** The name at the current position; the position moves past it (past the first pointer, if any). */
        String name() throws ProtocolException {
            String name = nameAt(position);
            position = nameEnd;
            return name;
        }

        private int nameEnd;

        /**
         * Follows labels and pointers from {@code offset}. Two rules end every name, whatever the
         * bytes: a pointer must point strictly before the labels it ends (before the place this
         * name began, or where the last jump landed), so the places a name is read from move
         * towards the start of the message at every jump and can never repeat; and the 255-byte
         * limit is counted as each label arrives, not once the name is whole (it never would be).
         */
        private String nameAt(int offset) throws ProtocolException {
            var name = new StringBuilder();
            int at = offset;
            int labelsStart = offset; // where the labels now being read began: a pointer must go before it
            int wireLength = 1; // the final zero byte
            boolean jumped = false;
            while (true) {
                if (at >= bytes.length) {
                    throw new ProtocolException("a name runs past the end of the message (offset " + at + ")");
                }
                int length = bytes[at] & 0xFF;
                if ((length & 0xC0) == 0xC0) {
                    if (at + 1 >= bytes.length) {
                        throw new ProtocolException("a compression pointer is cut off at the end of the message");
                    }
                    int target = (length & 0x3F) << 8 | bytes[at + 1] & 0xFF;
                    if (target >= labelsStart) {
                        throw new ProtocolException("a compression pointer at offset " + at + " points to " + target
                                + ", not before offset " + labelsStart + " where the labels it ends began: "
                                + (target >= at ? "it points forward" : "it points back into its own name, a loop"));
                    }
                    if (!jumped) {
                        nameEnd = at + 2;
                        jumped = true;
                    }
                    at = target;
                    labelsStart = target;
                    continue;
                }
                if ((length & 0xC0) != 0) {
                    throw new ProtocolException("label type 0x" + Integer.toHexString(length & 0xC0) + " at offset " + at + " is not supported");
                }
                if (length == 0) {
                    if (!jumped) {
                        nameEnd = at + 1;
                    }
                    return name.isEmpty() ? "." : name.toString();
                }
                if (at + 1 + length > bytes.length) {
                    throw new ProtocolException("a " + length + "-byte label at offset " + at + " runs past the end of the message");
                }
                wireLength += 1 + length;
                if (wireLength > MAX_NAME) {
                    throw new ProtocolException("a name longer than " + MAX_NAME + " bytes at offset " + offset);
                }
                if (!name.isEmpty()) {
                    name.append('.');
                }
                name.append(new String(bytes, at + 1, length, StandardCharsets.US_ASCII));
                at += 1 + length;
            }
        }

        String data(int type, int length) throws ProtocolException {
            return switch (type) {
                case A, AAAA -> {
                    if (length != (type == A ? 4 : 16)) {
                        throw new ProtocolException("an " + (type == A ? "A" : "AAAA") + " record holds " + (type == A ? 4 : 16)
                                + " bytes, not " + length);
                    }
                    yield address(java.util.Arrays.copyOfRange(bytes, position, position + length));
                }
                case CNAME -> nameAt(position);
                default -> HexFormat.of().formatHex(bytes, position, position + length);
            };
        }

        private static String address(byte[] raw) {
            try {
                return InetAddress.getByAddress(raw).getHostAddress(); // a literal: no lookup happens
            } catch (UnknownHostException impossible) {
                throw new AssertionError(impossible);
            }
        }
    }

    public static void main(String[] args) throws ProtocolException {
        var command = new CommandLine("DnsMessage NAME [--type TYPE] [--id ID]\n(TYPE: A, AAAA or CNAME; ID: 0 to 65535)", args);
        int type = command.choice("--type", A, Map.of("A", A, "AAAA", AAAA, "CNAME", CNAME));
        int id = command.number("--id", 0x1234, 0, 0xFFFF);
        byte[] query;
        try {
            query = encodeQuery(id, command.operand("NAME"), type);
        } catch (IllegalArgumentException e) {
            throw command.fail(e.getMessage());
        }
        System.out.println("query (" + query.length + " bytes): " + HexFormat.ofDelimiter(" ").formatHex(query));
        System.out.println("decoded: " + decode(query));
    }
}
