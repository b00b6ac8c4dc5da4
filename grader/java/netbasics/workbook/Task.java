package netbasics.workbook;

import java.nio.file.Path;
import java.util.List;
import netbasics.grading.Workbook;

/**
 * One exercise as the workbook command sees it: a script of a chapter, its graded suite, and the
 * tests of that suite with their points and hints.
 */
record Task(String chapter, String script, Class<?> suite, List<Test> tests) {

    /** One graded test: its name as score tables print it, its points and its hint. */
    record Test(String name, int points, String hint) {}

    /** {@code 02-datagrams/UdpEchoServer}, as in score tables and reports. */
    String id() {
        return chapter + "/" + script;
    }

    int maxPoints() {
        return tests.stream().mapToInt(Test::points).sum();
    }

    /** The learner's file in {@code root}: {@code chapters/02-datagrams/UdpEchoServer.java}. */
    Path file(Path root) {
        return Workbook.scriptFile(root, chapter, script);
    }

    /** The chapter text. */
    Path readme(Path root) {
        return root.resolve(chapter).resolve("README.md");
    }
}
