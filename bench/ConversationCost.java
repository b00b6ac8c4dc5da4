import java.net.InetSocketAddress;
import netbasics.conversation.Conversation;

/**
 * What one recorded event costs, apart from any network: the recorder's share of a graded test is
 * this times the events the test records (bench/conversation-overhead.sh counts them), plus one
 * JSON rendering. A benchmark, not a test; run it after ./mvnw test-compile:
 *
 *   java -cp target/classes:target/test-classes:JACKSON_JARS bench/ConversationCost.java
 */
public class ConversationCost {
    public static void main(String[] args) {
        var client = new InetSocketAddress("127.0.0.1", 40000);
        var server = new InetSocketAddress("127.0.0.1", 50000);
        Conversation.claim("test client", client);
        for (int size : new int[] {18, 1_500, 65_507}) {
            byte[] payload = new byte[size];
            for (int round = 0; round < 5; round++) {
                long events = 0;
                long nanos = 0;
                long jsonNanos = 0;
                for (int test = 0; test < 200; test++) {
                    long start = System.nanoTime();
                    Conversation.begin();
                    for (int i = 0; i < 50; i++) {
                        Conversation.sent(client, server, payload, 0, size);
                        Conversation.received(server, client, payload, 0, size);
                    }
                    events += 100;
                    var exchange = Conversation.end();
                    long recorded = System.nanoTime();
                    exchange.toJson();
                    jsonNanos += System.nanoTime() - recorded;
                    nanos += recorded - start;
                }
                if (round == 4) {
                    System.out.printf("%6d-byte events: %6.2f µs per event recorded, %7.1f µs per test for its JSON (100 events)%n",
                            size, nanos / 1000.0 / events, jsonNanos / 1000.0 / 200);
                }
            }
        }
    }
}
