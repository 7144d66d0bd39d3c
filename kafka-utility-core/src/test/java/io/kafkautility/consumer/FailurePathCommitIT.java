package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.message.MessageTypes;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
        AtomicBoolean failNextPoll = new AtomicBoolean();
        AtomicInteger clients = new AtomicInteger();
        Function<Map<String, Object>, Consumer<byte[], byte[]>> factory = props -> {
            clients.incrementAndGet();
            KafkaConsumer<byte[], byte[]> real = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            @SuppressWarnings("unchecked")
            Consumer<byte[], byte[]> failing = (Consumer<byte[], byte[]>) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Consumer.class}, (proxy, method, args) -> {
                        if (method.getName().equals("poll") && failNextPoll.compareAndSet(true, false)) {
                            throw new KafkaException("injected client failure");
                        }
                        if (method.getName().equals("commitAsync")) {
                            return null; // the periodic commits never land: only a synchronous commit can save them
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            return failing;
        };
        try (ConsumerFixture f = new ConsumerFixture(cluster.bootstrapServers())) {
            for (int i = 0; i < MESSAGES; i++) {
                f.sendGood(topic, "doc-" + i).get(30, TimeUnit.SECONDS);
            }
            // the poll fails right after the last record was handled
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(f.connection, group, topic)
                    .pool(f.pool).pollTimeout(Duration.ofMillis(100)).reconnectBackoff(Duration.ofMillis(100),
                            Duration.ofMillis(200)).consumerFactory(factory)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, ctx) -> {
                        if (handled.incrementAndGet() == MESSAGES) {
                            failNextPoll.set(true);
                        }
                    }).build()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> clients.get() == 2 && !failNextPoll.get());
                // the second client joined and read from the committed offset: nothing handled again
                await().atMost(Duration.ofSeconds(30)).until(() -> f.committed(group, topic, 0) == MESSAGES);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> handled.get() == MESSAGES);
            }
            System.out.printf("FAILURE-COMMIT %d records, handled %d times over %d clients%n", MESSAGES,
                    handled.get(), clients.get());
        }
    }
}
