package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every script answers {@code --help} and {@code -h} with its usage and status 0, and a wrong
 * argument with its usage and status 2, and a server says where it serves with an IPv6 address in
 * brackets (issue 14): each one's {@code main} starts by reading its arguments with the shared
 * chapters/cli/CommandLine.java, which does that, and leaves the "Serving at" line to it.
 */
class CommandLineTest {

    private static final Path HOME = Workbook.home();

    @Test
    void every_script_reads_its_arguments_and_says_where_it_serves_with_the_shared_command_line() throws IOException {
        List<Path> scripts = new ArrayList<>(ExerciseSizeTest.exercises());
        scripts.addAll(scripts.stream().map(p -> HOME.resolve("solutions").resolve(HOME.resolve("chapters").relativize(p))).toList());
        scripts.add(HOME.resolve("tools/EchoDemo.java"));
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(57);
        for (Path script : scripts) {
            List<String> lines = Files.readAllLines(script, StandardCharsets.UTF_8);
            assertThat(lines).as("the //SOURCES lines of %s", HOME.relativize(script))
                    .anyMatch(line -> line.startsWith("//SOURCES ") && line.contains("cli/CommandLine.java"));
            int main = ExerciseSizeTest.mainAt(lines);
            assertThat(main).as("the main of %s", HOME.relativize(script)).isNotNegative();
            assertThat(lines.get(main + 1)).as("the first statement of the main of %s", HOME.relativize(script)).contains("new CommandLine(");
            // A "Serving at" line is CommandLine.serving's, which shows an IPv6 address in brackets; a socket file is a path.
            assertThat(lines).as("the lines of %s that print \"Serving at\" themselves", HOME.relativize(script))
                    .noneMatch(line -> line.contains("\"Serving at") && !line.contains("+ path +"));
        }
    }

    @Test
    void help_exits_0_a_mistake_exits_2_an_ipv6_address_is_in_brackets(@TempDir Path classes) throws Exception {
        Path demo = classes.resolve("Demo.java");
        Files.writeString(demo, """
                public class Demo {
                    public static void main(String[] args) throws java.io.IOException {
                        var command = new CommandLine("Demo [--port PORT] [LINE...]", args);
                        CommandLine.serving(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), command.port("--port", 8881)));
                        System.out.println("lines " + command.operands());
                    }
                }
                """, StandardCharsets.UTF_8);
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", classes.toString(),
                demo.toString(), HOME.resolve("chapters/cli/CommandLine.java").toString());
        assertThat(compiled).as("javac's status for Demo.java and chapters/cli/CommandLine.java").isZero();

        for (List<String> help : List.of(List.of("--help"), List.of("-h"), List.of("--port", "1", "--help"))) {
            Run run = run(classes, help);
            assertThat(run.status()).as("exit status of Demo %s", help).isZero();
            assertThat(run.out()).as("what Demo %s printed", help).startsWith("usage: Demo [--port PORT] [LINE...]");
        }
        Run operand = run(classes, List.of("--", "--help"));
        assertThat(operand.status()).as("exit status of Demo -- --help").isZero();
        assertThat(operand.out()).as("what Demo -- --help printed: after --, --help is a line; an IPv6 address in brackets")
                .isEqualTo("Serving at [0:0:0:0:0:0:0:1]:8881\nlines [--help]\n");
        Run wrong = run(classes, List.of("--nope"));
        assertThat(wrong.status()).as("exit status of Demo --nope").isEqualTo(2);
        assertThat(wrong.err()).as("what Demo --nope printed on standard error").isEqualTo("Demo: unknown option --nope\nusage: Demo [--port PORT] [LINE...]\n");
    }

    private record Run(int status, String out, String err) {}

    private static Run run(Path classes, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), "Demo"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        var out = process.getInputStream().readAllBytes();
        var err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("Demo %s ended", args).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
