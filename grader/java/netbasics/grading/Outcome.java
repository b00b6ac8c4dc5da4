package netbasics.grading;

/** How one graded test went: what a score table row, a results.json entry and the self-check read. */
public record Outcome(String chapter, String script, String test, int maxPoints, Status status, String message) {

    public enum Status { PASSED, FAILED, SKIPPED }

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

    @Override
    public String toString() {
        return name() + ": " + status;
    }
}
