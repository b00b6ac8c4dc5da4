package netbasics.workbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The little of git that {@code reset} needs, through the git command. */
final class Git {

    private static final String TODO = "UnsupportedOperationException(\"TODO";

    private final Path home;

    Git(Path home) {
        this.home = home;
    }

    boolean isRepository() {
        return git("rev-parse", "--is-inside-work-tree").filter(out -> out.strip().equals("true")).isPresent();
    }

    /**
     * The stub of {@code path} as git knows it: of the committed versions, the newest one with the
     * most TODOs still in place. A learner may have committed work in progress over the stub;
     * that has fewer TODOs, so it is never taken for the stub.
     */
    Optional<String> stubOf(String path) {
        Optional<String> log = git("log", "--format=%H", "--", path);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        String best = null;
        int mostTodos = 0;
        for (String commit : log.get().lines().filter(l -> !l.isBlank()).toList()) {
            Optional<String> content = git("show", commit + ":" + path);
            if (content.isEmpty()) {
                continue; // the file was deleted in this commit
            }
            int todos = count(content.get());
            if (todos > mostTodos) {    // newest first: a later equal count never replaces an earlier find
                mostTodos = todos;
                best = content.get();
            }
        }
        return Optional.ofNullable(best);
    }

    private static int count(String text) {
        int count = 0;
        for (int at = text.indexOf(TODO); at >= 0; at = text.indexOf(TODO, at + 1)) {
            count++;
        }
        return count;
    }

    /** Runs git in the workbook; its standard output when it succeeded. */
    private Optional<String> git(String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", home.toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return process.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException noGit) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
