package io.kafkautility.consumer;

import static io.kafkautility.consumer.ConsumerFixture.envelope;
import static io.kafkautility.consumer.ConsumerFixture.header;
import static io.kafkautility.consumer.ConsumerFixture.headerCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The consumer's at-least-once processing, retries and dead-letter topic on a real broker. */
@KafkaTest
class MessageConsumerIT {

    @Test
    void badRecordsBetweenTwoGoodOnesGoToTheDeadLetterTopicAndTheConsumerGoesOn(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("bad-input");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            f.sendGood(topic, "good-1").join();
            f.sendRaw(topic, "{not json");
            f.sendRaw(topic, envelope("rag.document.deleted", "{\"documentId\":\"x\"}")); // deletedAt missing
            f.sendRaw(topic, envelope("rag.document.deleted", "[".repeat(10_000) + "]".repeat(10_000)));
            f.sendGood(topic, "good-2").join();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> handled.add(m.data().get("documentId")
                            .asText()))
                    .build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 2);
                assertThat(handled).containsExactly("good-1", "good-2");
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 5);
                assertThat(consumer.isRunning()).isTrue();
                List<ConsumerRecord<byte[], byte[]>> dead = f.read(topic + ".DLT", 3);
                assertThat(dead).extracting(r -> header(r, MessageHeaders.DLT_REASON))
                        .containsExactly("INVALID_JSON", "SCHEMA_VIOLATION", "LIMITS_EXCEEDED");
                for (ConsumerRecord<byte[], byte[]> r : dead) {
                    assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
                    assertThat(header(r, MessageHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("0");
                    assertThat(header(r, MessageHeaders.DLT_ORIGINAL_OFFSET)).isIn("1", "2", "3");
                    assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TIMESTAMP)).matches("\\d+");
                    assertThat(header(r, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("0");
                    assertThat(header(r, MessageHeaders.DLT_FAILED_AT)).isNotBlank();
                    assertThat(header(r, MessageHeaders.DLT_EXCEPTION_CLASS)).isNotBlank();
                    assertThat(header(r, MessageHeaders.DLT_EXCEPTION_MESSAGE)).doesNotContain("[[[[", "{not json");
                }
                // a good record after the bad ones is still processed
                f.sendGood(topic, "good-3").join();
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("good-3"));
            }
        }
    }

    @Test
    void aFailingHandlerIsRetriedThenDeadLetteredAndFailingAgainReplacesTheHeaders(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("retries");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        cluster.createTopic(topic + ".DLT.DLT", 1, (short) 1);
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<String> processed = new CopyOnWriteArrayList<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            f.sendGood(topic, "flaky").join();
            f.sendGood(topic, "broken").join();
            MessageHandler handler = (m, ctx) -> {
                String id = m.data().get("documentId").asText();
                int n = attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                assertThat(ctx.attempt()).isEqualTo(n);
                if (id.equals("broken") || n < 3) {
                    throw new IllegalStateException("attempt " + n + " of " + id + " failed");
                }
                processed.add(id);
            };
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).maxAttempts(4).backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                    .handler(MessageTypes.DOCUMENT_DELETED, handler).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 2);
            }
            assertThat(processed).containsExactly("flaky");
            assertThat(attempts.get("flaky")).hasValue(3);
            assertThat(attempts.get("broken")).hasValue(4);
            ConsumerRecord<byte[], byte[]> dead = f.read(topic + ".DLT", 1).get(0);
            assertThat(header(dead, MessageHeaders.DLT_REASON)).isEqualTo("HANDLER_FAILED");
            assertThat(header(dead, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("4");
            assertThat(header(dead, MessageHeaders.DLT_EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class
                    .getName());
            assertThat(header(dead, MessageHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("attempt 4 of broken failed");

            // a consumer of the dead-letter topic fails again: one set of ku_dlt_* headers, the new ones
            String dltGroup = TopicNames.unique("dlt-group");
            try (MessageConsumer again = MessageConsumer.create(ConsumerOptions.builder(f.connection, dltGroup,
                    topic + ".DLT").pool(f.pool).maxAttempts(1)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                        throw new UnsupportedOperationException("still broken");
                    }).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(dltGroup, topic + ".DLT", 0) == 1);
            }
            ConsumerRecord<byte[], byte[]> twice = f.read(topic + ".DLT.DLT", 1).get(0);
            for (String h : List.of(MessageHeaders.DLT_REASON, MessageHeaders.DLT_EXCEPTION_CLASS,
                    MessageHeaders.DLT_EXCEPTION_MESSAGE, MessageHeaders.DLT_ORIGINAL_TOPIC,
                    MessageHeaders.DLT_ORIGINAL_OFFSET, MessageHeaders.DLT_ATTEMPTS, MessageHeaders.DLT_FAILED_AT)) {
                assertThat(headerCount(twice, h)).as(h).isEqualTo(1);
            }
            assertThat(header(twice, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic + ".DLT");
            assertThat(header(twice, MessageHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("still broken");
            assertThat(header(twice, MessageHeaders.MESSAGE_ID)).isEqualTo(header(dead, MessageHeaders.MESSAGE_ID));
        }
    }

    @Test
    void whenTheDeadLetterTopicIsUnavailableTheOffsetIsHeldBackUntilItIs(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("dlt-down");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            f.sendGood(topic, "before").join();
            f.sendRaw(topic, "{not json");
            f.sendGood(topic, "after").join();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).deadLetterMaxBlock(Duration.ofMillis(300))
                    .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> handled.add(m.data().get("documentId")
                            .asText())).build()).start()) {
                // the DLT topic does not exist and auto-creation is off: the bad record can't be dead-lettered
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 1);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> f.committed(group, topic, 0) == 1 && handled.equals(List.of("before")));
                cluster.createTopic(topic + ".DLT", 1, (short) 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 3);
                assertThat(handled).containsExactly("before", "after");
                assertThat(f.read(topic + ".DLT", 1)).hasSize(1);
            }
        }
    }

    @Test
    void aDuplicateDeliveryOfTheSameMessageIdIsSkippedWhenDeduplicating(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("dedup");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            String same = envelope("rag.document.deleted",
                    "{\"documentId\":\"d-1\",\"deletedAt\":\"2026-11-22T10:00:00Z\"}");
            f.sendRaw(topic, same);
            f.sendRaw(topic, same);
            f.sendGood(topic, "d-2").join();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).dedupWindow(1000)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> handled.add(m.id())).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 3);
            }
            assertThat(handled).hasSize(2).doesNotHaveDuplicates();
        }
    }
}
