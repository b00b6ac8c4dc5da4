package netbasics.conversation;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import netbasics.report.Exchange;
import netbasics.report.Exchange.Event;
import netbasics.report.Exchange.Kind;
import netbasics.report.TranscriptText;

/**
 * The recording of the current test's conversation: what the fixtures and test clients sent and
 * received, who to, and when. One test runs at a time in a JVM, so there is one recording.
 *
 * <h2>For the harness</h2>
 * Call {@link #begin()} when a test starts (it clears what an earlier test left) and {@link #end()}
 * when it is over: that returns the {@link Exchange}, whose {@code toJson()} goes into
 * {@code Outcome.transcript}. Between the two, {@link #transcript()} renders what was recorded so
 * far as text for a failure message. Outside begin/end nothing is recorded and every call here
 * costs a volatile read.
 *
 * <h2>For fixtures</h2>
 * A fixture {@link #claim claims} the addresses it sends from, under a lifeline name ("test client",
 * "fault relay"…), and releases them when closed; every address nobody claimed is the learner's
 * code ({@link Exchange#LEARNER}). Each event is recorded once, by whoever can see it first: the
 * fixture that {@link #sent sends} it, or, when the learner's code sent it, the fixture that
 * {@link #received receives} it (a receive from another fixture is left out: its send was recorded).
 *
 * <p>Bounded: an event keeps its first {@value #HEAD} and last {@value #TAIL} bytes; a test keeps
 * {@value #MAX_EVENTS} events and {@value #MAX_BYTES} bytes, and counts the rest.
 */
public final class Conversation {

    static final int HEAD = 2048;
    static final int TAIL = 1024;
    static final int MAX_EVENTS = 1_000;
    static final int MAX_BYTES = 128 * 1024;
    private static final int MAX_CLAIMS = 10_000;
    /**
     * How long an address stays its fixture's after the fixture gave it back: a peer may still be
     * busy with what it sent (a proxy that accepts its connection late, say), and must not take it
     * for the learner's. A port can come round again sooner than this (a listener may take one a
     * closed connection left in TIME_WAIT), so a recording counts only what was given back during
     * its own test (see Recording).
     */
    private static final long GRACE_NANOS = 2_000_000_000L;

    public static final String UDP = "udp";
    public static final String TCP = "tcp";

    /** An address's lifeline, and when its fixture gave it back (0 while it lives). */
    private record Claim(String name, long releasedNanos) {
        boolean live() {
            return releasedNanos == 0;
        }

        boolean holds(long now) {
            return live() || now - releasedNanos < GRACE_NANOS;
        }
    }

    /** Addresses fixtures speak from, and the lifeline each stands for; kept across tests while the fixture lives, and a little after. */
    private static final Map<String, Claim> CLAIMS = new ConcurrentHashMap<>();
    /** How many live addresses go by each name: so that naming the thousandth test client costs no scan of the others. */
    private static final Map<String, Integer> LIVE_NAMES = new ConcurrentHashMap<>();

    private static volatile Recording current;

    /**
     * {@code NETBASICS_CONVERSATION=off} in the environment turns recording off in every JVM that
     * inherits it, the grading workers included: then nothing is recorded and a failure carries no
     * transcript. For measuring what recording costs (bench/conversation-overhead.sh), not for use.
     */
    private static final boolean OFF = "off".equals(System.getenv("NETBASICS_CONVERSATION"));

    private Conversation() {}

    // ---- the harness's side ------------------------------------------------------------------

    /** Starts recording a new test, forgetting anything recorded before. */
    public static void begin() {
        current = OFF ? null : new Recording();
    }

    /** Stops recording and returns what this test's conversation was (empty when nothing was recorded). */
    public static Exchange end() {
        Recording ended = current;
        current = null;
        return ended == null ? Exchange.empty() : ended.exchange();
    }

    /** True between {@link #begin()} and {@link #end()}. */
    public static boolean recording() {
        return current != null;
    }

    /** What has been recorded so far in this test, without stopping. */
    public static Exchange snapshot() {
        Recording now = current;
        return now == null ? Exchange.empty() : now.exchange();
    }

    /** The conversation so far as text for a failure message, trimmed to its beginning and end; empty when nothing was recorded. */
    public static String transcript() {
        return TranscriptText.of(snapshot());
    }

    // ---- the fixtures' side ------------------------------------------------------------------

    /**
     * Claims {@code address} for a fixture: what is sent from it is drawn on the lifeline {@code name}
     * (or "name 2", "name 3"… when another live fixture has that name already). Returns the name given.
     */
    public static String claim(String name, SocketAddress address) {
        String key = key(address);
        if (key.isEmpty() || CLAIMS.size() >= MAX_CLAIMS && !forgetExpired()) {
            return name;
        }
        Claim own = CLAIMS.get(key);
        String given = name;
        for (int n = 2; taken(given) && !(own != null && own.live() && given.equals(own.name())); n++) {
            given = name + " " + n;
        }
        replace(key, new Claim(given, 0));
        return given;
    }

    /**
     * Claims {@code socket}'s local address under the name of the fixture that claimed {@code owner}:
     * also when that fixture has just closed (its claim then ends with the owner's), so that a socket
     * it opens while closing is still known to be the fixture's.
     */
    public static void claimAs(SocketAddress owner, SocketAddress address) {
        Claim claim = CLAIMS.get(key(owner));
        if (claim == null || !claim.holds(System.nanoTime()) || CLAIMS.size() >= MAX_CLAIMS && !forgetExpired()) {
            return;
        }
        if (claim.live()) {
            replace(key(address), claim);
        } else {
            CLAIMS.put(key(address), claim); // given back already: no live name to count
        }
    }

    /** Gives an address back when its fixture closes. */
    public static void release(SocketAddress address) {
        if (address != null) {
            long now = System.nanoTime();
            CLAIMS.computeIfPresent(key(address), (key, claim) -> {
                if (!claim.live()) {
                    return claim;
                }
                forget(claim.name());
                return new Claim(claim.name(), now == 0 ? 1 : now);
            });
            if (CLAIMS.size() > 512) {
                forgetExpired();
            }
        }
    }

    /**
     * Whether {@code address} is a fixture's (or was until a moment ago): a listener, a test client,
     * a relay. A socket whose local address is one belongs to the test, not to the code under test:
     * a fixture's accepted connection, say, which it may still be closing when the test ends.
     */
    public static boolean isFixtures(SocketAddress address) {
        return claimed(key(address));
    }

    /** A fixture sent this: always recorded. */
    public static void sent(Kind kind, String transport, SocketAddress from, SocketAddress to, byte[] bytes, int offset, int length, String note) {
        Recording now = current;
        if (now != null) {
            now.add(kind, transport, from, to, bytes, offset, length, note);
        }
    }

    /** A fixture sent this datagram. */
    public static void sent(SocketAddress from, SocketAddress to, byte[] bytes, int offset, int length) {
        sent(Kind.DATAGRAM, UDP, from, to, bytes, offset, length, "");
    }

    /** A fixture received this: recorded when the learner's code (no fixture) sent it. */
    public static void received(Kind kind, String transport, SocketAddress from, SocketAddress to, byte[] bytes, int offset, int length, String note) {
        Recording now = current;
        if (now != null && !now.fixtures(key(from))) {
            now.add(kind, transport, from, to, bytes, offset, length, note);
        }
    }

    /** A fixture received this datagram. */
    public static void received(SocketAddress from, SocketAddress to, byte[] bytes, int offset, int length) {
        received(Kind.DATAGRAM, UDP, from, to, bytes, offset, length, "");
    }

    /** A fixture wrote on its stream {@code socket}. */
    public static void wrote(Socket socket, byte[] bytes, int offset, int length) {
        if (current != null) {
            sent(Kind.WRITE, TCP, socket.getLocalSocketAddress(), socket.getRemoteSocketAddress(), bytes, offset, length, "");
        }
    }

    /** A fixture read from its stream {@code socket}: one read, so the learner's bytes show how they were split. */
    public static void read(Socket socket, byte[] bytes, int offset, int length) {
        if (current != null) {
            received(Kind.READ, TCP, socket.getRemoteSocketAddress(), socket.getLocalSocketAddress(), bytes, offset, length, "");
        }
    }

    /** Something without bytes happened on {@code socket}, said by the fixture: CONNECT, FIN, RST, TIMEOUT, TLS. */
    public static void said(Socket socket, Kind kind, String note) {
        if (current != null) {
            sent(kind, TCP, socket.getLocalSocketAddress(), socket.getRemoteSocketAddress(), null, 0, 0, note);
        }
    }

    /** Something without bytes that the other end of {@code socket} did, seen by the fixture: its FIN, its RST, its connect. */
    public static void heard(Socket socket, Kind kind, String note) {
        if (current != null) {
            received(kind, TCP, socket.getRemoteSocketAddress(), socket.getLocalSocketAddress(), null, 0, 0, note);
        }
    }

    /** A note on the fixture's own lifeline (a wait that ran out, a decision), or on the way to {@code to}. */
    public static void note(Kind kind, SocketAddress at, SocketAddress to, String note) {
        sent(kind, "", at, to == null ? at : to, null, 0, 0, note);
    }

    /** {@code 127.0.0.1:9000} or {@code [::1]:9000}; empty for no address. */
    static String key(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            return address == null ? "" : address.toString();
        }
        if (inet.getAddress() == null) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        String host = inet.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }

    private static boolean claimed(String key) {
        Claim claim = CLAIMS.get(key);
        return claim != null && claim.holds(System.nanoTime());
    }

    /** Whether a live fixture goes by {@code name} already. */
    private static boolean taken(String name) {
        return LIVE_NAMES.getOrDefault(name, 0) > 0;
    }

    /** Puts {@code claim} at {@code key}, keeping the count of live names. */
    private static void replace(String key, Claim claim) {
        LIVE_NAMES.merge(claim.name(), 1, Integer::sum);
        Claim before = CLAIMS.put(key, claim);
        if (before != null && before.live()) {
            forget(before.name());
        }
    }

    private static void forget(String name) {
        LIVE_NAMES.computeIfPresent(name, (n, count) -> count <= 1 ? null : count - 1);
    }

    /** Forgets the addresses given back longer ago than the grace; true when that made room. */
    private static boolean forgetExpired() {
        long now = System.nanoTime();
        CLAIMS.values().removeIf(c -> !c.holds(now));
        return CLAIMS.size() < MAX_CLAIMS;
    }

    /** One test's events, added to from any thread. */
    private static final class Recording {
        private final long beganNanos = System.nanoTime();
        private final long beganEpochMicros = System.currentTimeMillis() * 1000;
        private final List<Event> events = new ArrayList<>();
        private final Set<String> lifelines = new LinkedHashSet<>();
        private int eventsLeftOut;
        private long bytesLeftOut;
        private long bytesKept;

        /**
         * Whether a fixture speaks from {@code key} in this test: a live claim, or one given back during
         * this test. One given back before it began belongs to a test that is over, and the port may be
         * the learner's now: the system hands a port out again soon after (a listener may take a port a
         * fixture's connection just left in TIME_WAIT, and UDP and TCP ports share their numbers).
         */
        boolean fixtures(String key) {
            Claim claim = CLAIMS.get(key);
            return claim != null && heldInThisTest(claim);
        }

        String lifeline(String key) {
            Claim claim = CLAIMS.get(key);
            return claim != null && heldInThisTest(claim) ? claim.name() : Exchange.LEARNER;
        }

        private boolean heldInThisTest(Claim claim) {
            return claim.live() || claim.releasedNanos() - beganNanos >= 0 && claim.holds(System.nanoTime());
        }

        void add(Kind kind, String transport, SocketAddress from, SocketAddress to, byte[] bytes, int offset, int length, String note) {
            String fromKey = key(from);
            String toKey = key(to);
            String fromName = lifeline(fromKey);
            String toName = to == null || toKey.equals(fromKey) ? fromName : lifeline(toKey);
            int count = bytes == null ? 0 : length;
            synchronized (this) {
                long micros = (System.nanoTime() - beganNanos) / 1_000; // taken in turn, so times never run backwards
                if (events.size() >= MAX_EVENTS || bytesKept >= MAX_BYTES) {
                    eventsLeftOut++;
                    bytesLeftOut += count;
                    return;
                }
                byte[] head;
                byte[] tail;
                if (count <= HEAD + TAIL) {
                    head = bytes == null ? null : java.util.Arrays.copyOfRange(bytes, offset, offset + count);
                    tail = null;
                } else {
                    head = java.util.Arrays.copyOfRange(bytes, offset, offset + HEAD);
                    tail = java.util.Arrays.copyOfRange(bytes, offset + count - TAIL, offset + count);
                    bytesLeftOut += count - HEAD - TAIL;
                }
                bytesKept += Math.min(count, HEAD + TAIL);
                lifelines.add(fromName);
                lifelines.add(toName);
                events.add(new Event(micros, kind, fromName, toName, fromKey, toKey, transport, count, head, tail, note));
            }
        }

        synchronized Exchange exchange() {
            return new Exchange(beganEpochMicros, List.copyOf(lifelines), List.copyOf(events), eventsLeftOut, bytesLeftOut);
        }
    }
}
