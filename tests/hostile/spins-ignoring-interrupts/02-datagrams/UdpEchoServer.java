// Spins for ever, ignoring interruption, in every call: a thread that never stops.
import java.net.DatagramSocket;

public class UdpEchoServer {
    static volatile long counter;

    public static void serve(DatagramSocket socket) {
        while (true) {
            counter++;
            Thread.interrupted();
        }
    }

    public static void main(String[] args) {}
}
