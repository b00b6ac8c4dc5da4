package netbasics.grading;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file descriptors this JVM holds, read from /proc/self/fd: how the leak check sees what a
 * test's code opened and never closed. Tests of one exercise run one at a time in a worker, so
 * what is open after a test (and after its own resources are closed) that was not open before it
 * was left open by the code under test. Sockets are named by their addresses, from /proc/net.
 * Where there is no /proc (not Linux), nothing is seen and nothing is reported.
 */
final class OpenDescriptors {

    private static final Path FDS = Path.of("/proc/self/fd");

    private OpenDescriptors() {}

    static boolean supported() {
        return Files.isDirectory(FDS);
    }

    /** Descriptor number → what it points to ("socket:[123]", "/tmp/x", "anon_inode:[eventpoll]"). */
    static Map<Integer, String> snapshot() {
        Map<Integer, String> open = new HashMap<>();
        if (!supported()) {
            return open;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
            for (Path fd : fds) {
                try {
                    open.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException | NumberFormatException closedMeanwhile) {
                    // the directory stream's own descriptor, or one closed while listing: neither is a leak
                }
            }
        } catch (IOException unreadable) {
            // no view of the descriptors: report nothing
        }
        return open;
    }

    /**
     * What is open now that was not in {@code before}, and is the kind of thing code under test opens:
     * not a socket whose local address is a fixture's (an accepted connection a fixture is still closing).
     */
    static Map<Integer, String> openedSince(Map<Integer, String> before) {
        Map<Integer, String> opened = new LinkedHashMap<>();
        snapshot().forEach((fd, target) -> {
            if (!target.equals(before.get(fd)) && isLearnersKind(target)) {
                opened.put(fd, target);
            }
        });
        if (opened.values().stream().anyMatch(target -> target.startsWith("socket:["))) {
            // The tables are read once for all the sockets: a test that leaves a thousand closing
            // reads them once, not a thousand times.
            Map<String, java.net.SocketAddress> locals = localAddresses();
            opened.values().removeIf(target -> target.startsWith("socket:[")
                    && java.util.Optional.ofNullable(locals.get(inode(target))).map(netbasics.conversation.Conversation::isFixtures).orElse(false));
        }
        return opened;
    }

    /** Sockets, selectors and files a program opens; not the JVM's own jars, libraries and pipes. */
    private static boolean isLearnersKind(String target) {
        if (target.startsWith("socket:[") || target.equals("anon_inode:[eventpoll]")) {
            return true;
        }
        return target.startsWith("/") && !target.endsWith(".jar") && !target.endsWith(".class") && !target.startsWith("/proc/")
                && !target.startsWith("/dev/") && !target.startsWith(System.getProperty("java.home"));
    }

    /** "socket:[123]" → "123". */
    private static String inode(String target) {
        return target.substring("socket:[".length(), target.length() - 1);
    }

    /** Every socket's local address by its inode, from /proc/net: IP, or a Unix-domain path. */
    private static Map<String, java.net.SocketAddress> localAddresses() {
        Map<String, java.net.SocketAddress> locals = new HashMap<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String[] row : rows(table)) {
                if (row.length > 9) {
                    socketAddress(row[1]).ifPresent(address -> locals.putIfAbsent(row[9], address));
                }
            }
        }
        for (String[] row : rows("unix")) {
            if (row.length > 7 && row[7].startsWith("/")) {
                locals.putIfAbsent(row[6], java.net.UnixDomainSocketAddress.of(row[7]));
            }
        }
        return locals;
    }

    /** How a learner would name what a descriptor points to: "a TCP socket 127.0.0.1:5000 → 127.0.0.1:40312". */
    static String describe(String target) {
        if (target.equals("anon_inode:[eventpoll]")) {
            return "a Selector (Selector.open())";
        }
        if (!target.startsWith("socket:[")) {
            return "the file " + target;
        }
        String inode = target.substring("socket:[".length(), target.length() - 1);
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String[] row : rows(table)) {
                if (row.length > 9 && row[9].equals(inode)) {
                    String local = address(row[1]);
                    String remote = address(row[2]);
                    boolean udp = table.startsWith("udp");
                    boolean listening = !udp && row[3].equals("0A");
                    boolean unconnected = remote.endsWith(":0");
                    return (udp ? "a UDP socket bound to " : listening ? "a listening TCP socket on " : "a TCP socket ") + local
                            + (unconnected || listening ? "" : (udp ? ", connected to " : " → ") + remote);
                }
            }
        }
        for (String[] row : rows("unix")) {
            if (row.length > 6 && row[6].equals(inode)) {
                return "a Unix-domain socket" + (row.length > 7 ? " at " + row[7] : "");
            }
        }
        return "a socket";
    }

    private static List<String[]> rows(String table) {
        List<String[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net", table));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                rows.add(line.strip().split("\\s+"));
            }
        } catch (IOException unreadable) {
            // no such table here
        }
        return rows;
    }

    /** "0100007F:1F90" → "127.0.0.1:8080"; the address is in the kernel's byte order, 32 bits at a time. */
    private static String address(String hexAddress) {
        return socketAddress(hexAddress).map(a -> {
            String host = a.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
        }).orElse(hexAddress);
    }

    private static java.util.Optional<java.net.InetSocketAddress> socketAddress(String hexAddress) {
        String[] parts = hexAddress.split(":");
        byte[] raw = new byte[parts[0].length() / 2];
        for (int word = 0; word < raw.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                raw[word * 4 + b] = (byte) Integer.parseInt(parts[0].substring(word * 8 + (3 - b) * 2, word * 8 + (3 - b) * 2 + 2), 16);
            }
        }
        int port = new BigInteger(parts[1], 16).intValue();
        try {
            return java.util.Optional.of(new java.net.InetSocketAddress(InetAddress.getByAddress(raw), port));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }
}
