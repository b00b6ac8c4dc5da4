package netbasics.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * One test's conversation with the learner's code, as the fixtures recorded it: who said what to
 * whom, and when. This is the JSON form carried in {@code Outcome.transcript} from the JVM that ran
 * the test to the one that writes the report, so every renderer (text, SVG, pcapng) reads the same.
 *
 * <p>Bytes are bounded: an event keeps its first and last few KB ({@link Event#head} and
 * {@link Event#tail}) and its real {@link Event#length}; a test keeps a limited number of events
 * and says how many it left out. The JSON comes from a JVM that ran untrusted code, so a reader
 * treats it as data: {@link #fromJson} never throws, and every renderer escapes what it shows.
 *
 * @param began         when the test began, in microseconds since the epoch (0 when not known): where the times count from
 * @param lifelines     who took part, in the order they first spoke: "test client", "fault relay", "your code"…
 * @param events        what happened, in order
 * @param eventsLeftOut events past the per-test cap, counted but not kept
 * @param bytesLeftOut  bytes not kept (the middles of long events, and all of the events left out)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Exchange(long began, List<String> lifelines, List<Event> events, int eventsLeftOut, long bytesLeftOut) {

    /** The name every address that no fixture claimed gets: the code under test. */
    public static final String LEARNER = "your code";

    /** What one event is. */
    public enum Kind {
        /** A TCP connection opened (SYN, SYN-ACK, ACK), from the side that connected. */
        CONNECT,
        /** One UDP datagram, whole. */
        DATAGRAM,
        /** A second copy of a datagram, sent by a fault relay. */
        DUPLICATE,
        /** A datagram a fault relay did not forward. */
        LOSS,
        /** A datagram a fault relay holds back for a while before it forwards it. */
        DELAY,
        /** A datagram a fault relay holds back until the next one has overtaken it. */
        REORDER,
        /** Bytes written on a stream, in one write (or one segment of a proxy). */
        WRITE,
        /** Bytes read from a stream, in one read: how the stream was split on arrival. */
        READ,
        /** The sender ended its side of the stream (FIN). */
        FIN,
        /** The connection was reset (RST). */
        RST,
        /** A wait ended with nothing (more) arriving. */
        TIMEOUT,
        /** A TLS handshake step or alert. */
        TLS,
        /** Anything else worth a line: a DNS message decoded, a fault proxy's decision… */
        NOTE
    }

    /**
     * One thing that happened.
     *
     * @param micros      microseconds since the test began
     * @param from        the lifeline that acted (sent, wrote, decided)
     * @param to          the lifeline it was meant for (the same as {@code from} for a note on one lifeline)
     * @param fromAddress {@code 127.0.0.1:50123} or {@code [::1]:50123}; empty when not known
     * @param toAddress   likewise
     * @param transport   "udp" or "tcp" (empty for notes)
     * @param length      how many bytes the event carried, kept or not
     * @param head        the first bytes kept (all of them when short)
     * @param tail        the last bytes kept when the middle was left out (empty otherwise)
     * @param note        what a reader should know: "held back 200 ms", a decoded DNS message, a TLS alert
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(long micros, Kind kind, String from, String to, String fromAddress, String toAddress,
                        String transport, int length, byte[] head, byte[] tail, String note) {

        public Event {
            kind = kind == null ? Kind.NOTE : kind;
            from = from == null ? "" : from;
            to = to == null ? from : to;
            fromAddress = fromAddress == null ? "" : fromAddress;
            toAddress = toAddress == null ? "" : toAddress;
            transport = transport == null ? "" : transport;
            head = head == null ? new byte[0] : head;
            tail = tail == null ? new byte[0] : tail;
            note = note == null ? "" : note;
            length = Math.max(length, head.length + tail.length);
        }

        /** True when some of the bytes were not kept. */
        public boolean cut() {
            return length > head.length + tail.length;
        }

        /** An event between two lifelines (an arrow), not a note on one. */
        public boolean between() {
            return !from.equals(to) && !to.isEmpty();
        }
    }

    public Exchange {
        lifelines = lifelines == null ? List.of() : List.copyOf(lifelines);
        events = events == null ? List.of() : List.copyOf(events);
    }

    public static Exchange empty() {
        return new Exchange(0, List.of(), List.of(), 0, 0);
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exchange in {@code json}; empty when there is none or it cannot be read (a renderer shows nothing then). */
    public static Exchange fromJson(String json) {
        return parse(json).orElseGet(Exchange::empty);
    }

    /** The exchange in {@code json}, or empty when {@code json} is blank or not an exchange. */
    public static Optional<Exchange> parse(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, Exchange.class));
        } catch (IOException | RuntimeException notAnExchange) {
            return Optional.empty();
        }
    }
}
