package netbasics.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An exchange drawn as a sequence diagram in SVG: one lifeline per participant (the test's peers on
 * the left, a fault relay or proxy in the middle, the learner's code on the right), time running
 * downwards, an arrow per datagram, segment, connect, FIN or RST, and what a fault relay did
 * (a loss, a duplicate, a delay, a reordering) drawn as such. Self-contained: inline styles, no
 * scripts, no external references, every text escaped.
 */
public final class SequenceDiagram {

    /** Rows drawn at most; a longer exchange ends with a row saying how many more there were. */
    static final int MAX_ROWS = 150;
    private static final int LEFT = 80;
    private static final int COLUMN = 230;
    private static final int TOP = 56;
    private static final int ROW = 36;
    private static final int LABEL_CHARS = 42;

    private SequenceDiagram() {}

    public static String svg(Exchange exchange) {
        List<String> lifelines = order(exchange);
        List<Exchange.Event> events = exchange.events();
        int rows = Math.min(events.size(), MAX_ROWS) + (events.size() > MAX_ROWS || exchange.eventsLeftOut() > 0 ? 1 : 0);
        int width = Math.max(x(lifelines.size() - 1) + COLUMN / 2 + 10, 480);
        int height = TOP + ROW * (rows + 1);
        var svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sequence\" role=\"img\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"ui-monospace, monospace\" font-size=\"12\">",
                width, height, width, height));
        svg.append("<title>Sequence diagram: ").append(escape(String.join(", ", lifelines))).append("</title>");
        svg.append("<defs>")
                .append(marker("arrow", "#1f5fa8"))
                .append(marker("arrow-segment", "#2d7d46"))
                .append(marker("arrow-fin", "#6b3fa0"))
                .append(marker("arrow-rst", "#c0392b"))
                .append(marker("arrow-dup", "#d35400"))
                .append(marker("arrow-grey", "#777777"))
                .append("</defs>");
        for (int i = 0; i < lifelines.size(); i++) {
            int x = x(i);
            svg.append(String.format(Locale.ROOT, "<g class=\"lifeline\"><rect x=\"%d\" y=\"8\" width=\"%d\" height=\"28\" rx=\"5\" "
                    + "fill=\"#eef2f7\" stroke=\"#5a6b82\"/><text x=\"%d\" y=\"27\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>"
                    + "<line x1=\"%d\" y1=\"36\" x2=\"%d\" y2=\"%d\" stroke=\"#9aa7b8\" stroke-dasharray=\"4 4\"/></g>",
                    x - COLUMN / 2 + 12, COLUMN - 24, x, escape(lifelines.get(i)), x, x, height - 8));
        }
        for (int row = 0; row < Math.min(events.size(), MAX_ROWS); row++) {
            Exchange.Event event = events.get(row);
            int y = TOP + ROW * row + ROW / 2;
            svg.append("<g class=\"event ").append(event.kind().name().toLowerCase(Locale.ROOT)).append("\">");
            svg.append("<title>").append(escape(TranscriptText.line(event, 0).strip())).append("</title>");
            svg.append(String.format(Locale.ROOT, "<text x=\"6\" y=\"%d\" fill=\"#555\">%.1f ms</text>", y + 4, event.micros() / 1000.0));
            int from = lifelines.indexOf(event.from());
            int to = lifelines.indexOf(event.to());
            draw(svg, event, x(from), x(to), y);
            svg.append("</g>");
        }
        int more = events.size() - Math.min(events.size(), MAX_ROWS) + exchange.eventsLeftOut();
        if (more > 0) {
            int y = TOP + ROW * Math.min(events.size(), MAX_ROWS) + ROW / 2;
            svg.append(String.format(Locale.ROOT, "<text class=\"more\" x=\"%d\" y=\"%d\" fill=\"#555\">… %d more events (see the transcript)</text>",
                    LEFT, y + 4, more));
        }
        return svg.append("</svg>").toString();
    }

    private static void draw(StringBuilder svg, Exchange.Event event, int fromX, int toX, int y) {
        String label = label(event);
        switch (event.kind()) {
            case DATAGRAM -> arrow(svg, fromX, toX, y, "#1f5fa8", "arrow", "", 1.5, label);
            case WRITE, READ -> arrow(svg, fromX, toX, y, "#2d7d46", "arrow-segment", "", 1.5, label);
            case CONNECT -> arrow(svg, fromX, toX, y, "#777777", "arrow-grey", "", 1.2, "SYN (connect)");
            case FIN -> arrow(svg, fromX, toX, y, "#6b3fa0", "arrow-fin", "6 3", 1.5, "FIN" + suffix(event));
            case RST -> arrow(svg, fromX, toX, y, "#c0392b", "arrow-rst", "", 2.5, "RST" + suffix(event));
            case DUPLICATE -> arrow(svg, fromX, toX, y, "#d35400", "arrow-dup", "", 1.5, "duplicate: " + label);
            case LOSS -> {
                int end = fromX + (toX - fromX) / 2;
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\" "
                        + "stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>", fromX, y, end, y));
                svg.append(String.format(Locale.ROOT, "<text class=\"lost\" x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#c0392b\" "
                        + "font-size=\"18\" font-weight=\"bold\">✗</text>", end, y + 6));
                text(svg, (fromX + end) / 2, y - 6, "#c0392b", "lost: " + label);
            }
            case DELAY, REORDER, TIMEOUT, TLS, NOTE -> {
                if (event.between() && (event.kind() == Exchange.Kind.TLS || event.kind() == Exchange.Kind.NOTE)) {
                    arrow(svg, fromX, toX, y, "#777777", "arrow-grey", "3 3", 1.2, label);
                } else {
                    note(svg, fromX, y, event.kind(), label);
                }
            }
        }
    }

    private static String suffix(Exchange.Event event) {
        return event.note().isEmpty() ? "" : " (" + event.note() + ")";
    }

    private static String label(Exchange.Event event) {
        return switch (event.kind()) {
            case DELAY -> "delays " + event.length() + " B" + suffix(event);
            case REORDER -> "holds back " + event.length() + " B to reorder";
            case TIMEOUT -> "waited" + (event.note().isEmpty() ? "" : " " + event.note()) + ": nothing came";
            case TLS, NOTE -> event.note();
            default -> event.length() + " B " + Shown.event(event, 28) + (event.note().isEmpty() ? "" : " · " + event.note());
        };
    }

    private static void arrow(StringBuilder svg, int fromX, int toX, int y, String colour, String marker, String dash,
                              double width, String label) {
        if (fromX == toX) {
            note(svg, fromX, y, Exchange.Kind.NOTE, label);
            return;
        }
        int end = toX + (toX > fromX ? -2 : 2);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\"%s "
                + "marker-end=\"url(#%s)\"/>", fromX, y, end, y, colour, width,
                dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"", marker));
        text(svg, (fromX + toX) / 2, y - 6, colour, label);
    }

    private static void note(StringBuilder svg, int x, int y, Exchange.Kind kind, String label) {
        String shown = cut(label, LABEL_CHARS);
        int w = Math.min(COLUMN * 2, 14 + 7 * shown.length());
        String fill = switch (kind) {
            case DELAY, REORDER -> "#fdebd0";
            case TIMEOUT -> "#f5f5f5";
            case TLS -> "#e8f6f3";
            default -> "#fffbe6";
        };
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" rx=\"3\" fill=\"%s\" stroke=\"#b7950b\"/>",
                x + 6, y - 13, w, fill));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", x + 13, y + 2, escape(shown)));
    }

    private static void text(StringBuilder svg, int x, int y, String colour, String label) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s</text>",
                x, y, colour, escape(cut(label, LABEL_CHARS))));
    }

    private static String marker(String id, String colour) {
        return "<marker id=\"" + id + "\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                + "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"" + colour + "\"/></marker>";
    }

    /** The test's own peers first, then a relay or proxy, then the learner's code, so arrows read left to right. */
    static List<String> order(Exchange exchange) {
        Set<String> all = new LinkedHashSet<>(exchange.lifelines());
        for (Exchange.Event event : exchange.events()) {
            all.add(event.from());
            if (!event.to().isEmpty()) {
                all.add(event.to());
            }
        }
        all.remove("");
        List<String> ordered = new ArrayList<>();
        all.stream().filter(n -> !n.equals(Exchange.LEARNER) && !isMiddle(n)).forEach(ordered::add);
        all.stream().filter(SequenceDiagram::isMiddle).forEach(ordered::add);
        if (all.contains(Exchange.LEARNER)) {
            ordered.add(Exchange.LEARNER);
        }
        return ordered;
    }

    private static boolean isMiddle(String lifeline) {
        return lifeline.contains("relay") || lifeline.contains("proxy");
    }

    private static int x(int column) {
        return LEFT + COLUMN / 2 + COLUMN * Math.max(0, column) - 40;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static String escape(String text) {
        var out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD'); // not allowed in XML
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
