// A static initializer that never returns.
import java.net.DatagramSocket;

public class UdpEchoServer {
    static {
        while (System.nanoTime() != 0) { // javac refuses an initializer that plainly never completes
            Thread.onSpinWait();
        }
    }

    public static void serve(DatagramSocket socket) {}

    public static void main(String[] args) {}
}
