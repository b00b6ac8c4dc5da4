package netbasics.chapters.resolver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import netbasics.grading.Contract;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.Records;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Queries are checked by parsing them with dnsjava; responses to decode are built with dnsjava or by hand.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>encodeQuery: the header is the id, only RD among the flags, QDCOUNT 1 and three zero counts: {@code encodes_a_query_that_dnsjava_reads_back}</li>
 * <li>encodeQuery: one question (labels, a zero byte, the type, class IN) and nothing after it: {@code encodes_a_query_that_dnsjava_reads_back}</li>
 * <li>encodeQuery: a final dot is allowed and changes nothing: {@code a_final_dot_is_the_same_name}</li>
 * <li>encodeQuery throws IllegalArgumentException for an empty label, a label over 63 bytes, a name over 255 (255 itself is allowed), an id outside 16 bits: {@code refuses_a_label_over_63_bytes_or_a_name_over_255}</li>
 * <li>decode returns the header's id and flags, the questions and the answer records, names without their final dot: {@code decodes_the_header_question_and_address_answers}</li>
 * <li>decode: A and AAAA data as getHostAddress() writes it; hex for types other than A, AAAA and CNAME: {@code decodes_the_header_question_and_address_answers}</li>
 * <li>decode: the rcode (rcode()); the authority section is left alone: {@code decodes_a_no_such_name_response}</li>
 * <li>decode follows compression pointers, in names and in CNAME data, and reads on after the pointer: {@code follows_compression_pointers_in_names_and_cname_data}</li>
 * <li>decode follows a chain of pointers to its end: {@code follows_a_chain_of_pointers_and_counts_255_bytes_across_it}</li>
 * <li>decode throws ProtocolException, promptly, for a pointer to itself, forward, or past the end: {@code rejects_pointer_loops_and_pointers_forward_or_out_of_bounds}</li>
 * <li>... for a pointer back into its own name's labels, directly or after a chain (the loop a backward pointer allows): {@code rejects_pointers_back_into_the_labels_of_their_own_name}</li>
 * <li>... for a name over 255 bytes counted across every pointer, as labels arrive: {@code follows_a_chain_of_pointers_and_counts_255_bytes_across_it}</li>
 * <li>... for a label length 0x40-0xBF, a label past the end, a name of labels over 255 bytes: {@code rejects_overlong_labels_and_names}</li>
 * <li>... for a header under 12 bytes, counts that promise more than the bytes hold, RDLENGTH past the end: {@code rejects_counts_that_promise_more_than_the_bytes_hold}</li>
 * <li>... for an A record that is not 4 bytes or an AAAA record that is not 16: {@code rejects_an_address_record_of_the_wrong_length}</li>
 * <li>each of these ProtocolExceptions has a message (what was wrong and where, in the learner's words; only its
 *     presence is graded): every {@code rejects_} test above, through {@code assertMalformed}</li>
 * <li>main (`dns-message NAME [--type] [--id]`) is not graded: it only prints encodeQuery and decode, which are</li>
 * </ul>
 */
@Exercise(chapter = "07-resolver", script = "DnsMessage")
public class DnsMessageTest {

    private static final String ENCODING = "See \"The DNS message\".";
    private static final String COMPRESSION = "See \"Name compression\".";
    private static final String DEFENSIVE = "See \"Decoding bytes you do not trust\".";
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    private static Contract encodeQuery(Script script) {
        return script.method("encodeQuery", byte[].class, int.class, String.class, int.class).within(PROMPTLY);
    }

    private static Contract decode(Script script) {
        return script.method("decode", script.nested("Message"), byte[].class).within(PROMPTLY);
    }

    // ---- encoding a query, read back by dnsjava

    @Graded(points = 3, hint = "The header is six 16-bit big-endian fields: id, flags (only RD, 0x0100, in a query), "
            + "QDCOUNT 1, then three zeros; the question is the name as labels, a zero byte, the type and the class (IN = 1). " + ENCODING)
    @Test
    void encodes_a_query_that_dnsjava_reads_back(Script script) throws Exception {
        for (Object[] query : new Object[][] {{0x1234, "www.example.com", Type.A}, {0xBEEF, "ipv6.example.org", Type.AAAA},
                {7, "alias.example.net", Type.CNAME}, {0xFFFF, "a.b", Type.A}, {0, "example.com", Type.AAAA}}) {
            int id = (int) query[0];
            String name = (String) query[1];
            int type = (int) query[2];
            byte[] bytes = encodeQuery(script).call(id, name, type);
            String what = "encodeQuery(" + id + ", \"" + name + "\", " + Type.string(type) + ") gave " + hex(bytes);
            Message parsed = parse(bytes, what);
            assertThat(parsed.getHeader().getID()).as("%s: the id dnsjava reads", what).isEqualTo(id);
            assertThat(parsed.getHeader().getFlag(Flags.QR)).as("%s: the QR bit (a query has it clear)", what).isFalse();
            assertThat(parsed.getHeader().getFlag(Flags.RD)).as("%s: the RD bit (recursion desired: a stub resolver asks for it)", what).isTrue();
            assertThat(parsed.getHeader().getOpcode()).as("%s: the opcode (0, a standard query)", what).isZero();
            assertThat(parsed.getHeader().getCount(Section.QUESTION)).as("%s: QDCOUNT", what).isEqualTo(1);
            for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
                assertThat(parsed.getHeader().getCount(section)).as("%s: the count of section %s", what, Section.string(section)).isZero();
            }
            Record question = parsed.getQuestion();
            assertThat(question.getName()).as("%s: the question's name", what).isEqualTo(Name.fromString(name + "."));
            assertThat(question.getType()).as("%s: the question's type", what).isEqualTo(type);
            assertThat(question.getDClass()).as("%s: the question's class", what).isEqualTo(DClass.IN);
            assertThat(bytes).as("%s: a query is exactly header + question, nothing after", what).hasSize(12 + name.length() + 2 + 4);
        }
    }

    @Graded(points = 1, hint = "\"example.com.\" and \"example.com\" are the same name: the final dot is the root, "
            + "already written as the zero byte. " + ENCODING)
    @Test
    void a_final_dot_is_the_same_name(Script script) throws Exception {
        byte[] withDot = encodeQuery(script).call(42, "example.com.", Type.A);
        byte[] without = encodeQuery(script).call(42, "example.com", Type.A);
        assertThat(hex(withDot)).as("encodeQuery(42, \"example.com.\", A) against encodeQuery(42, \"example.com\", A)").isEqualTo(hex(without));
        assertThat(parse(withDot, hex(withDot)).getQuestion().getName()).isEqualTo(Name.fromString("example.com."));
    }

    @Graded(points = 2, hint = "A label is 1 to 63 bytes and a whole name at most 255 on the wire: refuse anything "
            + "longer with an IllegalArgumentException before sending it. " + ENCODING)
    @Test
    void refuses_a_label_over_63_bytes_or_a_name_over_255(Script script) {
        String label64 = "x".repeat(64) + ".example.com";
        String name256 = String.join(".", List.of("a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62)));
        String name255 = String.join(".", List.of("a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)));
        for (String name : List.of(label64, name256, "empty..label")) {
            Throwable thrown = catchThrowable(() -> encodeQuery(script).call(1, name, Type.A));
            assertThat(thrown).as("encodeQuery(1, \"%s\" (%d characters), A) should refuse the name", name, name.length())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int id : new int[] {-1, 0x10000}) {
            Throwable thrown = catchThrowable(() -> encodeQuery(script).call(id, "example.com", Type.A));
            assertThat(thrown).as("encodeQuery(%d, \"example.com\", A) should refuse an id that does not fit in 16 bits", id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] longest = encodeQuery(script).call(1, name255, Type.A);
        assertThat(parse(longest, "the query for a 255-byte name").getQuestion().getName().length() & 0xFFFF)
                .as("a name of exactly 255 bytes on the wire is still allowed").isEqualTo(255);
    }

    // ---- decoding responses built by dnsjava (which compresses names)

    @Graded(points = 3, hint = "Read the header, then QDCOUNT questions, then ANCOUNT records: name, type, class, "
            + "a 32-bit TTL, RDLENGTH and RDLENGTH bytes of data. A and AAAA data are 4 and 16 address bytes. " + ENCODING)
    @Test
    void decodes_the_header_question_and_address_answers(Script script) throws Exception {
        Message response = response(0x5A5A, "host.example.com.", Type.A);
        response.addRecord(new ARecord(Name.fromString("host.example.com."), DClass.IN, 300, InetAddress.getByName("192.0.2.10")), Section.ANSWER);
        response.addRecord(new ARecord(Name.fromString("host.example.com."), DClass.IN, 3600, InetAddress.getByName("198.51.100.7")), Section.ANSWER);
        Object decoded = decode(script).call((Object) response.toWire());
        String what = "decode(" + describe(response) + ")";
        assertThat((int) Records.get(decoded, "id")).as("%s: id", what).isEqualTo(0x5A5A);
        assertThat((int) Records.get(decoded, "flags")).as("%s: flags (QR, RD and RA set: 0x8180)", what).isEqualTo(0x8180);
        List<?> questions = Records.get(decoded, "questions");
        assertThat(questions).as("%s: questions", what).hasSize(1);
        assertThat(summary(questions.get(0), "name", "type", "dnsClass")).as("%s: the question", what).isEqualTo("host.example.com 1 1");
        List<?> answers = Records.get(decoded, "answers");
        assertThat(answers.stream().map(a -> summary(a, "name", "type", "dnsClass", "ttl", "data")).toList()).as("%s: the answers", what)
                .containsExactly("host.example.com 1 1 300 192.0.2.10", "host.example.com 1 1 3600 198.51.100.7");

        Message text = response(4, "txt.example.com.", Type.TXT);
        text.addRecord(new org.xbill.DNS.TXTRecord(Name.fromString("txt.example.com."), DClass.IN, 60, "hi"), Section.ANSWER);
        List<?> textAnswers = Records.get(decode(script).call((Object) text.toWire()), "answers");
        assertThat(textAnswers.stream().map(a -> summary(a, "type", "data")).toList())
                .as("decode(%s): the answers (the data of a type other than A, AAAA and CNAME is its bytes in hex)", describe(text))
                .containsExactly("16 026869");

        Message v6 = response(3, "v6.example.com.", Type.AAAA);
        v6.addRecord(new AAAARecord(Name.fromString("v6.example.com."), DClass.IN, 60, InetAddress.getByName("2001:db8::1")), Section.ANSWER);
        List<?> v6answers = Records.get(decode(script).call((Object) v6.toWire()), "answers");
        assertThat(v6answers.stream().map(a -> summary(a, "type", "data")).toList()).as("decode(%s): the answers", describe(v6))
                .containsExactly("28 " + InetAddress.getByName("2001:db8::1").getHostAddress());
    }

    @Graded(points = 3, hint = "A length byte with its two top bits set (0xC0) is not a label: with the next byte it is "
            + "a 14-bit offset into the message where the rest of the name is. Jump there, read on, and continue after "
            + "the pointer, not after the name it points to. " + COMPRESSION)
    @Test
    void follows_compression_pointers_in_names_and_cname_data(Script script) throws Exception {
        Message response = response(77, "www.example.com.", Type.A);
        response.addRecord(new CNAMERecord(Name.fromString("www.example.com."), DClass.IN, 120, Name.fromString("web.example.com.")), Section.ANSWER);
        response.addRecord(new ARecord(Name.fromString("web.example.com."), DClass.IN, 120, InetAddress.getByName("203.0.113.5")), Section.ANSWER);
        byte[] wire = response.toWire();
        assertThat(hex(wire)).as("dnsjava compresses the repeated names (a pointer to offset 12 is c0 0c)").contains("c00c");
        List<?> answers = Records.get(decode(script).call((Object) wire), "answers");
        assertThat(answers.stream().map(a -> summary(a, "name", "type", "data")).toList())
                .as("decode(%s): the answers", describe(response))
                .containsExactly("www.example.com 5 web.example.com", "web.example.com 1 203.0.113.5");
    }

    @Graded(points = 1, hint = "The response code is the low four bits of the flags: 3 is \"no such name\" (NXDOMAIN), "
            + "2 \"server failure\". A response without answers has ANCOUNT 0, and the authority section after it is not read. " + ENCODING)
    @Test
    void decodes_a_no_such_name_response(Script script) throws Exception {
        Message response = response(9, "nowhere.example.", Type.A);
        response.getHeader().setRcode(Rcode.NXDOMAIN);
        // As real servers do, the "no such name" carries the zone's SOA record in the authority section: decode leaves it alone.
        response.addRecord(new org.xbill.DNS.SOARecord(Name.fromString("example."), DClass.IN, 300, Name.fromString("ns.example."),
                Name.fromString("admin.example."), 1, 3600, 600, 86400, 300), Section.AUTHORITY);
        Object decoded = decode(script).call((Object) response.toWire());
        assertThat((int) Records.get(decoded, "flags") & 0xF).as("decode(%s): the rcode in the flags", describe(response)).isEqualTo(Rcode.NXDOMAIN);
        assertThat((int) Records.get(decoded, "rcode")).as("decode(%s).rcode()", describe(response)).isEqualTo(Rcode.NXDOMAIN);
        assertThat((List<?>) Records.get(decoded, "answers")).as("decode(%s): answers", describe(response)).isEmpty();
    }

    // ---- malformed messages: each one a ProtocolException, promptly

    @Graded(points = 3, hint = "A pointer must point to an earlier place in the message: a pointer to itself, forward, "
            + "or past the end is a ProtocolException, not a hang. " + DEFENSIVE)
    @Test
    void rejects_pointer_loops_and_pointers_forward_or_out_of_bounds(Script script) {
        assertMalformed(script, "a name that is a pointer to itself", message(1, 0, bytes(0xC0, 0x0C), question()));
        assertMalformed(script, "two pointers pointing at each other",
                message(1, 0, bytes(0xC0, 0x0E, 0xC0, 0x0C), question()));
        assertMalformed(script, "a pointer forward, to a name after it",
                message(1, 0, bytes(0xC0, 0x12), question(), bytes(3, 'c', 'o', 'm', 0)));
        assertMalformed(script, "a pointer past the end of the message", message(1, 0, bytes(0xC1, 0x00), question()));
    }

    @Graded(points = 3, hint = "Pointing backwards is not enough: a pointer back to the start of its own name's labels "
            + "points before itself and still loops for ever. A pointer must point before the labels it ends (where the "
            + "name began, or where the last jump landed), and the 255-byte limit must be counted as each label arrives. "
            + DEFENSIVE)
    @Test
    void rejects_pointers_back_into_the_labels_of_their_own_name(Script script) {
        assertMalformed(script, "a 20-byte message whose name 'a' ends in a pointer back to its own start (offset 12)",
                message(1, 0, bytes(1, 'a', 0xC0, 0x0C), question()));
        assertMalformed(script, "a name 'a.b' whose pointer leads back to its own label 'b' (offset 14)",
                message(1, 0, bytes(1, 'a', 1, 'b', 0xC0, 0x0E), question()));
        // The question (offset 12) is 'a'. The first answer's data, at 31, is hex (type 99), never read as a name;
        // the second answer's name jumps back into that data: 'x', then 'b' and a pointer to 'b' again.
        byte[] loopAfterAJump = message(1, 2, bytes(1, 'a', 0), question(),
                bytes(0xC0, 0x0C, 0, 99, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'b', 0xC0, 0x1F),
                bytes(1, 'x', 0xC0, 0x1F, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1));
        assertMalformed(script, "an answer named 'x' + a pointer to offset 31 (before the name), where 'b' ends in a "
                + "pointer back to 31 again: a loop reached through a chain", loopAfterAJump);
    }

    @Graded(points = 2, hint = "A pointer may lead to a name that ends in another pointer: follow the chain to its end. "
            + "The whole name, across every jump, is at most 255 bytes: count each label as it arrives. " + DEFENSIVE)
    @Test
    void follows_a_chain_of_pointers_and_counts_255_bytes_across_it(Script script) throws Exception {
        Message response = response(5, "www.example.com.", Type.A);
        response.addRecord(new CNAMERecord(Name.fromString("www.example.com."), DClass.IN, 60, Name.fromString("web.example.com.")), Section.ANSWER);
        response.addRecord(new CNAMERecord(Name.fromString("web.example.com."), DClass.IN, 60, Name.fromString("api.web.example.com.")), Section.ANSWER);
        response.addRecord(new ARecord(Name.fromString("api.web.example.com."), DClass.IN, 60, InetAddress.getByName("192.0.2.8")), Section.ANSWER);
        List<?> answers = Records.get(decode(script).call((Object) response.toWire()), "answers");
        assertThat(answers.stream().map(a -> summary(a, "name", "type", "data")).toList())
                .as("decode(%s): the answers (api.web.example.com is 'api' + a pointer to 'web' + a pointer to 'example.com')",
                        describe(response))
                .containsExactly("www.example.com 5 web.example.com", "web.example.com 5 api.web.example.com",
                        "api.web.example.com 1 192.0.2.8");

        // Four 63-byte labels, each name a label and a pointer back to the one before: 4 x 64 + 1 = 257 bytes.
        var chain = new java.io.ByteArrayOutputStream();
        int previous = -1;
        for (char letter : new char[] {'a', 'b', 'c', 'd'}) {
            int here = 12 + chain.size();
            chain.write(63);
            chain.writeBytes(String.valueOf(letter).repeat(63).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            chain.writeBytes(previous < 0 ? bytes(0) : bytes(0xC0 | previous >> 8, previous & 0xFF));
            chain.writeBytes(question());
            previous = here;
        }
        byte[] fourQuestions = message(1, 0, chain.toByteArray());
        fourQuestions[5] = 4; // QDCOUNT 4
        assertMalformed(script, "four questions, each a 63-byte label and a pointer back to the one before: the last name "
                + "is 257 bytes on the wire, though no single jump is wrong", fourQuestions);
    }

    @Graded(points = 2, hint = "Check lengths before using them: a label of 64 or more (a length byte 0x40-0xBF is not "
            + "a label at all), a name over 255 bytes, a label that runs past the end. " + DEFENSIVE)
    @Test
    void rejects_overlong_labels_and_names(Script script) {
        byte[] label64 = new byte[66];
        label64[0] = 64;
        java.util.Arrays.fill(label64, 1, 65, (byte) 'x');
        assertMalformed(script, "a label of 64 bytes", message(1, 0, label64, question()));
        var longName = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 5; i++) {
            longName.write(60);
            longName.writeBytes("y".repeat(60).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        longName.write(0);
        assertMalformed(script, "a name of 306 bytes (five 60-byte labels)", message(1, 0, longName.toByteArray(), question()));
        assertMalformed(script, "a label that runs past the end", message(1, 0, bytes(20, 'a', 'b')));
    }

    @Graded(points = 2, hint = "The counts in the header are promises, not facts: read each record only if its bytes are "
            + "there, and never allocate by a count. Too few bytes is a ProtocolException. " + DEFENSIVE)
    @Test
    void rejects_counts_that_promise_more_than_the_bytes_hold(Script script) {
        assertMalformed(script, "a header of 7 bytes", bytes(0, 1, 0x81, 0x80, 0, 1, 0));
        byte[] ok = message(1, 1, bytes(1, 'a', 0), question());
        assertMalformed(script, "a header promising 1 answer and no answer bytes", ok);
        byte[] manyRecords = message(1, 0xFFFF, bytes(1, 'a', 0), question());
        assertMalformed(script, "a header promising 65,535 answers in " + manyRecords.length + " bytes", manyRecords);
        byte[] shortData = message(1, 1, bytes(1, 'a', 0), question(), bytes(0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0));
        assertMalformed(script, "an A record whose RDLENGTH 4 promises more than the 2 bytes left", shortData);
    }

    @Graded(points = 1, hint = "An A record holds exactly 4 bytes and an AAAA record exactly 16: any other RDLENGTH is a "
            + "ProtocolException, not an address of another family. " + DEFENSIVE)
    @Test
    void rejects_an_address_record_of_the_wrong_length(Script script) {
        assertMalformed(script, "an A record of 5 bytes", message(1, 1, bytes(1, 'a', 0), question(),
                bytes(0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 192, 0, 2, 1, 7)));
        assertMalformed(script, "an AAAA record of 4 bytes", message(1, 1, bytes(1, 'a', 0), bytes(0, 28, 0, 1),
                bytes(0xC0, 0x0C, 0, 28, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1)));
    }

    // ---- helpers

    private static void assertMalformed(Script script, String what, byte[] message) {
        Throwable thrown = catchThrowable(() -> decode(script).call((Object) message));
        assertThat(thrown).as("decode(%s: %s) should throw a ProtocolException", what, hex(message))
                .isInstanceOf(ProtocolException.class);
        assertThat(thrown.getMessage()).as("the message of the ProtocolException that decode threw for %s: it should "
                + "say what was wrong and where, in words of your own", what).isNotBlank();
    }

    /** A response header (QR, RD, RA set) with one answer count, then the given sections' raw bytes. */
    private static byte[] message(int id, int answers, byte[]... body) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(12).putShort((short) id).putShort((short) 0x8180).putShort((short) 1)
                .putShort((short) answers).putShort((short) 0).putShort((short) 0).array());
        for (byte[] part : body) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** The type and class after a question's name: A, IN. */
    private static byte[] question() {
        return bytes(0, 1, 0, 1);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    private static Message response(int id, String name, int type) throws Exception {
        Message response = new Message(id);
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RD);
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(Record.newRecord(Name.fromString(name), type, DClass.IN), Section.QUESTION);
        return response;
    }

    private static Message parse(byte[] bytes, String what) {
        try {
            return new Message(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(what + ": dnsjava cannot read it as a DNS message: " + e.getMessage());
        }
    }

    private static String summary(Object record, String... components) {
        var out = new StringBuilder();
        for (String component : components) {
            out.append(out.isEmpty() ? "" : " ").append((Object) Records.get(record, component));
        }
        return out.toString();
    }

    private static String describe(Message message) {
        return hex(message.toWire()) + ", which dnsjava reads as:\n" + message;
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
