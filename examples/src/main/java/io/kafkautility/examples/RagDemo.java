package io.kafkautility.examples;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The end-to-end RAG demo: {@code mvn -B -Pdemo -DskipTests package}.
 *
 * <p>Runs on the cluster in {@code KAFKA_BOOTSTRAP_SERVERS} (and the registry in {@code KAFKA_SCHEMA_REGISTRY_URL})
 * when set, otherwise on an in-JVM KRaft broker and an in-JVM schema registry. Prints one line per hop with its
 * latency; exits 0 when the answer reached the WebSocket session, 1 otherwise.
 */
public final class RagDemo {

    private RagDemo() {
    }

    public static void main(String[] args) {
        int status;
        try {
            run();
            status = 0;
        } catch (Throwable t) {
            System.out.println("DEMO FAILED: " + t);
            t.printStackTrace(System.out);
            status = 1;
        }
        System.exit(status);
    }

    static void run() throws Exception {
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String registryUrl = System.getenv("KAFKA_SCHEMA_REGISTRY_URL");
        boolean embedded = bootstrap == null || bootstrap.isBlank();
        long t0 = System.nanoTime();
        try (KafkaCluster cluster = embedded ? KafkaCluster.embedded() : KafkaCluster.external(bootstrap);
             SchemaRegistryServer registry = registryUrl == null || registryUrl.isBlank()
                     ? SchemaRegistryServer.start() : null) {
            String registryAddress = registry != null ? registry.url() : registryUrl;
            System.out.printf("kafka-utility RAG demo%n  cluster  %s (%s, ready in %s)%n  registry %s (%s)%n",
                    cluster.bootstrapServers(), embedded ? "embedded KRaft broker" : "KAFKA_BOOTSTRAP_SERVERS",
                    RagFlow.Trace.ms(System.nanoTime() - t0), registryAddress,
                    registry != null ? "in-JVM Confluent-compatible registry" : "KAFKA_SCHEMA_REGISTRY_URL");
            createMissingTopics(cluster);
            KafkaConnectionOptions connection = KafkaConnectionOptions.fromEnvironment()
                    .bootstrapServers(cluster.bootstrapServers())
                    .build();
            System.out.println();
            RagFlow.Trace trace = new RagFlow(connection, registryAddress, line -> System.out.println("  " + line))
                    .run();
            System.out.println();
            System.out.println("answer delivered to the WebSocket session: " + trace.answer());
            System.out.println("DEMO OK in " + trace.elapsed());
        }
    }

    private static void createMissingTopics(KafkaCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            for (String topic : RagFlow.TOPICS) {
                if (!existing.contains(topic)) {
                    cluster.createTopics(new NewTopic(topic, 3, (short) 1));
                }
            }
        }
    }
}
