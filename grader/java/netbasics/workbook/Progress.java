package netbasics.workbook;

import java.util.List;
import netbasics.grading.Outcome;

/**
 * Progress while grading: on a terminal one line redrawn in place (exercise n of N, the time so
 * far, the points so far); elsewhere one plain line per exercise graded, so logs stay readable.
 */
final class Progress {

    private final Terminal terminal;
    private final int total;
    private final long started = System.nanoTime();
    private int done;
    private int points;
    private int max;

    Progress(Terminal terminal, int total) {
        this.terminal = terminal;
        this.total = total;
        draw();
    }

    synchronized void graded(List<Outcome> outcomes) {
        done++;
        int earned = outcomes.stream().mapToInt(Outcome::points).sum();
        int of = outcomes.stream().mapToInt(Outcome::countedMaxPoints).sum();
        points += earned;
        max += of;
        if (terminal.interactive) {
            draw();
        } else if (total > 1 && !outcomes.isEmpty()) {
            terminal.println(String.format("  graded %-34s %3d / %-3d  (%d of %d)", outcomes.get(0).exercise(), earned, of, done, total));
        }
    }

    synchronized void finish() {
        if (terminal.interactive && total > 0) {
            terminal.out.print("\r" + " ".repeat(terminal.width() - 1) + "\r");
            terminal.out.flush();
        }
    }

    private void draw() {
        if (!terminal.interactive || total == 0) {
            return;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String line = String.format("  grading exercise %d of %d  %.1f s  %d / %d points so far", Math.min(done + 1, total), total,
                seconds, points, max);
        terminal.out.print("\r" + (line.length() < terminal.width() ? line : line.substring(0, terminal.width() - 1)) + "\u001b[K");
        terminal.out.flush();
    }
}
