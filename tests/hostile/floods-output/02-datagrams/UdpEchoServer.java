// Writes 200 MB to standard error when loaded, and more in every call, then fails.
import java.net.DatagramSocket;

public class UdpEchoServer {
    static {
        flood(200);
    }

    static void flood(int megabytes) {
        byte[] line = ("x".repeat(1023) + "\n").getBytes();
        for (int i = 0; i < megabytes * 1024; i++) {
            System.err.write(line, 0, line.length);
        }
    }

    public static void serve(DatagramSocket socket) {
        flood(20);
        throw new IllegalStateException("flooded");
    }

    public static void main(String[] args) {}
}
