///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.net.InetAddress;
import java.net.ProtocolException;
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
        // TODO Write the 12-byte header (id, flags with only RD set, one question, three zero counts), then the
        //  name as length-prefixed labels ending in a zero byte, then the type and class IN. See "The DNS message" in README.md.
        throw new UnsupportedOperationException("TODO encodeQuery: header, question name as labels, type, class (README.md, \"The DNS message\")");
    }

    /**
     * Decodes a message: header, question section, answer section (the authority and additional
     * sections are not read).
     *
     * @throws ProtocolException the bytes are not a well-formed message
     */
    public static Message decode(byte[] message) throws ProtocolException {
        // TODO Read the header, the questions and the answer records, following compression pointers in names and
        //  checking every length and pointer first. See "Name compression" and "Decoding bytes you do not trust" in README.md.
        throw new UnsupportedOperationException("TODO decode: header, questions, answers, compressed names (README.md, \"Name compression\")");
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
