package io.kafkautility.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.pool.DefaultKafkaClientPool;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.CircuitState;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerClosedException;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.producer.SendResult;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import io.kafkautility.validation.RejectReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Producer logic against MockProducer (pure logic only; real-broker behaviour is in the ITs). */
class MessageProducerTest {

    private static final MessageValidator VALIDATOR = MessageValidator.create();
    private static final KafkaConnectionOptions CONNECTION = KafkaConnectionOptions.builder().bootstrapServers("mock:9092").build();

    private final List<ScriptedProducer> created = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> factory = props -> {
        ScriptedProducer p = new ScriptedProducer(false);
        created.add(p);
        return p;
    };
    private final DefaultKafkaClientPool pool = new DefaultKafkaClientPool("test", factory, () -> VALIDATOR, clock);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    {
        pool.metrics().bindTo(registry);
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    private ProducerOptions.Builder options() {
        return ProducerOptions.builder(CONNECTION).completionExecutor(Runnable::run)
                .slidingWindowSize(10).minimumCalls(5).failureRateThreshold(50).openDuration(Duration.ofSeconds(30))
                .halfOpenCalls(2).backoff(Duration.ofMillis(1), 2.0, Duration.ofMillis(5));
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void validEnvelopeIsEncodedWithHeadersAndCompletesWithMetadata() throws Exception {
        try (MessageProducer producer = pool.newProducer(options().build())) {
            CompletableFuture<SendResult> f = producer.send("docs", "doc-1", TestMessages.valid("doc-1"));
            ScriptedProducer mock = created.get(0);
            assertThat(mock.history()).hasSize(1);
            var record = mock.history().get(0);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("doc-1");
            assertThat(record.headers().lastHeader(MessageHeaders.MESSAGE_TYPE).value())
                    .isEqualTo("rag.document.uploaded".getBytes(StandardCharsets.UTF_8));
            String id = new String(record.headers().lastHeader(MessageHeaders.MESSAGE_ID).value(), StandardCharsets.UTF_8);
            assertThat(f).isNotDone();
            mock.completeNext();
            SendResult r = f.get(5, TimeUnit.SECONDS);
            assertThat(r.topic()).isEqualTo("docs");
            assertThat(r.messageId()).contains(id);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(registry.get(MetricNames.MESSAGES_SENT).tag("topic", "docs").tag("type", "rag.document.uploaded")
                    .counter().count()).isEqualTo(1);
        }
    }

    @Test
    void invalidEnvelopeIsNeverSentAndNeverOpensTheBreaker() {
        try (MessageProducer producer = pool.newProducer(options().build())) {
            for (int i = 0; i < 50; i++) {
                Throwable e = failureOf(producer.send("docs", TestMessages.invalid()));
                assertThat(e).isInstanceOfSatisfying(MessageValidationException.class,
                        v -> assertThat(v.reason()).isEqualTo(RejectReason.SCHEMA_VIOLATION));
            }
            assertThat(created.get(0).history()).isEmpty();
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
            assertThat(registry.get(MetricNames.VALIDATION_FAILURES).tag("reason", "SCHEMA_VIOLATION").counter().count())
                    .isEqualTo(50);
        }
    }

    @Test
    void breakerOpensOnTransportFailuresFailsFastThenHalfOpensAndCloses() throws Exception {
        List<String> transitions = new CopyOnWriteArrayList<>();
        try (MessageProducer producer = pool.newProducer(options()
                .listener((name, from, to) -> transitions.add(from + "->" + to)).build())) {
            ScriptedProducer mock = created.get(0);
            List<CompletableFuture<SendResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(producer.send("docs", TestMessages.valid("d" + i)));
            }
            for (int i = 0; i < 5; i++) {
                mock.errorNext(new TimeoutException("Expiring 1 record(s) for docs-0: 30000 ms has passed since batch creation"));
            }
            for (CompletableFuture<SendResult> f : inFlight) {
                assertThat(failureOf(f)).isInstanceOfSatisfying(SendException.class, e -> {
                    assertThat(e.deliveryState()).isEqualTo(DeliveryState.AMBIGUOUS);
                    assertThat(e.attempts()).isEqualTo(1); // never re-sent
                });
            }
            assertThat(mock.history()).hasSize(5);
            assertThat(producer.circuitState()).isEqualTo(CircuitState.OPEN);

            // fail fast: the future is already failed when send returns, nothing reaches Kafka (timing printed, not asserted)
            long[] nanos = new long[1000];
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                CompletableFuture<SendResult> rejected = producer.send("docs", TestMessages.valid("x" + i));
                nanos[i] = System.nanoTime() - t0;
                assertThat(rejected).isDone();
                assertThat(failureOf(rejected)).isInstanceOfSatisfying(CircuitOpenException.class,
                        e -> assertThat(e.breakerName()).isEqualTo(producer.breakerName()));
            }
            java.util.Arrays.sort(nanos);
            System.out.printf("circuit-open fail-fast (incl. validation): median %d us, p99 %d us, max %d us%n",
                    nanos[500] / 1000, nanos[990] / 1000, nanos[999] / 1000);
            assertThat(mock.history()).hasSize(5);

            clock.advance(Duration.ofSeconds(31));
            CompletableFuture<SendResult> probe1 = producer.send("docs", TestMessages.valid("p1"));
            CompletableFuture<SendResult> probe2 = producer.send("docs", TestMessages.valid("p2"));
            assertThat(producer.circuitState()).isEqualTo(CircuitState.HALF_OPEN);
            mock.completeNext();
            mock.completeNext();
            assertThat(probe1.get(5, TimeUnit.SECONDS).offset()).isGreaterThanOrEqualTo(0);
            assertThat(probe2).isCompleted();
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
            assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
            assertThat(registry.get(MetricNames.CIRCUIT_REJECTED).counter().count()).isEqualTo(1000);
            assertThat(registry.get(MetricNames.CIRCUIT_STATE).tag("state", "closed").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void callerErrorsNeverOpenTheBreaker() {
        try (MessageProducer producer = pool.newProducer(options().build())) {
            ScriptedProducer mock = created.get(0);
            for (int i = 0; i < 20; i++) {
                CompletableFuture<SendResult> f = producer.send("docs", TestMessages.valid("d" + i));
                mock.errorNext(new TopicAuthorizationException("Not authorized to access topics: [docs]"));
                assertThat(failureOf(f)).isInstanceOfSatisfying(SendException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SendFailureReason.AUTHORIZATION);
                    assertThat(e.deliveryState()).isEqualTo(DeliveryState.REJECTED);
                });
            }
            for (int i = 0; i < 20; i++) {
                mock.failBeforeAppend(new RecordTooLargeException("The message is 2000000 bytes"));
                assertThat(failureOf(producer.send("docs", TestMessages.valid("big" + i))))
                        .isInstanceOfSatisfying(SendException.class, e -> assertThat(e.attempts()).isEqualTo(1));
            }
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void failureBeforeAppendIsRetriedWithBackoffUntilItSucceeds() {
        try (MessageProducer producer = pool.newProducer(options().maxAttempts(3).build())) {
            ScriptedProducer mock = created.get(0);
            mock.failBeforeAppend(new TimeoutException("Topic docs not present in metadata after 5000 ms."));
            mock.failBeforeAppend(new TimeoutException("Topic docs not present in metadata after 5000 ms."));
            CompletableFuture<SendResult> f = producer.send("docs", TestMessages.valid("d"));
            // generous: the first test of a fresh JVM on a loaded CI machine (what is asserted is the retries, not time)
            await().atMost(Duration.ofSeconds(30)).until(() -> mock.history().size() == 1);
            mock.completeNext();
            SendResult r = f.join();
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(mock.attempts()).isEqualTo(3);
            assertThat(registry.get(MetricNames.SEND_RETRIES).counter().count()).isEqualTo(2);
        }
    }

    @Test
    void retryGivesUpAfterMaxAttemptsWithNotSent() {
        try (MessageProducer producer = pool.newProducer(options().maxAttempts(2).build())) {
            ScriptedProducer mock = created.get(0);
            for (int i = 0; i < 3; i++) {
                mock.failBeforeAppend(new TimeoutException("Topic docs not present in metadata after 5000 ms."));
            }
            CompletableFuture<SendResult> f = producer.send("docs", TestMessages.valid("d"));
            await().atMost(Duration.ofSeconds(5)).until(f::isDone);
            assertThat(failureOf(f)).isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
                assertThat(e.attempts()).isEqualTo(2);
                assertThat(e.isRetriable()).isTrue();
            });
            assertThat(mock.attempts()).isEqualTo(2);
        }
    }

    @Test
    void oneKafkaProducerIsSharedAndClosedByItsLastUser() {
        ProducerOptions o = options().build();
        MessageProducer a = pool.newProducer(o);
        MessageProducer b = pool.newProducer(options().build());
        MessageProducer c = pool.newProducer(options().linger(Duration.ZERO).build());
        assertThat(created).hasSize(2);
        assertThat(a.breakerName()).isEqualTo(b.breakerName()).isNotEqualTo(c.breakerName());
        assertThat(pool.sharedProducerCount()).isEqualTo(2);
        a.close();
        a.close();
        assertThat(created.get(0).closed()).isFalse();
        b.close();
        assertThat(created.get(0).closed()).isTrue();
        assertThat(pool.sharedProducerCount()).isEqualTo(1);
        assertThat(failureOf(b.send("docs", TestMessages.valid("late")))).isInstanceOf(ProducerClosedException.class);
        pool.close();
        assertThat(created.get(1).closed()).isTrue();
        assertThat(failureOf(c.send("docs", TestMessages.valid("late")))).isInstanceOf(ProducerClosedException.class);
    }

    @Test
    void aThrowingListenerNeverBreaksASend() {
        try (MessageProducer producer = pool.newProducer(options()
                .listener((n, f, t) -> {
                    throw new IllegalStateException("listener bug");
                }).build())) {
            ScriptedProducer mock = created.get(0);
            List<CompletableFuture<SendResult>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                fs.add(producer.send("docs", TestMessages.valid("d" + i)));
            }
            for (int i = 0; i < 5; i++) {
                mock.errorNext(new TimeoutException("expired"));
            }
            fs.forEach(f -> assertThat(failureOf(f)).isInstanceOf(SendException.class));
            assertThat(producer.circuitState()).isEqualTo(CircuitState.OPEN);
        }
    }
}
