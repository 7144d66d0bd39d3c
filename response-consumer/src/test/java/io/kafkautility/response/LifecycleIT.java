package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.Lifecycle;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.testkit.registry.SchemaRegistryServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The four long-running parts speak one lifecycle ({@link Lifecycle}) on a real broker: start (again is harmless),
 * ready, health UP while running, close; after close not running, health DOWN, ready() failed, start() refused.
 */
@KafkaTest
class LifecycleIT {

    @Test
    void messageConsumerResponderRequestReplyClientAndResponseConsumerShareOneLifecycle(KafkaCluster cluster)
            throws Exception {
        String events = TopicNames.unique("lifecycle-events");
        String requests = TopicNames.unique("lifecycle-requests");
        String respostas = TopicNames.unique("lifecycle-respostas");
        cluster.createTopic(events, 2, (short) 1);
        cluster.createTopic(requests, 2, (short) 1);
        cluster.createTopic(respostas, 2, (short) 1);
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        try (SchemaRegistryServer registry = SchemaRegistryServer.start()) {
            Map<String, Supplier<Lifecycle>> parts = new LinkedHashMap<>();
            parts.put("MessageConsumer", () -> MessageConsumer.create(ConsumerOptions.builder(connection,
                    TopicNames.unique("g"), events).handler("rag.test", (m, c) -> { }).build()));
            parts.put("Responder", () -> Responder.create(ResponderOptions.builder(List.of(requests),
                    TopicNames.unique("g"), PayloadCodec.utf8(), PayloadCodec.utf8()).connection(connection).build(),
                    (q, c) -> CompletableFuture.completedFuture(q)));
            parts.put("RequestReplyClient", () -> RequestReplyClient.create(RequestReplyOptions.builder(requests,
                    PayloadCodec.utf8(), PayloadCodec.utf8()).connection(connection).build()));
            parts.put("KafkaResponseConsumer", () -> KafkaResponseConsumer.create(ResponseConsumerOptions.builder()
                    .connection(connection).topic(respostas).groupId(TopicNames.unique("ui"))
                    .schemaRegistry(io.kafkautility.avro.SchemaRegistryOptions.builder(registry.url()).build())
                    .build(), (r, at) -> { }));
            for (Map.Entry<String, Supplier<Lifecycle>> e : parts.entrySet()) {
                String name = e.getKey();
                Lifecycle part = e.getValue().get();
                try {
                    assertThat(part.start()).as(name).isSameAs(part);
                    assertThat(part.start()).as(name + " started again").isSameAs(part);
                    part.ready().get(60, TimeUnit.SECONDS);
                    assertThat(part.isRunning()).as(name).isTrue();
                    assertThat(part.health().status()).as(name + " " + part.health()).isEqualTo(HealthStatus.UP);
                } finally {
                    part.close();
                }
                part.close(); // idempotent
                assertThat(part.isRunning()).as(name + " after close").isFalse();
                assertThat(part.health().status()).as(name + " after close").isEqualTo(HealthStatus.DOWN);
                assertThat(part.ready()).as(name + " ready after close")
                        .failsWithin(Duration.ofSeconds(1));
                assertThatThrownBy(part::start).as(name + " start after close")
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            }
            System.out.printf("LIFECYCLE %d parts: start, start again, ready, UP, close, DOWN, ready failed, "
                    + "start refused%n", parts.size());
        }
    }

    @Test
    void aConsumerNotStartedYetIsDownAndNotReady(KafkaCluster cluster) {
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection, "g", "t")
                .handler("rag.test", (m, c) -> { }).build())) {
            assertThat(consumer.isRunning()).isFalse();
            assertThat(consumer.health().status()).isEqualTo(HealthStatus.DOWN);
            assertThat(consumer.health().reasons()).contains("not started");
            assertThat(consumer.ready()).isNotDone();
        }
    }
}
