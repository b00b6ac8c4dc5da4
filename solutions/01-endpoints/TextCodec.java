///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Text on the wire is bytes: this script turns text into UTF-8 and back, including when the bytes
 * arrive in pieces that cut characters in two, as they do from a socket. Bytes that are not UTF-8
 * come out as U+FFFD, the replacement character, never as an exception.
 *
 * <pre>jbang text-codec [--chunk BYTES] [TEXT...]</pre>
 */
public class TextCodec {

    static final String SAMPLE = "Hi £€😀";
    static final int DEFAULT_CHUNK = 2;

    /** The UTF-8 bytes of {@code text}, whatever this machine's default charset is. */
    public static byte[] encode(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text of a complete UTF-8 message; each malformed sequence becomes one U+FFFD. */
    public static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Decodes UTF-8 that arrives in chunks, one {@link #decode(byte[])} per chunk, then one
     * {@link #finish()} at the end of the stream. A character split between chunks comes out
     * whole, as soon as its last byte has arrived. Malformed bytes become U+FFFD, as in
     * {@link TextCodec#decode(byte[])}, and so does a character left unfinished at the end.
     */
    public static final class Decoder {

        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        /** The first bytes of a character whose last bytes have not arrived yet: at most three. */
        private ByteBuffer unfinished = ByteBuffer.allocate(0);

        /** The characters this chunk completes; the start of an unfinished character waits for the next chunk. */
        public String decode(byte[] chunk) {
            ByteBuffer bytes = ByteBuffer.allocate(unfinished.remaining() + chunk.length).put(unfinished).put(chunk).flip();
            // Each byte makes at most one char (four bytes make a surrogate pair), so this never overflows.
            CharBuffer text = CharBuffer.allocate(bytes.remaining());
            utf8.decode(bytes, text, false); // false: more may come, so an unfinished character is kept, not replaced
            unfinished = bytes;
            return text.flip().toString();
        }

        /** Ends the stream: an unfinished character becomes U+FFFD. The decoder is then ready for a new stream. */
        public String finish() {
            CharBuffer text = CharBuffer.allocate(unfinished.remaining() + 1);
            utf8.decode(unfinished, text, true); // true: nothing more comes, so what is left is malformed
            utf8.flush(text);
            utf8.reset();
            unfinished = ByteBuffer.allocate(0);
            return text.flip().toString();
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    static String quoted(String text) {
        return "\"" + text + "\"";
    }

    public static void main(String[] args) {
        var command = new CommandLine("TextCodec [--chunk BYTES] [TEXT...]\n(without TEXT: " + quoted(SAMPLE) + ")", args);
        int chunk = command.number("--chunk", DEFAULT_CHUNK, 1, 1 << 20);
        String text = command.operands().isEmpty() ? SAMPLE : String.join(" ", command.operands());
        byte[] bytes = encode(text);
        System.out.println(quoted(text) + " is " + text.codePointCount(0, text.length()) + " characters, "
                + bytes.length + " bytes in UTF-8: " + hex(bytes));
        text.codePoints().forEach(c -> System.out.printf("  %s  U+%04X  %s%n", Character.toString(c), c, hex(encode(Character.toString(c)))));
        System.out.println("Decoded " + chunk + " byte" + (chunk == 1 ? "" : "s") + " at a time:");
        var decoder = new Decoder();
        for (int start = 0; start < bytes.length; start += chunk) {
            byte[] piece = Arrays.copyOfRange(bytes, start, Math.min(bytes.length, start + chunk));
            System.out.printf("  %-12s -> %s%n", hex(piece), quoted(decoder.decode(piece)));
        }
        System.out.printf("  %-12s -> %s%n", "(end)", quoted(decoder.finish()));
    }
}
