package dropin;

import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.EmbeddedKafkaOptions;

/** kafka-utility-testkit alone: an in-JVM KRaft broker started, a topic created, closed. */
public final class Check {
    public static void main(String[] args) {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(EmbeddedKafkaOptions.builder().build())) {
            cluster.createTopic("dropin", 1, (short) 1);
            System.out.println("DROPIN kafka-utility-testkit OK (broker " + cluster.bootstrapServers() + ")");
        }
    }
}
