package io.kafkautility.consumer;

import io.kafkautility.MessageHeaders;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kafkautility.consumer.ConsumerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaTest
class MessageConsumerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final List<String> DLT_HEADERS = List.of(MessageHeaders.DLT_REASON,
            MessageHeaders.DLT_EXCEPTION_CLASS, MessageHeaders.DLT_EXCEPTION_MESSAGE, MessageHeaders.DLT_ORIGINAL_TOPIC,
            MessageHeaders.DLT_ORIGINAL_PARTITION, MessageHeaders.DLT_ORIGINAL_OFFSET,
            MessageHeaders.DLT_ORIGINAL_TIMESTAMP, MessageHeaders.DLT_ATTEMPTS, MessageHeaders.DLT_FAILED_AT);

    @Test
    void poisonPillsGoToTheDeadLetterTopicAndGoodMessagesAroundThemAreProcessed(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("poison");
        cluster.createTopics(topic, topic + ".DLT");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> processed = new CopyOnWriteArrayList<>();
        ConsumerOptions options = options(cluster, topic).meterRegistry(registry)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> processed.add(e.id())).build();
        Envelope schemaInvalid = Envelope.builder().id("bad-schema").source(TestData.SOURCE)
                .messageType(MessageTypes.DOCUMENT_PROCESSED).data(TestData.json("{\"documentId\":42}")).build();
        String hostile = "[".repeat(10_000) + "]".repeat(10_000);
        try (KafkaProducer<byte[], byte[]> p = producer(cluster)) {
            p.send(record(topic, good("good-1"))).get();
            p.send(raw(topic, "{not json")).get();
            p.send(record(topic, schemaInvalid)).get();
            p.send(raw(topic, hostile)).get();
            p.send(record(topic, good("good-2"))).get();
        }
        try (MessageConsumer consumer = MessageConsumer.create(options)) {
            await().atMost(DEADLINE).until(() -> processed.size() == 2);
            assertThat(processed).containsExactly("good-1", "good-2");
            List<ConsumerRecord<byte[], byte[]>> dlt = readAll(cluster, topic + ".DLT", 3, DEADLINE);
            assertThat(dlt).hasSize(3);
            assertThat(dlt).extracting(r -> header(r, MessageHeaders.DLT_REASON))
                    .containsExactly("INVALID_JSON", "SCHEMA_VIOLATION", "LIMITS_EXCEEDED");
            assertThat(dlt).extracting(r -> header(r, MessageHeaders.DLT_ORIGINAL_OFFSET))
                    .containsExactly("1", "2", "3");
            for (ConsumerRecord<byte[], byte[]> r : dlt) {
                for (String h : DLT_HEADERS) {
                    assertThat(headers(r, h)).as(h).hasSize(1);
                }
                assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
                assertThat(header(r, MessageHeaders.DLT_EXCEPTION_MESSAGE)).doesNotContain("[[[[", "not json");
                assertThat(header(r, MessageHeaders.DLT_EXCEPTION_CLASS)).endsWith("MessageValidationException");
            }
            assertThat(new String(dlt.get(0).value())).isEqualTo("{not json");
            await().atMost(DEADLINE).until(() -> committed(cluster, options.groupId(), new TopicPartition(topic, 0)) == 5);
            assertThat(consumer.isRunning()).isTrue();
            assertThat(count(registry, MetricNames.MESSAGES_DEAD_LETTERED)).isEqualTo(3);
            assertThat(count(registry, MetricNames.VALIDATION_FAILURES)).isEqualTo(3);
            assertThat(count(registry, MetricNames.MESSAGES_PROCESSED, MetricNames.TAG_OUTCOME,
                    MetricNames.OUTCOME_SUCCESS)).isEqualTo(2);
            assertThat(count(registry, MetricNames.MESSAGES_CONSUMED)).isEqualTo(5);
            assertThat(registry.find(MetricNames.END_TO_END_LATENCY).timer()).isNotNull();
        }
    }

    @Test
    void failingHandlerIsRetriedThenDeadLettered(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("retry");
        cluster.createTopics(topic, topic + ".DLT");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<String> succeeded = new CopyOnWriteArrayList<>();
        ConsumerOptions options = options(cluster, topic).meterRegistry(registry).maxAttempts(3)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> {
                    int n = calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    assertThat(ctx.attempt()).isEqualTo(n);
                    if (e.id().equals("always") || n <= 2) {
                        throw new IllegalStateException("boom " + n);
                    }
                    succeeded.add(e.id());
                }).build();
        try (KafkaProducer<byte[], byte[]> p = producer(cluster)) {
            p.send(record(topic, good("twice"))).get();
            p.send(record(topic, good("always"))).get();
        }
        try (MessageConsumer consumer = MessageConsumer.create(options)) {
            List<ConsumerRecord<byte[], byte[]>> dlt = readAll(cluster, topic + ".DLT", 1, DEADLINE);
            assertThat(dlt).hasSize(1);
            ConsumerRecord<byte[], byte[]> r = dlt.get(0);
            assertThat(header(r, MessageHeaders.DLT_REASON)).isEqualTo("HANDLER_FAILED");
            assertThat(header(r, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("3");
            assertThat(header(r, MessageHeaders.DLT_EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
            assertThat(header(r, MessageHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("boom 3");
            assertThat(header(r, MessageHeaders.MESSAGE_ID)).isEqualTo("always");
            await().atMost(DEADLINE).until(() -> committed(cluster, options.groupId(), new TopicPartition(topic, 0)) == 2);
            assertThat(succeeded).containsExactly("twice");
            assertThat(calls.get("twice")).hasValue(3);
            assertThat(calls.get("always")).hasValue(3);
            assertThat(count(registry, MetricNames.CONSUMER_RETRIES)).isEqualTo(4);
            assertThat(consumer.isRunning()).isTrue();
        }
    }

    @Test
    void deadLetteredRecordFailingAgainKeepsOneSetOfDeadLetterHeaders(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("again");
        cluster.createTopics(topic, topic + ".DLT", topic + ".DLT.DLT");
        ConsumerOptions options = options(cluster, topic, topic + ".DLT").maxAttempts(1)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> {
                    throw new IllegalArgumentException("fails on " + ctx.topic());
                }).build();
        try (KafkaProducer<byte[], byte[]> p = producer(cluster)) {
            p.send(record(topic, good("twice-dead"))).get();
        }
        try (MessageConsumer consumer = MessageConsumer.create(options)) {
            List<ConsumerRecord<byte[], byte[]>> dlt2 = readAll(cluster, topic + ".DLT.DLT", 1, DEADLINE);
            assertThat(dlt2).hasSize(1);
            ConsumerRecord<byte[], byte[]> r = dlt2.get(0);
            for (String h : DLT_HEADERS) {
                assertThat(headers(r, h)).as(h).hasSize(1);
            }
            assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic + ".DLT");
            assertThat(header(r, MessageHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("fails on " + topic + ".DLT");
            assertThat(header(r, MessageHeaders.MESSAGE_ID)).isEqualTo("twice-dead");
            assertThat(consumer.isRunning()).isTrue();
        }
    }

    @Test
    void failedDeadLetterPublishHoldsTheOffsetUntilTheTopicExists(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("dltmissing");
        cluster.createTopics(topic);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> processed = new CopyOnWriteArrayList<>();
        ConsumerOptions options = options(cluster, topic).meterRegistry(registry)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .deadLetterProducerProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> processed.add(e.id())).build();
        try (KafkaProducer<byte[], byte[]> p = producer(cluster)) {
            p.send(raw(topic, "not json at all")).get();
            p.send(record(topic, good("after"))).get();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (MessageConsumer consumer = MessageConsumer.create(options)) {
            await().atMost(DEADLINE).until(() -> count(registry, MetricNames.DEAD_LETTER_PUBLISH_FAILURES) >= 3);
            assertThat(committed(cluster, options.groupId(), tp)).isLessThanOrEqualTo(0);
            assertThat(processed).isEmpty();
            cluster.createTopics(topic + ".DLT");
            await().atMost(DEADLINE).until(() -> processed.size() == 1);
            await().atMost(DEADLINE).until(() -> committed(cluster, options.groupId(), tp) == 2);
            List<ConsumerRecord<byte[], byte[]>> dlt = readAll(cluster, topic + ".DLT", 1, DEADLINE);
            assertThat(dlt).isNotEmpty();
            assertThat(header(dlt.get(0), MessageHeaders.DLT_REASON)).isEqualTo("INVALID_JSON");
            assertThat(consumer.isRunning()).isTrue();
        }
    }
}
