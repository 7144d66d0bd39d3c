package io.kafkautility.reliability;

import static io.kafkautility.reliability.CrashScenarioSupport.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.reliability.CrashScenarioSupport.LibraryProducer;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.ReliabilityLedger;
import io.kafkautility.testkit.fault.ReliabilityReport;
import io.kafkautility.testkit.junit.KafkaTest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Consumer A processes a 6-partition topic with a per-record cost while B of the same group joins, then leaves,
 * then C joins and leaves, all mid-stream: partitions move three or four times under in-flight work, nothing is lost.
 */
@KafkaTest
class RebalanceWhileProcessingIT {

    private static final int MESSAGES = 24_000;
    /** Below what A alone handles at 200 us a record, so the backlog stays small and every move hits a live stream. */
    private static final int PER_SECOND = 2_000;

    @Test
    void membersJoiningAndLeavingMidStreamLoseNothing(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("rebalance");
        String group = TopicNames.unique("rebalance-group");
        cluster.createTopic(topic, 6, (short) 1);
        ReliabilityLedger ledger = ReliabilityLedger.create("consumer-rebalance-while-processing");
        try (LibraryProducer producer = new LibraryProducer(cluster.bootstrapServers())) {
            // same group, topic and handler; only the name (threads, logs) differs
            Function<String, ConsumerOptions> options = name -> ConsumerOptions.builder(producer.connection, group,
                            topic)
                    .pool(producer.pool).name(name)
                    .handler(CrashScenarioSupport.TYPE, (m, ctx) -> {
                        LockSupport.parkNanos(200_000); // simulated work per record
                        ledger.consumed(CrashScenarioSupport.idOf(m));
                    })
                    .build();
            AtomicBoolean membersDone = new AtomicBoolean();
            // a paced stream that runs until C has left (and 24,000 were sent): on a slow machine a fixed burst could
            // be consumed by A before C is even assigned, and C would wait for records that never come
            CompletableFuture<Void> produced = producer.streamInBackground(topic, ledger, MESSAGES, PER_SECOND,
                    membersDone::get);
            try (MessageConsumer a = MessageConsumer.create(options.apply("A")).start()) {
                awaitDistinct(ledger, 3_000);
                MessageConsumer b = MessageConsumer.create(options.apply("B")).start();
                try {
                    assertMidStream(ledger, produced, "B joins");
                    await().atMost(DEADLINE).until(() -> b.completedCount() >= 600);
                    assertMidStream(ledger, produced, "B leaves");
                } finally {
                    b.close();
                }
                System.out.println("B processed " + b.completedCount() + " records before leaving");
                awaitDistinct(ledger, ledger.check().distinctConsumed() + 2_000);
                MessageConsumer c = MessageConsumer.create(options.apply("C")).start();
                try {
                    assertMidStream(ledger, produced, "C joins");
                    await().atMost(DEADLINE).until(() -> c.completedCount() >= 600);
                    assertMidStream(ledger, produced, "C leaves");
                } finally {
                    c.close();
                }
                System.out.println("C processed " + c.completedCount() + " records before leaving");
                membersDone.set(true);
                produced.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                await().atMost(DEADLINE).until(() -> ledger.pending() == 0 && ledger.ackedNotConsumed() == 0);
                System.out.println("A processed " + a.completedCount() + " records");
            }
        }
        ReliabilityReport report = ledger.check();
        System.out.println(report.line());
        report.assertNothingLost();
        assertThat(report.acked()).isEqualTo(report.produced()).isGreaterThanOrEqualTo(MESSAGES);
        System.out.println("duplicates after two joins and two leaves: " + report.duplicates());
    }

    private static void awaitDistinct(ReliabilityLedger ledger, long atLeast) {
        await().atMost(DEADLINE).until(() -> ledger.check().distinctConsumed() >= atLeast);
    }

    private static void assertMidStream(ReliabilityLedger ledger, CompletableFuture<Void> stream, String event) {
        long distinct = ledger.check().distinctConsumed();
        System.out.println(event + " with " + distinct + " distinct ids processed");
        assertThat(stream).as("the stream still runs when %s", event).isNotDone();
    }
}
