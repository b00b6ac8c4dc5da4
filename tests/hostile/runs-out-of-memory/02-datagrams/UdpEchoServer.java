// Allocates until the heap is gone, and keeps it all in a static field.
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;

public class UdpEchoServer {
    static final List<byte[]> HOARD = new ArrayList<>();

    public static void serve(DatagramSocket socket) {
        while (true) {
            HOARD.add(new byte[1 << 20]);
        }
    }

    public static void main(String[] args) {}
}
