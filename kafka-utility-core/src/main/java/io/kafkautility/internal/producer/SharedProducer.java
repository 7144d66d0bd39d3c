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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
    private final boolean retryOnOpen;
    private final ScheduledExecutorService scheduler;
    private final DefaultKafkaUtilityMetrics metrics;
    private final Duration closeTimeout;
    private final List<CircuitBreakerListener> listeners = new CopyOnWriteArrayList<>();
    private final AutoCloseable gauges;
    private final AutoCloseable kafkaMetrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The last send that failed for good: when (System.nanoTime) and its reason; null before any (health). */
    private volatile LastFailure lastFailure;

    /** A send that failed for good, for health: its reason and when it happened. */
    record LastFailure(long atNanos, String reason) {
    }
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
        this.retryOnOpen = options.retryOnCircuitOpen();
        this.retry = Retry.of(name, RetryConfig.<SendResult>custom()
                .maxAttempts(options.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(options.initialBackoff(),
                        options.backoffMultiplier(), options.jitter(), options.maxBackoff()))
                .retryOnException(t -> SendFailures.isSafeToRetry(t, options.retryOnCircuitOpen()))
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
        Send send = new Send(record, messageId, type, completion);
        send.attempt();
        return send.result;
    }

    /**
     * One message's way through breaker, Kafka and the safe retry: one object (it is also the Kafka callback) and one
     * future per send. The retry policy is resilience4j's, asked only after a failure, so a send that succeeds at once
     * pays for no retry bookkeeping.
     */
    private static final java.lang.invoke.VarHandle SENDING;

    static {
        try {
            SENDING = java.lang.invoke.MethodHandles.lookup().findVarHandle(Send.class, "sending", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final class Send implements Callback {
        final ProducerRecord<byte[], byte[]> record;
        final String messageId;
        final String type;
        final Executor completion;
        final CompletableFuture<SendResult> result = new CompletableFuture<>();
        final long start = System.nanoTime();
        Retry.AsyncContext<SendResult> retryContext; // created at the first failure
        int attempt;
        long attemptStart;
        /** The thread inside {@code KafkaProducer.send} for this attempt, while it is inside; else null. */
        volatile Thread sending;

        Send(ProducerRecord<byte[], byte[]> record, String messageId, String type, Executor completion) {
            this.record = record;
            this.messageId = messageId;
            this.type = type;
            this.completion = completion;
        }

        void attempt() {
            String topic = record.topic();
            if (closed.get()) {
                failed(new ProducerClosedException(topic, messageId));
                return;
            }
            if (breaker != null && !breaker.tryAcquirePermission()) {
                metrics.circuitRejected(name);
                failed(new CircuitOpenException(topic, messageId, name));
                return;
            }
            attempt++;
            if (attempt > 1) {
                metrics.retry(topic);
            }
            attemptStart = System.nanoTime();
            Thread self = Thread.currentThread();
            sending = self;
            try {
                producer.send(record, this);
            } catch (RuntimeException ex) {
                // kafka-clients reports most failures through the callback; what it throws never reached it
                kafkaFailed(ex, true, System.nanoTime() - attemptStart);
            } finally {
                // only if still ours: a retry scheduled from inside this send may already be sending on another
                // thread, and clearing its mark would make its synchronous failure look ambiguous (not retried)
                SENDING.compareAndSet(this, self, null);
            }
        }

        /** Kafka's callback: on the producer's I/O thread, or on the caller's inside {@code send}. */
        @Override
        public void onCompletion(RecordMetadata md, Exception ex) {
            long nanos = System.nanoTime() - attemptStart;
            if (ex == null) {
                if (breaker != null) {
                    breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                }
                if (retryContext != null) {
                    retryContext.onComplete();
                }
                finish(new SendResult(md.topic(), md.partition(), md.offset(),
                        md.hasTimestamp() ? Instant.ofEpochMilli(md.timestamp()) : null, messageId, attempt), null);
            } else {
                kafkaFailed(ex, sending == Thread.currentThread(), nanos);
            }
        }

        private void kafkaFailed(Exception kafkaError, boolean synchronous, long nanos) {
            String topic = record.topic();
            SendException error;
            // kafka-clients reports a PLAINTEXT client on a TLS port (or a SASL mismatch) only as a metadata timeout
            ConnectivityException mismatch = synchronous && kafkaError instanceof TimeoutException
                    ? connectionMismatch.find(PROBE_WAIT) : null;
            if (mismatch != null) {
                error = new SendException(topic, messageId, SendFailureReason.MISCONFIGURED, DeliveryState.NOT_SENT,
                        attempt, SendFailures.describe(kafkaError) + "; " + mismatch.issues().get(0).message(),
                        mismatch);
            } else {
                error = new SendException(topic, messageId, SendFailures.reason(kafkaError),
                        SendFailures.deliveryState(kafkaError, synchronous), attempt, SendFailures.describe(kafkaError),
                        kafkaError);
            }
            if (breaker != null) {
                breaker.onError(nanos, TimeUnit.NANOSECONDS, error); // same classification as the Kafka error's
            }
            failed(error);
        }

        /** A failed attempt: retried after the policy's backoff when it is safe, else the send fails with it. */
        private void failed(Throwable error) {
            if (!SendFailures.isSafeToRetry(error, retryOnOpen)) {
                finish(null, error);
                return;
            }
            if (retryContext == null) {
                retryContext = retry.asyncContext();
            }
            long delayMillis = retryContext.onError(error);
            if (delayMillis < 0) {
                finish(null, error); // attempts exhausted
                return;
            }
            try {
                scheduler.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException rejected) {
                finish(null, error); // the pool is closing: no later attempt
            }
        }

        private void finish(SendResult r, Throwable error) {
            long nanos = System.nanoTime() - start;
            try {
                if (error == null) {
                    metrics.sent(record.topic(), type, nanos);
                } else {
                    String reason = SendFailures.reason(error).name();
                    metrics.failed(record.topic(), type, reason, nanos);
                    lastFailure = new LastFailure(System.nanoTime(), reason);
                }
            } catch (RuntimeException e) {
                log.warn("recording send metrics failed: {}", e.toString());
            }
            Runnable complete = error == null ? () -> result.complete(r) : () -> result.completeExceptionally(error);
            try {
                completion.execute(complete);
            } catch (RuntimeException rejected) {
                complete.run();
            }
        }
    }

    /** The last send that failed for good, or null. */
    /**
     * This producer's health as a part named {@code component}: DOWN while its breaker is open or it is closed,
     * DEGRADED while half-open or after a failure within {@code recent}; details: breaker, state, the last failure.
     */
    public io.kafkautility.health.Health health(String component, java.time.Duration recent) {
        CircuitState state = state();
        java.util.List<String> reasons = new java.util.ArrayList<>();
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("breaker", name());
        details.put("breakerState", state.name());
        io.kafkautility.health.HealthStatus status = io.kafkautility.health.HealthStatus.UP;
        LastFailure failure = lastFailure();
        if (failure != null) {
            long agoMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failure.atNanos());
            details.put("lastFailureReason", failure.reason());
            details.put("lastFailureMillisAgo", agoMillis);
            if (agoMillis < recent.toMillis()) {
                status = io.kafkautility.health.HealthStatus.DEGRADED;
                reasons.add("a send failed " + agoMillis + " ms ago (" + failure.reason() + ")");
            }
        }
        if (state == CircuitState.OPEN) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add("circuit breaker " + name() + " is " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + ": sends are refused");
        } else if (state == CircuitState.HALF_OPEN) {
            status = status.worst(io.kafkautility.health.HealthStatus.DEGRADED);
            reasons.add("circuit breaker " + name() + " is half-open: trying the broker again");
        }
        if (isClosed()) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add("closed");
        }
        return io.kafkautility.health.Health.of(component, status, reasons, details);
    }

    LastFailure lastFailure() {
        return lastFailure;
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
