package netbasics.grader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import netbasics.grading.Catalog;
import netbasics.grading.Outcome;
import netbasics.grading.OutcomeCollector;
import netbasics.grading.ScriptCompiler;
import netbasics.grading.Workbook;

/**
 * The trusted grading engine. It never loads graded code: it compiles each exercise, checks the
 * compiled classes ({@link BytecodeCheck}), and hands the exercise to a fresh grading worker
 * ({@link Worker}, in a {@link Sandbox}), whose signed frames it matches against the tests it
 * knows ({@link Catalog}). A worker that dies or stops answering costs the test it was running,
 * named with the cause; the exercise's other tests go on in a fresh worker. Reports are written
 * by the caller from what this returns, once the workers are gone.
 */
public final class Engine implements AutoCloseable {

    /** How long a worker may stay silent: longer than any test's own bound (30 s, see junit-platform.properties). */
    static final Duration FRAME_BOUND = Duration.ofSeconds(45);
    /** How long one exercise may take in all, restarts included. */
    static final Duration EXERCISE_BOUND = Duration.ofSeconds(240);
    /** How long a new worker may take to start and load the suites, on a loaded machine. */
    static final Duration START_BOUND = Duration.ofSeconds(90);
    /** Fresh workers an exercise may use up (each death costs one test) before its remaining tests are failed. */
    static final int RESTARTS = 3;
    /** The longest message or output kept per test. */
    static final int MAX_TEXT = 16_384;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Catalog catalog;
    private final String classPath;
    private final Sandbox sandbox;
    private final ExecutorService slots;
    private final ExecutorService shardThreads;
    private final int spareCount;
    private final int shardCount;
    private final LinkedBlockingDeque<WorkerProcess> spares = new LinkedBlockingDeque<>();
    /** Spares being started, not yet in {@link #spares}, and how many of them a slot waits for; guarded by {@code spares}. */
    private int starting;
    private int claims;
    private final ThreadLocal<WorkerProcess> reusable = new ThreadLocal<>();
    private final List<WorkerProcess> everyWorker = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger owedSpares = new AtomicInteger();
    private static final ThreadLocal<Boolean> IN_SHARD = ThreadLocal.withInitial(() -> false);
    /** How long each test took when it last ran, by its key: where an exercise's time goes. */
    private final Map<String, Duration> took = new ConcurrentHashMap<>();

    /**
     * @param slots  how many exercises are graded side by side (each in a worker of its own)
     * @param spares how many workers are kept started and warm, waiting for a job
     */
    public Engine(int slots, int spares) {
        this(slots, spares, 1);
    }

    /**
     * @param shards how many workers share one exercise of graded code, each running some of its
     *               tests at the same time (1: one after the other in one worker). The tests use
     *               ports of their own and are independent, so side by side they give the same
     *               outcomes sooner; each shard costs a worker's memory.
     */
    public Engine(int slots, int spares, int shards) {
        this.shardCount = Math.max(1, shards);
        this.catalog = Catalog.discover();
        this.classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        this.sandbox = Sandbox.probe();
        this.slots = Executors.newFixedThreadPool(slots, Thread.ofPlatform().daemon().name("grading slot ", 1).factory());
        this.shardThreads = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("grading shard ", 1).factory());
        this.spareCount = spares;
        for (int i = 0; i < spares; i++) {
            startSpare();
        }
    }

    /**
     * The engine of the learner's own command (check, watch): each exercise's tests are shared out
     * among three workers running at once, since on one's own machine feedback within a second or
     * two matters more than the memory of a few more JVMs; {@code -Dworkbook.shards=1} grades one
     * test after the other, as the course platforms' runs do.
     */
    public static Engine interactive() {
        int shards = Integer.getInteger("workbook.shards", 3);
        return new Engine(defaultSlots(), Math.max(defaultSlots(), shards), shards);
    }

    /**
     * Grades more exercises side by side from now on (never fewer): for a run whose later jobs
     * spend most of their time waiting on their tests' bounds rather than on the processor.
     */
    public void widen(int slotCount) {
        if (slots instanceof java.util.concurrent.ThreadPoolExecutor pool && slotCount > pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(slotCount);
            pool.setCorePoolSize(slotCount); // starts a thread for each job already waiting, up to the new count
        }
    }

    /** How many slots by default: the cores, at least two; {@code -Dworkbook.workers=N} overrides. */
    public static int defaultSlots() {
        return Integer.getInteger("workbook.workers", Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * Waits, at most {@code bound}, until this engine's workers start from a class-data archive
     * (see {@code WorkerClassData}); the archive, or empty when none could be made.
     */
    public Optional<Path> awaitClassData(Duration bound) {
        return WorkerProcess.awaitClassData(classPath, bound);
    }

    public Catalog catalog() {
        return catalog;
    }

    /**
     * Waits, at most {@code bound}, until every spare worker has started and loaded the suites: for
     * a benchmark that times a save, not a start. True when they all did.
     */
    public boolean awaitSpares(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (spares.size() < spareCount && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        for (WorkerProcess spare : spares) {
            if (!spare.ready()) {
                long left = Math.max(0, deadline - System.nanoTime());
                spare.next(Duration.ofNanos(left)).filter(frame -> frame.path("event").asText().equals("ready"))
                        .ifPresent(ready -> spare.markReady());
            }
        }
        return spares.size() >= spareCount && spares.stream().allMatch(WorkerProcess::ready);
    }

    /** How long {@code test} took the last time this engine ran it, as the worker's frames were timed. */
    public Optional<Duration> lastDuration(Catalog.Test test) {
        return Optional.ofNullable(took.get(test.key()));
    }

    /** How graded code was confined, for the report. */
    public String isolation() {
        return sandbox.description();
    }

    /**
     * Grades one exercise of {@code root}. {@code untilFirstFailure} stops at the first failing
     * test; {@code trusted} (the workbook's own solutions, stubs and mutants only) lets one worker
     * grade several exercises in a row, which is faster but shares a JVM between them.
     */
    public CompletableFuture<List<Outcome>> submit(Path root, String chapter, String script, boolean untilFirstFailure, boolean trusted) {
        return submit(root, chapter, script, untilFirstFailure, trusted, outcome -> { });
    }

    /**
     * Like {@link #submit(Path, String, String, boolean, boolean)}; {@code asFinished} is told each
     * test's outcome the moment the worker reports it (from a grading slot's thread), so that a
     * failure can be shown before the exercise's other tests are over.
     */
    public CompletableFuture<List<Outcome>> submit(Path root, String chapter, String script, boolean untilFirstFailure, boolean trusted,
            Consumer<Outcome> asFinished) {
        return CompletableFuture.supplyAsync(() -> grade(root, chapter, script, untilFirstFailure, trusted, asFinished, Set.of()), slots);
    }

    /**
     * Grades one exercise until its first failing test, running the tests named in {@code tryFirst}
     * (keys, {@code pkg.SuiteTest#method}) before the others: for a planted mistake whose catching
     * test is known from an earlier run. Which tests run, and what counts as caught, is unchanged;
     * only the order is.
     */
    public CompletableFuture<List<Outcome>> submitUntilFirstFailure(Path root, String chapter, String script, boolean trusted,
            Set<String> tryFirst) {
        return CompletableFuture.supplyAsync(() -> grade(root, chapter, script, true, trusted, outcome -> { }, tryFirst), slots);
    }

    /** What grading one exercise gave, and how long it took once a slot was free for it. */
    public record Graded(List<Outcome> outcomes, Duration took) {}

    /** Like {@link #submit}, also telling how long the exercise took, queueing left out. */
    public CompletableFuture<Graded> submitTimed(Path root, String chapter, String script, boolean untilFirstFailure, boolean trusted) {
        return CompletableFuture.supplyAsync(() -> {
            long started = System.nanoTime();
            List<Outcome> outcomes = grade(root, chapter, script, untilFirstFailure, trusted, outcome -> { }, Set.of());
            return new Graded(outcomes, Duration.ofNanos(System.nanoTime() - started));
        }, slots);
    }

    private List<Outcome> grade(Path root, String chapter, String script, boolean untilFirstFailure, boolean trusted,
            Consumer<Outcome> asFinished, Set<String> tryFirst) {
        try {
            return gradeNow(root, chapter, script, untilFirstFailure, trusted, asFinished, tryFirst);
        } finally {
            for (int owed = owedSpares.getAndSet(0); owed > 0; owed--) {
                startSpare();
            }
        }
    }

    private List<Outcome> gradeNow(Path root, String chapter, String script, boolean untilFirstFailure, boolean trusted,
            Consumer<Outcome> asFinished, Set<String> tryFirst) {
        List<Catalog.Test> tests = catalog.of(chapter, script);
        if (tests.isEmpty()) {
            return List.of();
        }
        Path file = Workbook.scriptFile(root, chapter, script);
        if (!Files.isRegularFile(file)) {
            return failAll(tests, "There is no " + Workbook.display(file) + ": this exercise's file is missing.", asFinished);
        }
        ScriptCompiler.Compilation compilation = ScriptCompiler.compile(file);
        if (!compilation.succeeded()) {
            return failAll(tests, compilation.failure(), asFinished);
        }
        List<BytecodeCheck.Violation> refused = BytecodeCheck.check(compilation.classes(), script);
        if (!refused.isEmpty()) {
            return failAll(tests, Workbook.display(file) + " uses what graded code may not use, so none of its tests ran:\n"
                    + refused.stream().map(v -> "    " + v).collect(Collectors.joining("\n")), asFinished);
        }
        Worker.Job job = new Worker.Job(Workbook.home().toString(), root.toString(), chapter, script, Set.of(), untilFirstFailure, trusted);
        List<Catalog.Test> first = tests.stream().filter(t -> tryFirst.contains(t.key())).toList();
        if (untilFirstFailure && !first.isEmpty() && first.size() < tests.size()) {
            return firstThenTheRest(tests, first, job, trusted, asFinished);
        }
        return shardCount == 1 || trusted || untilFirstFailure || tests.size() == 1 || othersWaiting()
                ? inWorkers(tests, job, trusted, asFinished) : inShards(tests, job, asFinished);
    }

    /** Runs {@code first}; only when none of them fails, the rest: the outcomes in the catalog's order. */
    private List<Outcome> firstThenTheRest(List<Catalog.Test> tests, List<Catalog.Test> first, Worker.Job job, boolean trusted,
            Consumer<Outcome> asFinished) {
        List<Catalog.Test> rest = tests.stream().filter(t -> !first.contains(t)).toList();
        Map<String, Outcome> byKey = new HashMap<>();
        List<Outcome> tried = inWorkers(first, excluding(job, rest), trusted, asFinished);
        for (int i = 0; i < first.size(); i++) {
            byKey.put(first.get(i).key(), tried.get(i));
        }
        boolean caught = tried.stream().anyMatch(o -> o.status() == Outcome.Status.FAILED);
        if (!caught) {
            List<Outcome> others = inWorkers(rest, excluding(job, first), trusted, asFinished);
            for (int i = 0; i < rest.size(); i++) {
                byKey.put(rest.get(i).key(), others.get(i));
            }
        }
        return tests.stream().map(t -> byKey.getOrDefault(t.key(),
                t.failed("This test was not run: the grading stopped at an earlier failure."))).toList();
    }

    private static Worker.Job excluding(Worker.Job job, List<Catalog.Test> left) {
        return new Worker.Job(job.home(), job.root(), job.chapter(), job.script(),
                left.stream().map(Catalog.Test::key).collect(Collectors.toSet()), job.untilFirstFailure(), job.reuse());
    }

    /**
     * True when other exercises wait for a slot: then the slots already grade side by side, and
     * more workers for this one would only cost starts.
     */
    private boolean othersWaiting() {
        return slots instanceof java.util.concurrent.ThreadPoolExecutor pool && !pool.getQueue().isEmpty();
    }

    /**
     * Grades the tests in shards of about equal length (by how long each took last time), each
     * in a fresh worker of its own, at the same time; the outcomes come back in the catalog's order.
     */
    private List<Outcome> inShards(List<Catalog.Test> tests, Worker.Job job, Consumer<Outcome> asFinished) {
        List<List<Catalog.Test>> shards = balanced(tests, Math.min(shardCount, tests.size()));
        List<CompletableFuture<List<Outcome>>> running = new ArrayList<>();
        for (List<Catalog.Test> shard : shards) {
            Worker.Job part = excluding(job, tests.stream().filter(t -> !shard.contains(t)).toList());
            running.add(CompletableFuture.supplyAsync(() -> {
                IN_SHARD.set(true);
                return inWorkers(shard, part, false, asFinished);
            }, shardThreads));
        }
        Map<String, Outcome> byKey = new HashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            List<Outcome> outcomes = running.get(i).join();
            for (int t = 0; t < outcomes.size(); t++) {
                byKey.put(shards.get(i).get(t).key(), outcomes.get(t));
            }
        }
        return tests.stream().map(test -> byKey.get(test.key())).toList();
    }

    /** The longest tests first, each to the shard with the least time so far; a test not timed yet counts as a quick one. */
    private List<List<Catalog.Test>> balanced(List<Catalog.Test> tests, int count) {
        List<List<Catalog.Test>> shards = new ArrayList<>();
        long[] load = new long[count];
        for (int i = 0; i < count; i++) {
            shards.add(new ArrayList<>());
        }
        Duration unknown = Duration.ofMillis(100);
        tests.stream()
                .sorted(java.util.Comparator.comparing((Catalog.Test t) -> lastDuration(t).orElse(unknown)).reversed())
                .forEach(test -> {
                    int least = 0;
                    for (int i = 1; i < count; i++) {
                        least = load[i] < load[least] ? i : least;
                    }
                    shards.get(least).add(test);
                    load[least] += lastDuration(test).orElse(unknown).toMillis();
                });
        shards.forEach(shard -> shard.sort(java.util.Comparator.comparingInt(tests::indexOf)));
        return shards;
    }

    /** Runs the job in workers until every test has an outcome, a fresh worker after each death. */
    private List<Outcome> inWorkers(List<Catalog.Test> tests, Worker.Job job, boolean trusted, Consumer<Outcome> asFinished) {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Set<String> settled = new HashSet<>(job.excluded());
        long deadline = System.nanoTime() + EXERCISE_BOUND.toNanos();
        String script = job.script();
        String stopped = null;
        for (int restarts = 0; stopped == null; restarts++) {
            WorkerProcess worker = trusted ? reusableWorker() : freshWorker();
            if (worker == null) {
                stopped = "could not be graded: no grading worker could be started";
                break;
            }
            worker.send(new Worker.Job(job.home(), job.root(), job.chapter(), script, Set.copyOf(settled),
                    job.untilFirstFailure(), trusted));
            String running = null;
            long runningSince = 0;
            String death = null;
            boolean tainted = false;
            while (death == null) {
                long left = deadline - System.nanoTime();
                Optional<JsonNode> frame = worker.next(left <= 0 ? Duration.ZERO : left < FRAME_BOUND.toNanos() ? Duration.ofNanos(left) : FRAME_BOUND);
                if (frame.isEmpty()) {
                    death = left <= 0 ? "took longer than " + EXERCISE_BOUND.toSeconds() + " s in all"
                            : "did not finish a test within " + FRAME_BOUND.toSeconds() + " s";
                    worker.close();
                    break;
                }
                String event = frame.get().path("event").asText();
                switch (event) {
                    case "started" -> {
                        running = frame.get().path("key").asText();
                        runningSince = System.nanoTime();
                    }
                    case "finished" -> {
                        String key = frame.get().path("key").asText();
                        Outcome outcome = readOutcome(frame.get().path("outcome"));
                        if (outcome != null && tests.stream().anyMatch(t -> t.key().equals(key))) {
                            if (key.equals(running)) {
                                took.put(key, Duration.ofNanos(System.nanoTime() - runningSince));
                            }
                            asFinished.accept(sanitized(outcomes.merge(key, outcome, OutcomeCollector::worse)));
                            settled.add(key);
                        }
                    }
                    case "done" -> {
                        if (!trusted) {
                            worker.close();
                        }
                        return ordered(tests, outcomes, "was not run: the grading stopped at an earlier failure");
                    }
                    case "tainted" -> {
                        // The test is over, but graded code left a thread spinning: the rest goes on in a fresh worker.
                        death = "left " + frame.get().path("thread").asText() + " spinning (it ignored interruption)";
                        running = null;
                        tainted = true;
                    }
                    case "ended", "broken" -> death = "broken".equals(event)
                            ? "broke the grading process (" + frame.get().path("reason").asText() + ")" : worker.deathCause();
                    default -> { /* a frame this engine does not know: ignore it */ }
                }
            }
            worker.close();
            if (trusted) {
                reusable.remove();
            }
            if (running != null) {
                String test = running;
                Catalog.Test dying = tests.stream().filter(t -> t.key().equals(test)).findFirst().orElse(null);
                if (dying != null) {
                    Outcome failed = dying.failed(script + " " + death + " during the test \"" + dying.name() + "\"."
                            + " The tests after it were graded in a fresh process.");
                    outcomes.put(test, failed);
                    asFinished.accept(sanitized(failed));
                    settled.add(test);
                }
            } else if (!tainted) {
                stopped = death + " before any test began";
            }
            if (restarts + 1 >= RESTARTS && stopped == null) {
                stopped = death + "; the grading process was restarted " + RESTARTS + " times, so the rest was given up";
            }
            if (System.nanoTime() > deadline && stopped == null) {
                stopped = "took longer than " + EXERCISE_BOUND.toSeconds() + " s in all";
            }
        }
        return ordered(tests, outcomes, "was not run: " + script + " " + stopped);
    }

    /** The outcomes in the catalog's order; a test without one failed with {@code missing}. */
    private static List<Outcome> ordered(List<Catalog.Test> tests, Map<String, Outcome> outcomes, String missing) {
        List<Outcome> result = new ArrayList<>();
        for (Catalog.Test test : tests) {
            Outcome outcome = outcomes.get(test.key());
            result.add(outcome == null ? test.failed("This test " + missing + ".") : sanitized(outcome));
        }
        return result;
    }

    private static List<Outcome> failAll(List<Catalog.Test> tests, String reason, Consumer<Outcome> asFinished) {
        List<Outcome> failed = tests.stream().map(t -> t.failed(reason)).toList();
        failed.forEach(asFinished);
        return failed;
    }

    private static Outcome readOutcome(JsonNode node) {
        try {
            return JSON.treeToValue(node, Outcome.class);
        } catch (Exception unreadable) {
            return null;
        }
    }

    /** What graded code may read back in a message: no path of the grader's, nothing without bound. */
    private static Outcome sanitized(Outcome o) {
        return new Outcome(o.chapter(), o.script(), o.test(), o.maxPoints(), o.status(), clean(o.message()), clean(o.output()),
                o.transcript().length() > 8 * MAX_TEXT ? "" : o.transcript());
    }

    private static String clean(String text) {
        String home = Workbook.home().toString() + "/";
        String cleaned = text.replace(home, "");
        return cleaned.length() <= MAX_TEXT ? cleaned
                : cleaned.substring(0, MAX_TEXT) + "\n[… " + (cleaned.length() - MAX_TEXT) + " more characters not kept]";
    }

    private WorkerProcess freshWorker() {
        if (closed.get()) {
            return null;
        }
        WorkerProcess worker;
        boolean claimed = false;
        synchronized (spares) {
            worker = spares.pollFirst();
            if (worker == null && starting > claims) {
                // A spare is on its way, started before a new worker would be: wait for it rather than start one
                // more JVM, so that a run never holds more workers than its slots and spares (memory: see WorkerProcess).
                claims++;
                claimed = true;
            }
        }
        if (claimed) {
            try {
                worker = spares.pollFirst(START_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                synchronized (spares) {
                    claims--;
                }
            }
            if (closed.get() || Thread.currentThread().isInterrupted()) {
                if (worker != null) {
                    worker.close();
                }
                return null;
            }
        }
        if (IN_SHARD.get()) {
            owedSpares.incrementAndGet();  // replaced once this grading is over: a start now would take CPU from the shards
        } else {
            startSpare();
        }
        if (worker == null || !worker.isAlive()) {
            if (worker != null) {
                worker.close();
            }
            worker = newWorker();
        }
        return awaitReady(worker);
    }

    private WorkerProcess reusableWorker() {
        WorkerProcess worker = reusable.get();
        if (worker == null || !worker.isAlive()) {
            worker = freshWorker();
            reusable.set(worker);
        }
        return worker;
    }

    private WorkerProcess awaitReady(WorkerProcess worker) {
        if (worker == null) {
            return null;
        }
        if (worker.ready()) {
            return worker;
        }
        Optional<JsonNode> first = worker.next(START_BOUND);
        if (first.isPresent() && first.get().path("event").asText().equals("ready")) {
            worker.markReady();
            return worker;
        }
        worker.close();
        return null;
    }

    /** Starts a spare unless there are as many, waiting or starting, as asked for. */
    private void startSpare() {
        synchronized (spares) {
            if (closed.get() || spares.size() + starting - claims >= spareCount) {
                return;
            }
            starting++;
        }
        Thread.ofPlatform().daemon().name("starting a spare worker").start(() -> {
            WorkerProcess worker = null;
            try {
                worker = newWorker();
            } finally {
                synchronized (spares) {
                    starting--;
                    if (worker != null && !closed.get()) {
                        spares.add(worker);
                    }
                }
                if (worker != null && closed.get()) {
                    worker.close();
                }
            }
        });
    }

    private WorkerProcess newWorker() {
        WorkerProcess worker = WorkerProcess.start(classPath, sandbox);
        synchronized (everyWorker) {
            everyWorker.add(worker);
        }
        return worker;
    }

    @Override
    public void close() {
        closed.set(true);
        slots.shutdownNow();
        shardThreads.shutdownNow();
        synchronized (everyWorker) {
            everyWorker.forEach(WorkerProcess::close);
        }
    }
}
