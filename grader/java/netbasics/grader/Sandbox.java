package netbasics.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the platform allows it, a grading worker runs in a network namespace of its own, whose
 * only interface is loopback: graded code can talk to the tests over 127.0.0.1 and ::1 and to
 * nothing else. On a course platform the engine is given an unprivileged user to run workers as
 * ({@code NETBASICS_WORKER_USER}), so graded code cannot write the reports or read the suites'
 * sources. Both are probed once; the report says which could be set up and, when not, why.
 */
public final class Sandbox {

    /** The environment variable naming the user that workers run as (needs root and setpriv). */
    public static final String WORKER_USER = "NETBASICS_WORKER_USER";
    /** {@code -Dworkbook.sandbox=off} runs workers without a namespace (to debug the grader itself). */
    public static final String SWITCH = "workbook.sandbox";

    private static final String BRING_UP_LOOPBACK = "ip link set lo up && exec \"$0\" \"$@\"";

    private final List<String> prefix;
    private final String description;

    private Sandbox(List<String> prefix, String description) {
        this.prefix = List.copyOf(prefix);
        this.description = description;
    }

    private static volatile Sandbox probed;

    /** The sandbox this machine allows, probed on first use. */
    public static Sandbox probe() {
        if (probed == null) {
            synchronized (Sandbox.class) {
                if (probed == null) {
                    probed = decide();
                }
            }
        }
        return probed;
    }

    /** The command to run {@code command} inside the sandbox. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(prefix);
        wrapped.addAll(command);
        return wrapped;
    }

    /** One sentence for the report: how graded code was confined. */
    public String description() {
        return description;
    }

    private static Sandbox decide() {
        List<String> user = new ArrayList<>();
        String userNote;
        String wanted = System.getenv(WORKER_USER);
        if (wanted == null || wanted.isBlank()) {
            userNote = "as the user running the grader";
        } else if (run(List.of("setpriv", "--reuid=" + wanted, "--regid=" + wanted, "--init-groups", "true")).isEmpty()) {
            user = List.of("setpriv", "--reuid=" + wanted, "--regid=" + wanted, "--init-groups", "--");
            userNote = "as the unprivileged user " + wanted;
        } else {
            userNote = "as the user running the grader (switching to " + wanted + " failed: "
                    + run(List.of("setpriv", "--reuid=" + wanted, "--regid=" + wanted, "--init-groups", "true")).get() + ")";
        }
        if ("off".equals(System.getProperty(SWITCH))) {
            return new Sandbox(user, "Graded code ran in worker processes " + userNote + ", with the machine's network (sandbox switched off).");
        }
        String failure = "";
        for (List<String> unshare : List.of(List.of("unshare", "--net"), List.of("unshare", "--net", "--map-root-user"))) {
            List<String> netns = new ArrayList<>(unshare);
            netns.addAll(List.of("--", "sh", "-c", BRING_UP_LOOPBACK));
            List<String> probe = new ArrayList<>(netns);
            probe.addAll(List.of("sh", "-c", "ip -o addr show lo | grep -q 127.0.0.1"));
            Optional<String> problem = run(probe);
            if (problem.isEmpty()) {
                netns.addAll(user);
                return new Sandbox(netns, "Graded code ran in worker processes " + userNote
                        + ", in a network namespace of their own with loopback only.");
            }
            failure = problem.get();
        }
        return new Sandbox(user, "Graded code ran in worker processes " + userNote + ", with the machine's network: "
                + "a loopback-only network namespace could not be set up here (" + failure + ").");
    }

    /** Runs a probe; empty when it succeeded, else what went wrong in a few words. */
    private static Optional<String> run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readNBytes(2000);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.of(command.get(0) + " did not answer");
            }
            String said = new String(output, StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? Optional.empty()
                    : Optional.of(command.get(0) + ": " + (said.isEmpty() ? "exit status " + process.exitValue() : said.lines().findFirst().orElse("")));
        } catch (IOException e) {
            return Optional.of(command.get(0) + " is not available");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }
}
