package netbasics.grader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The static check of graded code, run on its compiled classes before any of them is loaded.
 * Graded code may use what the chapters teach (java.net, java.nio, javax.net.ssl, java.security,
 * java.util, java.io, java.time and the basics of java.lang); what would end or steer the JVM
 * that grades it, or reach the grader, is refused with the file, the line and the reason.
 *
 * <p>The rule for {@code main}: a script's {@code main} runs in a process of its own, so it may end
 * that process with {@code System.exit(status)}, and so may what only {@code main} reaches (its
 * command line's usage errors); the same holds for a shutdown hook, which main may leave to remove
 * a socket file on exit. Nothing a contract method can reach may, and nothing may call
 * {@code main}, so an exit can never happen inside a contract call.
 */
public final class BytecodeCheck {

    /** One refused use: where, and why. */
    public record Violation(String file, int line, String what, String why) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + what + " — " + why;
        }
    }

    /** Whole packages graded code has no business in: the JVM's insides, other programs, the grader. */
    private static final List<String> FORBIDDEN_PACKAGES = List.of(
            "java/lang/reflect/", "java/lang/invoke/", "java/lang/instrument/", "java/lang/management/",
            "java/lang/foreign/", "java/lang/constant/", "javax/management/", "javax/script/", "javax/tools/",
            "java/rmi/", "javax/naming/", "java/beans/", "sun/", "jdk/", "com/sun/", "org/junit/", "org/opentest4j/",
            "org/assertj/", "org/awaitility/", "netbasics/");

    /** Single classes: class loaders, stack walking, other processes, the thread tree, services. */
    private static final Set<String> FORBIDDEN_CLASSES = Set.of(
            "java/lang/ClassLoader", "java/net/URLClassLoader", "java/security/SecureClassLoader",
            "java/lang/StackWalker", "java/lang/StackWalker$StackFrame", "java/lang/StackWalker$Option",
            "java/lang/ProcessBuilder", "java/lang/ProcessBuilder$Redirect", "java/lang/Process", "java/lang/ProcessHandle",
            "java/lang/ProcessHandle$Info", "java/lang/ThreadGroup", "java/lang/Module", "java/lang/ModuleLayer",
            "java/util/ServiceLoader", "java/lang/StackTraceElement", "java/lang/SecurityManager", "java/lang/ScopedValue");

    /** The bootstrap methods javac itself uses for lambdas, string concatenation, records and switches. */
    private static final Set<String> JAVAC_BOOTSTRAPS = Set.of(
            "java/lang/invoke/LambdaMetafactory", "java/lang/invoke/StringConcatFactory", "java/lang/runtime/ObjectMethods",
            "java/lang/runtime/SwitchBootstraps", "java/lang/invoke/ConstantBootstraps");

    /** What graded code may ask of a Class: its name, instance checks and casts, never its members or loader. */
    private static final Set<String> CLASS_METHODS_ALLOWED = Set.of(
            "getName", "getSimpleName", "getTypeName", "getCanonicalName", "getPackageName", "isInstance", "cast",
            "isAssignableFrom", "isArray", "isPrimitive", "isRecord", "isEnum", "isInterface", "getComponentType",
            "componentType", "arrayType", "desiredAssertionStatus", "toString", "hashCode", "equals", "getEnumConstants",
            "getSuperclass", "descriptorString");

    private BytecodeCheck() {}

    /** Every refused use in the classes under {@code classes}, in file and line order. */
    public static List<Violation> check(Path classes, String script) {
        List<Violation> found = new ArrayList<>();
        var calls = new CallGraph();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                new ClassReader(Files.readAllBytes(file)).accept(new Checker(found, calls, script), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compiled classes in " + classes, e);
        }
        Set<String> reachable = calls.reachableFromContracts();
        calls.mainOnlySites.forEach((method, sites) -> {
            if (reachable.contains(method)) {
                sites.forEach(site -> found.add(new Violation(site.file(), site.line(), "calls " + site.what(),
                        "only main, and what only main calls, may " + (site.what().endsWith("exit") ? "end its process" : "leave a shutdown hook")
                                + "; a contract method returns or throws instead")));
            }
        });
        found.sort((a, b) -> a.file().equals(b.file()) ? Integer.compare(a.line(), b.line()) : a.file().compareTo(b.file()));
        return found;
    }

    /** Why a call is refused, or null when it is allowed. */
    static String refusal(String owner, String name, String descriptor, String inMethod) {
        if (owner.startsWith("[")) {
            return null; // a method of an array (clone): harmless
        }
        String packageRule = forbiddenType(owner);
        if (packageRule != null) {
            return packageRule;
        }
        switch (owner + "." + name) {
            case "java/lang/System.exit", "java/lang/Runtime.addShutdownHook":
                return null; // main's own business: judged once every call is known, see CallGraph
            case "java/lang/Runtime.exit", "java/lang/Runtime.halt":
                return "ends the JVM; a contract method returns or throws instead (main may use System.exit)";
            case "java/lang/Runtime.exec":
                return "starts another program, which graded code may not do";
            case "java/lang/Runtime.removeShutdownHook":
                return "steers the JVM's shutdown, which graded code may not do";
            case "java/lang/Runtime.load", "java/lang/Runtime.loadLibrary", "java/lang/System.load",
                    "java/lang/System.loadLibrary":
                return "loads native code, which graded code may not do";
            case "java/lang/System.setOut", "java/lang/System.setErr", "java/lang/System.setIn":
                return "replaces a standard stream of the whole JVM; print to System.out or System.err instead";
            case "java/lang/System.setProperty", "java/lang/System.clearProperty", "java/lang/System.setProperties",
                    "java/lang/System.getProperties":
                return "changes (or exposes for change) the JVM's system properties; read one with System.getProperty(name)";
            case "java/lang/System.setSecurityManager", "java/lang/System.getLogger":
                return "steers the JVM itself";
            case "java/lang/Thread.getStackTrace", "java/lang/Thread.getAllStackTraces", "java/lang/Throwable.getStackTrace",
                    "java/lang/Throwable.setStackTrace":
                return "walks the stack, which tells graded code who called it; print a failure with printStackTrace() instead";
            case "java/lang/Thread.getContextClassLoader", "java/lang/Thread.setContextClassLoader",
                    "java/lang/Thread.setDefaultUncaughtExceptionHandler", "java/lang/Thread.getThreadGroup",
                    "java/lang/Thread.enumerate", "java/lang/Thread.stop", "java/lang/Thread.getAllThreads":
                return "reaches threads or class loaders that are not graded code's own";
            default:
                break;
        }
        if (owner.equals("java/lang/Class") && !CLASS_METHODS_ALLOWED.contains(name)) {
            return "is reflection, which reaches into classes that are not graded code's own";
        }
        return null;
    }

    private static String forbiddenType(String internalName) {
        String type = internalName;
        while (type.startsWith("[")) {
            type = type.substring(1);
        }
        if (type.startsWith("L") && type.endsWith(";")) {
            type = type.substring(1, type.length() - 1);
        }
        if (FORBIDDEN_CLASSES.contains(type)) {
            return "is outside what graded code may use (class loaders, stack walking, processes, threads not its own)";
        }
        if (type.startsWith("jdk/net/")) {
            return null; // jdk.net.ExtendedSocketOptions (TCP_KEEPIDLE and friends): supported socket options, not the JDK's insides
        }
        for (String prefix : FORBIDDEN_PACKAGES) {
            if (type.startsWith(prefix)) {
                return "belongs to " + prefix.replace('/', '.') + "*, which graded code may not use (reflection, the JVM's"
                        + " insides, other programs or the grader)";
            }
        }
        return null;
    }

    private static String readable(String owner, String name) {
        return owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.') + (name == null ? "" : "." + name);
    }

    /** A place in a file, and what is called there. */
    private record Site(String file, int line, String what) {}

    /** Calls that main may make (its process is its own) but nothing a contract call reaches. */
    private static String mainsOwn(String owner, String name) {
        return owner.equals("java/lang/System") && name.equals("exit") ? "System.exit"
                : owner.equals("java/lang/Runtime") && name.equals("addShutdownHook") ? "Runtime.addShutdownHook" : null;
    }

    /**
     * Who calls whom among graded code's own methods, what each creates, and where main's own
     * calls (System.exit, shutdown hooks) are made: enough to tell what a contract call can reach.
     * A worker never runs {@code main}, so nothing main creates exists there; what a contract call
     * can run is what the tests can call (the script's public methods but {@code main}, its nested
     * types, and the static initializers), what those call, and every instance method of a class they create
     * (the JDK may call those back: run, close, toString).
     */
    private static final class CallGraph {
        final Map<String, Set<String>> callees = new HashMap<>();
        final Map<String, Set<String>> creates = new HashMap<>();
        final Map<String, List<Site>> mainOnlySites = new LinkedHashMap<>();
        final Map<String, List<String>> methodsOf = new HashMap<>();
        final Map<String, String> superOf = new HashMap<>();
        final Set<String> instanceMethods = new HashSet<>();
        final Set<String> entries = new HashSet<>();

        void call(String from, String to) {
            callees.computeIfAbsent(from, k -> new HashSet<>()).add(to);
        }

        void creates(String method, String type) {
            creates.computeIfAbsent(method, k -> new HashSet<>()).add(type);
        }

        /** The methods a contract call can run, from the entries outwards. */
        Set<String> reachableFromContracts() {
            Set<String> reached = new HashSet<>();
            Set<String> created = new HashSet<>();
            var pending = new java.util.ArrayDeque<>(entries);
            while (!pending.isEmpty()) {
                String method = pending.pop();
                if (!reached.add(method)) {
                    continue;
                }
                for (String callee : callees.getOrDefault(method, Set.of())) {
                    pending.add(resolve(callee));
                }
                for (String type : creates.getOrDefault(method, Set.of())) {
                    for (String c = type; c != null && created.add(c); c = superOf.get(c)) {
                        for (String member : methodsOf.getOrDefault(c, List.of())) {
                            if (instanceMethods.contains(member) || member.startsWith(c + ".<init>")) {
                                pending.add(member);
                            }
                        }
                    }
                }
            }
            return reached;
        }

        /** A call names the class it was made through; the method may be declared by a graded superclass. */
        private String resolve(String callee) {
            int dot = callee.indexOf('.');
            String owner = callee.substring(0, dot);
            String member = callee.substring(dot);
            for (String c = owner; c != null; c = superOf.get(c)) {
                if (methodsOf.getOrDefault(c, List.of()).contains(c + member)) {
                    return c + member;
                }
            }
            return callee;
        }
    }

    private static final class Checker extends ClassVisitor {
        private final List<Violation> found;
        private final CallGraph calls;
        private final String script;
        private String file = "?";
        private String className = "?";

        Checker(List<Violation> found, CallGraph calls, String script) {
            super(Opcodes.ASM9);
            this.found = found;
            this.calls = calls;
            this.script = script;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            className = name;
            if (superName != null) {
                calls.superOf.put(name, superName);
            }
            if (superName != null && forbiddenType(superName) != null) {
                found.add(new Violation(file, 0, "extends " + readable(superName, null), forbiddenType(superName)));
            }
        }

        @Override
        public void visitSource(String source, String debug) {
            if (source != null) {
                file = source;
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            if ((access & Opcodes.ACC_NATIVE) != 0) {
                found.add(new Violation(file, 0, "native method " + name, "native code is not allowed in graded code"));
            }
            String method = name + descriptor;
            String self = className + "." + method;
            calls.methodsOf.computeIfAbsent(className, k -> new ArrayList<>()).add(self);
            if ((access & Opcodes.ACC_STATIC) == 0) {
                calls.instanceMethods.add(self);
            }
            // What a test can call: the script's public methods (its contract) and its nested types (the records a test
            // builds); and what loading a class runs. main is not among them: a worker never runs it.
            boolean contract = className.equals(script) && (access & Opcodes.ACC_PUBLIC) != 0
                    && !method.equals("main([Ljava/lang/String;)V");
            if (contract || className.startsWith(script + "$") || name.equals("<clinit>")) {
                calls.entries.add(self);
            }
            return new MethodVisitor(Opcodes.ASM9) {
                private int line;

                @Override
                public void visitLineNumber(int number, Label start) {
                    line = number;
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String called, String calledDescriptor, boolean isInterface) {
                    calls.call(self, owner + "." + called + calledDescriptor);
                    if (mainsOwn(owner, called) != null) {
                        calls.mainOnlySites.computeIfAbsent(self, k -> new ArrayList<>()).add(new Site(file, line, mainsOwn(owner, called)));
                    }
                    String why = refusal(owner, called, calledDescriptor, method);
                    if (why == null && owner.equals(className) && called.equals("main") && calledDescriptor.equals("([Ljava/lang/String;)V")) {
                        why = "main runs as a program of its own; call the contract methods instead";
                    }
                    if (why != null) {
                        found.add(new Violation(file, line, "calls " + readable(owner, called), why));
                    }
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String field, String fieldDescriptor) {
                    String why = forbiddenType(owner);
                    if (why == null && owner.equals("java/io/FileDescriptor")) {
                        why = "the process's own standard streams belong to the grader; use System.out and System.err";
                    }
                    if (why == null) {
                        why = forbiddenType(Type.getType(fieldDescriptor).getDescriptor());
                    }
                    if (why != null) {
                        found.add(new Violation(file, line, "uses " + readable(owner, field), why));
                    }
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    if (opcode == Opcodes.NEW) {
                        calls.creates(self, type);
                    }
                    String why = forbiddenType(type);
                    if (why != null) {
                        found.add(new Violation(file, line, "uses " + readable(type, null), why));
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Handle handle) {
                        found.add(new Violation(file, line, "a method handle to " + readable(handle.getOwner(), handle.getName()),
                                "method handles are reflection, which graded code may not use"));
                    } else if (value instanceof Type type && type.getSort() == Type.OBJECT && forbiddenType(type.getInternalName()) != null) {
                        found.add(new Violation(file, line, "uses " + readable(type.getInternalName(), null), forbiddenType(type.getInternalName())));
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                    if (!JAVAC_BOOTSTRAPS.contains(bootstrap.getOwner())) {
                        found.add(new Violation(file, line, "an invokedynamic bootstrapped by " + readable(bootstrap.getOwner(), bootstrap.getName()),
                                "only the bootstraps javac itself emits are allowed"));
                        return;
                    }
                    for (Object argument : arguments) {
                        if (argument instanceof Handle target) {
                            calls.call(self, target.getOwner() + "." + target.getName() + target.getDesc());
                            if (mainsOwn(target.getOwner(), target.getName()) != null) {
                                calls.mainOnlySites.computeIfAbsent(self, k -> new ArrayList<>())
                                        .add(new Site(file, line, mainsOwn(target.getOwner(), target.getName())));
                            }
                            String why = refusal(target.getOwner(), target.getName(), target.getDesc(), method);
                            if (why != null) {
                                found.add(new Violation(file, line, "refers to " + readable(target.getOwner(), target.getName()), why));
                            }
                        }
                    }
                }
            };
        }
    }
}
