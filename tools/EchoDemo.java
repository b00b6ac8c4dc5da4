///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//SOURCES ../solutions/02-datagrams/UdpEchoServer.java
//SOURCES ../solutions/02-datagrams/UdpEchoClient.java
//SOURCES ../solutions/cli/CommandLine.java

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * The finished chapter 02 at work: the reference UDP echo server and client from solutions/,
 * talking over loopback in one program. The server gets a free port (port 0), so the demo never
 * collides with a server you left running.
 *
 * <pre>jbang echo-demo [LINE...]</pre>
 */
public class EchoDemo {

    public static void main(String[] args) throws IOException, InterruptedException {
        var command = new CommandLine("EchoDemo [LINE...]\n(the finished chapter 02 on loopback: a UDP echo server on a free port, and the client)", args);
        List<String> lines = command.operands().isEmpty() ? List.of("Hello, datagram!", "One send is one datagram", "Prices: £5, €6")
                : command.operands();
        try (var socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            var server = (InetSocketAddress) socket.getLocalSocketAddress();
            System.out.println("server: serving at " + server.getAddress().getHostAddress() + ":" + server.getPort());
            Thread serving = Thread.ofPlatform().name("udp-echo-server").start(() -> {
                try {
                    UdpEchoServer.serve(socket);
                } catch (IOException e) {
                    System.err.println("server: " + e);
                }
            });
            List<String> echoes = UdpEchoClient.echoAll(server, lines, Duration.ofSeconds(2));
            for (int i = 0; i < lines.size(); i++) {
                System.out.println("client: sent " + quoted(lines.get(i)) + ", got back " + quoted(echoes.get(i)));
            }
            socket.close(); // closing the socket is how the server is told to stop
            serving.join(Duration.ofSeconds(2));
            System.out.println("server: stopped");
        }
    }

    private static String quoted(String text) {
        return "\"" + text + "\"";
    }
}
