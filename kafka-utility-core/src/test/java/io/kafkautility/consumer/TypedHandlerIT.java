package io.kafkautility.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.MessageHeaders;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The typed handler convenience and the consumed counter, on a real broker. */
@KafkaTest
class TypedHandlerIT {

    record DocumentDeleted(String documentId, String deletedAt) {
    }

    @Test
    void aTypedHandlerReceivesTheConvertedPayloadAndEveryReadRecordIsCounted(KafkaCluster cluster) {
        String topic = TopicNames.unique("typed");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<DocumentDeleted> got = new CopyOnWriteArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            f.pool.metrics().bindTo(registry);
            f.sendGood(topic, "doc-1").join();
            f.sendRaw(topic, "{not json");
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool)
                    .handler(MessageTypes.DOCUMENT_DELETED, MessageHandler.typed(mapper, DocumentDeleted.class,
                            (data, message, ctx) -> got.add(data)))
                    .build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> consumed(registry, "unknown") == 1);
                assertThat(got).containsExactly(new DocumentDeleted("doc-1", "2026-11-22T10:00:00Z"));
                assertThat(consumed(registry, MessageTypes.DOCUMENT_DELETED.name())).isEqualTo(1);
            }
        }
    }

    record StrictDocument(int documentId) {
    }

    @Test
    void aPayloadThatDoesNotConvertIsDeadLetteredWithoutItsValueInTheHeaders(KafkaCluster cluster) {
        String topic = TopicNames.unique("typed-bad");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<StrictDocument> got = new CopyOnWriteArrayList<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            f.sendGood(topic, "doc-secret-4711").join();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).maxAttempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(20))
                    .handler(MessageTypes.DOCUMENT_DELETED, MessageHandler.typed(new ObjectMapper(),
                            StrictDocument.class, (data, message, ctx) -> got.add(data)))
                    .build()).start()) {
                List<ConsumerRecord<byte[], byte[]>> dead = f.read(topic + ".DLT", 1);
                ConsumerRecord<byte[], byte[]> r = dead.get(0);
                assertThat(ConsumerFixture.header(r, MessageHeaders.DLT_REASON)).isEqualTo("NON_RETRYABLE");
                assertThat(ConsumerFixture.header(r, MessageHeaders.DLT_ATTEMPTS)).as("not retried").isEqualTo("1");
                assertThat(ConsumerFixture.header(r, MessageHeaders.DLT_EXCEPTION_CLASS))
                        .isEqualTo(PayloadConversionException.class.getName());
                assertThat(ConsumerFixture.header(r, MessageHeaders.DLT_EXCEPTION_MESSAGE))
                        .contains("/documentId", StrictDocument.class.getName()).doesNotContain("4711");
                assertThat(got).isEmpty();
            }
        }
    }

    private static double consumed(MeterRegistry registry, String type) {
        return registry.find(MetricNames.CONSUMER_CONSUMED).tag(MetricNames.TAG_TYPE, type).counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
