package io.kafkautility.internal.consumer;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.ConnectivityException;
import io.kafkautility.consumer.ConsumerException;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.internal.config.ConnectionMismatch;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageConsumer}: a {@link RecordSink} on the library's {@link ConsumerLoop} (which polls, pauses,
 * commits the contiguous finished offsets, reconnects and closes), with one worker thread that decodes, validates,
 * handles, retries and dead-letters each record in partition order. A record the worker could not finish (stopped
 * while retrying, or a bug) is read again from it; after a revoke or close no record of the partition starts.
 */
public final class DefaultMessageConsumer implements MessageConsumer, RecordSink {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageConsumer.class);
    private static final Duration PROBE_WAIT = Duration.ofSeconds(5);
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ConsumerOptions options;
    private final KafkaClientPool pool;
    private final boolean ownsPool;
    private final MessageValidator validator;
    private final MessageProducer deadLetters;
    private final ConsumerMeters recordMeters;
    private final MessageIdWindow seenIds;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    private final ExecutorService worker;
    private final ConsumerLoop loop;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final Object sleeper = new Object();
    private final AtomicLong completed = new AtomicLong();
    /** The worker thread while it handles a record (for {@link #interrupt()}). */
    private volatile Thread busyWorker;
    private volatile boolean closed;

    public DefaultMessageConsumer(ConsumerOptions options) {
        this.options = options;
        this.ownsPool = options.pool() == null;
        this.pool = ownsPool ? KafkaClientPool.builder().name(options.name()).build() : options.pool();
        this.validator = options.validator() != null ? options.validator() : pool.validator();
        this.deadLetters = pool.newProducer(ProducerOptions.builder(options.connection())
                .source(options.name())
                .maxBlock(options.deadLetterMaxBlock())
                .build());
        MeterRegistry meters = pool.metrics().registry();
        this.recordMeters = new ConsumerMeters(meters);
        this.seenIds = new MessageIdWindow(options.dedupWindow());
        this.tracing = pool.tracing();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ku-consumer-worker-" + options.name());
            t.setDaemon(true);
            return t;
        });
        ConnectionMismatch mismatch = new ConnectionMismatch(options.connection());
        Object maxPoll = options.consumerProperties().get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        int batch = maxPoll == null ? ConsumerConfig.DEFAULT_MAX_POLL_RECORDS : Integer.parseInt(maxPoll.toString());
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe(options.name(),
                        () -> options.consumerFactory().apply(options.consumerProperties()), options.topics())
                .pollTimeout(options.pollTimeout())
                .maxInFlight(2 * batch) // the batch being handled and one behind it: the worker never waits a fetch
                .closeTimeout(options.closeTimeout())
                .backoff(options.reconnectBackoff(), options.maxReconnectBackoff())
                .diagnosis(() -> mismatch.find(PROBE_WAIT))
                .meterRegistry(meters)
                .build(), this);
        loop.ready().whenComplete((v, e) -> {
            if (e == null) {
                assigned.complete(null);
            }
        });
    }

    @Override
    public MessageConsumer start() {
        if (closed) {
            throw new IllegalStateException("consumer " + options.name() + " is closed");
        }
        loop.start();
        return this;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return closed ? loop.ready() : assigned;
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public long completedCount() {
        return completed.get();
    }

    @Override
    public io.kafkautility.health.Health health() {
        return loop.health("consumer:" + options.name(), options.healthMaxLag(), Map.of("completed",
                completed.get()));
    }

    // ------------------------------------------------------------------ sink (poll thread)

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        try {
            worker.execute(() -> work(record, ack));
        } catch (RejectedExecutionException closing) {
            ack.retry(); // closed: the record is read again by the next member
        }
    }

    /** Logs a client failure, tells the error listener, fails ready() if it is not retriable and still pending. */
    @Override
    public boolean onFailure(RuntimeException e, Duration retryIn) {
        ConsumerException.Reason reason = e instanceof AuthenticationException ? ConsumerException.Reason.AUTHENTICATION
                : e instanceof AuthorizationException ? ConsumerException.Reason.AUTHORIZATION
                : e instanceof ConnectivityException ? ConsumerException.Reason.CONFIGURATION
                : ConsumerException.Reason.CLIENT_ERROR;
        ConsumerException error = new ConsumerException(options.name(), reason, e.getClass().getSimpleName() + ": "
                + DeadLetterRecords.safeMessage(e), retryIn, e);
        try {
            options.errorListener().onError(error);
        } catch (RuntimeException listenerFailure) {
            log.warn("Consumer {} error listener threw {}; ignored", options.name(), listenerFailure.toString());
        }
        if (!error.isRetriable()) {
            assigned.completeExceptionally(error); // after the listener: whoever sees ready() fail sees it told
        }
        return true;
    }

    @Override
    public void interrupt() {
        Thread t = busyWorker;
        if (t != null) {
            t.interrupt();
        }
    }

    // ------------------------------------------------------------------ worker thread

    private void work(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        Thread.interrupted(); // an interrupt meant for an abandoned record must not hit this one
        if (!ack.begin()) {
            return;
        }
        busyWorker = Thread.currentThread();
        boolean done;
        try {
            done = processOne(record, ack);
        } catch (RuntimeException | Error e) { // a bug somewhere: read the record again, never skip it
            log.error("Consumer {}: record {}-{}@{} failed unexpectedly; it will be read again", options.name(),
                    record.topic(), record.partition(), record.offset(), e);
            done = false;
        } finally {
            busyWorker = null;
        }
        if (done) {
            completed.incrementAndGet(); // counted before it can be committed
            ack.done();
        } else {
            ack.retry();
        }
    }

    /** Handles or dead-letters one record; false if it could not be finished (stopped while retrying). */
    private boolean processOne(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        Map<String, String> headers = EnvelopeCodec.headerMap(record.headers());
        if (record.value() == null) {
            return deadLetter(ack, record, DeadLetterReason.NULL_VALUE.name(), null, 0, "unknown");
        }
        DecodeResult decoded = validator.decode(record.value(), headers);
        recordMeters.consumed(record.topic(), decoded.isValid() ? decoded.envelope().type() : "unknown");
        if (!decoded.isValid()) {
            String reason = decoded.reason().map(Enum::name).orElse("INVALID");
            recordMeters.validationFailure(record.topic(), reason);
            log.warn("Record {}-{}@{} rejected: {} ({}); sending it to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), reason, LogText.oneLine(decoded.message().orElse("")));
            return deadLetter(ack, record, reason, decoded.failure().orElse(null), 0, "unknown");
        }
        Envelope envelope = decoded.envelope();
        String type = envelope.type();
        if (seenIds.contains(envelope.id())) {
            log.debug("Record {}-{}@{} is a redelivery of message {}; skipped", record.topic(), record.partition(),
                    record.offset(), LogText.oneLine(envelope.id()));
            count(record.topic(), type, "duplicate");
            return true;
        }
        MessageHandler handler = options.handlers().get(type);
        if (handler == null) {
            log.warn("Record {}-{}@{} (message {}) has type {} with no handler; sending it to the dead-letter topic",
                    record.topic(), record.partition(), record.offset(), LogText.oneLine(envelope.id()),
                    LogText.oneLine(type));
            return deadLetter(ack, record, DeadLetterReason.NO_HANDLER.name(), null, 0, type);
        }
        Instant timestamp = Instant.ofEpochMilli(record.timestamp());
        Duration backoff = options.initialBackoff();
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                try (HandlerScope scope = HandlerScope.open(tracing, record, envelope)) {
                    try {
                        handler.handle(envelope, new MessageContext(record.topic(), record.partition(),
                                record.offset(), timestamp, attempt, headers));
                    } catch (Exception | Error e) {
                        scope.failed(e);
                        throw e;
                    }
                }
                recordMeters.processing(record.topic(), type, System.nanoTime() - start);
                envelope.time().ifPresent(t -> recordMeters.endToEnd(record.topic(), type,
                        Duration.between(t, Instant.now()).abs()));
                seenIds.add(envelope.id());
                count(record.topic(), type, "processed");
                return true;
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (attempt >= options.maxAttempts()) {
                    log.warn("Record {}-{}@{} (message {}) failed {} times ({}: {}); sending it to the dead-letter "
                                    + "topic", record.topic(), record.partition(), record.offset(),
                            LogText.oneLine(envelope.id()),
                            attempt, e.getClass().getName(), DeadLetterRecords.safeMessage(e));
                    boolean done = deadLetter(ack, record, DeadLetterReason.HANDLER_FAILED.name(), e, attempt, type);
                    if (done) {
                        seenIds.add(envelope.id());
                    }
                    return done;
                }
                recordMeters.retry(record.topic(), type);
                log.debug("Record {}-{}@{} attempt {} failed ({}); retrying in {} ms", record.topic(),
                        record.partition(), record.offset(), attempt, e.getClass().getSimpleName(),
                        backoff.toMillis());
                if (!sleep(backoff, () -> !ack.isWanted())) {
                    return false;
                }
                backoff = next(backoff);
            }
        }
    }

    private boolean deadLetter(RecordAck ack, ConsumerRecord<byte[], byte[]> record, String reason, Throwable error, int attempts,
                               String type) {
        String topic = options.deadLetterTopic(record.topic());
        Duration backoff = options.initialBackoff();
        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(record, topic, reason, error, attempts,
                Instant.now());
        while (true) {
            try {
                deadLetters.sendRecord(dead)
                        .get(options.deadLetterMaxBlock().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                recordMeters.deadLettered(record.topic(), reason);
                count(record.topic(), type, "dead_lettered");
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                ProducerRecord<byte[], byte[]> smaller = cause instanceof SendException se
                        && se.reason() == SendFailureReason.RECORD_TOO_LARGE ? DeadLetterRecords.shrink(dead) : null;
                if (smaller != null) {
                    // retrying the same record can never succeed: drop what makes it too large, say so in a header
                    log.warn("Dead-letter record of {}-{}@{} is too large for {}; sending it without its {}",
                            record.topic(), record.partition(), record.offset(), topic,
                            new String(smaller.headers().lastHeader(MessageHeaders.DLT_TRUNCATED).value(),
                                    java.nio.charset.StandardCharsets.UTF_8));
                    dead = smaller;
                    continue;
                }
                recordMeters.deadLetterFailure(record.topic());
                log.warn("Dead-letter publish of {}-{}@{} to {} failed ({}: {}); its offset is held back, retrying "
                                + "in {} ms", record.topic(), record.partition(), record.offset(), topic,
                        cause.getClass().getSimpleName(), DeadLetterRecords.safeMessage(cause), backoff.toMillis());
                if (!sleep(backoff, () -> !ack.isWanted())) {
                    return false;
                }
                backoff = next(backoff);
            }
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : doubled;
    }

    private void count(String topic, String type, String outcome) {
        recordMeters.outcome(topic, type, outcome);
    }

    /** Waits {@code d} unless {@code stop} becomes true (checked every 20 ms); false if stopped or interrupted. */
    private boolean sleep(Duration d, java.util.function.BooleanSupplier stop) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (sleeper) {
            while (!stop.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleeper, Math.min(left, STOP_CHECK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ close

    @Override
    public void close() {
        close(options.closeTimeout());
    }

    @Override
    public void close(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 but was " + timeout);
        }
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.close(timeout);
        } finally {
            worker.shutdownNow();
            deadLetters.close();
            if (ownsPool) {
                pool.close();
            }
            assigned.completeExceptionally(new io.kafkautility.KafkaUtilityException(
                    "consumer " + options.name() + " closed before it was assigned partitions"));
        }
    }
}
