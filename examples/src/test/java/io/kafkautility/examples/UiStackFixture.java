package io.kafkautility.examples;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** The UI stack on a test cluster with an in-JVM registry. */
final class UiStackFixture implements AutoCloseable {

    final SchemaRegistryServer registry;
    final UiStack stack;

    UiStackFixture(KafkaCluster cluster) throws Exception {
        this(cluster, java.time.Duration.ofMillis(40));
    }

    /** @param tokenTime how long the stand-in LLM takes per word */
    UiStackFixture(KafkaCluster cluster, java.time.Duration tokenTime) throws Exception {
        this(cluster, tokenTime, b -> b.sessionKeys(io.kafkautility.response.SessionKeys.generated()));
    }

    /** @param security the chat endpoint's settings */
    UiStackFixture(KafkaCluster cluster, java.time.Duration tokenTime,
                   java.util.function.Consumer<io.kafkautility.response.SessionManagerOptions.Builder> security)
            throws Exception {
        try (Admin admin = cluster.admin()) {
            Set<String> existing = admin.listTopics().names().get();
            for (String topic : RagFlow.TOPICS) {
                if (!existing.contains(topic)) {
                    cluster.createTopics(new NewTopic(topic, 3, (short) 1));
                }
            }
        }
        registry = SchemaRegistryServer.start();
        stack = new UiStack(KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).build(),
                registry.url(), 0, tokenTime, security);
        stack.ready().get(60, TimeUnit.SECONDS);
    }

    int port() {
        return stack.backend().port();
    }

    @Override
    public void close() throws Exception {
        try {
            stack.close();
        } finally {
            registry.close();
        }
    }
}
