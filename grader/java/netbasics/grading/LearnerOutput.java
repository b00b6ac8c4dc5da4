package netbasics.grading;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What graded code prints, kept per test and only its tail: a learner's output is shown with the
 * failure of the test that printed it, never on a passing run, and a flood of it costs memory of
 * a few kilobytes, not the grader's logs. A grading worker points System.out and System.err here
 * before any graded class is loaded.
 */
public final class LearnerOutput {

    /** How much of the end of a test's output is kept. */
    public static final int TAIL = 4096;

    private static final byte[] ring = new byte[TAIL];
    private static long written;

    private LearnerOutput() {}

    /** Sends System.out and System.err here, UTF-8 encoded (the learner's own streams name UTF-8 too). */
    public static void capture() {
        var stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                append(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                append(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8);
        System.setOut(stream);
        System.setErr(stream);
    }

    /** Forgets what was printed so far: a new test begins. */
    public static synchronized void reset() {
        written = 0;
    }

    /** The tail of what was printed since the last reset, with a note when the start was dropped. */
    public static synchronized String tail() {
        int kept = (int) Math.min(written, TAIL);
        byte[] out = new byte[kept];
        int start = (int) ((written - kept) % TAIL);
        for (int i = 0; i < kept; i++) {
            out[i] = ring[(start + i) % TAIL];
        }
        String text = new String(out, StandardCharsets.UTF_8);
        return written > TAIL ? "[… " + (written - TAIL) + " earlier bytes not kept]\n" + text : text;
    }

    private static synchronized void append(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) ((written + i) % TAIL)] = bytes[offset + i];
        }
        written += length;
    }
}
