///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../cli/CommandLine.java

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
        // TODO Encode the text as UTF-8, naming the charset: this machine's default may be another one.
        //  See "Text is bytes" in README.md.
        throw new UnsupportedOperationException("TODO encode: text to UTF-8 bytes (README.md, \"Text is bytes\")");
    }

    /** The text of a complete UTF-8 message; each malformed sequence becomes one U+FFFD. */
    public static String decode(byte[] bytes) {
        // TODO Decode the bytes as UTF-8, naming the charset; each malformed sequence becomes U+FFFD.
        //  See "Text is bytes" in README.md.
        throw new UnsupportedOperationException("TODO decode: UTF-8 bytes to text (README.md, \"Text is bytes\")");
    }

    /**
     * Decodes UTF-8 that arrives in chunks, one {@link #decode(byte[])} per chunk, then one
     * {@link #finish()} at the end of the stream. A character split between chunks comes out
     * whole, as soon as its last byte has arrived. Malformed bytes become U+FFFD, as in
     * {@link TextCodec#decode(byte[])}, and so does a character left unfinished at the end.
     */
    public static final class Decoder {

        // TODO Keep here what must survive from one chunk to the next. See "Characters split across reads" in README.md.

        /** The characters this chunk completes; the start of an unfinished character waits for the next chunk. */
        public String decode(byte[] chunk) {
            // TODO Return the characters this chunk completes, and keep the start of an unfinished character for
            //  the next chunk (a CharsetDecoder does this bookkeeping). See "Characters split across reads" in README.md.
            throw new UnsupportedOperationException("TODO Decoder.decode: decode a chunk, keeping a split character for later (README.md, \"Characters split across reads\")");
        }

        /** Ends the stream: an unfinished character becomes U+FFFD. The decoder is then ready for a new stream. */
        public String finish() {
            // TODO End the stream: what is left of an unfinished character becomes U+FFFD, and the decoder is ready
            //  for a new stream. See "Characters split across reads" in README.md.
            throw new UnsupportedOperationException("TODO Decoder.finish: end the stream (README.md, \"Characters split across reads\")");
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
