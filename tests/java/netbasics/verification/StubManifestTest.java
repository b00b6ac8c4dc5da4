package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.Test;

/**
 * tests/stubs.sha256 names every file of chapters/ as it comes (the stubs and their shared command
 * line): {@code ./jbang workbook} shows a file that is still its stub as "not started" without
 * grading it, which is only honest while the manifest is true and every stub fails every test
 * (WorkbookVerificationTest proves the second).
 */
class StubManifestTest {

    @Test
    void the_manifest_names_every_stub_as_it_is() throws IOException {
        Path home = Workbook.home();
        String expected;
        try (Stream<Path> folders = Files.list(home.resolve("chapters"))) {
            Stream<Path> files = folders.filter(Files::isDirectory).flatMap(StubManifestTest::list);
            expected = files.filter(f -> f.toString().endsWith(".java")).map(Workbook::display).sorted()
                    .map(path -> sha256(home.resolve(path)) + "  " + path + "\n").collect(Collectors.joining());
        }
        assertThat(Files.readString(home.resolve("tests/stubs.sha256"), StandardCharsets.UTF_8))
                .as("tests/stubs.sha256 after a stub changed: write it again with\n"
                        + "  (cd $(git rev-parse --show-toplevel) && sha256sum chapters/*/*.java > tests/stubs.sha256)")
                .isEqualTo(expected);
    }

    private static Stream<Path> list(Path folder) {
        try {
            return Files.list(folder).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
