package netbasics.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netbasics.grading.Outcome;

/**
 * An exchange as a pcapng capture file that Wireshark and tshark open: each datagram, segment,
 * connect (SYN, SYN-ACK, ACK), FIN and RST becomes an Ethernet + IPv4/IPv6 + UDP/TCP packet with
 * consistent sequence numbers and real checksums. Capturing loopback needs root; synthesising the
 * capture from what the fixtures recorded does not.
 *
 * <p>What is no packet (a relay's loss, delay or reordering, a timeout, a TLS step, a decoded DNS
 * message) becomes a packet comment, on the packet it concerns. Bytes an event did not keep are
 * left out of the capture as a short capture would: the packet keeps its real length.
 *
 * <p>A Unix-domain stream has no IP packets, and pcapng no link type for one, so it is drawn as
 * TCP between stand-in addresses, 127.1.0.1, 127.1.0.2… (one per socket file or unnamed end, in
 * the order they appear), each explained by a comment on the first packet it takes part in.
 */
public final class Pcapng {

    private static final int LINKTYPE_ETHERNET = 1;
    private static final int MAX_SEGMENT = 16 * 1024;
    private static final int TCP_SYN = 0x02, TCP_FIN = 0x01, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10;

    private Pcapng() {}

    /** Writes the capture of every outcome that has a transcript, as {@code folder/CHAPTER/SCRIPT/TEST.pcapng}. */
    public static List<Path> writeAll(Path folder, List<Outcome> outcomes) {
        List<Path> written = new ArrayList<>();
        for (Outcome o : outcomes) {
            Exchange exchange = Exchange.fromJson(o.transcript());
            if (exchange.isEmpty()) {
                continue;
            }
            Path file = folder.resolve(safe(o.chapter())).resolve(safe(o.script())).resolve(safe(o.test()) + ".pcapng");
            write(exchange, file);
            written.add(file);
        }
        return written;
    }

    public static void write(Exchange exchange, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, bytes(exchange));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A packet of the capture, with the comments that belong to it. */
    private record Packet(long micros, byte[] captured, int length, List<String> comments) {}

    public static byte[] bytes(Exchange exchange) {
        List<Packet> packets = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Map<String, long[]> connections = new HashMap<>();
        Map<String, Endpoint> standIns = new LinkedHashMap<>();
        for (Exchange.Event event : exchange.events()) {
            String said = TranscriptText.line(event, 0).strip();
            int explained = standIns.size();
            List<Packet> made = packets(event, connections, standIns);
            if (!made.isEmpty()) {
                standIns.values().stream().skip(explained).forEach(standIn -> made.get(0).comments().add(standIn.explained()));
            }
            if (made.isEmpty()) {
                // No packet of its own: say it on the packet it concerns, the one just before (or the next).
                if (packets.isEmpty()) {
                    pending.add(said);
                } else {
                    packets.get(packets.size() - 1).comments().add(said);
                }
                continue;
            }
            made.get(0).comments().addAll(pending);
            pending.clear();
            if (!event.note().isEmpty()) {
                made.get(0).comments().add(said);
            }
            packets.addAll(made);
        }
        var out = new ByteArrayOutputStream();
        out.writeBytes(sectionHeader());
        out.writeBytes(interfaceDescription());
        long base = exchange.began() > 0 ? exchange.began() : 1_767_225_600_000_000L; // 2026-01-01 when not known
        for (Packet packet : packets) {
            out.writeBytes(enhancedPacket(base + packet.micros(), packet.captured(), packet.length(), packet.comments()));
        }
        return out.toByteArray();
    }

    private static List<Packet> packets(Exchange.Event event, Map<String, long[]> connections, Map<String, Endpoint> standIns) {
        Endpoint from = endpoint(event, event.fromAddress(), standIns);
        Endpoint to = endpoint(event, event.toAddress(), standIns);
        if (from == null || to == null || from.address().length != to.address().length) {
            return List.of();
        }
        List<Packet> out = new ArrayList<>();
        switch (event.kind()) {
            case DATAGRAM, DUPLICATE -> {
                if (!event.transport().equals("tcp")) {
                    out.add(packet(event.micros(), from, to, 17, udp(from, to, event.head(), event.length()), event.length() + 8));
                }
            }
            case CONNECT -> {
                long[] seq = connection(connections, from, to);
                int a = direction(from, to);
                int b = 1 - a;
                out.add(tcp(event.micros(), from, to, seq[a], 0, TCP_SYN, new byte[0], 0));
                out.add(tcp(event.micros(), to, from, seq[b], seq[a] + 1, TCP_SYN | TCP_ACK, new byte[0], 0));
                out.add(tcp(event.micros(), from, to, seq[a] + 1, seq[b] + 1, TCP_ACK, new byte[0], 0));
                seq[a]++;
                seq[b]++;
            }
            case WRITE, READ -> {
                long[] seq = connection(connections, from, to);
                int forward = direction(from, to);
                for (int offset = 0; offset < event.length() || offset == 0; offset += MAX_SEGMENT) {
                    int size = Math.min(MAX_SEGMENT, event.length() - offset);
                    byte[] kept = slice(event.head(), offset, size);
                    out.add(tcp(event.micros(), from, to, seq[forward], seq[1 - forward], TCP_PSH | TCP_ACK, kept, size));
                    seq[forward] += size;
                    if (size == 0) {
                        break;
                    }
                }
            }
            case FIN, RST -> {
                long[] seq = connection(connections, from, to);
                int forward = direction(from, to);
                int flags = event.kind() == Exchange.Kind.FIN ? TCP_FIN | TCP_ACK : TCP_RST | TCP_ACK;
                out.add(tcp(event.micros(), from, to, seq[forward], seq[1 - forward], flags, new byte[0], 0));
                if (event.kind() == Exchange.Kind.FIN) {
                    seq[forward]++;
                }
            }
            default -> { }
        }
        return out;
    }

    /** Most Unix-domain stand-ins a capture gives out (127.1.0.1 to 127.1.0.250). */
    private static final int MOST_STAND_INS = 250;

    /** The endpoint of an IP address, or the stand-in of a Unix-domain one on a stream (null for neither). */
    private static Endpoint endpoint(Exchange.Event event, String text, Map<String, Endpoint> standIns) {
        Endpoint ip = Endpoint.parse(text);
        if (ip != null || text.isBlank() || !event.transport().equals("tcp")
                || (!standIns.containsKey(text) && standIns.size() >= MOST_STAND_INS)) {
            return ip;
        }
        return standIns.computeIfAbsent(text, path -> new Endpoint(new byte[] {127, 1, 0, (byte) (standIns.size() + 1)},
                49_152 + standIns.size(), path));
    }

    /** An address and port, from {@code 127.0.0.1:9000} or {@code [::1]:9000}. */
    private record Endpoint(byte[] address, int port, String text) {

        /** What a stand-in stands for, said on the first packet it takes part in. */
        String explained() {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff) + ":" + port
                    + " stands for the Unix-domain socket " + text + " (no IP here: the stream is drawn as TCP, which pcapng can carry)";
        }

        static Endpoint parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0) {
                return null;
            }
            String host = text.substring(0, colon).replace("[", "").replace("]", "");
            if (host.startsWith("/")) {
                host = host.substring(1);
            }
            host = host.substring(host.indexOf('/') + 1); // "localhost/127.0.0.1" as InetSocketAddress prints it
            boolean literal = host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%[A-Za-z0-9]+)?");
            if (!literal) {
                return null;
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                // A literal only (checked above): getByName does no lookup for one.
                byte[] address = InetAddress.getByName(host.replaceFirst("%.*$", "")).getAddress();
                return port < 0 || port > 65_535 ? null : new Endpoint(address, port, text);
            } catch (NumberFormatException | UnknownHostException e) {
                return null;
            }
        }
    }

    /** The next sequence numbers of a connection: [0] of the side whose address sorts first, [1] of the other. */
    private static long[] connection(Map<String, long[]> connections, Endpoint from, Endpoint to) {
        return connections.computeIfAbsent(key(from, to), k -> {
            long isn = Integer.toUnsignedLong(k.hashCode() * 0x9E3779B1);
            return new long[] {isn, Integer.toUnsignedLong((int) isn * 31 + 0x5bd1e995)};
        });
    }

    /** 0 when {@code from} is the side that created the connection's entry, else 1. */
    private static int direction(Endpoint from, Endpoint to) {
        return from.text().compareTo(to.text()) <= 0 ? 0 : 1;
    }

    private static String key(Endpoint from, Endpoint to) {
        return from.text().compareTo(to.text()) <= 0 ? from.text() + "|" + to.text() : to.text() + "|" + from.text();
    }

    private static byte[] slice(byte[] head, int offset, int size) {
        if (offset >= head.length) {
            return new byte[0];
        }
        return java.util.Arrays.copyOfRange(head, offset, Math.min(head.length, offset + size));
    }

    private static byte[] udp(Endpoint from, Endpoint to, byte[] kept, int length) {
        var udp = ByteBuffer.allocate(8 + kept.length);
        udp.putShort((short) from.port()).putShort((short) to.port()).putShort((short) (8 + length)).putShort((short) 0).put(kept);
        byte[] bytes = udp.array();
        if (kept.length == length) {
            int sum = checksum(pseudoHeader(from, to, 17, bytes.length), bytes);
            bytes[6] = (byte) (sum >> 8);
            bytes[7] = (byte) sum;
            if (sum == 0) {
                bytes[6] = bytes[7] = (byte) 0xff; // 0 means "no checksum" in UDP
            }
        } else if (from.address().length == 16) {
            // Not every byte was kept, so no checksum can be computed; over IPv6 a UDP checksum is mandatory and 0 is
            // illegal, so the field holds a stand-in that a reader, seeing the packet cut short, leaves unverified.
            bytes[6] = bytes[7] = (byte) 0xff;
        }
        return bytes;
    }

    private static Packet tcp(long micros, Endpoint from, Endpoint to, long seq, long ack, int flags, byte[] kept, int length) {
        var tcp = ByteBuffer.allocate(20 + kept.length);
        tcp.putShort((short) from.port()).putShort((short) to.port()).putInt((int) seq).putInt((int) ack)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 0xffff).putShort((short) 0).putShort((short) 0).put(kept);
        byte[] bytes = tcp.array();
        if (kept.length == length) {
            int sum = checksum(pseudoHeader(from, to, 6, bytes.length), bytes);
            bytes[16] = (byte) (sum >> 8);
            bytes[17] = (byte) sum;
        }
        return packet(micros, from, to, 6, bytes, 20 + length);
    }

    /** Wraps a UDP or TCP segment in IP and Ethernet. */
    private static Packet packet(long micros, Endpoint from, Endpoint to, int protocol, byte[] segment, int segmentLength) {
        boolean v6 = from.address().length == 16;
        int ipHeader = v6 ? 40 : 20;
        var frame = ByteBuffer.allocate(14 + ipHeader + segment.length);
        frame.put(new byte[12]).putShort((short) (v6 ? 0x86DD : 0x0800)); // loopback: both MACs zero, as Linux captures "lo"
        if (v6) {
            frame.putInt(0x6000_0000).putShort((short) segmentLength).put((byte) protocol).put((byte) 64)
                    .put(from.address()).put(to.address());
        } else {
            int start = frame.position();
            frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + segmentLength)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                    .put(from.address()).put(to.address());
            int sum = checksum(new byte[0], java.util.Arrays.copyOfRange(frame.array(), start, start + 20));
            frame.putShort(start + 10, (short) sum);
        }
        frame.put(segment);
        return new Packet(micros, frame.array(), 14 + ipHeader + segmentLength, new ArrayList<>());
    }

    private static byte[] pseudoHeader(Endpoint from, Endpoint to, int protocol, int length) {
        var pseudo = ByteBuffer.allocate(from.address().length * 2 + (from.address().length == 16 ? 8 : 4));
        pseudo.put(from.address()).put(to.address());
        if (from.address().length == 16) {
            pseudo.putInt(length).put(new byte[3]).put((byte) protocol);
        } else {
            pseudo.put((byte) 0).put((byte) protocol).putShort((short) length);
        }
        return pseudo.array();
    }

    /** The Internet checksum (RFC 1071) over two byte runs, the first of even length. */
    private static int checksum(byte[] first, byte[] second) {
        long sum = 0;
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        for (int i = 0; i < all.length; i += 2) {
            int hi = all[i] & 0xff;
            int lo = i + 1 < all.length ? all[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static byte[] sectionHeader() {
        byte[] options = option(4, "netbasics (synthesised from the test's recording)".getBytes(StandardCharsets.UTF_8)); // shb_userappl
        var block = block(0x0A0D0D0A, 16 + options.length + 4);
        block.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L).put(options).putInt(0);
        return finish(block);
    }

    private static byte[] interfaceDescription() {
        byte[] options = option(2, "lo".getBytes(StandardCharsets.UTF_8)); // if_name
        byte[] resolution = option(9, new byte[] {6}); // if_tsresol: microseconds
        var block = block(1, 8 + options.length + resolution.length + 4);
        block.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(0).put(options).put(resolution).putInt(0);
        return finish(block);
    }

    private static byte[] enhancedPacket(long micros, byte[] captured, int length, List<String> comments) {
        var options = new ByteArrayOutputStream();
        comments.stream().limit(20).forEach(c -> options.writeBytes(option(1, c.getBytes(StandardCharsets.UTF_8)))); // opt_comment
        if (options.size() > 0) {
            options.writeBytes(new byte[4]); // opt_endofopt
        }
        int padded = (captured.length + 3) & ~3;
        var block = block(6, 20 + padded + options.size());
        block.putInt(0).putInt((int) (micros >>> 32)).putInt((int) micros).putInt(captured.length).putInt(length)
                .put(captured).put(new byte[padded - captured.length]).put(options.toByteArray());
        return finish(block);
    }

    /** A block of {@code body} bytes: type, total length, body, total length again. */
    private static ByteBuffer block(int type, int body) {
        var block = ByteBuffer.allocate(12 + body).order(ByteOrder.LITTLE_ENDIAN);
        return block.putInt(type).putInt(12 + body);
    }

    private static byte[] finish(ByteBuffer block) {
        block.putInt(block.capacity());
        return block.array();
    }

    private static byte[] option(int code, byte[] value) {
        byte[] cut = value.length > 60_000 ? java.util.Arrays.copyOf(value, 60_000) : value;
        int padded = (cut.length + 3) & ~3;
        var option = ByteBuffer.allocate(4 + padded).order(ByteOrder.LITTLE_ENDIAN);
        option.putShort((short) code).putShort((short) cut.length).put(cut);
        return option.array();
    }

    private static String safe(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() || safe.startsWith(".") ? "_" + safe : safe.substring(0, Math.min(safe.length(), 120));
    }
}
