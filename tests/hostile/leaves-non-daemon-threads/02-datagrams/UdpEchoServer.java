// Leaves non-daemon threads behind that wait for ever, then fails.
import java.net.DatagramSocket;

public class UdpEchoServer {
    public static void serve(DatagramSocket socket) {
        for (int i = 0; i < 50; i++) {
            Thread.ofPlatform().daemon(false).start(() -> {
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException ignored) {
                        // and on
                    }
                }
            });
        }
        throw new IllegalStateException("left 50 threads behind");
    }

    public static void main(String[] args) {}
}
