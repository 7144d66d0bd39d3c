package io.kafkautility.examples;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs the chat UI backend ({@code mvn -B -Pui -DskipTests package}, then open http://localhost:8080): on the
 * cluster of {@code KAFKA_BOOTSTRAP_SERVERS} when set, else an in-JVM broker and registry. Port from {@code UI_PORT}.
 * Runs until killed.
 */
public final class UiDemo {

    private UiDemo() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        String registryUrl = System.getenv("KAFKA_SCHEMA_REGISTRY_URL");
        int port = Integer.parseInt(System.getenv().getOrDefault("UI_PORT", "8080"));
        boolean embedded = bootstrap == null || bootstrap.isBlank();
        try (KafkaCluster cluster = embedded ? KafkaCluster.embedded() : KafkaCluster.external(bootstrap);
             SchemaRegistryServer registry = registryUrl == null || registryUrl.isBlank()
                     ? SchemaRegistryServer.start() : null) {
            try (Admin admin = cluster.admin()) {
                Set<String> existing = admin.listTopics().names().get();
                for (String topic : RagFlow.TOPICS) {
                    if (!existing.contains(topic)) {
                        cluster.createTopics(new NewTopic(topic, 3, (short) 1));
                    }
                }
            }
            KafkaConnectionOptions connection = KafkaConnectionOptions.fromEnvironment()
                    .bootstrapServers(cluster.bootstrapServers()).build();
            try (UiStack stack = new UiStack(connection, registry != null ? registry.url() : registryUrl, port)) {
                stack.ready().join();
                System.out.println("chat UI on http://localhost:" + stack.backend().port() + "/ (Ctrl-C to stop)");
                new CountDownLatch(1).await();
            }
        }
    }
}
