package io.kafkautility.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.EmbeddedKafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Replication factor 3, min.insync.replicas=2: one broker down is invisible, two down stalls writes, nothing lost. */
@KafkaTest(brokers = 3, brokerProperties = "min.insync.replicas=2")
class ReplicatedClusterFaultIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void oneThenTwoBrokersDownMidStreamLosesNothing(EmbeddedKafkaCluster cluster) {
        String topic = TopicNames.unique("rf3");
        cluster.createTopics(new NewTopic(topic, 3, (short) 3));
        ReliabilityLedger ledger = ReliabilityLedger.create("threeBrokersOneThenTwoDown");
        Map<String, Object> pp = cluster.clientProperties();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer());
                ContinuousSender sender = ContinuousSender.start(ledger, 500, id -> {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    p.send(new ProducerRecord<>(topic, id, id), (md, e) -> {
                        if (e == null) {
                            f.complete(null);
                        } else {
                            f.completeExceptionally(e);
                        }
                    });
                    return f;
                })) {
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= 3_000);
            cluster.shutdownBroker(1);
            long afterOne = ledger.check().acked();
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= afterOne + 5_000);

            double retriesBefore = metric(p, "record-retry-total");
            cluster.shutdownBroker(2);
            ledger.outageStarted();
            // below min.insync.replicas the leader rejects acks=all writes (NOT_ENOUGH_REPLICAS); the producer retries
            await().atMost(DEADLINE).until(() -> metric(p, "record-retry-total") > retriesBefore);
            cluster.startBroker(1);
            cluster.startBroker(2);
            ledger.outageEnded();
            long stalledAt = ledger.check().acked();
            await().atMost(DEADLINE).until(() -> ledger.check().acked() >= stalledAt + 8_000);
            assertThat(sender.stop(DEADLINE)).isTrue();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cluster.clientProperties(),
                new StringDeserializer(), new StringDeserializer())) {
            LogDrainer.drain(consumer, topic, DEADLINE, r -> ledger.consumed(r.key()));
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost().assertNoDuplicates();
        assertThat(report.acked()).isGreaterThanOrEqualTo(16_000);
    }

    private static double metric(KafkaProducer<?, ?> p, String name) {
        return p.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
    }
}
