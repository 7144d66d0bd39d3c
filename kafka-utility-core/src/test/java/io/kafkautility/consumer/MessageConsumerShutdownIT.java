package io.kafkautility.consumer;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static io.kafkautility.consumer.ConsumerSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaTest
class MessageConsumerShutdownIT {

    private static final int MESSAGES = 20_000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void gracefulShutdownUnderLoadLosesAndDuplicatesNothing(KafkaCluster cluster) {
        String topic = TopicNames.unique("shutdown");
        cluster.createTopics(new NewTopic(topic, 3, (short) 1), new NewTopic(topic + ".DLT", 1, (short) 1));
        ReliabilityLedger ledger = ReliabilityLedger.create("consumerGracefulShutdownUnderLoad");
        try (KafkaProducer<byte[], byte[]> p = producer(cluster)) {
            for (int i = 0; i < MESSAGES; i++) {
                String id = ledger.nextId();
                ledger.sent(id);
                p.send(record(topic, good(id)), (md, e) -> ledger.sendCompleted(id, e));
            }
            p.flush();
        }
        assertThat(ledger.check().acked()).isEqualTo(MESSAGES);
        String group = TopicNames.unique("shutdown-group");
        AtomicLong first = new AtomicLong();
        ConsumerOptions firstOptions = options(cluster, topic).groupId(group).maxInFlight(200)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> {
                    LockSupport.parkNanos(100_000); // some work, so close() lands mid-stream
                    ledger.consumed(e.id());
                    first.incrementAndGet();
                }).build();
        MessageConsumer consumer = MessageConsumer.create(firstOptions);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(5)).until(() -> first.get() >= MESSAGES / 4);
        long start = System.nanoTime();
        consumer.close(Duration.ofSeconds(10));
        long closeMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(consumer.isRunning()).isFalse();
        long byFirst = first.get();
        System.out.printf("first consumer processed %d before close; close took %d ms%n", byFirst, closeMs);
        assertThat(byFirst).isLessThan(MESSAGES);

        AtomicLong second = new AtomicLong();
        ConsumerOptions secondOptions = options(cluster, topic).groupId(group)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (e, ctx) -> {
                    ledger.consumed(e.id());
                    second.incrementAndGet();
                }).build();
        try (MessageConsumer next = MessageConsumer.create(secondOptions)) {
            await().atMost(DEADLINE).until(() -> ledger.ackedNotConsumed() == 0);
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost().assertNoDuplicates();
        assertThat(byFirst + second.get()).isEqualTo(MESSAGES);
    }
}
