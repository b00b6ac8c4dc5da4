package netbasics.report;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Bytes the way a learner reads them: as quoted text where they are text, else as hex; always bounded. */
public final class Shown {

    private Shown() {}

    /** {@code "Hello\n"} or {@code hex 00 01 ff …}: at most about {@code max} characters. */
    public static String bytes(byte[] bytes, int max) {
        if (bytes.length == 0) {
            return "empty";
        }
        if (printable(bytes)) {
            String text = new String(bytes, StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\n", "\\n")
                    .replace("\r", "\\r").replace("\t", "\\t");
            return text.length() <= max ? "\"" + text + "\"" : "\"" + text.substring(0, Math.max(1, max - 3)) + "\"…";
        }
        int shown = Math.min(bytes.length, Math.max(1, max / 3));
        return "hex " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown) + (bytes.length > shown ? " …" : "");
    }

    /** The kept bytes of an event, saying where its middle was left out. */
    public static String event(Exchange.Event event, int max) {
        if (!event.cut()) {
            return bytes(event.head(), max);
        }
        long leftOut = (long) event.length() - event.head().length - event.tail().length;
        return bytes(event.head(), max / 2) + " … (" + leftOut + " bytes not kept) … " + bytes(event.tail(), max / 2);
    }

    /** True when the bytes decode as UTF-8 text of printable characters (and line breaks and tabs). */
    public static boolean printable(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            String text = decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return text.codePoints().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0)));
        } catch (java.nio.charset.CharacterCodingException notText) {
            return false;
        }
    }
}
