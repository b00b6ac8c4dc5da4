package netbasics.grading;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Loads a graded script's classes with a call to {@link Opened#keep} after every place that
 * creates, or is handed, something that may hold a socket, a channel, a selector or a file:
 * {@code new DatagramSocket(...)}, {@code accept()}, {@code SocketChannel.open()},
 * {@code factory.createSocket(...)}, {@code Files.newByteChannel(...)}; and after every place that
 * starts a thread, an executor or a timer. What the code does is
 * unchanged; the grader only holds on to what it opened until the test ends.
 */
final class OpenedTracking {

    private static final String KEEPER = Type.getInternalName(Opened.class);

    /** Types whose creation or return is worth a look; {@link Opened#keep} decides by the object itself. */
    private static final List<String> WATCHED = List.of("java/net/Socket", "java/net/ServerSocket", "java/net/DatagramSocket",
            "java/net/MulticastSocket", "javax/net/ssl/SSLSocket", "javax/net/ssl/SSLServerSocket", "java/nio/channels/",
            "java/io/FileInputStream", "java/io/FileOutputStream", "java/io/RandomAccessFile", "java/io/InputStream",
            "java/io/OutputStream", "java/io/Closeable", "java/lang/AutoCloseable", "java/lang/Thread", "java/util/Timer",
            "java/util/concurrent/ExecutorService", "java/util/concurrent/ScheduledExecutorService",
            "java/util/concurrent/ThreadPoolExecutor", "java/util/concurrent/ScheduledThreadPoolExecutor",
            "java/util/concurrent/ForkJoinPool");

    private OpenedTracking() {}

    /** A loader for the classes under {@code classes} that sees the JDK and, of the grader, {@link Opened} alone. */
    static ClassLoader loader(String name, Path classes) throws IOException {
        return new Loader(name, classes.toUri().toURL());
    }

    static boolean watched(String internalName) {
        return WATCHED.stream().anyMatch(w -> w.endsWith("/") ? internalName.startsWith(w) : internalName.equals(w));
    }

    static byte[] transform(byte[] original) {
        var reader = new ClassReader(original);
        var writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new Keeping(super.visitMethod(access, name, descriptor, signature, exceptions));
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Adds {@code DUP; INVOKESTATIC Opened.keep} after each watched creation or return: the stack is as it was. */
    private static final class Keeping extends MethodVisitor {
        /** The types of the {@code new}s whose constructor has not yet been called, innermost last. */
        private final Deque<String> pendingNews = new ArrayDeque<>();

        Keeping(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitTypeInsn(int opcode, String type) {
            super.visitTypeInsn(opcode, type);
            if (opcode == Opcodes.NEW) {
                pendingNews.push(type);
            }
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
            if (name.equals("<init>")) {
                // A constructor of a new object leaves it on the stack; super(...) and this(...) match no pending new.
                if (opcode == Opcodes.INVOKESPECIAL && !pendingNews.isEmpty() && pendingNews.peek().equals(owner)) {
                    pendingNews.pop();
                    if (watched(owner)) {
                        keepTop();
                    }
                }
                return;
            }
            Type returned = Type.getReturnType(descriptor);
            if (returned.getSort() == Type.OBJECT && watched(returned.getInternalName())) {
                keepTop();
            }
        }

        private void keepTop() {
            super.visitInsn(Opcodes.DUP);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, KEEPER, "keep", "(Ljava/lang/Object;)V", false);
        }
    }

    /** Defines the script's classes from their tracked bytes; the JDK comes from the platform loader, as under jbang. */
    private static final class Loader extends URLClassLoader {
        Loader(String name, URL classes) {
            super(name, new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            return name.equals(Opened.class.getName()) ? Opened.class : super.loadClass(name, resolve);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            URL resource = findResource(name.replace('.', '/') + ".class");
            if (resource == null) {
                throw new ClassNotFoundException(name);
            }
            try (var in = resource.openStream()) {
                byte[] tracked = transform(in.readAllBytes());
                return defineClass(name, tracked, 0, tracked.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
