package io.kafkautility.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.producer.KafkaClientPool;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** A failing Kafka client is reported to the error listener and fails ready(); the consumer backs off. */
class ConsumerErrorListenerTest {

    private static final KafkaConnectionOptions CONNECTION = KafkaConnectionOptions.builder()
            .bootstrapServers("localhost:1").build();

    private static List<ConsumerException> run(Supplier<RuntimeException> failure, AtomicInteger created,
                                               MessageConsumer[] out) {
        return run(failure, created, out, false);
    }

    private static List<ConsumerException> run(Supplier<RuntimeException> failure, AtomicInteger created,
                                               MessageConsumer[] out, boolean secondPoll) {
        List<ConsumerException> errors = new CopyOnWriteArrayList<>();
        KafkaClientPool pool = KafkaClientPool.create();
        MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(CONNECTION, "g", "t").pool(pool)
                .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .errorListener(e -> {
                    errors.add(e);
                    throw new IllegalStateException("a throwing listener is ignored");
                })
                .consumerFactory(props -> {
                    created.incrementAndGet();
                    return new MockConsumer<byte[], byte[]>(AutoOffsetResetStrategy.EARLIEST.name()) {
                        private int polls;

                        @Override
                        public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> poll(
                                Duration timeout) {
                            if (secondPoll && polls++ == 0) {
                                return org.apache.kafka.clients.consumer.ConsumerRecords.empty();
                            }
                            throw failure.get();
                        }
                    };
                })
                .handler("rag.document.deleted", (m, c) -> { }).build());
        out[0] = consumer;
        consumer.start();
        return errors;
    }

    @Test
    void authorizationFailuresAreReportedTypedFailAssignedAndAreRetriedWithBackoff() {
        AtomicInteger created = new AtomicInteger();
        MessageConsumer[] consumer = new MessageConsumer[1];
        List<ConsumerException> errors = run(() -> new TopicAuthorizationException(Set.of("t")), created, consumer);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() >= 3);
            ConsumerException first = errors.get(0);
            assertThat(first.reason()).isEqualTo(ConsumerException.Reason.AUTHORIZATION);
            assertThat(first.isRetriable()).isFalse();
            assertThat(first.consumerName()).isEqualTo("g");
            assertThat(first.getMessage()).contains("consumer 'g' failed (AUTHORIZATION: "
                    + "TopicAuthorizationException").contains("[t]").contains("retrying in 200 ms");
            assertThat(first.getCause()).isInstanceOf(TopicAuthorizationException.class);
            assertThat(errors.get(1).retryIn()).isEqualTo(Duration.ofMillis(400));
            assertThat(errors.get(2).retryIn()).isEqualTo(Duration.ofMillis(800));
            assertThat(consumer[0].ready()).isCompletedExceptionally();
            assertThat(consumer[0].ready().handle((v, e) -> e).join()).isInstanceOf(ConsumerException.class);
            assertThat(consumer[0].isRunning()).isTrue();
            // one Kafka consumer per attempt: created just before the attempt whose failure is reported
            await().atMost(Duration.ofSeconds(5)).until(() -> created.get() == errors.size());
        } finally {
            consumer[0].close(Duration.ofSeconds(2));
        }
    }

    @Test
    void aClientFailingOnItsSecondPollStillBacksOffExponentially() {
        AtomicInteger created = new AtomicInteger();
        MessageConsumer[] consumer = new MessageConsumer[1];
        List<ConsumerException> errors = run(() -> new SaslAuthenticationException("Authentication failed"), created,
                consumer, true);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() >= 3);
            assertThat(errors).extracting(ConsumerException::retryIn).startsWith(Duration.ofMillis(200),
                    Duration.ofMillis(400), Duration.ofMillis(800));
        } finally {
            consumer[0].close(Duration.ofSeconds(2));
        }
    }

    @Test
    void reasonsAreNamed() {
        for (var c : List.of(
                new Object[] {new SaslAuthenticationException("Authentication failed"),
                        ConsumerException.Reason.AUTHENTICATION, false},
                new Object[] {new GroupAuthorizationException("Not authorized to access group: g"),
                        ConsumerException.Reason.AUTHORIZATION, false},
                new Object[] {new KafkaException("something else"), ConsumerException.Reason.CLIENT_ERROR, true})) {
            AtomicInteger created = new AtomicInteger();
            MessageConsumer[] consumer = new MessageConsumer[1];
            List<ConsumerException> errors = run(() -> (RuntimeException) c[0], created, consumer);
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> !errors.isEmpty());
                assertThat(errors.get(0).reason()).isEqualTo(c[1]);
                assertThat(errors.get(0).isRetriable()).isEqualTo(c[2]);
                if ((Boolean) c[2]) {
                    assertThat(consumer[0].ready()).isNotDone();
                } else { // failed just after the listener was told
                    await().atMost(Duration.ofSeconds(5)).until(() -> consumer[0].ready().isDone());
                    assertThat(consumer[0].ready()).isCompletedExceptionally();
                }
            } finally {
                consumer[0].close(Duration.ofSeconds(2));
            }
        }
    }
}
