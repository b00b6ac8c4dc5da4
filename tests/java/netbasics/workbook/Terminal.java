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

    /** Columns of the terminal, for the progress bar: COLUMNS if the shell exports it, else 80. */
    int width() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80")));
        } catch (NumberFormatException e) {
            return 80;
        }
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
}
