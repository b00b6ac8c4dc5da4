package netbasics.workbook;

import java.io.Console;
import java.io.PrintStream;

/**
 * Where the workbook command writes, and whether that is a person's terminal: colours and the
 * progress bar appear only there (never in a pipe, a file or a CI log), and never when
 * {@code NO_COLOR} is set or the terminal is dumb.
 */
final class Terminal {

    private static final String RESET = "\u001b[0m";

    final PrintStream out;
    final boolean interactive;
    final boolean colour;

    Terminal(PrintStream out, boolean interactive, boolean colour) {
        this.out = out;
        this.interactive = interactive;
        this.colour = colour;
    }

    static Terminal detect() {
        boolean interactive = isTerminal(System.console()) && !"dumb".equals(System.getenv("TERM"));
        String noColour = System.getenv("NO_COLOR");
        return new Terminal(System.out, interactive, interactive && (noColour == null || noColour.isEmpty()));
    }

    /**
     * On JDK 22 and later System.console() exists even when output is redirected, and
     * Console.isTerminal() tells; on JDK 21 a console exists only on a terminal.
     */
    private static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException jdk21) {
            return true;
        }
    }

    private int width;

    /**
     * Columns of the terminal, for the progress bar and for wrapping: COLUMNS if the shell exports
     * it, else what {@code stty size} says of the terminal, else 80.
     */
    int width() {
        if (width == 0) {
            width = columns();
        }
        return width;
    }

    private static int columns() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv("COLUMNS")));
        } catch (NumberFormatException | NullPointerException notExported) {
            // most shells keep COLUMNS to themselves; ask the terminal
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(stty.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip().split(" ");
            if (stty.waitFor() == 0 && size.length == 2) {
                return Math.max(40, Integer.parseInt(size[1]));
            }
        } catch (java.io.IOException | NumberFormatException notATerminal) {
            // fall through to the classic width
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }

    /**
     * {@code text} with every line indented by {@code by} and long lines wrapped between words: at
     * the terminal's width, or at 100 columns in a pipe or a log.
     */
    String indent(String text, String by) {
        var out = new StringBuilder();
        int room = (interactive ? width() : 100) - by.length() - 1;   // in a pipe or a log: 100 columns
        for (String line : text.strip().lines().toList()) {
            if (line.isBlank()) {
                out.append('\n');
                continue;
            }
            if (line.length() <= room) {
                out.append(by).append(line).append('\n');
                continue;
            }
            String lead = line.substring(0, line.length() - line.stripLeading().length());
            // Continuation lines keep the line's indentation, and line up under a list item's text.
            java.util.regex.Matcher item = java.util.regex.Pattern.compile("^(- |\\* |\\d+\\. )").matcher(line.stripLeading());
            String continuation = lead + (item.find() ? " ".repeat(item.end()) : "");
            var current = new StringBuilder(lead);
            boolean empty = true;
            for (String word : line.strip().split(" +")) {
                if (!empty && current.length() + 1 + word.length() > room) {
                    out.append(by).append(current).append('\n');
                    current = new StringBuilder(continuation);
                    empty = true;
                }
                current.append(empty ? "" : " ").append(word);
                empty = false;
            }
            out.append(by).append(current).append('\n');
        }
        return out.toString().stripTrailing();
    }

    String green(String text) {
        return paint("32", text);
    }

    String red(String text) {
        return paint("31", text);
    }

    String yellow(String text) {
        return paint("33", text);
    }

    String bold(String text) {
        return paint("1", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    private String paint(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + RESET : text;
    }

    void println(String text) {
        out.println(text);
        out.flush();
    }

    void println() {
        println("");
    }

    /** On a terminal, clears the line a progress line was drawn on, so that what follows starts clean. */
    void eraseLine() {
        if (interactive) {
            out.print("\r\u001b[K");
            out.flush();
        }
    }
}
