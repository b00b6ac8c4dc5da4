package netbasics.verification;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.util.JavacTask;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import netbasics.grading.Workbook;
import org.junit.jupiter.api.Test;

/**
 * The code in the chapter texts (chapters/NN-topic/README.md) is code a learner copies: every Java
 * snippet compiles with the JDK the workbook targets, and every shell block parses.
 *
 * <p>A Java snippet is one of two kinds. A listing of the contract (each line a method or type
 * header, as in "static void serve(ServerSocket listener)  // ...") compiles once each header is
 * given a body. Anything else is a run of statements from the middle of a method; it compiles
 * inside a method of its own, where the names the text introduced elsewhere (a {@code socket}, a
 * chapter's own classes, its constants) are unknown. So "cannot find symbol" is forgiven for a
 * name the snippet does not declare, and so is a missing return (a listing is forgiven nothing); every other error (a JDK method
 * that does not exist or takes other arguments, a type mismatch, a syntax error) fails the test.
 * A "..." (alone, with words after it, between braces or parentheses) stands for code left out and is dropped.
 */
class ChapterSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile("(?m)^( *)```(\\w*)\\n(.*?)^\\1```", Pattern.DOTALL);

    private static final String IMPORTS = Stream.of("java.io", "java.net", "java.nio", "java.nio.channels",
            "java.nio.charset", "java.nio.file", "java.security", "java.security.cert", "java.time", "java.util",
            "java.util.concurrent", "java.util.concurrent.atomic", "java.util.function", "javax.net.ssl")
            .map(p -> "import " + p + ".*;\n").reduce("", String::concat);

    record Snippet(String where, String language, String code) {}

    @Test
    void every_java_snippet_compiles() throws IOException {
        List<Snippet> snippets = snippets("java");
        assertThat(snippets).as("Java snippets in the chapter texts").isNotEmpty();
        assertThat(errors(snippets)).as("Java snippets of the chapter texts that do not compile").isEmpty();
    }

    @Test
    void the_snippet_check_forgives_only_what_a_snippet_cannot_know() throws IOException {
        List<Snippet> good = List.of(
                new Snippet("statements using names from elsewhere", "java", "socket.send(packet);\nreturn received;\n"),
                new Snippet("a listing", "java", "static void serve(ServerSocket listener)   // until closed\n"
                        + "public static Message decode(byte[] message) throws ProtocolException\n"
                        + "public record Message(int id, List<String> questions) { int rcode() }\n"));
        assertThat(errors(good)).isEmpty();
        List<Snippet> bad = List.of(
                new Snippet("a JDK method with the wrong arguments", "java",
                        "ExecutorService handlers = Executors.newFixedThreadPool(2);\nhandlers.awaitTermination(Duration.ofSeconds(1));\n"),
                new Snippet("a JDK method that does not exist", "java", "var socket = new DatagramSocket();\nsocket.sendAll(new byte[1]);\n"),
                new Snippet("a type mismatch", "java", "int port = new InetSocketAddress(\"localhost\", 1).getHostString();\n"),
                new Snippet("a syntax error", "java", "for (int i = 0; i < 3; i++ {\n}\n"),
                new Snippet("a listing naming a type that does not exist", "java", "static Sockett connect(String host)\n"));
        List<String> errors = errors(bad);
        for (Snippet snippet : bad) {
            assertThat(errors).as("the errors found in: %s", snippet.where()).anyMatch(e -> e.startsWith(snippet.where() + ":"));
        }
    }

    /**
     * What javac says of each snippet that standing in its chapter would not fix. All are parsed
     * first, then those that parse are checked together: a syntax error in one unit would stop
     * javac before it checks the types of any.
     */
    static List<String> errors(List<Snippet> snippets) throws IOException {
        var javac = ToolProvider.getSystemJavaCompiler();
        Map<String, Snippet> byClass = new LinkedHashMap<>();
        Map<String, JavaFileObject> units = new LinkedHashMap<>();
        for (int i = 0; i < snippets.size(); i++) {
            byClass.put("Snippet" + i, snippets.get(i));
            units.put("Snippet" + i, source("Snippet" + i, wrap("Snippet" + i, snippets.get(i).code())));
        }
        List<String> options = List.of("--release", "21", "-proc:none", "-Xmaxerrs", "100000");
        var parsing = new DiagnosticCollector<JavaFileObject>();
        ((JavacTask) javac.getTask(null, null, parsing, options, null, units.values())).parse();
        var checking = new DiagnosticCollector<JavaFileObject>();
        List<JavaFileObject> parsed = units.values().stream()
                .filter(unit -> parsing.getDiagnostics().stream().noneMatch(d -> d.getSource() == unit)).toList();
        if (!parsed.isEmpty()) {
            ((JavacTask) javac.getTask(null, null, checking, options, null, parsed)).analyze();
        }
        List<String> errors = new ArrayList<>();
        for (var diagnostics : List.of(parsing, checking)) {
            var found = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
            for (var d : found) {
                String unit = d.getSource().getName().replaceAll(".*/|\\.java$", "");
                boolean listing = d.getSource().getCharContent(true).toString().contains("abstract class " + unit + " {");
                boolean namesFromElsewhere = !listing && found.stream().anyMatch(o -> o.getSource() == d.getSource() && unknownName(o));
                boolean forgiven = listing ? false
                        : unknownName(d) || d.getCode().equals("compiler.err.missing.ret.stmt")
                                || namesFromElsewhere && CONSEQUENCES.contains(d.getCode());
                if (!forgiven) {
                    Snippet snippet = byClass.get(unit);
                    errors.add(snippet.where() + ": " + d.getMessage(Locale.ROOT) + "\n    in the snippet:\n" + snippet.code().indent(8));
                }
            }
        }
        return errors;
    }

    /**
     * Errors javac gives only because a name's type is unknown (a switch over a variable of no
     * known type sees its patterns as duplicates); forgiven where the snippet uses such a name.
     */
    private static final java.util.Set<String> CONSEQUENCES = java.util.Set.of(
            "compiler.err.duplicate.unconditional.pattern", "compiler.err.unconditional.pattern.and.default",
            "compiler.err.not.exhaustive", "compiler.err.not.exhaustive.statement");

    @Test
    void every_shell_block_parses() throws Exception {
        List<Snippet> snippets = snippets("sh");
        assertThat(snippets).as("shell blocks in the chapter texts").isNotEmpty();
        List<String> errors = new ArrayList<>();
        for (Snippet snippet : snippets) {
            Process bash = new ProcessBuilder("bash", "-n").redirectErrorStream(true).start();
            try (var in = bash.getOutputStream()) {
                in.write(snippet.code().getBytes(StandardCharsets.UTF_8));
            }
            String said = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(10, TimeUnit.SECONDS)).as("bash -n ends").isTrue();
            if (bash.exitValue() != 0) {
                errors.add(snippet.where() + ": " + said.strip() + "\n    in the block:\n" + snippet.code().indent(8));
            }
        }
        assertThat(errors).as("shell blocks of the chapter texts that bash -n refuses").isEmpty();
    }

    /** The fenced blocks of one language in every chapter text, each with its file and line. */
    static List<Snippet> snippets(String language) throws IOException {
        List<Snippet> found = new ArrayList<>();
        Path chapters = Workbook.home().resolve("chapters");
        try (Stream<Path> texts = Files.list(chapters)) {
            for (Path text : texts.map(dir -> dir.resolve("README.md")).filter(Files::isRegularFile).sorted().toList()) {
                String markdown = Files.readString(text, StandardCharsets.UTF_8);
                Matcher block = BLOCK.matcher(markdown);
                while (block.find()) {
                    if (block.group(2).equals(language)) {
                        int line = (int) markdown.substring(0, block.start()).lines().count() + 1;
                        String indent = block.group(1);
                        String code = block.group(3).lines().map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
                                .reduce("", (a, b) -> a + b + "\n");
                        found.add(new Snippet(Workbook.home().relativize(text) + ":" + line, language, code));
                    }
                }
            }
        }
        return found;
    }

    /** A compilation unit around the snippet: a class of contract headers, or a method of statements. */
    static String wrap(String className, String code) {
        String cleaned = code.replace("(...)", "()").replace("{ ... }", "{ }").lines().filter(l -> !l.strip().startsWith("..."))
                .map(l -> l.replaceFirst("\\s+//.*$", "").stripTrailing()).reduce("", (a, b) -> a + b + "\n")
                .replaceAll("\\)\\s*\\n\\s*throws ", ") throws ");
        if (isListing(cleaned)) {
            String bodies = cleaned.lines().map(ChapterSnippetsTest::withBody).reduce("", (a, b) -> a + b + "\n");
            return IMPORTS + "abstract class " + className + " {\n" + bodies + "}\n";
        }
        return IMPORTS + "class " + className + " {\n    Object run() throws Exception {\n" + cleaned.indent(8) + "    }\n}\n";
    }

    private static final String HEADER = "(public\\s+)?(static\\s+)?[\\w<>\\[\\], ]+\\s+\\w+\\([^;]*\\)(\\s+throws\\s+[\\w., ]+)?";
    private static final String TYPE = "(public\\s+)?(static\\s+)?(record|class|interface)\\s+.*";

    /** Whether every line is a method header or a type declaration (a listing of a contract). */
    static boolean isListing(String code) {
        List<String> lines = code.lines().filter(l -> !l.isBlank()).toList();
        return !lines.isEmpty() && lines.stream().allMatch(l -> l.strip().matches(HEADER) || l.strip().matches(TYPE));
    }

    /** A header with a body: methods throw, a bodiless type gets {}, a record's bodiless methods throw too. */
    private static String withBody(String line) {
        String header = line.strip();
        String thrower = " { throw new UnsupportedOperationException(); }";
        if (header.isEmpty()) {
            return "";
        }
        if (header.matches(TYPE)) {
            if (!header.contains("{")) {
                return header + " {}";
            }
            return header.replaceAll("(\\w+\\([^()]*\\))\\s*}", "$1" + thrower + " }");
        }
        return header + thrower;
    }

    /**
     * A name the snippet uses but the text introduced elsewhere: an unknown variable or class (a
     * chapter's own, say TextCodec.Decoder), or an unknown method of the snippet's own class (a
     * contract method of the exercise); never an unknown method or field of a JDK type.
     */
    private static boolean unknownName(Diagnostic<? extends JavaFileObject> d) {
        String message = d.getMessage(Locale.ROOT);
        return switch (d.getCode()) {
            case "compiler.err.doesnt.exist" -> true;
            case String code when code.startsWith("compiler.err.cant.resolve") ->
                    message.matches("(?s).*symbol:\\s+(variable|class) .*") || message.matches("(?s).*location: class Snippet\\d+.*");
            default -> false;
        };
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }
}
