package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.CommitRecorder;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The consumer's poll loop runs every few milliseconds while its worker is busy; it must not send a new
 * asynchronous commit before the previous one was answered (that queued hundreds of commits at the coordinator, and a
 * revoke's synchronous commit timed out behind them). Everything processed is still committed.
 */
@KafkaTest
class CommitPacingIT {

    private static final int MESSAGES = 4_000;

    @Test
    void atMostOneAsynchronousCommitAwaitsItsAnswerAndEverythingIsCommitted(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("commit-pacing");
        String group = TopicNames.unique("commit-pacing-group");
        cluster.createTopic(topic, 3, (short) 1);
        CommitRecorder commits = CommitRecorder.create();
        AtomicLong handled = new AtomicLong();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            CompletableFuture<?>[] sends = new CompletableFuture<?>[MESSAGES];
            for (int i = 0; i < MESSAGES; i++) {
                sends[i] = f.sendGood(topic, "doc-" + i);
            }
            CompletableFuture.allOf(sends).join();
            ConsumerOptions options = ConsumerOptions.builder(f.connection, group, topic).pool(f.pool)
                    .consumerFactory(props -> commits.wrap(new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                            new ByteArrayDeserializer())))
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                        LockSupport.parkNanos(100_000); // some work per record keeps the worker busy
                        handled.incrementAndGet();
                    })
                    .build();
            try (MessageConsumer consumer = MessageConsumer.create(options).start()) {
                await().atMost(Duration.ofSeconds(120)).until(() -> handled.get() >= MESSAGES);
                await().atMost(Duration.ofSeconds(30)).until(() -> committedTotal(f, group, topic) == MESSAGES);
            }
            System.out.println("commit pacing: " + handled.get() + " records, " + commits);
            assertThat(commits.asyncCommits()).as("asynchronous commits were made").isPositive();
            assertThat(commits.maxAsyncInFlight()).as("asynchronous commits awaiting an answer at once")
                    .isEqualTo(1);
            assertThat(committedTotal(f, group, topic)).isEqualTo(MESSAGES);
        }
    }

    private static long committedTotal(ConsumerFixture f, String group, String topic) throws Exception {
        long total = 0;
        for (int p = 0; p < 3; p++) {
            total += Math.max(0, f.committed(group, topic, p));
        }
        return total;
    }
}
