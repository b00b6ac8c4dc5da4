package netbasics.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An exchange as lines of text for a failure message: one line per event, with the time since the
 * test began, who spoke to whom, and what was said (text where printable, hex otherwise).
 *
 * <pre>
 *    0.0 ms  test client → your code    datagram 18 bytes "Hello £€, datagram"
 *    0.6 ms  your code → test client    datagram 10 bytes "Hello £€,"
 * </pre>
 *
 * A long exchange is trimmed to what matters most: its beginning and its end, where a failing test
 * stopped, with a line saying how many events were left out between them.
 */
public final class TranscriptText {

    /** Events kept from the beginning and the end of a long exchange. */
    static final int FIRST = 8;
    static final int LAST = 24;
    private static final int BYTES_SHOWN = 72;

    private TranscriptText() {}

    /** The whole rendering, with a heading; empty when nothing was recorded. */
    public static String of(Exchange exchange) {
        return of(exchange, FIRST, LAST);
    }

    public static String of(Exchange exchange, int first, int last) {
        if (exchange.isEmpty()) {
            return "";
        }
        List<Exchange.Event> events = exchange.events();
        int width = events.stream().mapToInt(e -> who(e).length()).max().orElse(10);
        var out = new StringBuilder("The conversation (time since the test began, who → whom, what):\n");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.size() > first + last && i == first) {
                lines.add(String.format(Locale.ROOT, "  %10s  … %d events left out here …", "", events.size() - first - last));
                i = events.size() - last;
            }
            lines.add(line(events.get(i), width));
        }
        lines.forEach(l -> out.append(l).append('\n'));
        if (exchange.eventsLeftOut() > 0) {
            out.append("  (").append(exchange.eventsLeftOut()).append(" later events were not recorded: the recording of a test is capped)\n");
        }
        return out.toString();
    }

    /** The transcript as a Markdown code block (Gradescope's output_format md, a job summary); empty when nothing was recorded. */
    public static String markdown(Exchange exchange) {
        String text = of(exchange);
        return text.isEmpty() ? "" : "```text\n" + text.replace("```", "'''") + "```\n";
    }

    /** One event as one line. */
    public static String line(Exchange.Event event, int width) {
        return String.format(Locale.ROOT, "  %8.1f ms  %-" + Math.max(1, width) + "s  %s", event.micros() / 1000.0, who(event), what(event));
    }

    static String who(Exchange.Event event) {
        return event.between() ? event.from() + " → " + event.to() : event.from();
    }

    /** What an event said, in words: "datagram 18 bytes "Hello"", "FIN (end of stream)", "lost by the relay". */
    public static String what(Exchange.Event event) {
        String bytes = event.length() + " byte" + (event.length() == 1 ? "" : "s") + " " + Shown.event(event, BYTES_SHOWN);
        String note = event.note().isEmpty() ? "" : " — " + event.note();
        return switch (event.kind()) {
            case CONNECT -> "connect (SYN, SYN-ACK, ACK)" + note;
            case DATAGRAM -> "datagram " + bytes + note;
            case DUPLICATE -> "duplicate datagram " + bytes + note;
            case LOSS -> "LOST: did not forward the datagram " + bytes + note;
            case DELAY -> "holds back the datagram " + bytes + note;
            case REORDER -> "holds back the datagram " + bytes + " until the next one has passed it" + note;
            case WRITE -> "wrote " + bytes + note;
            case READ -> "sent " + bytes + " (arrived in one read)" + note;
            case FIN -> "FIN: ends its side of the stream" + note;
            case RST -> "RST: resets the connection" + note;
            case TIMEOUT -> "waited" + note + ": nothing came";
            case TLS -> "TLS " + event.note();
            case NOTE -> event.note() + (event.length() > 0 ? " " + bytes : "");
        };
    }
}
