package netbasics.conversation;

import netbasics.report.Hexdump;

/**
 * A byte diff for failure messages: where an echo, a frame or a message differs from what was
 * expected, as a hexdump of the two with the first differing byte marked.
 *
 * <pre>{@code
 * assertThat(reply).as(() -> "the echo differs:\n" + Diff.bytes(sent, reply)).isEqualTo(sent);
 * }</pre>
 */
public final class Diff {

    private Diff() {}

    /** The hexdump diff of {@code expected} and {@code actual}, or "identical (N bytes)". */
    public static String bytes(byte[] expected, byte[] actual) {
        return Hexdump.diff(expected, actual);
    }

    /** The index of the first byte that differs, or -1 when they are equal. */
    public static int firstDifference(byte[] expected, byte[] actual) {
        return Hexdump.firstDifference(expected, actual);
    }
}
