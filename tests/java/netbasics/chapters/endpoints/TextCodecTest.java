package netbasics.chapters.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import netbasics.fixtures.Bytes;
import netbasics.grading.Exercise;
import netbasics.grading.Graded;
import netbasics.grading.MainProcess;
import netbasics.grading.Script;
import org.junit.jupiter.api.Test;

/**
 * TextCodec runs in a JVM whose default charset is ISO-8859-1, so code that forgets to name UTF-8 shows.
 *
 * <p>Every clause of the contract (the stub's javadoc and TODOs, and the chapter's section) and the
 * test that checks it:
 * <ul>
 * <li>encode: UTF-8, whatever the default charset: {@code encodes_text_as_utf8_whatever_the_default_charset}</li>
 * <li>decode: UTF-8, whatever the default charset: {@code decodes_utf8_whatever_the_default_charset}</li>
 * <li>decode: each malformed sequence becomes U+FFFD, as new String(bytes, UTF_8) does: {@code decoding_turns_malformed_bytes_into_replacement_characters}</li>
 * <li>Decoder: a character split between chunks, at every byte boundary, comes out whole: {@code the_decoder_joins_a_character_split_between_two_chunks}</li>
 * <li>Decoder: each character as soon as its last byte arrives: {@code the_decoder_gives_each_character_as_soon_as_its_last_byte_arrives}</li>
 * <li>Decoder: malformed bytes replaced however the chunks fall: {@code the_decoder_replaces_malformed_bytes_however_the_chunks_fall}</li>
 * <li>finish: an unfinished character becomes U+FFFD, and the Decoder starts afresh: {@code finish_replaces_an_unfinished_character_and_starts_afresh}</li>
 * <li>Decoder: each instance is one stream of its own; empty chunks change nothing: {@code decoders_of_two_streams_keep_apart_and_empty_chunks_change_nothing}</li>
 * <li>Decoder: a chunk of any size is decoded whole ("an output buffer as long as the input always suffices"): {@code the_decoder_takes_big_chunks_whole}</li>
 * <li>main shows the bytes and each chunk's text; usage errors exit 2: {@code main_shows_the_bytes_and_what_each_chunk_decodes_to}</li>
 * </ul>
 */
@Exercise(chapter = "01-endpoints", script = "TextCodec")
public class TextCodecTest {

    /** One character of each UTF-8 length: 1, 2, 3 and 4 bytes. */
    private static final String MIXED = "Hi £€😀";
    private static final byte[] MIXED_UTF8 = hex("48 69 20 c2 a3 e2 82 ac f0 9f 98 80");
    private static final String REPLACEMENT = "\uFFFD";

    @Graded(points = 2, hint = "Name the charset: text.getBytes(StandardCharsets.UTF_8). Without it, getBytes() uses the "
            + "machine's default charset, which is not UTF-8 everywhere. See \"Text is bytes\".")
    @Test
    void encodes_text_as_utf8_whatever_the_default_charset(Script script) {
        Method encode = Learner.staticMethod(script, "encode", byte[].class, String.class);
        expectEncoding(encode, MIXED, MIXED_UTF8);
        expectEncoding(encode, "", new byte[0]);
        expectEncoding(encode, "naïve café", hex("6e 61 c3 af 76 65 20 63 61 66 c3 a9"));
    }

    @Graded(points = 1, hint = "Name the charset: new String(bytes, StandardCharsets.UTF_8). Without it, the machine's "
            + "default charset reads the bytes. See \"Text is bytes\".")
    @Test
    void decodes_utf8_whatever_the_default_charset(Script script) {
        Method decode = Learner.staticMethod(script, "decode", String.class, byte[].class);
        expectDecoding(decode, MIXED_UTF8, MIXED);
        expectDecoding(decode, new byte[0], "");
    }

    @Graded(points = 1, hint = "Bytes that are not UTF-8 become U+FFFD, the replacement character, one for each malformed "
            + "sequence, as new String(bytes, UTF_8) does. See \"Bytes that are not UTF-8\".")
    @Test
    void decoding_turns_malformed_bytes_into_replacement_characters(Script script) {
        Method decode = Learner.staticMethod(script, "decode", String.class, byte[].class);
        expectDecoding(decode, hex("61 ff 62"), "a" + REPLACEMENT + "b");
        expectDecoding(decode, hex("61 e2 82"), "a" + REPLACEMENT);
        expectDecoding(decode, hex("e2 82 41"), REPLACEMENT + "A");
        expectDecoding(decode, hex("c0 af"), REPLACEMENT + REPLACEMENT);
        expectDecoding(decode, hex("80 80"), REPLACEMENT + REPLACEMENT);
    }

    @Graded(points = 3, hint = "Decoding each chunk on its own breaks a character whose bytes arrive in two chunks. Keep "
            + "one CharsetDecoder for the whole stream, call decode(in, out, false) per chunk, and keep the bytes it "
            + "leaves in 'in' for the next chunk. See \"Characters split across reads\".")
    @Test
    void the_decoder_joins_a_character_split_between_two_chunks(Script script) {
        var decoder = new DecoderUnderTest(script);
        for (int cut = 0; cut <= MIXED_UTF8.length; cut++) {
            byte[] first = Arrays.copyOfRange(MIXED_UTF8, 0, cut);
            byte[] second = Arrays.copyOfRange(MIXED_UTF8, cut, MIXED_UTF8.length);
            Object instance = decoder.create();
            String text = decoder.decode(instance, first) + decoder.decode(instance, second) + decoder.finish(instance);
            assertThat(codePoints(text))
                    .as("Fed a new Decoder the UTF-8 of %s in two chunks, [%s] then [%s], and then called finish()",
                            quoted(MIXED), HexFormat.ofDelimiter(" ").formatHex(first), HexFormat.ofDelimiter(" ").formatHex(second))
                    .isEqualTo(codePoints(MIXED));
        }
    }

    @Graded(points = 2, hint = "A character is complete as soon as its last byte arrives: decode must return it then, "
            + "not hold it until finish(). Only the start of an unfinished character waits. "
            + "See \"Characters split across reads\".")
    @Test
    void the_decoder_gives_each_character_as_soon_as_its_last_byte_arrives(Script script) {
        var decoder = new DecoderUnderTest(script);
        String text = MIXED + " ok";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Integer> ends = characterEnds(text);
        Object instance = decoder.create();
        var sofar = new StringBuilder();
        for (int i = 0; i < bytes.length; i++) {
            sofar.append(decoder.decode(instance, new byte[] {bytes[i]}));
            int fed = i + 1;
            int complete = ends.stream().filter(end -> end <= fed).mapToInt(end -> end).max().orElse(0);
            String expected = new String(bytes, 0, complete, StandardCharsets.UTF_8);
            assertThat(codePoints(sofar.toString()))
                    .as("Fed a Decoder the UTF-8 of %s one byte at a time; after %d bytes (up to byte %02x), all it had "
                            + "returned should be the %d complete characters %s", quoted(text), fed, bytes[i], expected.codePointCount(0,
                            expected.length()), quoted(expected))
                    .isEqualTo(codePoints(expected));
        }
        assertThat(decoder.finish(instance)).as("finish() after a stream that ended on a whole character").isEmpty();
    }

    @Graded(points = 2, hint = "Let the CharsetDecoder replace malformed input (CodingErrorAction.REPLACE), and keep "
            + "its state across chunks: then however the chunks fall, the text is what new String(all, UTF_8) gives. "
            + "See \"Bytes that are not UTF-8\".")
    @Test
    void the_decoder_replaces_malformed_bytes_however_the_chunks_fall(Script script) {
        var decoder = new DecoderUnderTest(script);
        byte[][] pieces = {utf8("a"), utf8("£"), utf8("€"), utf8("😀"), utf8(" "),
                hex("ff"), hex("80"), hex("c0 af"), hex("e2 82"), hex("f0 9f 98"), hex("ed a0 80"), hex("c2")};
        var random = new Random(8881);
        for (int round = 0; round < 200; round++) {
            var stream = new ByteArrayOutputStream();
            for (int n = random.nextInt(10); n > 0; n--) {
                stream.writeBytes(pieces[random.nextInt(pieces.length)]);
            }
            byte[] all = stream.toByteArray();
            // The JDK's own whole-buffer decoding is the reference.
            String expected = new String(all, StandardCharsets.UTF_8);
            Object instance = decoder.create();
            var chunks = new ArrayList<String>();
            var text = new StringBuilder();
            for (int start = 0; start < all.length; ) {
                int end = Math.min(all.length, start + 1 + random.nextInt(4));
                byte[] chunk = Arrays.copyOfRange(all, start, end);
                chunks.add(HexFormat.ofDelimiter(" ").formatHex(chunk));
                text.append(decoder.decode(instance, chunk));
                start = end;
            }
            text.append(decoder.finish(instance));
            assertThat(codePoints(text.toString()))
                    .as("Fed a new Decoder the chunks [%s], then called finish(); expected the text that "
                            + "new String(all bytes, UTF_8) gives, %s", String.join("] [", chunks), codePoints(expected))
                    .isEqualTo(codePoints(expected));
        }
    }

    @Graded(points = 1, hint = "finish() ends the stream: a character still unfinished is malformed and becomes U+FFFD "
            + "(decode(in, out, true), then flush). Then reset the CharsetDecoder so the Decoder can start a new stream. "
            + "See \"Characters split across reads\".")
    @Test
    void finish_replaces_an_unfinished_character_and_starts_afresh(Script script) {
        var decoder = new DecoderUnderTest(script);
        Object instance = decoder.create();
        assertThat(decoder.decode(instance, hex("6f 6b e2 82"))).as("decode([6f 6b e2 82]): \"ok\" and the first two bytes of €")
                .isEqualTo("ok");
        assertThat(codePoints(decoder.finish(instance))).as("finish() after [6f 6b e2 82]: the unfinished € becomes U+FFFD")
                .isEqualTo(codePoints(REPLACEMENT));
        assertThat(decoder.decode(instance, utf8("€ again"))).as("decode(\"€ again\") on the same Decoder, after finish()")
                .isEqualTo("€ again");
        assertThat(decoder.finish(instance)).as("finish() after \"€ again\"").isEmpty();
    }

    @Graded(points = 2, hint = "Each Decoder is one stream: keep its unfinished bytes and its CharsetDecoder in fields "
            + "of the instance, never in static ones shared by every Decoder. An empty chunk completes nothing and "
            + "loses nothing. See \"Characters split across reads\".")
    @Test
    void decoders_of_two_streams_keep_apart_and_empty_chunks_change_nothing(Script script) {
        var decoder = new DecoderUnderTest(script);
        Object alice = decoder.create();
        Object bob = decoder.create();
        // Two conversations at once, their chunks interleaved, each cut inside a character.
        String aliceText = decoder.decode(alice, hex("e2 82")) + decoder.decode(bob, hex("f0 9f"))
                + decoder.decode(alice, new byte[0]) + decoder.decode(alice, hex("ac 21")) + decoder.decode(bob, hex("98"))
                + decoder.decode(bob, new byte[0]);
        String bobText = decoder.decode(bob, hex("80 3f"));
        aliceText += decoder.finish(alice);
        bobText += decoder.finish(bob);
        assertThat(codePoints(aliceText + "|" + bobText))
                .as("Two Decoders, fed interleaved: Alice [e2 82], Bob [f0 9f], Alice [], Alice [ac 21], Bob [98], Bob [], "
                        + "Bob [80 3f], then finish() on each: Alice's text %s and Bob's %s, each from its own bytes alone "
                        + "(shown joined by |)", quoted("€!"), quoted("😀?"))
                .isEqualTo(codePoints("€!|😀?"));
        assertThat(decoder.finish(decoder.create())).as("finish() on a new Decoder that was given nothing").isEmpty();
        assertThat(decoder.decode(decoder.create(), new byte[0])).as("decode([]) on a new Decoder").isEmpty();
    }

    @Graded(points = 1, hint = "A chunk may be as big as a whole message: size the output by what is to be decoded (the "
            + "unfinished bytes and the chunk), never by a fixed buffer. See \"Characters split across reads\".")
    @Test
    void the_decoder_takes_big_chunks_whole(Script script) {
        var decoder = new DecoderUnderTest(script);
        String big = "€😀a".repeat(20_000);
        byte[] bytes = utf8(big);
        Object instance = decoder.create();
        // Start with the first byte of the €, so the big chunk follows unfinished bytes.
        String text = decoder.decode(instance, Arrays.copyOfRange(bytes, 0, 1))
                + decoder.decode(instance, Arrays.copyOfRange(bytes, 1, bytes.length));
        assertThat(text.length()).as("the length of the text a Decoder returned for %d bytes (20,000 times \"€😀a\"), fed as "
                + "1 byte and then %d: every character is complete once the big chunk is in", bytes.length, bytes.length - 1)
                .isEqualTo(big.length());
        assertThat(text.equals(big)).as("whether that text is 20,000 times \"€😀a\"").isTrue();
        assertThat(decoder.finish(instance)).as("finish() after the big chunk, which ended on a whole character").isEmpty();
    }

    @Graded(points = 1, hint = "main prints the UTF-8 bytes of its text (a sample without arguments) and what the Decoder "
            + "returns for each chunk of --chunk bytes; it only calls encode and the Decoder.")
    @Test
    void main_shows_the_bytes_and_what_each_chunk_decodes_to(Script script) {
        try (MainProcess main = script.startMain("--chunk", "1"); MainProcess bad = script.startMain("--chunk", "0")) {
            int status = main.awaitExit(Duration.ofSeconds(10));
            String out = main.stdout();
            assertThat(out).as("what `%s` printed\n%s", main.commandLine(), main.transcript())
                    .contains("12 bytes in UTF-8: 48 69 20 c2 a3 e2 82 ac f0 9f 98 80");
            Matcher chunk = Pattern.compile("(?m)^\\s+([0-9a-f]{2}|\\(end\\))\\s+-> \"(.*)\"$").matcher(out);
            var decoded = new StringBuilder();
            int lines = 0;
            while (chunk.find()) {
                decoded.append(chunk.group(2));
                lines++;
            }
            assertThat(lines).as("lines \"  BYTE -> \\\"TEXT\\\"\" printed by `%s`, one per byte and one for the end\n%s",
                    main.commandLine(), main.transcript()).isEqualTo(13);
            assertThat(decoded.toString()).as("the chunks' texts printed by `%s`, joined", main.commandLine()).isEqualTo(MIXED);
            assertThat(status).as("exit status of `%s`", main.commandLine()).isZero();
            assertThat(bad.awaitExit(Duration.ofSeconds(10))).as("exit status of `%s`", bad.commandLine()).isEqualTo(2);
            assertThat(bad.stderr()).as("what `%s` printed on standard error", bad.commandLine()).contains("usage");
        }
    }

    /** The script's Decoder: made with new Decoder(), fed with decode(byte[]), ended with finish(). */
    private static final class DecoderUnderTest {
        private final Class<?> type;
        private final Method decode;
        private final Method finish;

        DecoderUnderTest(Script script) {
            type = script.nested("Decoder");
            decode = Learner.instanceMethod(type, "decode", String.class, byte[].class);
            finish = Learner.instanceMethod(type, "finish", String.class);
        }

        Object create() {
            return Learner.construct(type);
        }

        String decode(Object decoder, byte[] chunk) {
            String text = Learner.call(decode, decoder, (Object) chunk);
            assertThat(text).as("Decoder.decode([%s])", HexFormat.ofDelimiter(" ").formatHex(chunk)).isNotNull();
            return text;
        }

        String finish(Object decoder) {
            String text = Learner.call(finish, decoder);
            assertThat(text).as("Decoder.finish()").isNotNull();
            return text;
        }
    }

    private static void expectEncoding(Method encode, String text, byte[] expected) {
        byte[] encoded = Learner.call(encode, null, text);
        assertThat(encoded)
                .as("encode(%s) returned %s; its UTF-8 is %s (%s). This JVM's default charset is %s, as on many machines, "
                        + "so bytes made without naming UTF-8 come out wrong here.", quoted(text),
                        encoded == null ? "null" : HexFormat.ofDelimiter(" ").formatHex(encoded), HexFormat.ofDelimiter(" ").formatHex(expected),
                        encoded == null ? "" : Bytes.firstDifference(expected, encoded), Charset.defaultCharset())
                .isEqualTo(expected);
    }

    private static void expectDecoding(Method decode, byte[] bytes, String expected) {
        String decoded = Learner.call(decode, null, (Object) bytes);
        assertThat(decoded).as("decode([%s]) should be %s = %s; this JVM's default charset is %s",
                        HexFormat.ofDelimiter(" ").formatHex(bytes), quoted(expected), codePoints(expected), Charset.defaultCharset())
                .isNotNull();
        assertThat(codePoints(decoded)).as("decode([%s]), whose text should be %s; this JVM's default charset is %s",
                        HexFormat.ofDelimiter(" ").formatHex(bytes), quoted(expected), Charset.defaultCharset())
                .isEqualTo(codePoints(expected));
    }

    /** Where, in the UTF-8 of {@code text}, each character ends. */
    private static List<Integer> characterEnds(String text) {
        var ends = new ArrayList<Integer>();
        int end = 0;
        for (int codePoint : text.codePoints().toArray()) {
            end += Character.toString(codePoint).getBytes(StandardCharsets.UTF_8).length;
            ends.add(end);
        }
        return ends;
    }

    /** Text as its code points, "U+0048 U+00A3 ...", so a failure shows which characters differ. */
    private static String codePoints(String text) {
        return text.codePoints().mapToObj(c -> String.format("U+%04X", c)).collect(Collectors.joining(" ", "[", "]"));
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String spaced) {
        return HexFormat.ofDelimiter(" ").parseHex(spaced);
    }
}
