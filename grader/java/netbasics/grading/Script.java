package netbasics.grading;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * One exercise script of the tree being graded, seen through its contract: the public static
 * methods a test calls. The script is compiled on first use, on its own, and loaded in a class
 * loader of its own that sees only the JDK, as under {@code jbang}.
 */
public final class Script {

    private static final Map<Path, Class<?>> LOADED = new ConcurrentHashMap<>();
    /** Scripts whose static initializer failed or hung: each later test fails at once with the same words. */
    private static final Map<Path, String> NOT_INITIALIZED = new ConcurrentHashMap<>();
    private static final java.time.Duration INITIALIZER_BOUND = java.time.Duration.ofSeconds(5);

    private final String chapter;
    private final String name;
    private final Path file;

    public Script(Path root, String chapter, String name) {
        this.chapter = chapter;
        this.name = name;
        this.file = Workbook.scriptFile(root, chapter, name);
    }

    public String name() {
        return name;
    }

    public String chapter() {
        return chapter;
    }

    public Path file() {
        return file;
    }

    /** The script's class; fails the test with javac's own messages when the file does not compile. */
    public Class<?> type() {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("There is no " + Workbook.display(file) + ": this exercise's file is missing.");
        }
        ScriptCompiler.Compilation compilation = ScriptCompiler.compile(file);
        if (!compilation.succeeded()) {
            throw new AssertionError(compilation.failure());
        }
        return LOADED.computeIfAbsent(compilation.classes(), this::load);
    }

    /** The classes folder of the compiled script, for running its {@code main} in a process of its own. */
    Path classes() {
        type();
        return ScriptCompiler.compile(file).classes();
    }

    /** The files {@code jbang} compiles for the script at {@code file}: itself first, then what its {@code //SOURCES} lines name. */
    public static List<Path> sources(Path file) {
        return ScriptCompiler.sources(file);
    }

    /** A type nested in the script, such as a result record: {@code nested("Summary")}. */
    public Class<?> nested(String simpleName) {
        return Arrays.stream(type().getClasses())
                .filter(c -> c.getSimpleName().equals(simpleName))
                .findFirst()
                .orElseThrow(() -> new AssertionError(Workbook.display(file) + " must declare a public nested type "
                        + simpleName + " (it is part of the exercise's contract)."));
    }

    /**
     * Binds the contract method {@code public static RETURNS name(PARAMETERS)}. When the script has
     * no such method, the test fails naming the exact signature it expected and what it found.
     */
    public Contract method(String methodName, Class<?> returns, Class<?>... parameters) {
        String expected = "public static " + returns.getTypeName() + " " + methodName + "("
                + Arrays.stream(parameters).map(Class::getTypeName).collect(Collectors.joining(", ")) + ")";
        Class<?> type = type();
        Method method;
        try {
            method = type.getDeclaredMethod(methodName, parameters);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(missing(expected, type, methodName));
        }
        int modifiers = method.getModifiers();
        if (!Modifier.isPublic(modifiers) || !Modifier.isStatic(modifiers) || !method.getReturnType().equals(returns)) {
            throw new AssertionError(missing(expected, type, methodName));
        }
        method.setAccessible(true);
        return new Contract(name + "." + methodName, method);
    }

    /** Starts the script's {@code main} in a JVM of its own, as {@code jbang} would run it. */
    public MainProcess startMain(String... arguments) {
        return MainProcess.start(this, List.of(), arguments);
    }

    /**
     * Like {@link #startMain}, with options for the new JVM itself, such as
     * {@code -Djdk.net.hosts.file=...}: properties that must be set before the JDK reads them once.
     */
    public MainProcess startMainWith(List<String> jvmOptions, String... arguments) {
        return MainProcess.start(this, jvmOptions, arguments);
    }

    private String missing(String expected, Class<?> type, String methodName) {
        String found = Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.getName().equals(methodName))
                .map(Method::toGenericString)
                .map(s -> s.replace(type.getName() + ".", ""))
                .collect(Collectors.joining("\n    "));
        return Workbook.display(file) + " must declare\n    " + expected + "\n"
                + (found.isEmpty() ? "but has no method named " + methodName + "." : "but has\n    " + found)
                + "\nThe tests call this method: keep its name, parameters and return type as the stub gave them.";
    }

    private Class<?> load(Path classes) {
        String broken = NOT_INITIALIZED.get(classes);
        if (broken != null) {
            throw new AssertionError(broken);
        }
        Class<?> type;
        try {
            // The parent is the platform loader: a script sees the JDK and nothing of the test classpath
            // (but the grader's keeper of what it opens, see OpenedTracking).
            type = Class.forName(name, false, OpenedTracking.loader(name, classes));
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(Workbook.display(file) + " must declare the public class " + name
                    + " (a script's class is named like its file).", e);
        }
        // Its static initializer runs on a thread of its own, within a bound: one that never returns costs
        // this exercise once, not every test a full timeout.
        var initialized = new java.util.concurrent.CompletableFuture<Void>();
        Thread.ofPlatform().daemon().name("main").start(() -> {
            try {
                Class.forName(name, true, type.getClassLoader());
                initialized.complete(null);
            } catch (Throwable e) {
                initialized.completeExceptionally(e);
            }
        });
        try {
            initialized.get(INITIALIZER_BOUND.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return type;
        } catch (java.util.concurrent.TimeoutException e) {
            String message = "The static initializer of " + name + " (its static fields and static { } blocks) did not finish within "
                    + INITIALIZER_BOUND.toSeconds() + " s, so none of its tests can run. Do no waiting or serving there:"
                    + " keep static fields to constants, and do the work in the methods the tests call.";
            NOT_INITIALIZED.put(classes, message);
            throw new AssertionError(message);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof ExceptionInInitializerError init && init.getCause() != null ? init.getCause() : e.getCause();
            String message = "The static initializer of " + name + " threw " + cause + ", so none of its tests can run.";
            NOT_INITIALIZED.put(classes, message);
            throw new AssertionError(message, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while loading " + name, e);
        }
    }

    @Override
    public String toString() {
        return Workbook.display(file);
    }
}
