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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consumer under both of Kafka's group protocols: {@code classic} (the default) and {@code consumer} (KIP-848,
 * generally available since Kafka 4.0, where the broker assigns partitions incrementally), chosen with
 * {@code kafkaProperty("group.protocol", ...)}. Two consumers of two members each share a group; a third joins while
 * records flow and one leaves; everything sent is consumed and the group commits to the end.
 */
@KafkaTest
class ConsumerGroupProtocolIT {

    private static final int PARTITIONS = 6;
    private static final int BATCH = 1_500;

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void membersJoinAndLeaveWhileRecordsFlowAndNothingIsLost(String protocol, KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("protocol-" + protocol);
        String group = TopicNames.unique("group-" + protocol);
        cluster.createTopic(topic, PARTITIONS, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("consumer-group-protocol-" + protocol);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers());
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            MessageHandler handler = (m, ctx) -> {
                threads.add(Thread.currentThread().getName());
                ledger.consumed(m.data().get("documentId").asText());
            };
            ConsumerOptions options = ConsumerOptions.builder(f.connection, group, topic).pool(f.pool)
                    .kafkaProperty("group.protocol", protocol).concurrency(2)
                    .handler(MessageTypes.DOCUMENT_DELETED, handler).build();
            MessageConsumer first = MessageConsumer.create(options.toBuilder().name("first").build()).start();
            MessageConsumer second = MessageConsumer.create(options.toBuilder().name("second").build()).start();
            MessageConsumer third = null;
            try {
                first.ready().get(60, TimeUnit.SECONDS);
                second.ready().get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> membersWithPartitions(admin, group) == 4);
                ConsumerGroupDescription d = describe(admin, group);
                assertThat(d.type()).as("group type").isEqualTo(protocol.equals("consumer")
                        ? GroupType.CONSUMER : GroupType.CLASSIC);
                send(f, topic, ledger, "a-", BATCH);

                third = MessageConsumer.create(options.toBuilder().name("third").build()).start();
                List<CompletableFuture<SendResult>> flowing = sendAsync(f, topic, ledger, "b-", BATCH);
                third.ready().get(60, TimeUnit.SECONDS);
                // ready() completes with the first of its members; wait until all six hold a partition
                await().atMost(Duration.ofSeconds(60)).until(() -> membersWithPartitions(admin, group) == 6);
                first.close(); // leaves while records flow: its partitions move to the others
                for (CompletableFuture<SendResult> ack : flowing) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                send(f, topic, ledger, "c-", BATCH);
                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.ackedNotConsumed() == 0);
                await().atMost(Duration.ofSeconds(30)).until(() -> committedToEnd(f, admin, group, topic));
                assertThat(threads).as("worker threads that handled records")
                        .anyMatch(t -> t.contains("third"));
            } finally {
                first.close();
                second.close();
                if (third != null) {
                    third.close();
                }
            }
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.unexpected()).isZero();
        assertThat(report.acked()).isEqualTo(3 * BATCH);
    }

    private static ConsumerGroupDescription describe(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS);
    }

    private static long membersWithPartitions(Admin admin, String group) throws Exception {
        return describe(admin, group).members().stream()
                .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
    }

    private static List<CompletableFuture<SendResult>> sendAsync(ConsumerFixture f, String topic,
                                                                 ReliabilityLedger ledger, String prefix, int count) {
        List<CompletableFuture<SendResult>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            ledger.sent(id);
            acks.add(f.sendGood(topic, id).whenComplete((r, e) -> ledger.sendCompleted(id, e)));
        }
        return acks;
    }

    private static void send(ConsumerFixture f, String topic, ReliabilityLedger ledger, String prefix, int count)
            throws Exception {
        for (CompletableFuture<SendResult> ack : sendAsync(f, topic, ledger, prefix, count)) {
            ack.get(30, TimeUnit.SECONDS);
        }
    }

    private static boolean committedToEnd(ConsumerFixture f, Admin admin, String group, String topic)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        for (var e : ends.entrySet()) {
            if (f.committed(group, topic, e.getKey().partition()) != e.getValue().offset()) {
                return false;
            }
        }
        return true;
    }
}
