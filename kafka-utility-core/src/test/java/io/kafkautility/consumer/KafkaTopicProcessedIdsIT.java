package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.kafkautility.internal.consumer.KafkaTopicProcessedIds;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcessedIds#kafkaTopic}: ids finished by one member are skipped by another member on another host (its own
 * store, sharing nothing but the topic), live stores see each other's ids, a missing topic is a configuration error,
 * and records on the ids topic that are not ids cannot stop or confuse a reader.
 */
@KafkaTest
class KafkaTopicProcessedIdsIT {

    private static final Duration LOOK_BACK = Duration.ofHours(1);

    private static String idsTopic(KafkaCluster cluster) {
        String topic = TopicNames.unique("processed-ids");
        cluster.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "delete",
                "retention.ms", Long.toString(Duration.ofDays(7).toMillis())))));
        return topic;
    }

    @Test
    void aMemberOnAnotherHostSkipsWhatADeadMemberFinished(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("dedup-shared");
        cluster.createTopic(topic, 3, (short) 1);
        String ids = idsTopic(cluster);
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                sends.add(f.sendGood(topic, "doc-" + i));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            // member A finishes all 50 and goes away; member B, with its own store (another host: no shared file),
            // then reads everything again, as a member does that takes over partitions whose commits were lost
            for (String member : List.of("a", "b")) {
                try (ProcessedIds store = ProcessedIds.kafkaTopic(f.connection, ids, 10_000, LOOK_BACK);
                     MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection,
                                     TopicNames.unique("g-" + member), topic).pool(f.pool).processedIds(store)
                             .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> handled.merge(m.id(), 1, Integer::sum))
                             .build()).start()) {
                    consumer.ready().get(60, TimeUnit.SECONDS);
                    if (member.equals("a")) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.completedCount() == 50);
                    } else {
                        for (int i = 50; i < 60; i++) {
                            f.sendGood(topic, "doc-" + i).get(30, TimeUnit.SECONDS);
                        }
                        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.completedCount() == 60);
                    }
                }
            }
            assertThat(f.pool.metrics().registry().get(MetricNames.PROCESSED_IDS_WRITE_FAILURES)
                    .tag(MetricNames.TAG_TOPIC, ids).functionCounter().count())
                    .as("each consumer bound its store's meters to its registry").isZero();
        }
        long duplicates = handled.values().stream().mapToInt(n -> n - 1).sum();
        long lost = 60 - handled.size();
        System.out.printf("LEDGER processed-ids-topic produced=60 acked=60 consumed=%d lost=%d duplicates=%d%n",
                handled.values().stream().mapToInt(Integer::intValue).sum(), lost, duplicates);
        assertThat(lost).isZero();
        assertThat(duplicates).as("member B skipped the 50 that member A finished").isZero();
    }

    @Test
    void liveStoresSeeEachOthersIdsAndRememberOnlyTheirCapacity(KafkaCluster cluster) throws Exception {
        String ids = idsTopic(cluster);
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers());
             ProcessedIds a = ProcessedIds.kafkaTopic(f.connection, ids, 1_000, LOOK_BACK);
             ProcessedIds b = ProcessedIds.kafkaTopic(f.connection, ids, 1_000, LOOK_BACK)) {
            for (int i = 0; i < 20; i++) {
                a.add("svc-a", "id-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> b.contains("svc-a", "id-19"));
            for (int i = 0; i < 20; i++) {
                assertThat(b.contains("svc-a", "id-" + i)).as("id-%d", i).isTrue();
            }
            assertThat(b.contains("svc-b", "id-1")).as("another source's id-1 is another message").isFalse();
            b.add("svc-b", "id-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> a.contains("svc-b", "id-1"));
            try (ProcessedIds small = ProcessedIds.kafkaTopic(f.connection, ids, 5, LOOK_BACK)) {
                // read up to the end before it returns, each of the 3 partitions' newest ids, no more than its capacity
                assertThat(small.contains("svc-b", "id-1")).as("the newest id").isTrue();
                assertThat(((KafkaTopicProcessedIds) small).size()).isBetween(1, 5);
            }
            assertThat(((KafkaTopicProcessedIds) a).writeFailures()).isZero();
        }
    }

    @Test
    void idsThatCannotBeWrittenAreRememberedHereAndCountedOnTheRegistry(KafkaCluster cluster) throws Exception {
        String ids = idsTopic(cluster);
        // a short delivery timeout, so a write to a topic that is gone fails in seconds rather than two minutes
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .kafkaProperty("request.timeout.ms", 1_000).kafkaProperty("delivery.timeout.ms", 2_000).build();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProcessedIds store = ProcessedIds.kafkaTopic(connection, ids, 100, LOOK_BACK);
             org.apache.kafka.clients.admin.Admin admin = cluster.admin()) {
            store.bindTo(registry);
            store.bindTo(registry); // a second consumer on the same registry registers nothing new
            store.add("svc", "written");
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                ends.put(new org.apache.kafka.common.TopicPartition(ids, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.listOffsets(ends).all().get().values()
                    .stream().mapToLong(o -> o.offset()).sum() == 1);
            assertThat(writeFailures(registry, ids)).isZero();

            admin.deleteTopics(List.of(ids)).all().get(30, TimeUnit.SECONDS);
            store.add("svc", "not-written");
            await().atMost(Duration.ofSeconds(60)).until(() -> writeFailures(registry, ids) >= 1);
            assertThat(((KafkaTopicProcessedIds) store).writeFailures()).isEqualTo((long) writeFailures(registry, ids));
            assertThat(store.contains("svc", "not-written")).as("remembered by this process").isTrue();
            assertThat(registry.find(MetricNames.PROCESSED_IDS_WRITE_FAILURES).functionCounters()).hasSize(1);
        }
    }

    private static double writeFailures(SimpleMeterRegistry registry, String topic) {
        return registry.get(MetricNames.PROCESSED_IDS_WRITE_FAILURES).tag(MetricNames.TAG_TOPIC, topic)
                .functionCounter().count();
    }

    @Test
    void aMissingTopicIsAConfigurationErrorAndRecordsThatAreNotIdsAreSkipped(KafkaCluster cluster) throws Exception {
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            String missing = TopicNames.unique("no-such-ids");
            assertTimeoutPreemptively(Duration.ofSeconds(90), () -> assertThatThrownBy(() ->
                    ProcessedIds.kafkaTopic(f.connection, missing, 10, LOOK_BACK))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(missing).hasMessageContaining("does not exist"));
            assertThatThrownBy(() -> ProcessedIds.kafkaTopic(f.connection, " ", 10, LOOK_BACK))
                    .isInstanceOf(ConfigurationException.class);
            assertThatThrownBy(() -> ProcessedIds.kafkaTopic(f.connection, missing, 10, Duration.ZERO))
                    .isInstanceOf(ConfigurationException.class);

            String ids = idsTopic(cluster);
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                    cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(ids, null, "no key".getBytes(StandardCharsets.UTF_8))).get();
                raw.send(new ProducerRecord<>(ids, new byte[0], null)).get();
                raw.send(new ProducerRecord<>(ids, new byte[100_000], new byte[10])).get();
                raw.send(new ProducerRecord<>(ids, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1}, null)).get();
            }
            try (ProcessedIds a = ProcessedIds.kafkaTopic(f.connection, ids, 100, LOOK_BACK)) {
                a.add("svc", "after-the-garbage");
            }
            try (ProcessedIds b = ProcessedIds.kafkaTopic(f.connection, ids, 100, LOOK_BACK)) {
                KafkaTopicProcessedIds store = (KafkaTopicProcessedIds) b;
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                b.bindTo(registry);
                assertThat(registry.get(MetricNames.PROCESSED_IDS_SKIPPED).tag(MetricNames.TAG_TOPIC, ids)
                        .functionCounter().count()).isEqualTo(3.0);
                assertThat(b.contains("svc", "after-the-garbage")).isTrue();
                assertThat(store.skippedRecords()).as("no key, an empty key, a 100 KB key").isEqualTo(3);
                assertThat(store.isReading()).isTrue();
                assertThat(store.size()).as("the binary key is remembered, harmlessly, as a key no id has").isEqualTo(2);
            }
        }
    }
}
