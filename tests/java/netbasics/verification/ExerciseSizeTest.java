package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.Test;

/**
 * A learner who opens an exercise should see its lesson, not its command line (issue 15). So an
 * exercise in chapters/ has at most 80 lines when it is an echo program (a server or client of the
 * echo, STARTTLS included) and 120 otherwise, and the part from {@code main} down is at most a
 * quarter of it: the options, usage and "Serving at" lines live in the shared chapters/cli/CommandLine.java.
 */
class ExerciseSizeTest {

    private static final Set<String> ECHO_PROGRAMS = Set.of("UdpEchoServer", "UdpEchoClient", "TcpEchoServer", "TcpEchoClient",
            "SelectorEchoServer", "LocalEchoServer", "LocalEchoClient", "AnyFamilyEcho", "TlsEchoServer", "TlsEchoClient", "StartTls");

    @Test
    void every_exercise_is_short_and_mostly_lesson() throws IOException {
        List<Path> exercises = exercises();
        assertThat(exercises.stream().map(ExerciseSizeTest::name)).as("exercises of chapters/").containsAll(ECHO_PROGRAMS);
        List<String> tooLong = new ArrayList<>();
        for (Path exercise : exercises) {
            List<String> lines = Files.readAllLines(exercise, StandardCharsets.UTF_8);
            int main = mainAt(lines);
            int limit = ECHO_PROGRAMS.contains(name(exercise)) ? 80 : 120;
            int fromMain = lines.size() - main;
            if (main < 0 || lines.size() > limit || 4 * fromMain > lines.size()) {
                tooLong.add(Workbook.home().relativize(exercise) + ": " + lines.size() + " lines (at most " + limit + "), "
                        + (main < 0 ? "no main" : fromMain + " from main down (at most " + lines.size() / 4 + ")"));
            }
        }
        assertThat(tooLong).as("exercises over the size targets").isEmpty();
    }

    /** The line that declares {@code main}, or -1. */
    static int mainAt(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("static void main(")) {
                return i;
            }
        }
        return -1;
    }

    static List<Path> exercises() throws IOException {
        try (Stream<Path> chapters = Files.list(Workbook.home().resolve("chapters"))) {
            List<Path> exercises = new ArrayList<>();
            for (Path chapter : chapters.filter(dir -> dir.getFileName().toString().matches("\\d\\d-.*")).sorted().toList()) {
                try (Stream<Path> files = Files.list(chapter)) {
                    files.filter(file -> file.toString().endsWith(".java")).sorted().forEach(exercises::add);
                }
            }
            return exercises;
        }
    }

    private static String name(Path exercise) {
        return exercise.getFileName().toString().replaceFirst("\\.java$", "");
    }
}
