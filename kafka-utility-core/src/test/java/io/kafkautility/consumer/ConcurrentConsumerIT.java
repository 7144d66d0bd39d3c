package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.SendResult;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code concurrency(3)}: three members of the group in one {@link MessageConsumer}. A record blocked in its handler
 * holds up only its member's partitions: the other members keep consuming, its own partition stays in order behind
 * it, and once it is released everything is consumed and committed, nothing lost.
 */
@KafkaTest
class ConcurrentConsumerIT {

    private static final int PARTITIONS = 6;
    private static final int MEMBERS = 3;
    private static final int MESSAGES = 3_000;

    @Test
    void aBlockedRecordHoldsUpOnlyItsMembersPartitionsAndNothingIsLost(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("concurrent");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, PARTITIONS, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("consumer-concurrency-blocked-member");
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> blockedOn = new CompletableFuture<>(); // the worker thread holding the record
        Map<String, String> handledBy = new ConcurrentHashMap<>(); // id -> worker thread
        Map<String, Long> handledAt = new ConcurrentHashMap<>(); // id -> nanoTime
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            MessageHandler handler = (m, ctx) -> {
                String id = m.data().get("documentId").asText();
                if (id.equals("block")) {
                    blockedOn.complete(Thread.currentThread().getName());
                    if (!release.await(120, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    return;
                }
                handledBy.put(id, Thread.currentThread().getName());
                handledAt.put(id, System.nanoTime());
                ledger.consumed(id);
            };
            MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).concurrency(MEMBERS).handler(MessageTypes.DOCUMENT_DELETED, handler).build());
            try {
                consumer.start();
                consumer.ready().get(60, TimeUnit.SECONDS);
                // ready() completes with the first member; the group settles once all three hold partitions
                await().atMost(Duration.ofSeconds(60)).until(() -> everyMemberAssigned(f, group));
                send(f, topic, ledger, "warm-", 600);
                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
                assertThat(Set.copyOf(handledBy.values())).as("worker threads of the members").hasSize(MEMBERS)
                        .allMatch(t -> t.startsWith("ku-consumer-worker-" + group + "-"));

                SendResult block = f.sendGood(topic, "block").get(30, TimeUnit.SECONDS);
                String blockedWorker = blockedOn.get(60, TimeUnit.SECONDS);
                long blockedAt = System.nanoTime();
                Map<String, SendResult> after = send(f, topic, ledger, "after-", MESSAGES);
                // while the record is held: the other members consume their partitions' share of the stream
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> handledCount(after, handledAt, blockedAt) >= MESSAGES / 2);
                int whileBlocked = handledCount(after, handledAt, blockedAt);
                long behindOnItsPartition = after.entrySet().stream()
                        .filter(e -> e.getValue().partition() == block.partition()
                                && handledBy.containsKey(e.getKey())).count();
                assertThat(behindOnItsPartition).as("records behind the held one on its partition, handled early")
                        .isZero();
                Set<String> workersMeanwhile = new java.util.HashSet<>();
                after.keySet().forEach(id -> {
                    String worker = handledBy.get(id);
                    if (worker != null) {
                        workersMeanwhile.add(worker);
                    }
                });
                assertThat(workersMeanwhile).as("the two other members both went on").hasSize(MEMBERS - 1)
                        .doesNotContain(blockedWorker);
                assertThat(release.getCount()).isEqualTo(1);

                release.countDown();
                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
                System.out.println("concurrency " + MEMBERS + ": " + whileBlocked + " of " + MESSAGES
                        + " records handled by the other members while one record was held");
                await().atMost(Duration.ofSeconds(30)).until(() -> committedToEnd(f, group, topic));
            } finally {
                release.countDown();
                long t0 = System.nanoTime();
                consumer.close();
                System.out.println("closed " + MEMBERS + " members in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            }
            assertThat(consumer.isRunning()).isFalse();
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acked()).isEqualTo(600 + MESSAGES);
    }

    /** Sends {@code count} events with ids {@code prefix<i>} (each id also the key) and waits for their acks. */
    private static Map<String, SendResult> send(ConsumerFixture f, String topic, ReliabilityLedger ledger,
                                                String prefix, int count) throws Exception {
        List<CompletableFuture<SendResult>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            ledger.sent(id);
            acks.add(f.sendGood(topic, id).whenComplete((r, e) -> ledger.sendCompleted(id, e)));
        }
        Map<String, SendResult> results = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            results.put(prefix + i, acks.get(i).get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    private static int handledCount(Map<String, SendResult> sent, Map<String, Long> handledAt, long since) {
        int n = 0;
        for (String id : sent.keySet()) {
            Long at = handledAt.get(id);
            if (at != null && at - since > 0) {
                n++;
            }
        }
        return n;
    }

    /** The group is stable with {@link #MEMBERS} members, each holding at least one partition. */
    private static boolean everyMemberAssigned(ConsumerFixture f, String group) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", f.bootstrap))) {
            var description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS);
            return description.groupState() == org.apache.kafka.common.GroupState.STABLE
                    && description.members().size() == MEMBERS
                    && description.members().stream()
                            .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        }
    }

    private static boolean committedToEnd(ConsumerFixture f, String group, String topic) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", f.bootstrap))) {
            var ends = admin.listOffsets(java.util.stream.IntStream.range(0, PARTITIONS).boxed().collect(
                    java.util.stream.Collectors.toMap(p -> new org.apache.kafka.common.TopicPartition(topic, p),
                            p -> org.apache.kafka.clients.admin.OffsetSpec.latest()))).all().get();
            for (var e : ends.entrySet()) {
                if (f.committed(group, topic, e.getKey().partition()) != e.getValue().offset()) {
                    return false;
                }
            }
            return true;
        }
    }
}
