package io.kafkautility.examples;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Runs the chat UI backend ({@code mvn -B -Pui -DskipTests package}, then open http://localhost:8080): on the
 * cluster of {@code KAFKA_BOOTSTRAP_SERVERS} when set, else an in-JVM broker and registry. Port from {@code UI_PORT};
 * {@code UI_INSTANCES=n} starts {@code n} backend instances side by side, on that port and from that port + 10 on
 * (as replicas behind a load balancer run: ask on one, open the page on another, the answer goes on).
 * Runs until stopped: on SIGTERM or Ctrl-C (e.g. {@code docker stop}) a shutdown hook closes the UI stack (the
 * response consumer and the LLM service commit what they processed and leave their groups) before the JVM exits.
 */
public final class UiDemo {

    /** How long the shutdown hook waits for the stack to close. */
    private static final long CLOSE_WAIT_SECONDS = 30;

    private UiDemo() {
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                if (!stopped.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    System.err.println("UI stack did not stop within " + CLOSE_WAIT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ui-demo-shutdown"));
        try {
            run(stop);
        } finally {
            stopped.countDown();
        }
    }

    private static void run(CountDownLatch stop) throws Exception {
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
            String registryAt = registry != null ? registry.url() : registryUrl;
            // every instance signs and checks session tokens with the same keys
            io.kafkautility.response.SessionKeys keys = UiBackend.demoKeys();
            UiStack stack = new UiStack(connection, registryAt, port, keys);
            int instances = Integer.parseInt(System.getenv().getOrDefault("UI_INSTANCES", "1"));
            java.util.List<UiBackend> more = new java.util.ArrayList<>();
            KafkaClientPool pool = KafkaClientPool.create(); // the further instances' (the first has its own)
            long stopping;
            try {
                for (int i = 1; i < instances; i++) {
                    more.add(new UiBackend(connection, pool, registryAt, port == 0 ? 0 : port + 9 + i,
                            "rag-flink-ui-group", keys, question -> java.util.List.of(new io.kafkautility.rag.ContextChunk(
                            "doc-kafka#0", "doc-kafka", UiStack.DOCUMENT, 1.0))));
                }
                stack.ready().join();
                System.out.println("chat UI on http://localhost:" + stack.backend().port() + "/ (Ctrl-C to stop)");
                for (UiBackend b : more) {
                    b.ready().join();
                    System.out.println("chat UI instance on http://localhost:" + b.port() + "/");
                }
                stop.await();
            } finally {
                stopping = System.nanoTime();
                for (UiBackend b : more) {
                    b.close();
                }
                pool.close();
                stack.close();
            }
            System.out.println("UI stack stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)
                    + " ms: consumers committed and left their groups");
        }
    }
}
