package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A handler that outlasts {@code closeTimeout} and ignores interrupts (an LLM call of 30 s against the default 10 s):
 * once it returns, after close() did, the abandoned batch must not go on with its other records. Before, the stop
 * flag was reset when close() stopped waiting, so the batch went on: handlers started after close() returned.
 */
@KafkaTest
class AbandonedBatchIT {

    @Test
    void noHandlerStartsAfterCloseEvenWhenTheInFlightOneIgnoredItsInterrupt(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("abandoned");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (int i = 0; i < 5; i++) {
                f.sendGood(topic, "doc-" + i).get(30, TimeUnit.SECONDS);
            }
            MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).pollTimeout(Duration.ofMillis(100)).closeTimeout(Duration.ofMillis(300))
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                        starts.incrementAndGet();
                        entered.countDown();
                        boolean released = false;
                        while (!released) { // ignores interrupts, as a blocking client library may
                            try {
                                released = release.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException ignored) {
                                // keeps waiting
                            }
                        }
                    }).build()).start();
            try {
                assertThat(entered.await(60, TimeUnit.SECONDS)).as("first handler entered").isTrue();
                long t0 = System.nanoTime();
                consumer.close();
                System.out.printf("ABANDONED close() returned after %d ms with the handler still blocked%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                assertThat(starts.get()).isEqualTo(1);
            } finally {
                release.countDown(); // the handler returns now, after close()
            }
            // the batch it belonged to had four more records: none may start
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> starts.get() == 1);
            assertThat(f.committed(group, topic, 0)).as("the unfinished record is not committed").isLessThan(1);
        }
    }
}
