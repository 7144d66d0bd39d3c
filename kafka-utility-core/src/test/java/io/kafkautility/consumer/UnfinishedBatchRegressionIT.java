package io.kafkautility.consumer;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Regression: when the worker left a batch unfinished without being told to stop (the handler threw an Error, or an
 * InterruptedException), the poll thread resumed past the batch, so the rest of it was never processed and a later
 * batch committed past it: lost records.
 */
@KafkaTest
class UnfinishedBatchRegressionIT {

    @Test
    void aHandlerThrowingAnErrorIsRetriedAndTheRestOfTheBatchIsNotSkipped(KafkaCluster cluster) throws Exception {
        assertNothingSkipped(cluster, "error", () -> new AssertionError("handler bug"));
    }

    @Test
    void aHandlerThrowingInterruptedExceptionDoesNotSkipTheRestOfTheBatch(KafkaCluster cluster) throws Exception {
        assertNothingSkipped(cluster, "interrupted", () -> new InterruptedException("interrupted"));
    }

    /**
     * The poll thread queues a second batch while the worker processes the first: when a record of the first is left
     * unfinished, the queued batch must skip its partition, and the partition is read again from that record, so the
     * handler sees every record exactly once and in offset order.
     */
    @Test
    void aQueuedBatchSkipsThePartitionOfAnUnfinishedRecord(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("unfinished-queued");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (int i = 0; i < 40; i++) {
                f.sendGood(topic, Integer.toString(i)).join();
            }
            MessageHandler handler = (m, ctx) -> {
                int n = Integer.parseInt(m.data().get("documentId").asText());
                if (n == 0) { // simulated slow work, so the poll thread queues the next batch meanwhile
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
                }
                if (n == 3 && failures.getAndIncrement() == 0) {
                    throw new Error("handler bug"); // not retried in place: leaves record 3 unfinished
                }
                handled.add(n);
            };
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                    .kafkaProperty("max.poll.records", 5)
                    .handler(MessageTypes.DOCUMENT_DELETED, handler).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 40);
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 40);
                assertThat(failures.get()).isEqualTo(2); // the failed call and the one after the rewind
                assertThat(handled).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 40).boxed().toList());
                assertThat(consumer.isRunning()).isTrue();
            }
        }
    }

    private interface Failure {
        Throwable create();
    }

    private static void assertNothingSkipped(KafkaCluster cluster, String name, Failure failure) throws Exception {
        String topic = TopicNames.unique("unfinished-" + name);
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        cluster.createTopic(topic + ".DLT", 1, (short) 1);
        List<String> handled = new CopyOnWriteArrayList<>();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (String id : List.of("a", "b", "c")) {
                f.sendGood(topic, id).join();
            }
            MessageHandler handler = (m, ctx) -> {
                String id = m.data().get("documentId").asText();
                if (id.equals("a") && calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() == 1) {
                    Throwable t = failure.create();
                    if (t instanceof Error e) {
                        throw e;
                    }
                    throw (Exception) t;
                }
                handled.add(id);
            };
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                    .handler(MessageTypes.DOCUMENT_DELETED, handler).build()).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> calls.containsKey("a"));
                f.sendGood(topic, "d").join(); // a later batch must not commit past a, b, c
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.contains("d"));
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.containsAll(List.of("a", "b", "c", "d")));
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == 4);
                assertThat(consumer.isRunning()).isTrue();
            }
        }
    }
}
