package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import netbasics.grading.GradeReport;
import netbasics.grading.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The reports as the platforms receive them: a chapter's GitHub Classroom result fits the one
 * environment variable it travels in, the job summary fits GitHub's limit, and Gradescope's
 * output is Markdown whose table renders.
 */
class ReportFormatsTest {

    /** Linux's MAX_ARG_STRLEN: the most bytes of one environment variable, "NAME=value" and its NUL. */
    private static final int MAX_ARG_STRLEN = 131_072;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_chapter_result_fits_one_environment_variable_however_long_its_messages() throws Exception {
        // 03-streams with every test failing and every message far over any cap, in many bytes per character.
        List<Outcome> outcomes = failing("03-streams", 120, "sent \"£€\"\n".repeat(3000));
        var report = new GradeReport("chapters/", outcomes, Duration.ofSeconds(1));

        String json = report.classroomJson("03-streams");
        assertFitsTheVariable("STREAMS_RESULTS", json);
        JsonNode result = JSON.readTree(json);
        assertThat(result.get("max_score").asInt()).as("the maximum is untouched by cutting").isEqualTo(120 * 3);
        assertThat(result.get("tests")).hasSize(120).allSatisfy(test -> assertThat(test.get("message").asText())
                .startsWith("sent \"£€\"").endsWith("the whole message is in the Grade step's log)"));
    }

    @Test
    void a_chapter_too_large_even_for_cut_messages_still_fits_and_keeps_every_score() throws Exception {
        List<Outcome> outcomes = new ArrayList<>(failing("03-streams", 500, "x".repeat(2000)));
        outcomes.add(new Outcome("03-streams", "TcpEchoServer", "passes", 4, Outcome.Status.PASSED, ""));
        String json = new GradeReport("chapters/", outcomes, Duration.ofSeconds(1)).classroomJson("03-streams");

        assertFitsTheVariable("STREAMS_RESULTS", json);
        JsonNode result = JSON.readTree(json);
        assertThat(result.get("max_score").asInt()).isEqualTo(500 * 3 + 4);
        int points = 0;
        for (JsonNode test : result.get("tests")) {
            points += test.get("score").asInt();
        }
        assertThat(points).isEqualTo(4);
    }

    @Test
    void short_messages_travel_whole() throws Exception {
        String json = new GradeReport("chapters/", failing("02-datagrams", 3, "no echo\n\nHint: loop"), Duration.ofSeconds(1))
                .classroomJson("02-datagrams");
        assertThat(JSON.readTree(json).get("tests")).allSatisfy(test -> assertThat(test.get("message").asText()).isEqualTo("no echo\n\nHint: loop"));
    }

    @Test
    void the_job_summary_fits_githubs_limit() {
        var report = new GradeReport("chapters/", failing("03-streams", 400, "y".repeat(20_000)), Duration.ofSeconds(1));
        String markdown = report.markdown();
        assertThat(markdown.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(GradeReport.SUMMARY_BYTES);
        assertThat(markdown).contains("cut short so the summary fits");
    }

    @Test
    void gradescope_output_is_markdown_with_a_table_that_renders() throws Exception {
        var outcomes = new ArrayList<>(failing("02-datagrams", 2, "no echo"));
        outcomes.add(new Outcome("02-datagrams", "UdpEchoServer", "echoes", 5, Outcome.Status.PASSED, ""));
        outcomes.add(new Outcome("01-endpoints", "Endpoints", "parses", 2, Outcome.Status.PASSED, ""));
        JsonNode results = JSON.readTree(new GradeReport("chapters/", outcomes, Duration.ofSeconds(1)).gradescopeJson());

        assertThat(results.get("output_format").asText()).isEqualTo("md");
        assertThat(results.get("test_output_format").asText()).as("messages are preformatted text").isEqualTo("text");
        assertThat(results.get("stdout_visibility").asText()).isEqualTo("hidden");
        List<String> table = results.get("output").asText().lines().filter(line -> line.startsWith("|")).toList();
        assertThat(table).as("header, separator, two exercises, total").hasSize(5);
        assertThat(table.get(1)).as("the separator row, without which Markdown shows no table").matches("\\|(\\s*:?-+:?\\s*\\|)+");
        long columns = cells(table.get(0));
        assertThat(table).allSatisfy(row -> assertThat(cells(row)).as("cells in %s", row).isEqualTo(columns));
        assertThat(table).allSatisfy(row -> assertThat(row.substring(1).split("\\|"))
                .as("no empty cell in %s", row).noneMatch(String::isBlank));
        assertThat(results.get("output").asText()).contains("**netbasics: 7 / 13 points (54 %)**").contains("| 02-datagrams | UdpEchoServer | 5 / 11 | 2 |");
    }

    private static long cells(String row) {
        return row.chars().filter(c -> c == '|').count();
    }

    private static void assertFitsTheVariable(String name, String json) {
        String encoded = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertThat(name.length() + 1 + encoded.length() + 1).as("bytes of %s=<base64>", name).isLessThanOrEqualTo(MAX_ARG_STRLEN);
    }

    private static List<Outcome> failing(String chapter, int count, String message) {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(new Outcome(chapter, "UdpEchoServer", "test " + i, 3, Outcome.Status.FAILED, message));
        }
        return outcomes;
    }
}
