///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS org.hdrhistogram:HdrHistogram:2.2.2

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * Load for chapter 03's echo servers: C clients, each on a connection of its own, each doing a
 * fixed number of round trips (send a message, read its whole echo back). It starts every server
 * it compares in a process of its own on a free loopback port, drives it, stops it, and prints
 * throughput, latency percentiles and errors, with ratios to the book's Python server.
 *
 * <p>Two scenarios: "throughput" (100 clients that each do their round trips and leave) and
 * "held" (5,000 clients that all connect first and stay connected until every one of them has
 * done its round trips: a server must hold them all at once).
 *
 * <pre>jbang bench/EchoLoad.java [--clients 100] [--round-trips 2000] [--held 5000] [--held-round-trips 10]
 *                            [--message 64] [--timeout 15] [--root solutions] [--only NAME,...]</pre>
 *
 * This is a benchmark, not a test: it only ever talks to 127.0.0.1, and every wait is bounded.
 */
public class EchoLoad {

    record Server(String name, List<String> command) {}

    record Result(String server, int clients, long roundTrips, int errors, Duration elapsed, Histogram latencyMicros, String firstError,
                  int peakOpen, Duration serverCpu) {
        double perSecond() {
            return roundTrips / (elapsed.toNanos() / 1e9);
        }

        /** The server's own CPU time per round trip: its efficiency, whatever share of the cores the load tool took. */
        String cpuPerRoundTrip() {
            return roundTrips == 0 || serverCpu == null ? "–" : String.format("%.1f", serverCpu.toNanos() / 1e3 / roundTrips);
        }
    }

    static int clients = 100;
    static int roundTrips = 2_000;
    static int held = 5_000;
    static int heldRoundTrips = 10;
    static int messageBytes = 64;
    static Duration timeout = Duration.ofSeconds(15);
    static String root = "solutions";
    static List<String> only = List.of();
    /** Connections being set up at once, fewer than the book's backlog: a connect storm would measure the backlog, not the server. */
    static int connectsAtOnce = 4;

    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : usage("missing value after " + args[i]);
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(value);
                case "--round-trips" -> roundTrips = Integer.parseInt(value);
                case "--held" -> held = Integer.parseInt(value);
                case "--held-round-trips" -> heldRoundTrips = Integer.parseInt(value);
                case "--message" -> messageBytes = Integer.parseInt(value);
                case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                case "--root" -> root = value;
                case "--only" -> only = List.of(value.split(","));
                case "--connects-at-once" -> connectsAtOnce = Integer.parseInt(value);
                default -> usage("unknown option " + args[i]);
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = Path.of(root, "03-streams", "TcpEchoServer.java").toString();
        List<Server> servers = new ArrayList<>(List.of(
                new Server("book design: 20 threads, backlog 5", List.of(java, script, "--host", "127.0.0.1", "--port", "0",
                        "--threads", "20", "--backlog", "5")),
                new Server("virtual threads, backlog 5", List.of(java, script, "--host", "127.0.0.1", "--port", "0",
                        "--threads", "0", "--backlog", "5")),
                new Server("virtual threads, backlog 1000", List.of(java, script, "--host", "127.0.0.1", "--port", "0",
                        "--threads", "0", "--backlog", "1000"))));
        if (python() != null) {
            servers.add(new Server("book's Python server", List.of(python(), "bench/book_echo_server.py", "--host", "127.0.0.1", "--port", "0")));
        } else {
            System.out.println("(python3 not found: the book's Python server is left out)");
        }
        servers.removeIf(s -> !only.isEmpty() && only.stream().noneMatch(s.name()::contains));

        System.out.printf("%d cores, %s %s; messages of %d bytes; per-client timeout %d s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), messageBytes, timeout.toSeconds());
        List<Result> throughput = new ArrayList<>();
        List<Result> holding = new ArrayList<>();
        for (Server server : servers) {
            try (var running = Running.start(server)) {
                warmUp(running.address());
                throughput.add(run(server.name(), running, clients, roundTrips, false));
                holding.add(run(server.name(), running.address(), held, heldRoundTrips, true));
            }
        }
        report("Throughput: " + clients + " clients, " + roundTrips + " round trips each, leaving when done", throughput, true);
        report("Held: " + held + " clients connected at once, " + heldRoundTrips + " round trips each, all staying until all are done",
                holding, false);
    }

    /** A few thousand round trips first, so the JIT has compiled the server's loop before it is measured. */
    static void warmUp(InetSocketAddress server) throws InterruptedException {
        run("warm-up", server, 10, 500, false);
    }

    static Result run(String name, Running server, int count, int trips, boolean hold) throws InterruptedException {
        Duration before = server.cpu();
        Result result = run(name, server.address(), count, trips, hold);
        Duration after = server.cpu();
        return new Result(result.server(), result.clients(), result.roundTrips(), result.errors(), result.elapsed(),
                result.latencyMicros(), result.firstError(), result.peakOpen(), before == null || after == null ? null : after.minus(before));
    }

    /**
     * {@code count} clients do {@code trips} round trips each. When {@code hold}, every client
     * connects before any starts, and stays connected until all have finished.
     */
    static Result run(String name, InetSocketAddress server, int count, int trips, boolean hold) throws InterruptedException {
        var total = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        var done = new AtomicLong();
        var errors = new AtomicInteger();
        Map<String, Integer> errorKinds = new ConcurrentHashMap<>();
        var connected = new CountDownLatch(count);
        var finished = new CountDownLatch(count);
        var connecting = new Semaphore(connectsAtOnce);
        long deadline = System.nanoTime() + timeout.toNanos();
        var started = new AtomicLong();
        var open = new AtomicInteger();
        var peakOpen = new AtomicInteger();
        // Platform threads for the clients: a blocking read on one costs less CPU than a virtual thread's park and
        // wake-up, and the load tool shares the machine's cores with the server it measures.
        try (var clientThreads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().stackSize(256 * 1024).factory())) {
            for (int c = 0; c < count; c++) {
                clientThreads.execute(() -> {
                    var mine = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
                    try (var socket = new Socket()) {
                        connecting.acquire();
                        try {
                            socket.connect(server, (int) timeout.toMillis());
                        } finally {
                            connecting.release();
                            connected.countDown();
                        }
                        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                        try {
                            if (hold) {
                                connected.await(remaining(deadline), TimeUnit.NANOSECONDS);
                            }
                            started.compareAndSet(0, System.nanoTime());
                            roundTrips(socket, trips, mine, deadline, done);
                            finished.countDown();
                            if (hold) {
                                finished.await(remaining(deadline), TimeUnit.NANOSECONDS); // stay connected until all are done
                            }
                        } finally {
                            open.decrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        errorKinds.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        finished.countDown();
                    } finally {
                        synchronized (total) {
                            total.add(mine);
                        }
                    }
                });
            }
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started.get());
        String firstError = errorKinds.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(e -> e.getValue() + "× " + e.getKey()).orElse("");
        return new Result(name, count, done.get(), errors.get(), elapsed, total, firstError, peakOpen.get(), null);
    }

    static void roundTrips(Socket socket, int trips, Histogram latency, long deadline, AtomicLong done) throws IOException {
        socket.setTcpNoDelay(true);
        byte[] message = new byte[messageBytes];
        Arrays.fill(message, (byte) 'x');
        byte[] echo = new byte[messageBytes];
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int trip = 0; trip < trips; trip++) {
            long left = remaining(deadline);
            if (left <= 0) {
                throw new IOException("timed out after " + trip + " of " + trips + " round trips");
            }
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            long sent = System.nanoTime();
            out.write(message);
            for (int got = 0; got < echo.length; ) {
                int n = in.read(echo, got, echo.length - got);
                if (n == -1) {
                    throw new IOException("the server ended the stream");
                }
                got += n;
            }
            latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000));
            done.incrementAndGet();
        }
    }

    static long remaining(long deadline) {
        return deadline - System.nanoTime();
    }

    static void report(String title, List<Result> results, boolean compare) {
        Result python = results.stream().filter(r -> compare && r.server().contains("Python")).findFirst().orElse(null);
        System.out.println(title);
        System.out.println();
        System.out.println("| server | round trips/s | vs Python | server CPU µs per round trip | p50 µs | p99 µs | p99.9 µs | max µs "
                + "| connections held at once | clients failed |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            Histogram h = r.latencyMicros();
            String ratio = python == null || python.perSecond() < 1 ? "–" : String.format("%.1f×", r.perSecond() / python.perSecond());
            System.out.printf("| %s | %,.0f | %s | %s | %,d | %,d | %,d | %,d | %,d | %,d of %,d |%n", r.server(), r.perSecond(), ratio,
                    r.cpuPerRoundTrip(),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(),
                    r.peakOpen(), r.errors(), r.clients());
        }
        results.stream().filter(r -> r.errors() > 0)
                .forEach(r -> System.out.println("\n" + r.server() + ", most common failure: " + r.firstError()));
        System.out.println();
    }

    static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "python3"))) {
                return Path.of(dir, "python3").toString();
            }
        }
        return null;
    }

    /** A server in a process of its own, on the port it printed. */
    record Running(Process process, InetSocketAddress address) implements AutoCloseable {

        private static final Pattern SERVING = Pattern.compile("Serving at ([0-9.]+):(\\d+)");

        static Running start(Server server) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(server.command()).redirectErrorStream(true).start();
            var lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            var address = new java.util.concurrent.CompletableFuture<InetSocketAddress>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (String line; (line = lines.readLine()) != null; ) {
                        Matcher m = SERVING.matcher(line);
                        if (m.find()) {
                            address.complete(new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))));
                        }
                    }
                } catch (IOException ignored) {
                    // the server is gone
                }
                address.complete(null);
            });
            try {
                InetSocketAddress where = address.get(30, TimeUnit.SECONDS);
                if (where == null) {
                    throw new IOException(server.name() + " ended without saying where it serves: " + server.command());
                }
                return new Running(process, where);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                process.destroyForcibly();
                throw new IOException(server.name() + " did not start: " + e, e);
            }
        }

        /** CPU time the server process has used so far, where the system tells. */
        Duration cpu() {
            return process.info().totalCpuDuration().orElse(null);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static String usage(String problem) {
        System.err.println("EchoLoad: " + problem);
        System.err.println("usage: EchoLoad [--clients C] [--round-trips N] [--held C] [--held-round-trips N] [--message BYTES] "
                + "[--timeout SECONDS] [--root solutions|chapters] [--only NAME,...]");
        System.exit(2);
        return null;
    }
}
