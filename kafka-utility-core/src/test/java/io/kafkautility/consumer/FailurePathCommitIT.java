package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.FailingConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A Kafka consumer that fails (here: its poll throws once, after every record was handled and before anything was
 * committed) is replaced by a new one; what the old one finished is committed first, so the new one does not read
 * it again. Before, the failure path closed the client without committing: every record was handled twice.
 */
@KafkaTest
class FailurePathCommitIT {

    private static final int MESSAGES = 100;

    @Test
    void whatWasFinishedIsCommittedBeforeTheFailedClientIsReplaced(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("failure-commit");
        String group = TopicNames.unique("group");
        cluster.createTopic(topic, 1, (short) 1);
        AtomicInteger handled = new AtomicInteger();
        // the periodic commits never land: only a synchronous commit can save what was handled
        FailingConsumer clients = new FailingConsumer(true);
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (int i = 0; i < MESSAGES; i++) {
                f.sendGood(topic, "doc-" + i).get(30, TimeUnit.SECONDS);
            }
            // the poll fails right after the last record was handled
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).pollTimeout(Duration.ofMillis(100)).reconnectBackoff(Duration.ofMillis(100),
                            Duration.ofMillis(200)).consumerFactory(clients.factory())
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                        if (handled.incrementAndGet() == MESSAGES) {
                            clients.failNextPoll();
                        }
                    }).build()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clients.created() == 2 && clients.failed());
                // the second client joined and read from the committed offset: nothing handled again
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == MESSAGES);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> handled.get() == MESSAGES);
            }
            System.out.printf("FAILURE-COMMIT %d records, handled %d times over %d clients%n", MESSAGES,
                    handled.get(), clients.created());
        }
    }
}
