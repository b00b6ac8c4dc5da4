package netbasics.grading;

/**
 * How one graded test went: what a score table row, a results.json entry and the self-check read.
 *
 * @param message the failure message a learner reads (empty when the test passed)
 * @param output  what the learner's code printed during the test, its tail only; kept for a failing test
 * @param transcript the conversation the test had with the learner's code, as recorded by the
 *                   fixtures (JSON; empty when nothing was recorded or the test passed)
 */
public record Outcome(String chapter, String script, String test, int maxPoints, Status status, String message,
        String output, String transcript) {

    public enum Status { PASSED, FAILED, SKIPPED }

    public Outcome {
        output = output == null ? "" : output;
        transcript = transcript == null ? "" : transcript;
    }

    public Outcome(String chapter, String script, String test, int maxPoints, Status status, String message) {
        this(chapter, script, test, maxPoints, status, message, "", "");
    }

    public int points() {
        return status == Status.PASSED ? maxPoints : 0;
    }

    /** Skipped tests (say, IPv6 where the machine has none) are left out of the score instead of costing points. */
    public int countedMaxPoints() {
        return status == Status.SKIPPED ? 0 : maxPoints;
    }

    /** {@code 02-datagrams/UdpEchoServer}: the exercise this test grades. */
    public String exercise() {
        return chapter + "/" + script;
    }

    /** {@code 02-datagrams/UdpEchoServer › echoes an empty datagram}. */
    public String name() {
        return exercise() + " › " + test;
    }

    public Outcome withOutput(String newOutput) {
        return new Outcome(chapter, script, test, maxPoints, status, message, newOutput, transcript);
    }

    public Outcome withTranscript(String newTranscript) {
        return new Outcome(chapter, script, test, maxPoints, status, message, output, newTranscript);
    }

    @Override
    public String toString() {
        return name() + ": " + status;
    }
}
