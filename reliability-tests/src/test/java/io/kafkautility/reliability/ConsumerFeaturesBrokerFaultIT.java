package io.kafkautility.reliability;

import static io.kafkautility.reliability.CrashScenarioSupport.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.reliability.CrashScenarioSupport.LibraryProducer;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.BrokerProcessExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer's opt-in failure handling and concurrency through broker faults, on a broker process that is
 * SIGKILLed and restarted mid-stream: records travelling through retry topics are not lost, and key-ordered workers
 * never handle a record of a key before the earlier records of that key, across a rebalance (a second member joins,
 * the first leaves) and the kill. Each prints a RELIABILITY line and asserts lost == 0.
 */
class ConsumerFeaturesBrokerFaultIT {

    @RegisterExtension
    static final BrokerProcessExtension BROKER = BrokerProcessExtension.of(BrokerProcessOptions.defaults());

    private static KafkaBrokerProcess broker() {
        return BROKER.process();
    }

    @Test
    void recordsInRetryTopicsSurviveABrokerKill() throws Exception {
        String name = "retry-topics-broker-kill";
        String topic = TopicNames.unique(name);
        broker().createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        AtomicInteger failedFirst = new AtomicInteger();
        int messages = 10_000;
        try (LibraryProducer producer = new LibraryProducer(broker().bootstrapServers());
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(producer.connection,
                             TopicNames.unique("g"), topic).pool(producer.pool)
                     .retryTopics(Duration.ofMillis(300), Duration.ofSeconds(1))
                     .handler(CrashScenarioSupport.TYPE, (m, c) -> {
                         String id = CrashScenarioSupport.idOf(m);
                         if (c.attempt() == 1 && Math.floorMod(id.hashCode(), 50) == 0) {
                             failedFirst.incrementAndGet();
                             throw new IllegalStateException("first attempt fails");
                         }
                         ledger.consumed(id);
                     }).build()).start()) {
            consumer.ready().get(60, TimeUnit.SECONDS);
            CompletableFuture<Void> produced = producer.produceInBackground(topic, ledger, messages);
            await().atMost(DEADLINE).until(() -> failedFirst.get() >= 20);
            broker().kill();
            ledger.outageStarted();
            broker().start();
            ledger.outageEnded();
            produced.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> ledger.ackedNotConsumed() == 0);
            assertThat(consumer.isRunning()).isTrue();
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        System.out.println(name + ": " + failedFirst.get() + " first attempts failed and went through a retry topic");
        report.assertNothingLost();
        assertThat(report.acked()).isGreaterThan(messages / 2);
    }

    /** One handled record: its key, partition and offset. */
    private record Handled(String key, int partition, long offset) {
    }

    @Test
    void keyOrderedWorkersKeepEveryKeysOrderThroughARebalanceAndABrokerKill() throws Exception {
        String name = "key-ordered-rebalance-broker-kill";
        String topic = TopicNames.unique(name);
        broker().createTopic(topic, 3, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create(name);
        ConcurrentLinkedQueue<Handled> handled = new ConcurrentLinkedQueue<>();
        String group = TopicNames.unique("g");
        int messages = 12_000;
        int keys = 200;
        try (LibraryProducer producer = new LibraryProducer(broker().bootstrapServers())) {
            ConsumerOptions options = ConsumerOptions.builder(producer.connection, group, topic).pool(producer.pool)
                    .keyOrderedConcurrency(16).closeTimeout(Duration.ofSeconds(10))
                    .kafkaProperty("session.timeout.ms", 6000).kafkaProperty("heartbeat.interval.ms", 1000)
                    .handler(CrashScenarioSupport.TYPE, (m, c) -> {
                        TimeUnit.MICROSECONDS.sleep(300);
                        handled.add(new Handled(c.key(), c.partition(), c.offset()));
                        ledger.consumed(CrashScenarioSupport.idOf(m));
                    }).build();
            MessageConsumer first = MessageConsumer.create(options).start();
            MessageConsumer second = null;
            try {
                first.ready().get(60, TimeUnit.SECONDS);
                CompletableFuture<Void> produced = CompletableFuture.runAsync(() -> produceKeyed(producer, topic,
                        ledger, messages, keys));
                await().atMost(DEADLINE).until(() -> handled.size() >= 2_000);
                second = MessageConsumer.create(options.toBuilder().name(group + "-b").build()).start();
                await().atMost(DEADLINE).until(() -> handled.size() >= 5_000);
                broker().kill();
                ledger.outageStarted();
                broker().start();
                ledger.outageEnded();
                await().atMost(DEADLINE).until(() -> handled.size() >= 8_000);
                first.close();
                produced.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                        .until(() -> ledger.ackedNotConsumed() == 0);
            } finally {
                first.close();
                if (second != null) {
                    second.close();
                }
            }
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        long violations = orderViolations(topic, handled);
        System.out.printf("%s: %d records handled (%d keys, 16 workers per member), per-key order violations: %d%n",
                name, handled.size(), keys, violations);
        assertThat(violations).isZero();
    }

    /** Sends {@code count} ledger ids keyed {@code key-<n % keys>} (so each key has an order), 500 in flight. */
    private static void produceKeyed(LibraryProducer producer, String topic, ReliabilityLedger ledger, int count,
                                     int keys) {
        Semaphore inFlight = new Semaphore(500);
        for (int i = 0; i < count; i++) {
            String id = ledger.nextId();
            inFlight.acquireUninterruptibly();
            ledger.sent(id);
            producer.producer.send(topic, "key-" + (i % keys), CrashScenarioSupport.TYPE,
                    CrashScenarioSupport.payload(id)).whenComplete((r, e) -> {
                        CrashScenarioSupport.record(ledger, id, e);
                        inFlight.release();
                    });
        }
        inFlight.acquireUninterruptibly(500);
    }

    /**
     * Handled records whose key had an earlier record in the partition's log that had never been handled yet: the
     * order checker. Redeliveries (a key's records handled again after a rebalance or the kill) are not violations.
     */
    private static long orderViolations(String topic, ConcurrentLinkedQueue<Handled> handled) {
        Map<TopicPartition, Map<String, List<Long>>> log = readKeys(topic);
        Set<String> seen = new HashSet<>();
        long violations = 0;
        for (Handled h : handled) {
            List<Long> offsets = log.get(new TopicPartition(topic, h.partition())).get(h.key());
            for (long earlier : offsets) {
                if (earlier >= h.offset()) {
                    break;
                }
                if (!seen.contains(h.partition() + "@" + earlier)) {
                    violations++;
                    System.out.printf("ORDER VIOLATION key %s: offset %d handled before %d%n", h.key(), h.offset(),
                            earlier);
                    break;
                }
            }
            seen.add(h.partition() + "@" + h.offset());
        }
        return violations;
    }

    private static Map<TopicPartition, Map<String, List<Long>>> readKeys(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker().bootstrapServers());
        props.put("group.id", TopicNames.unique("order-reader"));
        props.put("auto.offset.reset", "earliest");
        Map<TopicPartition, Map<String, List<Long>>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new HashMap<>())
                            .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(r.offset());
                }
                return partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return out;
    }
}
