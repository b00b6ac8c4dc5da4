package netbasics.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netbasics.grading.Outcome;

/**
 * {@code report.html}: one self-contained page per run that a learner opens in any browser. The
 * score table, then every exercise and its tests; for each failing test its message, its hint, the
 * conversation drawn as a sequence diagram and written out as a transcript, and what the code printed.
 *
 * <p>Nothing is fetched: styles and diagrams are inline, and a Content-Security-Policy forbids the
 * page any request at all. Messages, transcripts and output come from untrusted code's run, so every
 * text is escaped before it is written into the page.
 */
public final class HtmlReport {

    private static final String HINT = "\n\nHint: ";
    private static final int MAX_TEXT = 20_000;

    private HtmlReport() {}

    /** Writes {@code report.html} into {@code folder} and returns its path. */
    public static Path write(Path folder, String tree, List<Outcome> outcomes) {
        Path file = folder.resolve("report.html");
        try {
            Files.createDirectories(folder);
            Files.writeString(file, html(tree, outcomes), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    public static String html(String tree, List<Outcome> outcomes) {
        List<Outcome> sorted = outcomes.stream().sorted(Comparator.comparing(Outcome::exercise)).toList();
        Map<String, List<Outcome>> byExercise = new LinkedHashMap<>();
        sorted.forEach(o -> byExercise.computeIfAbsent(o.exercise(), k -> new java.util.ArrayList<>()).add(o));
        int score = outcomes.stream().mapToInt(Outcome::points).sum();
        int max = outcomes.stream().mapToInt(Outcome::countedMaxPoints).sum();
        var page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>netbasics report: ").append(h(tree)).append("</title><style>").append(STYLE).append("</style></head><body>\n");
        page.append("<h1>netbasics: <code>").append(h(tree)).append("</code></h1>\n");
        page.append(String.format(Locale.ROOT, "<p id=\"total\" class=\"total\">%d / %d points (%d %%)</p>%n", score, max, percent(score, max)));
        page.append("<table id=\"scores\"><thead><tr><th>chapter</th><th>exercise</th><th>points</th><th>failing</th></tr></thead><tbody>\n");
        for (var entry : byExercise.entrySet()) {
            Outcome first = entry.getValue().get(0);
            int points = entry.getValue().stream().mapToInt(Outcome::points).sum();
            int of = entry.getValue().stream().mapToInt(Outcome::countedMaxPoints).sum();
            long failing = entry.getValue().stream().filter(o -> o.status() == Outcome.Status.FAILED).count();
            page.append("<tr class=\"").append(failing == 0 ? "full" : "partial").append("\"><td>").append(h(first.chapter()))
                    .append("</td><td><a href=\"#").append(anchor(entry.getKey())).append("\">").append(h(first.script()))
                    .append("</a></td><td class=\"num\">").append(points).append(" / ").append(of)
                    .append("</td><td class=\"num\">").append(failing == 0 ? "" : String.valueOf(failing)).append("</td></tr>\n");
        }
        page.append("</tbody></table>\n");
        for (var entry : byExercise.entrySet()) {
            page.append("<section class=\"exercise\" id=\"").append(anchor(entry.getKey())).append("\"><h2>")
                    .append(h(entry.getKey())).append("</h2><ul class=\"tests\">\n");
            entry.getValue().forEach(o -> test(page, o));
            page.append("</ul></section>\n");
        }
        page.append("<footer>Diagrams and transcripts are drawn from what the test's fixtures recorded; ")
                .append("times are since each test began.</footer>\n</body></html>\n");
        return page.toString();
    }

    private static void test(StringBuilder page, Outcome o) {
        String status = o.status().name().toLowerCase(Locale.ROOT);
        String mark = switch (o.status()) {
            case PASSED -> "✓";
            case FAILED -> "✗";
            case SKIPPED -> "–";
        };
        String title = mark + " " + h(o.test()) + " <span class=\"points\">(" + o.points() + " / " + o.maxPoints() + ")</span>";
        if (o.status() != Outcome.Status.FAILED) {
            page.append("<li class=\"test ").append(status).append("\">").append(title);
            if (o.status() == Outcome.Status.SKIPPED && !o.message().isBlank()) {
                page.append(" <span class=\"skip\">skipped: ").append(h(cut(o.message()))).append("</span>");
            }
            page.append("</li>\n");
            return;
        }
        String message = o.message();
        String hint = "";
        int at = message.lastIndexOf(HINT);
        if (at >= 0) {
            hint = message.substring(at + HINT.length());
            message = message.substring(0, at);
        }
        page.append("<li class=\"test failed\"><details open><summary>").append(title).append("</summary>\n");
        page.append("<pre class=\"message\">").append(h(cut(message))).append("</pre>\n");
        if (!hint.isBlank()) {
            page.append("<p class=\"hint\"><strong>Hint:</strong> ").append(h(cut(hint))).append("</p>\n");
        }
        Exchange exchange = Exchange.fromJson(o.transcript());
        if (!exchange.isEmpty()) {
            page.append("<figure class=\"diagram\">").append(SequenceDiagram.svg(exchange))
                    .append("<figcaption>The conversation of this test, time running downwards.</figcaption></figure>\n");
            page.append("<details class=\"transcript\"><summary>Transcript</summary><pre>")
                    .append(h(cut(TranscriptText.of(exchange, 200, 200)))).append("</pre></details>\n");
        }
        if (!o.output().isBlank()) {
            page.append("<details class=\"output\"><summary>What your code printed</summary><pre>").append(h(cut(o.output())))
                    .append("</pre></details>\n");
        }
        page.append("</details></li>\n");
    }

    private static String cut(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "\n… (cut short)";
    }

    private static String anchor(String exercise) {
        return "ex-" + exercise.replaceAll("[^A-Za-z0-9_-]", "-");
    }

    private static int percent(int score, int max) {
        return max == 0 ? 0 : Math.round(100f * score / max);
    }

    private static String h(String text) {
        return SequenceDiagram.escape(text);
    }

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1d2430}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #d0d7de}
            .total{font-size:1.2em;font-weight:bold}
            table{border-collapse:collapse}th,td{padding:.3em .8em;border-bottom:1px solid #e1e4e8;text-align:left}
            td.num{text-align:right}tr.partial td{background:#fff5f5}
            ul.tests{list-style:none;padding-left:0}li.test{margin:.4em 0}
            li.passed{color:#22863a}li.skipped{color:#6a737d}li.failed>details>summary{color:#b31d28;cursor:pointer;font-weight:bold}
            .points{color:#6a737d;font-weight:normal}
            pre{background:#f6f8fa;padding:.8em;overflow-x:auto;white-space:pre-wrap;font-size:.85em;color:#1d2430}
            .hint{background:#fffbdd;padding:.5em .8em;border-left:4px solid #e5c07b;color:#1d2430}
            figure.diagram{margin:.8em 0;overflow-x:auto;background:#fff;border:1px solid #e1e4e8;padding:.5em}
            figcaption{color:#6a737d;font-size:.85em}
            footer{margin-top:3em;color:#6a737d;font-size:.85em}
            """;
}
