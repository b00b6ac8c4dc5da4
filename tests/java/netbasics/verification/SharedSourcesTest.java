package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.Test;

/**
 * The scripts' shared command line lives in each tree (chapters/cli, solutions/cli), so that a
 * tree graded on its own compiles as JBang runs it; the two copies must stay the same file.
 */
class SharedSourcesTest {

    @Test
    void solutions_and_chapters_share_the_same_cli_folder() throws IOException {
        Path chapters = Workbook.home().resolve("chapters/cli");
        Path solutions = Workbook.home().resolve("solutions/cli");
        try (Stream<Path> files = Files.list(chapters)) {
            for (Path file : files.toList()) {
                assertThat(solutions.resolve(file.getFileName().toString())).as("the copy in solutions/cli of " + file.getFileName())
                        .hasSameBinaryContentAs(file);
            }
        }
        try (Stream<Path> files = Files.list(solutions)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("files of solutions/cli")
                    .allSatisfy(name -> assertThat(chapters.resolve(name)).as("chapters/cli/" + name).isRegularFile());
        }
    }
}
