package io.kafkautility.testkit.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Negative control for the checker: the anti-pattern "auto-commit with asynchronous processing" loses messages when
 * the process dies mid-batch, and the ledger must report that loss.
 */
@KafkaTest
class AutoCommitLossNegativeControlIT {

    @Test
    void checkerFlagsLossFromAutoCommitWithAsyncProcessing(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("autocommit");
        String group = TopicNames.unique("g");
        cluster.createTopic(topic, 1, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("negativeControlAutoCommitAsyncCrash");
        Map<String, Object> pp = cluster.clientProperties();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 2_000; i++) {
                String id = ledger.nextId();
                ledger.sent(id);
                producer.send(new ProducerRecord<>(topic, id, id), (md, e) -> ledger.sendCompleted(id, e));
            }
            producer.flush();
        }

        ExecutorService workers = Executors.newSingleThreadExecutor();
        CountDownLatch crash = new CountDownLatch(1);
        AtomicInteger processed = new AtomicInteger();
        Map<String, Object> cp = cluster.clientProperties();
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
        cp.put(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, 100);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    workers.submit(() -> {
                        if (processed.incrementAndGet() > 500) {
                            crash.await(); // the worker hangs: the process is about to die
                        }
                        ledger.consumed(r.key());
                        return null;
                    });
                }
                return consumer.assignment().contains(tp) && consumer.position(tp) >= 2_000;
            });
        } // close() auto-commits everything polled, processed or not
        workers.shutdownNow(); // "crash": queued work is gone
        assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        try (KafkaConsumer<String, String> restarted = new KafkaConsumer<>(cp, new StringDeserializer(),
                new StringDeserializer())) {
            restarted.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                restarted.poll(Duration.ofMillis(100)).forEach(r -> ledger.consumed(r.key()));
                return restarted.assignment().contains(tp) && restarted.position(tp) >= 2_000;
            });
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        assertThat(report.acked()).isEqualTo(2_000);
        assertThat(report.lost()).as("the checker must flag the lost messages").isGreaterThanOrEqualTo(1_000);
        assertThatThrownBy(report::assertNothingLost).isInstanceOf(AssertionError.class).hasMessageContaining("lost=");
    }
}
