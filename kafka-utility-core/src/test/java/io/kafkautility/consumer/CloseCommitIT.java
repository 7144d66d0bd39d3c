package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.WakeupRace;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * close() commits what was processed even when its wakeup reaches the Kafka consumer while the poll thread is outside
 * poll(): Kafka then keeps the wakeup pending and throws it from the next blocking call, which is the final commit.
 */
@KafkaTest
class CloseCommitIT {

    private static final int MESSAGES = 200;

    @Test
    void aWakeupThatArrivesOutsidePollDoesNotCostTheFinalCommit(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("close-commit");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        WakeupRace race = new WakeupRace();
        AtomicInteger processed = new AtomicInteger();
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).pollTimeout(Duration.ofMillis(100)).consumerFactory(race.factory())
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> processed.incrementAndGet())
                    .build()).start();
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    f.sendGood(topic, "doc-" + i).get(30, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> processed.get() == MESSAGES);
                assertThat(f.committed(group, topic, 0)).as("nothing committed before close").isEqualTo(-1);
                assertThat(race.park(Duration.ofSeconds(30))).as("poll thread parked outside poll()").isTrue();
            } finally {
                consumer.close();
            }
            // Kafka often lets a commit interrupted by the wakeup reach the broker anyway, but the library must know
            // its final commit succeeded (otherwise it reports records that will be redelivered)
            assertThat(race.confirmedAfterPark()).as("a final commit confirmed by Kafka during close()").isTrue();
            assertThat(f.committed(group, topic, 0)).as("committed by close()").isEqualTo(MESSAGES);
        }
    }
}
