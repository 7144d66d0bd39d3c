package io.kafkautility.reliability;

import static io.kafkautility.reliability.FaultScenarioSupport.DEADLINE;
import static io.kafkautility.reliability.FaultScenarioSupport.MESSAGES;
import static io.kafkautility.reliability.FaultScenarioSupport.assertTyped;
import static io.kafkautility.reliability.FaultScenarioSupport.committed;
import static io.kafkautility.reliability.FaultScenarioSupport.connection;
import static io.kafkautility.reliability.FaultScenarioSupport.consumerOptions;
import static io.kafkautility.reliability.FaultScenarioSupport.endOffsets;
import static io.kafkautility.reliability.FaultScenarioSupport.producerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.reliability.FaultScenarioSupport.Deliveries;
import io.kafkautility.reliability.FaultScenarioSupport.Load;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.LogDrainer;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: the handler rejects some records while their dead-letter topic cannot be written (it does not exist and
 * the broker does not auto-create topics). The library consumer must hold the partition at the record it failed to
 * dead-letter (never commit past it), must not spin, must not lose it, and must go on by itself once the dead-letter
 * topic exists: every acked id ends up either handled or in the dead-letter topic.
 */
class DeadLetterUnavailableIT {

    private static final int PARTITIONS = 3;
    private static final int POISON_EVERY = 100;
    private static KafkaBrokerProcess broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBrokerProcess.startNew(BrokerProcessOptions.builder().autoCreateTopics(false).build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static boolean isPoison(String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('-') + 1)) % POISON_EVERY == 0;
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static KafkaClientPool boundTo(KafkaClientPool pool, MeterRegistry registry) {
        pool.metrics().bindTo(registry);
        return pool;
    }

    private static void awaitDeadLetterFailures(MeterRegistry meters, double atLeast) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> count(meters, MetricNames.CONSUMER_DEAD_LETTER_FAILURES) >= atLeast);
    }

    /** Whether no partition's committed offset is past its first rejected (not yet dead-lettered) record. */
    private static boolean heldBack(Map<Integer, Long> committed, Map<Integer, Long> firstRejectedOffset) {
        return firstRejectedOffset.entrySet().stream()
                .allMatch(e -> committed.getOrDefault(e.getKey(), 0L) <= e.getValue());
    }

    /**
     * For 3 s while the DLT stays unavailable: the consumer commits nothing past any rejected record, finishes
     * nothing more (it is held at the record), keeps running, and retries the publish with backoff (no spin).
     */
    private static void assertHeldWithoutSpinning(MessageConsumer consumer, MeterRegistry meters, Admin admin,
            String group, String topic, Map<Integer, Long> firstRejectedOffset) throws Exception {
        long completedBefore = consumer.completedCount();
        double failuresBefore = count(meters, MetricNames.CONSUMER_DEAD_LETTER_FAILURES);
        long t0 = System.nanoTime();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> heldBack(committed(admin, group, topic), firstRejectedOffset));
        double failuresDuring = count(meters, MetricNames.CONSUMER_DEAD_LETTER_FAILURES) - failuresBefore;
        long windowMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("DLT missing; over %d ms: committed %s, first rejected offsets %s, %d records finished, "
                + "%.0f dead-letter failures (retried with backoff)%n", windowMs, committed(admin, group, topic),
                firstRejectedOffset, consumer.completedCount() - completedBefore, failuresDuring);
        assertThat(firstRejectedOffset).as("a rejected record is waiting for the DLT").isNotEmpty();
        assertThat(consumer.completedCount()).as("nothing finished past the held record").isEqualTo(completedBefore);
        assertThat(failuresDuring).as("dead-letter retries back off (no spin)").isLessThanOrEqualTo(windowMs / 100.0
                + 10);
        assertThat(consumer.isRunning()).isTrue();
    }

    @Test
    void aRecordThatCannotBeDeadLetteredIsHeldNotCommittedPastNotLostAndTheConsumerGoesOnOnceTheTopicExists()
            throws Exception {
        String name = "library-dlt-unavailable";
        String topic = TopicNames.unique(name);
        String deadLetterTopic = topic + ".DLT";
        String group = TopicNames.unique("group");
        broker.createTopic(topic, PARTITIONS, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        Deliveries deliveries = new Deliveries(ledger);
        Set<String> rejected = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> firstRejectedOffset = new ConcurrentHashMap<>();
        KafkaConnectionOptions conn = connection(broker.bootstrapServers(), name);
        ReliabilityReport report;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Admin admin = broker.admin();
                KafkaClientPool pool = boundTo(KafkaClientPool.builder().name(name).build(), meters);
                MessageProducer producer = pool.newProducer(producerOptions(conn).build());
                Load load = Load.start(ledger, producer, topic)) {
            ConsumerOptions options = consumerOptions(conn, pool, group, topic, deliveries)
                    .maxAttempts(2).backoff(Duration.ofMillis(10), Duration.ofMillis(200))
                    .deadLetterMaxBlock(Duration.ofMillis(500))
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                        if (isPoison(m.id())) {
                            rejected.add(m.id());
                            firstRejectedOffset.merge(ctx.partition(), ctx.offset(), Math::min);
                            throw new IllegalStateException("rejected by the test handler");
                        }
                        deliveries.record(m);
                    }).build();
            ledger.outageStarted(); // the dead-letter topic is unavailable from the start
            MessageConsumer first = MessageConsumer.create(options).start();
            try {
                awaitDeadLetterFailures(meters, 3);
                assertHeldWithoutSpinning(first, meters, admin, group, topic, firstRejectedOffset);
            } finally {
                long t0 = System.nanoTime();
                first.close(); // while its worker is retrying the dead-letter publish
                System.out.printf("%s: consumer closed while retrying the dead-letter publish in %d ms%n", name,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            assertThat(first.isRunning()).isFalse();
            assertThat(heldBack(committed(admin, group, topic), firstRejectedOffset))
                    .as("close committed nothing past the held record").isTrue();

            // a new member of the group gets the held record again and is held the same way until the DLT exists
            try (MessageConsumer second = MessageConsumer.create(options).start()) {
                awaitDeadLetterFailures(meters, count(meters, MetricNames.CONSUMER_DEAD_LETTER_FAILURES) + 3);
                assertThat(heldBack(committed(admin, group, topic), firstRejectedOffset)).isTrue();
                broker.createTopic(deadLetterTopic, 1, (short) 1);
                ledger.outageEnded();
                load.awaitDone(DEADLINE);
                Set<String> ackedPoison = IntStream.rangeClosed(1, MESSAGES).filter(i -> i % POISON_EVERY == 0)
                        .mapToObj(i -> name + "-" + i)
                        .filter(id -> ledger.outcome(id) == ReliabilityLedger.SendOutcome.ACKED)
                        .collect(Collectors.toSet());
                // every acked non-poison record handled, every acked poison record dead-lettered, all committed
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() ->
                        ledger.ackedNotConsumed() == ackedPoison.size()
                                && count(meters, MetricNames.CONSUMER_DEAD_LETTERED) >= ackedPoison.size());
                Map<Integer, Long> end = endOffsets(admin, topic, PARTITIONS);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(admin, group, topic).equals(end));
                assertThat(second.isRunning()).isTrue();
            }
            assertTyped(name, load);
        }

        Map<String, Object> props = new HashMap<>(broker.clientProperties());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Long> reasons = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> dlt = new KafkaConsumer<>(props)) {
            LogDrainer.drain(dlt, deadLetterTopic, DEADLINE, r -> {
                String id = header(r.headers().lastHeader(MessageHeaders.MESSAGE_ID));
                assertThat(isPoison(id)).as("only rejected records are dead-lettered: %s", id).isTrue();
                reasons.merge(header(r.headers().lastHeader(MessageHeaders.DLT_REASON)), 1L, Long::sum);
                ledger.consumed(id);
            });
        }
        report = ledger.check();
        System.out.println(report.line());
        System.out.printf("%s: %d ids rejected by the handler, dead-letter reasons %s%n", name, rejected.size(),
                reasons);
        report.assertNothingLost();
        assertThat(reasons.keySet()).containsExactly("HANDLER_FAILED");
        assertThat(report.acked()).isEqualTo(MESSAGES);
    }

    private static String header(Header h) {
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
