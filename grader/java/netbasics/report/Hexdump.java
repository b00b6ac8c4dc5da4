package netbasics.report;

import java.util.Locale;

/**
 * Two byte arrays side by side as a hexdump, expected above actual, 16 bytes a row, with the first
 * byte that differs marked. Only the rows around that byte are shown: the rest agree.
 *
 * <pre>
 * expected 18 bytes, got 10 bytes: they differ from byte 10 (0x0a) on — the reply stops there
 *            00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
 * expected   48 65 6c 6c 6f 20 c2 a3 e2 82 ac 2c 20 64 61 74  |Hello ....., dat|
 * actual     48 65 6c 6c 6f 20 c2 a3 e2 82                    |Hello .....|
 *                                              ^^
 * </pre>
 */
public final class Hexdump {

    private static final int ROW = 16;
    /** Rows shown before and after the row with the first difference. */
    private static final int CONTEXT = 1;

    private Hexdump() {}

    /** Index of the first differing byte, or -1 when the arrays are equal. */
    public static int firstDifference(byte[] expected, byte[] actual) {
        int i = 0;
        while (i < expected.length && i < actual.length && expected[i] == actual[i]) {
            i++;
        }
        return i == expected.length && i == actual.length ? -1 : i;
    }

    /** The diff, or "identical (N bytes)" when there is none. */
    public static String diff(byte[] expected, byte[] actual) {
        int at = firstDifference(expected, actual);
        if (at < 0) {
            return "identical (" + expected.length + " bytes)";
        }
        var out = new StringBuilder();
        out.append("expected ").append(count(expected.length)).append(", got ").append(count(actual.length))
                .append(": they differ from byte ").append(at).append(String.format(Locale.ROOT, " (0x%x)", at)).append(" on — ");
        if (at == actual.length) {
            out.append("what came stops there");
        } else if (at == expected.length) {
            out.append(actual.length - expected.length).append(" bytes more than expected came");
        } else {
            out.append(String.format(Locale.ROOT, "expected 0x%02x, got 0x%02x", expected[at], actual[at]));
        }
        out.append('\n');
        int firstRow = Math.max(0, at / ROW - CONTEXT);
        int lastRow = Math.min((Math.max(expected.length, actual.length) - 1) / ROW, at / ROW + CONTEXT);
        out.append("           ");
        for (int i = 0; i < ROW; i++) {
            out.append(String.format(Locale.ROOT, "%02x ", i));
        }
        out.append('\n');
        if (firstRow > 0) {
            out.append("  … ").append(firstRow * ROW).append(" equal bytes before …\n");
        }
        for (int row = firstRow; row <= lastRow; row++) {
            out.append(row(" expected ", expected, row)).append('\n');
            out.append(row(" actual   ", actual, row)).append('\n');
            if (row == at / ROW) {
                out.append(" ".repeat(11 + 3 * (at % ROW))).append("^^ first difference\n");
            }
        }
        int rest = Math.max(expected.length, actual.length) - (lastRow + 1) * ROW;
        if (rest > 0) {
            out.append("  … and ").append(rest).append(" bytes more after …\n");
        }
        return out.toString();
    }

    private static String row(String label, byte[] bytes, int row) {
        var hex = new StringBuilder();
        var text = new StringBuilder();
        for (int i = row * ROW; i < (row + 1) * ROW; i++) {
            if (i < bytes.length) {
                hex.append(String.format(Locale.ROOT, "%02x ", bytes[i]));
                int b = bytes[i] & 0xff;
                text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            } else {
                hex.append("   ");
            }
        }
        return String.format(Locale.ROOT, "%s %s |%s|", label, hex, text).stripTrailing();
    }

    private static String count(int bytes) {
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
