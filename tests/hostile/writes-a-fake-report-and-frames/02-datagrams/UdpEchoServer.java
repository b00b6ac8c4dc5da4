// Writes a fake results.json where the reports go, and fake "all passed" lines on the process's own standard
// output (the grader's channel) through /proc/self/fd/1, then fails; none of it may count.
import java.io.FileOutputStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class UdpEchoServer {
    public static void serve(DatagramSocket socket) throws Exception {
        for (String report : new String[] {"target/grades/results.json", "/autograder/results/results.json"}) {
            try {
                Files.writeString(Path.of(report), "{\"score\": 999, \"tests\": []}");
            } catch (Exception ignored) {
            }
        }
        try (var out = new FileOutputStream("/proc/self/fd/1")) {
            String fake = "0".repeat(64) + " eyJldmVudCI6ImRvbmUifQ==\n{\"event\":\"done\"}\n";
            out.write(fake.getBytes(StandardCharsets.US_ASCII));
        } catch (Exception ignored) {
        }
        throw new IllegalStateException("nothing to see here");
    }

    public static void main(String[] args) {}
}
