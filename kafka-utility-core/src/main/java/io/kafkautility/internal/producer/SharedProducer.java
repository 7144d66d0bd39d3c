package io.kafkautility.internal.producer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.kafkautility.config.ConnectivityException;
import io.kafkautility.internal.config.ConnectionMismatch;
import io.kafkautility.internal.metrics.DefaultKafkaUtilityMetrics;
import io.kafkautility.producer.CircuitBreakerListener;
import io.kafkautility.producer.CircuitOpenException;
import io.kafkautility.producer.CircuitState;
import io.kafkautility.producer.DeliveryState;
import io.kafkautility.producer.ProducerClosedException;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.producer.SendResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka producer with its circuit breaker and safe retry, shared by every MessageProducer of equal settings.
 * Reference counting is done by the pool.
 */
public final class SharedProducer {

    private static final Logger log = LoggerFactory.getLogger(SharedProducer.class);
    /** How long a failing send waits for the connection probe; a later failure uses its cached result. */
    private static final Duration PROBE_WAIT = Duration.ofMillis(300);

    private final String name;
    private final Producer<byte[], byte[]> producer;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final ScheduledExecutorService scheduler;
    private final DefaultKafkaUtilityMetrics metrics;
    private final Duration closeTimeout;
    private final List<CircuitBreakerListener> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable gauges;
    private final AutoCloseable kafkaMetrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConnectionMismatch connectionMismatch;
    private int references; // guarded by the pool's lock

    public SharedProducer(String name, Producer<byte[], byte[]> producer, ProducerOptions options,
                          ScheduledExecutorService scheduler, DefaultKafkaUtilityMetrics metrics, Clock clock) {
        this.name = name;
        this.producer = producer;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.closeTimeout = options.closeTimeout();
        this.connectionMismatch = new ConnectionMismatch(options.connection());
        if (options.circuitBreakerEnabled()) {
            CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                    .failureRateThreshold(options.failureRateThreshold())
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(options.slidingWindowSize())
                    .minimumNumberOfCalls(options.minimumCalls())
                    .waitDurationInOpenState(options.openDuration())
                    .permittedNumberOfCallsInHalfOpenState(options.halfOpenCalls())
                    .recordException(SendFailures::isTransport)
                    .ignoreException(t -> !SendFailures.isTransport(t))
                    .writableStackTraceEnabled(false)
                    .clock(clock)
                    .build();
            this.breaker = CircuitBreaker.of(name, config);
            breaker.getEventPublisher().onStateTransition(e -> onTransition(
                    CircuitState.valueOf(e.getStateTransition().getFromState().name()),
                    CircuitState.valueOf(e.getStateTransition().getToState().name())));
        } else {
            this.breaker = null;
        }
        boolean retryOnOpen = options.retryOnCircuitOpen();
        this.retry = Retry.of(name, RetryConfig.<SendResult>custom()
                .maxAttempts(options.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(options.initialBackoff(),
                        options.backoffMultiplier(), options.jitter(), options.maxBackoff()))
                .retryOnException(t -> SendFailures.isSafeToRetry(t, retryOnOpen))
                .failAfterMaxAttempts(false)
                .build());
        this.gauges = metrics.registerBreaker(name, this::state);
        this.kafkaMetrics = metrics.bindKafkaClient(producer);
    }

    /** Adds a user; called under the pool's lock. */
    public int retain() {
        return ++references;
    }

    /** Removes a user; called under the pool's lock. Returns the remaining users. */
    public int releaseReference() {
        return --references;
    }

    public String name() {
        return name;
    }

    public CircuitState state() {
        return breaker == null ? CircuitState.DISABLED : CircuitState.valueOf(breaker.getState().name());
    }

    public boolean isClosed() {
        return closed.get();
    }

    public void addListener(CircuitBreakerListener listener) {
        if (listener != CircuitBreakerListener.NONE) {
            listeners.add(listener);
        }
    }

    public void removeListener(CircuitBreakerListener listener) {
        listeners.remove(listener);
    }

    private void onTransition(CircuitState from, CircuitState to) {
        log.info("circuit breaker '{}' {} -> {}", name, from, to);
        metrics.circuitTransition(name, to);
        for (CircuitBreakerListener l : listeners) {
            try {
                l.onStateTransition(name, from, to);
            } catch (RuntimeException e) {
                log.warn("circuit breaker listener {} threw {}; ignored", l.getClass().getName(), e.toString());
            }
        }
    }

    /**
     * Sends with breaker and safe retry. Always returns a future that is completed (on {@code completion}).
     */
    public CompletableFuture<SendResult> send(ProducerRecord<byte[], byte[]> record, String messageId, String type,
                                              Executor completion) {
        long start = System.nanoTime();
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        AtomicInteger attempts = new AtomicInteger();
        CompletionStage<SendResult> stage;
        try {
            stage = retry.executeCompletionStage(scheduler, () -> attempt(record, messageId, attempts));
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((r, t) -> {
            long nanos = System.nanoTime() - start;
            Throwable error = t == null ? null : SendFailures.unwrap(t);
            try {
                if (error == null) {
                    metrics.sent(record.topic(), type, nanos);
                } else {
                    metrics.failed(record.topic(), type, SendFailures.reason(error).name(), nanos);
                }
            } catch (RuntimeException e) {
                log.warn("recording send metrics failed: {}", e.toString());
            }
            Runnable complete = () -> {
                if (error == null) {
                    result.complete(r);
                } else {
                    result.completeExceptionally(error);
                }
            };
            try {
                completion.execute(complete);
            } catch (RuntimeException rejected) {
                complete.run();
            }
        });
        return result;
    }

    private CompletionStage<SendResult> attempt(ProducerRecord<byte[], byte[]> record, String messageId,
                                                AtomicInteger attempts) {
        CompletableFuture<SendResult> f = new CompletableFuture<>();
        String topic = record.topic();
        if (closed.get()) {
            f.completeExceptionally(new ProducerClosedException(topic, messageId));
            return f;
        }
        if (breaker != null && !breaker.tryAcquirePermission()) {
            metrics.circuitRejected(name);
            f.completeExceptionally(new CircuitOpenException(topic, messageId, name));
            return f;
        }
        int attempt = attempts.incrementAndGet();
        if (attempt > 1) {
            metrics.retry(topic);
        }
        long t0 = System.nanoTime();
        Thread caller = Thread.currentThread();
        AtomicBoolean returned = new AtomicBoolean();
        try {
            producer.send(record, (md, ex) -> {
                long d = System.nanoTime() - t0;
                if (ex == null) {
                    if (breaker != null) {
                        breaker.onSuccess(d, TimeUnit.NANOSECONDS);
                    }
                    f.complete(new SendResult(md.topic(), md.partition(), md.offset(),
                            md.hasTimestamp() ? Instant.ofEpochMilli(md.timestamp()) : null, messageId, attempt));
                } else {
                    boolean synchronous = !returned.get() && Thread.currentThread() == caller;
                    fail(f, ex, synchronous, d, topic, messageId, attempt);
                }
            });
        } catch (RuntimeException ex) {
            fail(f, ex, true, System.nanoTime() - t0, topic, messageId, attempt);
        } finally {
            returned.set(true);
        }
        return f;
    }

    private void fail(CompletableFuture<SendResult> f, Throwable kafkaError, boolean synchronous, long nanos,
                      String topic, String messageId, int attempt) {
        SendException error;
        // kafka-clients reports a PLAINTEXT client on a TLS port (or a SASL mismatch) only as a metadata timeout
        ConnectivityException mismatch = synchronous && kafkaError instanceof TimeoutException
                ? connectionMismatch.find(PROBE_WAIT) : null;
        if (mismatch != null) {
            error = new SendException(topic, messageId, SendFailureReason.MISCONFIGURED, DeliveryState.NOT_SENT,
                    attempt, SendFailures.describe(kafkaError) + "; " + mismatch.issues().get(0).message(), mismatch);
        } else {
            error = new SendException(topic, messageId, SendFailures.reason(kafkaError),
                    SendFailures.deliveryState(kafkaError, synchronous), attempt, SendFailures.describe(kafkaError),
                    kafkaError);
        }
        if (breaker != null) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, error); // same classification as the Kafka error's
        }
        f.completeExceptionally(error);
    }

    /** Closes the Kafka producer, bounded by the close timeout; pending sends complete exceptionally. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            log.warn("closing Kafka producer '{}' failed: {}", name, SendFailures.describe(e));
        }
        closeQuietly(gauges);
        closeQuietly(kafkaMetrics);
        log.info("closed Kafka producer '{}' in {} ms", name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("close failed: {}", e.toString());
        }
    }
}
