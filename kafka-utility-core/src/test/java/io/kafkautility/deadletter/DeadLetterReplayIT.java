package io.kafkautility.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.KafkaUtilityException;
import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.NonRetryableException;
import io.kafkautility.consumer.ProcessedIds;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter replay on a real broker: a consumer dead-letters what it cannot handle yet; after the "fix" a dry run
 * counts, a replay re-publishes by reason (envelope ids kept, replay ids added) and the consumer handles the records,
 * a second replay re-publishes nothing, and a record whose headers name a topic it does not belong to is refused.
 */
@KafkaTest
class DeadLetterReplayIT {

    @Test
    void replaysBySelectionOnceAndOnlyWhereAllowed(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("replay");
        String dlt = topic + ".DLT";
        cluster.createTopics(topic, dlt);
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers())
                .build();
        AtomicBoolean fixed = new AtomicBoolean();
        Map<String, Integer> handled = new ConcurrentHashMap<>();
        Set<String> replayIds = ConcurrentHashMap.newKeySet();
        ObjectMapper json = new ObjectMapper();
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(kafka).source("replay-it").build());
             ProcessedIds ids = ProcessedIds.inMemory(10_000);
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(kafka, TopicNames.unique("g"),
                             topic).pool(pool).processedIds(ids).maxAttempts(2)
                     .backoff(Duration.ofMillis(10), Duration.ofMillis(10))
                     .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                         String id = m.data().path("documentId").asText();
                         if (!fixed.get() && id.startsWith("missing")) {
                             throw new NonRetryableException("document not indexed yet");
                         }
                         if (!fixed.get() && id.startsWith("flaky")) {
                             throw new IllegalStateException("index offline");
                         }
                         handled.merge(id, 1, Integer::sum);
                         if (c.headers().containsKey(MessageHeaders.REPLAY_ID)) {
                             replayIds.add(c.headers().get(MessageHeaders.REPLAY_ID));
                         }
                     }).build()).start()) {
            consumer.ready().get(60, TimeUnit.SECONDS);
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (String id : List.of("ok-1", "missing-1", "missing-2", "flaky-1", "ok-2", "missing-3")) {
                sends.add(producer.send(topic, id, MessageTypes.DOCUMENT_DELETED, json.createObjectNode()
                        .put("documentId", id).put("deletedAt", "2026-12-01T10:00:00Z")));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.completedCount() == 6);
            assertThat(handled.keySet()).containsExactlyInAnyOrder("ok-1", "ok-2");

            // a record written to the dead-letter topic by someone else, claiming to come from another topic
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of("bootstrap.servers",
                    cluster.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>(dlt, "k".getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8));
                forged.headers().add(MessageHeaders.DLT_REASON, "NON_RETRYABLE".getBytes(StandardCharsets.UTF_8));
                forged.headers().add(MessageHeaders.DLT_ORIGINAL_TOPIC, "payments".getBytes(StandardCharsets.UTF_8));
                raw.send(forged).get(30, TimeUnit.SECONDS);
            }

            try (DeadLetterReplay replay = DeadLetterReplay.create(DeadLetterReplayOptions.builder(kafka, dlt)
                    .build())) {
                DeadLetterSummary summary = replay.summarize();
                System.out.println("REPLAY summary " + summary);
                assertThat(summary.total()).isEqualTo(5);
                assertThat(summary.byReason()).containsEntry("NON_RETRYABLE", Map.of("<1h", 4L))
                        .containsEntry("HANDLER_FAILED", Map.of("<1h", 1L));

                fixed.set(true);
                ReplaySelection nonRetryable = ReplaySelection.builder().reason("NON_RETRYABLE").build();
                ReplayResult dry = replay.replay(ReplaySelection.builder().reason("NON_RETRYABLE").dryRun(true)
                        .build());
                assertThat(dry.selected()).isEqualTo(4);
                assertThat(dry.replayed()).isZero();
                assertThat(dry.refused()).as("the forged record names a topic it does not belong to").isEqualTo(1);
                assertThat(dry.replayIds()).hasSize(3);

                ReplayResult first = replay.replay(nonRetryable);
                System.out.println("REPLAY first " + first);
                assertThat(first.replayed()).isEqualTo(3);
                assertThat(first.refused()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.keySet().containsAll(
                        List.of("missing-1", "missing-2", "missing-3")));
                assertThat(handled).doesNotContainKey("flaky-1");
                assertThat(replayIds).containsExactlyInAnyOrderElementsOf(first.replayIds());

                ReplayResult second = replay.replay(nonRetryable);
                System.out.println("REPLAY second " + second);
                assertThat(second.replayed()).isZero();
                assertThat(second.alreadyReplayed()).isEqualTo(3);

                ReplayResult rest = replay.replay(ReplaySelection.builder().build());
                assertThat(rest.replayed()).as("only the handler failure was left").isEqualTo(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsKey("flaky-1"));
                assertThat(replay.list()).filteredOn(DeadLetterEntry::replayed).hasSize(4);
                assertThat(replay.summarize().replayed()).isEqualTo(4);
            }
            assertThat(handled.values()).as("each message handled once").containsOnly(1);
            assertThat(handled).hasSize(6);
        }

        try (DeadLetterReplay missing = DeadLetterReplay.create(DeadLetterReplayOptions.builder(kafka,
                TopicNames.unique("no-such")).build())) {
            assertThatThrownBy(missing::list).isInstanceOf(KafkaUtilityException.class)
                    .hasMessageContaining("does not exist");
        }
    }
    @Test
    void aDeadLetterTopicWrittenInTransactionsIsListedToItsEndWithoutTheAbortedRecords(KafkaCluster cluster)
            throws Exception {
        String dlt = TopicNames.unique("tx") + ".DLT";
        cluster.createTopic(dlt, 2, (short) 1);
        // as a transactional dead-letter publisher in another framework writes it: every commit and abort leaves a
        // marker, an offset that holds no record, and the aborted record must not be listed
        Map<String, Object> p = new java.util.HashMap<>(cluster.clientProperties());
        p.put("transactional.id", TopicNames.unique("dlt-publisher"));
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            tx.initTransactions();
            tx.beginTransaction();
            tx.send(dead(dlt, 0, "committed-0a"));
            tx.send(dead(dlt, 1, "committed-1a"));
            tx.commitTransaction();
            tx.beginTransaction();
            tx.send(dead(dlt, 0, "aborted-0")).get(30, TimeUnit.SECONDS);
            tx.abortTransaction();
            tx.beginTransaction();
            tx.send(dead(dlt, 1, "committed-1b"));
            tx.commitTransaction();
        }
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers())
                .build();
        try (DeadLetterReplay replay = DeadLetterReplay.create(DeadLetterReplayOptions.builder(kafka, dlt)
                .timeout(Duration.ofSeconds(5)).build())) {
            List<DeadLetterEntry> entries = assertTimeoutPreemptively(Duration.ofSeconds(40), replay::list);
            assertThat(entries).extracting(e -> e.partition() + ":" + e.messageId().orElse("?"))
                    .as("in partition and offset order, the aborted record left out")
                    .containsExactly("0:committed-0a", "1:committed-1a", "1:committed-1b");
            assertThat(replay.summarize().total()).isEqualTo(3);
        }
    }

    private static ProducerRecord<byte[], byte[]> dead(String dlt, int partition, String id) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(dlt, partition, null, "{}".getBytes(
                StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.DLT_REASON, "HANDLER_FAILED".getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8));
        return r;
    }
}
