import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The command line of every script in the workbook, so that an exercise's {@code main} is a few
 * declarative lines and the file is about its lesson. A script pulls it in with
 * {@code //SOURCES ../cli/CommandLine.java}; you never need to change it.
 *
 * <pre>
 * var command = new CommandLine("UdpEchoServer [--host HOST] [--port PORT]", args);
 * InetSocketAddress address = command.address("--host", DEFAULT_HOST, "--port", DEFAULT_PORT);
 * </pre>
 *
 * The usage line declares the command line: {@code --name VALUE} is an option with a value,
 * {@code --name} alone a flag, and any other UPPERCASE word an operand. The arguments are checked
 * against it at once; each getter then reads one option, or gives its default when it is absent
 * (the last of a repeated option wins). Options may stand anywhere; after {@code --} every argument
 * is an operand. {@code --help} or {@code -h} prints the usage and exits with status 0. A mistake
 * prints {@code PROGRAM: what is wrong} and the usage on standard error and exits with status 2,
 * the status of a usage error.
 */
public final class CommandLine {

    private final String usage;
    private final String program;
    private final Map<String, String> values = new HashMap<>();
    private final List<String> operands = new ArrayList<>();

    /**
     * {@code usage} starts with the program's name: {@code "Gather [--host HOST] [--port PORT] TEXT"};
     * lines after the first are notes, printed with it.
     */
    public CommandLine(String usage, String... args) {
        this.usage = usage;
        this.program = usage.split(" ", 2)[0];
        List<String> given = List.of(args);
        int end = given.contains("--") ? given.indexOf("--") : given.size();
        if (given.subList(0, end).contains("--help") || given.subList(0, end).contains("-h")) {
            System.out.println("usage: " + usage);
            System.exit(0);
        }
        read(given, declared(usage.lines().findFirst().orElse("")));
    }

    /** The options the usage line declares, each with whether a VALUE follows it; "" stands for "has operands". */
    private static Map<String, Boolean> declared(String usageLine) {
        List<String> words = List.of(usageLine.replaceAll("[\\[\\]|]", " ").strip().split("\\s+"));
        Map<String, Boolean> declared = new HashMap<>();
        for (int w = 1; w < words.size(); w++) {
            boolean valueNext = w + 1 < words.size() && isName(words.get(w + 1));
            if (words.get(w).startsWith("--")) {
                declared.put(words.get(w), valueNext);
                w += valueNext ? 1 : 0;
            } else if (isName(words.get(w))) {
                declared.put("", true);
            }
        }
        return declared;
    }

    private static boolean isName(String word) {
        return word.matches("[A-Z][A-Z0-9_:.]*");
    }

    private void read(List<String> args, Map<String, Boolean> declared) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                operands.addAll(args.subList(i + 1, args.size()));
                break;
            } else if (!arg.startsWith("--")) {
                operands.add(arg);
            } else if (!declared.containsKey(arg)) {
                throw fail("unknown option " + arg);
            } else if (!declared.get(arg)) {
                values.put(arg, ""); // a flag
            } else if (i + 1 < args.size()) {
                values.put(arg, args.get(++i));
            } else {
                throw fail("missing value after " + arg);
            }
        }
        if (!operands.isEmpty() && !declared.containsKey("")) {
            throw fail("unexpected " + operands.getFirst());
        }
    }

    /** True when {@code flag} (an option without a value) is given. */
    public boolean flag(String flag) {
        return values.containsKey(flag);
    }

    /** The value after {@code option}, or {@code fallback} (which may be null) when it is absent. */
    public String text(String option, String fallback) {
        return values.getOrDefault(option, fallback);
    }

    /** A whole number from {@code min} to {@code max} after {@code option}, or {@code fallback}. */
    public long number(String option, long fallback, long min, long max) {
        String text = text(option, null);
        return text == null ? fallback : number(option, text, min, max);
    }

    /** {@link #number(String, long, long, long)} for an {@code int}. */
    public int number(String option, int fallback, int min, int max) {
        return (int) number(option, (long) fallback, min, max);
    }

    /** The value of {@code option}, which must be given. */
    public String required(String option) {
        String value = text(option, null);
        if (value == null) {
            throw fail("missing " + option);
        }
        return value;
    }

    /** One of {@code choices}, named after {@code option} in any letter case, or {@code fallback}. */
    public <T> T choice(String option, T fallback, Map<String, T> choices) {
        String text = text(option, null);
        if (text == null) {
            return fallback;
        }
        return choices.entrySet().stream().filter(choice -> choice.getKey().equalsIgnoreCase(text)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> fail(option + " takes " + String.join(", ", new TreeSet<>(choices.keySet())) + ", not '" + text + "'"));
    }

    /** A port from 0 (any free port) to 65535 after {@code option}, or {@code fallback}. */
    public int port(String option, int fallback) {
        return number(option, fallback, 0, 65_535);
    }

    /** A positive number of milliseconds after {@code option}, or {@code fallback}. */
    public Duration millis(String option, Duration fallback) {
        String text = text(option, null);
        return text == null ? fallback : Duration.ofMillis(number(option, text, 1, 3_600_000));
    }

    /** A file named after {@code option}, or {@code fallback} (which may be null). */
    public Path path(String option, Path fallback) {
        String text = text(option, null);
        return text == null ? fallback : Path.of(text);
    }

    /** The file named after {@code option}, which must be given. */
    public Path requiredPath(String option) {
        return Path.of(required(option));
    }

    /** The host of {@code hostOption} and the port of {@code portOption}, resolved; a name that does not resolve is a usage error. */
    public InetSocketAddress address(String hostOption, String host, String portOption, int port) {
        return resolved(text(hostOption, host), port(portOption, port));
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}, as people type an endpoint, resolved. */
    public InetSocketAddress endpoint(String what, String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 1 || text.indexOf(']') > colon) {
            throw fail(what + " is HOST:PORT or [IPV6]:PORT, not '" + text + "'");
        }
        return resolved(text.substring(0, colon).replaceAll("^\\[(.*)]$", "$1"), (int) number(what, text.substring(colon + 1), 0, 65_535));
    }

    /** An address of any family as people type it: a socket file's path when it holds a "/", else {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    public SocketAddress socketAddress(String what, String text) {
        return text.contains("/") ? UnixDomainSocketAddress.of(text) : endpoint(what, text);
    }

    /** The arguments that are not options nor their values, in order. */
    public List<String> operands() {
        return List.copyOf(operands);
    }

    /** The one operand, {@code name} in the usage line. */
    public String operand(String name) {
        if (operands.size() != 1) {
            throw fail(operands.isEmpty() ? "missing " + name : "one " + name + " only, not " + operands);
        }
        return operands.getFirst();
    }

    /** The one operand, {@code name} in the usage line, naming a file that exists. */
    public Path file(String name) {
        Path file = Path.of(operand(name));
        if (!Files.isRegularFile(file)) {
            throw fail(file + " is not a file");
        }
        return file;
    }

    /** Says what is wrong and how the program is used, and exits with status 2; never returns. */
    public IllegalArgumentException fail(String problem) {
        System.err.println(program + ": " + problem);
        System.err.println("usage: " + usage);
        System.exit(2);
        return new IllegalArgumentException(problem); // for `throw command.fail(...)`: the compiler needs no return after it
    }

    /** Ends the program with status 1 and {@code why} on standard error: a failure, not a usage mistake; never returns. */
    public static IllegalStateException fatal(String why) {
        System.err.println(why);
        System.exit(1);
        return new IllegalStateException(why);
    }

    /**
     * On Ctrl-C, closes {@code listener}, which makes a server's {@code serve} return, and gives the
     * thread that calls this (the serving one) {@code grace} to finish and clean up.
     */
    public static void closeOnCtrlC(Closeable listener, Duration grace) {
        Thread serving = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                listener.close();
                serving.join(grace.toMillis());
            } catch (IOException | InterruptedException e) {
                System.err.println("Stopping failed: " + e);
            }
        }));
    }

    /** A TCP listener bound at {@code address} (port 0: any free port), announced with {@code Serving at ADDRESS}. */
    public static ServerSocket listen(InetSocketAddress address) throws IOException {
        var listener = new ServerSocket();
        try {
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        serving(listener.getLocalSocketAddress());
        return listener;
    }

    /** Prints {@code Serving at ADDRESS}, the line that tells people and tools where a server is. */
    public static void serving(SocketAddress bound) {
        System.out.println("Serving at " + shown(bound));
    }

    /** Prints each line an echo client sent and its echo, as they are: {@code SENT line}, then {@code RCVD echo}. */
    public static void printEchoes(List<String> sent, List<String> echoes) {
        printEchoes(sent, echoes, line -> line);
    }

    /** Prints each line an echo client sent and its echo, each as {@code shown} shows it: {@code SENT "line"}, {@code RCVD "echo"}. */
    public static void printEchoes(List<String> sent, List<String> echoes, Function<String, String> shown) {
        for (int i = 0; i < sent.size(); i++) {
            System.out.println("SENT " + shown.apply(sent.get(i)) + "\nRCVD " + shown.apply(echoes.get(i)));
        }
    }

    /** An address as people read it: {@code 127.0.0.1:8881}, {@code [::1]:8881}, or a socket file's path. */
    public static String shown(SocketAddress address) {
        return switch (address) {
            case UnixDomainSocketAddress unix -> unix.getPath().toString();
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 -> "[" + v6.getHostAddress() + "]:" + inet.getPort();
            case InetSocketAddress inet when inet.getAddress() != null -> inet.getAddress().getHostAddress() + ":" + inet.getPort();
            case InetSocketAddress unresolved -> unresolved.getHostString() + ":" + unresolved.getPort();
            default -> address.toString();
        };
    }

    private InetSocketAddress resolved(String host, int port) {
        var address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw fail("cannot resolve the host '" + host + "'");
        }
        return address;
    }

    /** {@code text}, which {@code what} names in a message, as a whole number from {@code min} to {@code max}. */
    public long number(String what, String text, long min, long max) {
        try {
            long number = Long.parseLong(text);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, like a number out of range
        }
        throw fail(what + " takes a number from " + min + " to " + max + ", not '" + text + "'");
    }
}
