package io.kafkautility.consumer;

import static io.kafkautility.consumer.ConsumerFixture.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the consumer treats failures, on a real broker: non-retryable failures dead-lettered at once, non-blocking retry
 * topics (the partition goes on, due times enforced by pausing, hostile due headers capped), deduplication across a
 * restart, and a replayed record handled again.
 */
@KafkaTest
class FailureHandlingIT {

    /** A domain failure the service declares non-retryable. */
    static final class NotFoundException extends RuntimeException {
        NotFoundException(String message) {
            super(message);
        }
    }

    @TempDir
    Path dir;

    @Test
    void aNonRetryableFailureIsDeadLetteredAtOnceAndThePartitionGoesOn(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("noretry");
        cluster.createTopics(topic, topic + ".DLT");
        Map<String, Long> handledAt = new ConcurrentHashMap<>();
        Map<String, Long> failedAt = new ConcurrentHashMap<>();
        Map<String, Long> failedWall = new ConcurrentHashMap<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (String id : List.of("missing", "after-missing", "bad-cast", "after-cast", "retried", "last")) {
                f.sendGood(topic, id).get(30, TimeUnit.SECONDS);
            }
            AtomicInteger retriedAttempts = new AtomicInteger();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection,
                            TopicNames.unique("g"), topic).pool(f.pool)
                    .maxAttempts(5).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1))
                    .noRetryOn(NotFoundException.class)
                    .handler(io.kafkautility.message.MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                        String id = m.data().path("documentId").asText();
                        switch (id) {
                            case "missing" -> {
                                failedAt.put(id, System.nanoTime());
                                failedWall.put(id, System.currentTimeMillis());
                                throw new IllegalStateException("lookup failed", new NotFoundException("no doc"));
                            }
                            case "bad-cast" -> {
                                failedAt.put(id, System.nanoTime());
                                Object o = "text";
                                handledAt.put("never", ((Integer) o).longValue());
                            }
                            case "retried" -> {
                                if (retriedAttempts.incrementAndGet() < 2) {
                                    throw new IllegalStateException("downstream busy");
                                }
                            }
                            default -> { }
                        }
                        handledAt.put(id, System.nanoTime());
                    }).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handledAt.containsKey("last"));
            }
            long afterMissing = TimeUnit.NANOSECONDS.toMillis(handledAt.get("after-missing") - failedAt.get("missing"));
            long afterCast = TimeUnit.NANOSECONDS.toMillis(handledAt.get("after-cast") - failedAt.get("bad-cast"));
            System.out.printf("NON-RETRYABLE next record handled %d ms (cause NotFoundException) and %d ms "
                    + "(ClassCastException) after the failure; with maxAttempts=5 and 1 s backoff%n", afterMissing,
                    afterCast);
            assertThat(afterMissing).isLessThan(200);
            assertThat(afterCast).isLessThan(200);
            assertThat(retriedAttempts.get()).as("a retryable failure is still retried").isEqualTo(2);

            List<ConsumerRecord<byte[], byte[]>> dead = f.read(topic + ".DLT", 2);
            assertThat(dead).hasSize(2).allSatisfy(r -> {
                assertThat(header(r, MessageHeaders.DLT_REASON)).isEqualTo("NON_RETRYABLE");
                assertThat(header(r, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("1");
            });
            assertThat(header(dead.get(0), MessageHeaders.DLT_EXCEPTION_CLASS))
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(header(dead.get(1), MessageHeaders.DLT_EXCEPTION_CLASS))
                    .isEqualTo(ClassCastException.class.getName());
            long dltLatency = dead.get(0).timestamp() - failedWall.get("missing");
            System.out.printf("NON-RETRYABLE dead-letter record written %d ms after the failure%n", dltLatency);
            assertThat(dltLatency).isBetween(0L, 200L);
        }
    }

    @Test
    void retryTopicsLetThePartitionGoOnAndHandleTheRecordWhenDue(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("retrying");
        cluster.createTopic(topic, 2, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        Map<String, List<Long>> attempts = new ConcurrentHashMap<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection,
                             TopicNames.unique("g"), topic).pool(f.pool)
                     .retryTopics(Duration.ofSeconds(1), Duration.ofSeconds(2))
                     .handler(io.kafkautility.message.MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                         String id = m.data().path("documentId").asText();
                         attempts.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
                         if (id.startsWith("flaky") && c.attempt() < 3) {
                             throw new IllegalStateException("downstream unavailable");
                         }
                         if (id.startsWith("broken")) {
                             throw new IllegalStateException("always fails");
                         }
                         handled.add(id);
                     }).build())) {
            consumer.start().ready().get(60, TimeUnit.SECONDS);
            try (Admin admin = cluster.admin()) {
                assertThat(admin.describeTopics(List.of(topic + ".retry.1", topic + ".retry.2")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(2));
            }
            f.sendGood(topic, "flaky-1").get(30, TimeUnit.SECONDS);
            f.sendGood(topic, "broken-1").get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 40; i++) {
                f.sendGood(topic, "healthy-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.stream()
                    .filter(id -> id.startsWith("healthy")).count() == 40);
            assertThat(handled).as("every healthy record was handled before the flaky one was due again")
                    .doesNotContain("flaky-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("flaky-1"));
            List<Long> flaky = attempts.get("flaky-1");
            assertThat(flaky).hasSize(3);
            assertThat(flaky.get(1) - flaky.get(0)).as("stage 1 delay").isGreaterThanOrEqualTo(1_000);
            assertThat(flaky.get(2) - flaky.get(1)).as("stage 2 delay").isGreaterThanOrEqualTo(2_000);
            System.out.printf("RETRY-TOPICS flaky record attempts at +0, +%d ms, +%d ms; 40 healthy records of its "
                    + "partition handled meanwhile%n", flaky.get(1) - flaky.get(0), flaky.get(2) - flaky.get(0));

            List<ConsumerRecord<byte[], byte[]>> dead = f.read(topic + ".DLT", 1);
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(header(r, MessageHeaders.DLT_REASON)).isEqualTo("HANDLER_FAILED");
                assertThat(header(r, MessageHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
                assertThat(header(r, MessageHeaders.DLT_ATTEMPTS)).isEqualTo("3");
                assertThat(Long.parseLong(header(r, MessageHeaders.DLT_ORIGINAL_OFFSET))).isGreaterThanOrEqualTo(0);
                assertThat(ConsumerFixture.headerCount(r, MessageHeaders.MESSAGE_ID)).isEqualTo(1);
            });
            assertThat(attempts.get("broken-1")).hasSize(3);
        }
    }

    @Test
    void hostileDueTimesInARetryTopicCannotFreezeItsPartition(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("hostile-due");
        cluster.createTopic(topic, 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        Map<String, Long> at = new ConcurrentHashMap<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection,
                             TopicNames.unique("g"), topic).pool(f.pool)
                     .retryTopics(Duration.ofSeconds(2))
                     .handler(io.kafkautility.message.MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                         String id = m.data().path("documentId").asText();
                         at.put(id, System.currentTimeMillis());
                         handled.add(id);
                     }).build());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                     cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.start().ready().get(60, TimeUnit.SECONDS);
            String retryTopic = topic + ".retry.1";
            long sent = System.currentTimeMillis();
            String[][] dues = {{"far-future", "99999999999999"}, {"garbage", "soon\u0000"}, {"negative", "-5"},
                    {"overflow", "99999999999999999999999"}};
            for (String[] due : dues) {
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(retryTopic, null,
                        ConsumerFixture.envelope("rag.document.deleted", "{\"documentId\":\"" + due[0]
                                + "\",\"deletedAt\":\"2026-11-22T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
                r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json".getBytes(
                        StandardCharsets.UTF_8));
                r.headers().add(MessageHeaders.RETRY_DUE, due[1].getBytes(StandardCharsets.UTF_8));
                raw.send(r).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 4);
            assertThat(handled).containsExactly("far-future", "garbage", "negative", "overflow");
            long farFuture = at.get("far-future") - sent;
            System.out.printf("HOSTILE-DUE a due time in the year 5138 held the partition %d ms (stage delay 2 s)%n",
                    farFuture);
            assertThat(farFuture).as("capped at the stage's delay").isLessThan(10_000);
        }
    }

    @Test
    void processedIdsInAFileSkipRedeliveriesAfterARestartButNotAReplay(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("dedup");
        cluster.createTopic(topic, 1, (short) 1);
        Path file = dir.resolve("processed-ids");
        AtomicInteger invocations = new AtomicInteger();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            List<java.util.concurrent.CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sends.add(f.sendGood(topic, "doc-" + i));
            }
            java.util.concurrent.CompletableFuture.allOf(sends.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            for (int round = 0; round < 2; round++) {
                // a new group each round reads everything again, as a member does after a crash before committing
                try (ProcessedIds ids = ProcessedIds.file(file, 10_000);
                     MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection,
                                     TopicNames.unique("g"), topic).pool(f.pool).processedIds(ids)
                             .handler(io.kafkautility.message.MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                                 invocations.incrementAndGet();
                                 seen.add(m.id() + "|" + c.headers().getOrDefault(MessageHeaders.REPLAY_ID, ""));
                             }).build()).start()) {
                    consumer.ready().get(60, TimeUnit.SECONDS);
                    if (round == 0) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> invocations.get() == 50);
                    } else {
                        // a replayed copy of one message (same envelope id, a replay id) is a new message
                        ConsumerRecord<byte[], byte[]> first = f.read(topic, 1).get(0);
                        ProducerRecord<byte[], byte[]> replay = new ProducerRecord<>(topic, null, first.key(),
                                first.value(), first.headers());
                        replay.headers().add(MessageHeaders.REPLAY_ID, (topic + ".DLT:0:7").getBytes(
                                StandardCharsets.UTF_8));
                        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                                cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                            raw.send(replay).get(30, TimeUnit.SECONDS);
                        }
                        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.completedCount() == 51);
                    }
                }
            }
        }
        System.out.printf("DEDUP handler invocations over two full reads of 50 messages + 1 replay: %d%n",
                invocations.get());
        assertThat(invocations.get()).isEqualTo(51);
        assertThat(seen).hasSize(51);
    }

    @Test
    void keyOrderedWorkersRunKeysConcurrentlyAndEachKeyInOrder(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("keyed");
        cluster.createTopic(topic, 1, (short) 1);
        int keys = 20;
        int perKey = 30;
        Map<String, List<Integer>> order = new ConcurrentHashMap<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        String group = TopicNames.unique("g");
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                     cluster.bootstrapServers(), "linger.ms", 5), new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            for (int i = 0; i < perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, ("key-" + k).getBytes(
                            StandardCharsets.UTF_8), ConsumerFixture.envelope("rag.document.deleted",
                            "{\"documentId\":\"key-" + k + "\",\"deletedAt\":\"2026-11-22T10:00:00Z\",\"reason\":\""
                                    + i + "\"}").getBytes(StandardCharsets.UTF_8));
                    r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json".getBytes(
                            StandardCharsets.UTF_8));
                    raw.send(r);
                }
            }
            raw.flush();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).keyOrderedConcurrency(8)
                    .handler(io.kafkautility.message.MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                        int now = running.incrementAndGet();
                        maxRunning.accumulateAndGet(now, Math::max);
                        Thread.sleep(2);
                        order.computeIfAbsent(m.data().path("documentId").asText(), k -> new CopyOnWriteArrayList<>())
                                .add(Integer.parseInt(m.data().path("reason").asText()));
                        running.decrementAndGet();
                    }).build()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.completedCount() == keys * perKey);
            }
            assertThat(order).hasSize(keys);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                expected.add(i);
            }
            order.forEach((key, seq) -> assertThat(seq).as("order of %s", key).isEqualTo(expected));
            System.out.printf("KEY-ORDERED 8 workers, %d keys x %d records: up to %d handlers at once, every key in "
                    + "order%n", keys, perKey, maxRunning.get());
            assertThat(maxRunning.get()).isGreaterThan(1);
            assertThat(f.committed(group, topic, 0)).as("everything committed on close").isEqualTo(keys * perKey);
        }
    }
}
