package io.kafkautility.internal.consumer;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.ConnectivityException;
import io.kafkautility.consumer.ConsumerException;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.consumer.ProcessedIds;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageConsumer}: a {@link RecordSink} on the library's {@link ConsumerLoop} (which polls, pauses,
 * commits the contiguous finished offsets, reconnects and closes), with worker threads that decode, validate, handle,
 * retry and dead-letter the records: one worker by default (each partition in order), or
 * {@link ConsumerOptions#keyOrderedWorkers()} of them ({@link KeyedExecutor}: a key's records one after another, any
 * free worker taking any ready key). Failures are classified ({@link ConsumerOptions#isRetryable}): non-retryable ones
 * are dead-lettered at once, retryable ones retried in place with backoff or, with retry topics, forwarded to the next
 * stage's topic, whose records wait for their due time by pausing their partition ({@link RecordAck#retryAfter}). A
 * record a worker could not finish (stopped while retrying, or a bug) is read again from it; after a revoke or close no
 * record of the partition starts.
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
    private final java.util.concurrent.atomic.AtomicReference<io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics>
            clientMetrics = new java.util.concurrent.atomic.AtomicReference<>();
    /** Finished (source, id) pairs to skip redeliveries; null when not deduplicating. */
    private final ProcessedIds processed;
    private final boolean ownsProcessed;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    /** The worker of a consumer that handles a partition's records one at a time; null when key-ordered. */
    private final ExecutorService worker;
    /** Key-ordered workers; null by default. */
    private final KeyedExecutor keyed;
    /** Retry topic -> its stage; empty without retry topics. */
    private final Map<String, RetryStage> retryStages;
    /** Per retry-topic partition, the record waiting for its due time: {offset, due millis}. Poll thread only. */
    private final Map<TopicPartition, long[]> waiting = new java.util.HashMap<>();
    private final ConsumerLoop loop;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final Object sleeper = new Object();
    private final AtomicLong completed = new AtomicLong();
    /** The worker threads while they handle a record (for {@link #interrupt()}). */
    private final Set<Thread> busyWorkers = ConcurrentHashMap.newKeySet();
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
        this.ownsProcessed = options.processedIds() == null && options.dedupWindow() > 0;
        this.processed = options.processedIds() != null ? options.processedIds()
                : ownsProcessed ? ProcessedIds.inMemory(options.dedupWindow()) : null;
        if (processed != null) {
            processed.bindTo(meters);
        }
        this.tracing = pool.tracing();
        int n = options.keyOrderedWorkers();
        String threadName = "ku-consumer-worker-" + options.name();
        this.worker = n > 1 ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        this.keyed = n > 1 ? new KeyedExecutor(n, threadName) : null;
        Map<String, RetryStage> stages = new LinkedHashMap<>();
        for (String topic : options.topics()) {
            for (int stage = 1; stage <= options.retryDelays().size(); stage++) {
                stages.put(options.retryTopic(topic, stage), new RetryStage(topic, stage,
                        options.retryDelays().get(stage - 1)));
            }
        }
        this.retryStages = Map.copyOf(stages);
        List<String> subscription = new ArrayList<>(options.topics());
        subscription.addAll(stages.keySet());
        ConnectionMismatch mismatch = new ConnectionMismatch(options.connection());
        Object maxPoll = options.consumerProperties().get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG);
        int batch = maxPoll == null ? ConsumerConfig.DEFAULT_MAX_POLL_RECORDS : Integer.parseInt(maxPoll.toString());
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe(options.name(),
                        () -> withClientMetrics(options.consumerFactory().apply(options.consumerProperties())),
                        subscription)
                .pollTimeout(options.pollTimeout())
                // the batch being handled and one behind it: a worker never waits a fetch
                .maxInFlight(Math.max(2 * batch, 4 * n))
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

    /** A retry topic: the topic whose records it retries, its stage (1-based) and delay. */
    private record RetryStage(String originalTopic, int stage, Duration delay) {
    }

    @Override
    public MessageConsumer start() {
        if (closed) {
            throw new IllegalStateException("consumer " + options.name() + " is closed");
        }
        if (!retryStages.isEmpty() && options.createRetryTopics() && !loop.isRunning()) {
            RetryTopics.ensure(options, retryStages.keySet(), t -> retryStages.get(t).originalTopic());
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
        RetryStage stage = retryStages.get(record.topic());
        if (stage != null) {
            long wait = dueMillis(record, stage) - System.currentTimeMillis();
            if (wait > 0) {
                ack.retryAfter(Duration.ofMillis(wait)); // its partition waits; nobody sleeps
                return;
            }
            waiting.remove(new TopicPartition(record.topic(), record.partition()));
        }
        try {
            if (keyed != null) {
                keyed.execute(record.key(), () -> work(record, ack, stage));
            } else {
                worker.execute(() -> work(record, ack, stage));
            }
        } catch (RejectedExecutionException closing) {
            ack.retry(); // closed: the record is read again by the next member
        }
    }

    /**
     * When a retry-topic record is due: its {@code ku_retry_due} header, but never later than the stage's delay after
     * the record was written, nor after it was first seen here (a record written with a garbage or far-future due
     * time or timestamp must not freeze its partition). Poll thread only.
     */
    private long dueMillis(ConsumerRecord<byte[], byte[]> record, RetryStage stage) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long[] known = waiting.get(tp);
        if (known != null && known[0] == record.offset()) {
            return known[1];
        }
        long now = System.currentTimeMillis();
        long at;
        try {
            at = Long.parseLong(DeadLetterRecords.number(record, MessageHeaders.RETRY_DUE, "0"));
        } catch (NumberFormatException e) {
            at = 0;
        }
        long delay = stage.delay().toMillis();
        long due = Math.min(at, Math.min(record.timestamp() + delay, now + delay));
        waiting.put(tp, new long[] {record.offset(), due});
        return due;
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
        busyWorkers.forEach(Thread::interrupt);
    }

    // ------------------------------------------------------------------ worker thread

    private void work(ConsumerRecord<byte[], byte[]> record, RecordAck ack, RetryStage stage) {
        Thread.interrupted(); // an interrupt meant for an abandoned record must not hit this one
        if (!ack.begin()) {
            return;
        }
        Thread self = Thread.currentThread();
        busyWorkers.add(self);
        boolean done;
        try {
            done = processOne(record, ack, stage);
        } catch (RuntimeException | Error e) { // a bug somewhere: read the record again, never skip it
            log.error("Consumer {}: record {}-{}@{} failed unexpectedly; it will be read again", options.name(),
                    record.topic(), record.partition(), record.offset(), e);
            done = false;
        } finally {
            busyWorkers.remove(self);
        }
        if (done) {
            completed.incrementAndGet(); // counted before it can be committed
            ack.done();
        } else {
            ack.retry();
        }
    }

    /**
     * Handles, forwards to a retry topic or dead-letters one record ({@code stage} is its retry topic's, null for a
     * record of a consumed topic); false if it could not be finished (stopped while retrying).
     */
    private boolean processOne(ConsumerRecord<byte[], byte[]> record, RecordAck ack, RetryStage stage) {
        String origin = stage == null ? record.topic() : stage.originalTopic();
        int stageNo = stage == null ? 0 : stage.stage();
        Map<String, String> headers = EnvelopeCodec.headerMap(record.headers());
        if (record.value() == null) {
            return deadLetter(ack, record, origin, DeadLetterReason.NULL_VALUE.name(), null, 0, "unknown");
        }
        DecodeResult decoded = validator.decode(record.value(), headers);
        recordMeters.consumed(record.topic(), decoded.isValid() ? decoded.envelope().type() : "unknown");
        if (!decoded.isValid()) {
            String reason = decoded.reason().map(Enum::name).orElse("INVALID");
            recordMeters.validationFailure(record.topic(), reason);
            log.warn("Record {}-{}@{} rejected: {} ({}); sending it to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), reason, LogText.oneLine(decoded.message().orElse("")));
            return deadLetter(ack, record, origin, reason, decoded.failure().orElse(null), 0, "unknown");
        }
        Envelope envelope = decoded.envelope();
        String type = envelope.type();
        String dedupId = dedupId(envelope, headers);
        if (processed != null && processed.contains(envelope.source(), dedupId)) {
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
            return finished(envelope, dedupId, deadLetter(ack, record, origin, DeadLetterReason.NO_HANDLER.name(),
                    null, 0, type));
        }
        Instant timestamp = Instant.ofEpochMilli(record.timestamp());
        String key = record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
        Duration backoff = options.initialBackoff();
        int attemptsHere = retryStages.isEmpty() ? options.maxAttempts() : 1; // retry topics: one per stage
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                try (HandlerScope scope = HandlerScope.open(tracing, record, envelope)) {
                    try {
                        handler.handle(envelope, new MessageContext(record.topic(), record.partition(),
                                record.offset(), timestamp, stageNo + attempt, headers, key));
                    } catch (Exception | Error e) {
                        scope.failed(e);
                        throw e;
                    }
                }
                finished(envelope, dedupId, true); // first: the smaller the gap to the handler's effect, the better
                recordMeters.processing(record.topic(), type, System.nanoTime() - start);
                envelope.time().ifPresent(t -> recordMeters.endToEnd(record.topic(), type,
                        Duration.between(t, Instant.now()).abs()));
                count(record.topic(), type, "processed");
                return true;
            } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                int attempts = stageNo + attempt;
                if (!options.isRetryable(e)) {
                    log.warn("Record {}-{}@{} (message {}) failed with a non-retryable {} ({}); sending it to the "
                                    + "dead-letter topic now", record.topic(), record.partition(), record.offset(),
                            LogText.oneLine(envelope.id()), e.getClass().getName(), DeadLetterRecords.safeMessage(e));
                    return finished(envelope, dedupId, deadLetter(ack, record, origin,
                            DeadLetterReason.NON_RETRYABLE.name(), e, attempts, type));
                }
                if (attempt >= attemptsHere) {
                    if (stageNo < options.retryDelays().size()) {
                        return forward(ack, record, origin, stageNo + 1, e, type);
                    }
                    log.warn("Record {}-{}@{} (message {}) failed {} times ({}: {}); sending it to the dead-letter "
                                    + "topic", record.topic(), record.partition(), record.offset(),
                            LogText.oneLine(envelope.id()), attempts, e.getClass().getName(),
                            DeadLetterRecords.safeMessage(e));
                    return finished(envelope, dedupId, deadLetter(ack, record, origin,
                            DeadLetterReason.HANDLER_FAILED.name(), e, attempts, type));
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

    /** The id a redelivery repeats: the envelope's, plus the replay id of a record replayed from a dead-letter topic. */
    private static String dedupId(Envelope envelope, Map<String, String> headers) {
        String replay = headers.get(MessageHeaders.REPLAY_ID);
        return replay == null ? envelope.id() : envelope.id() + '#' + replay;
    }

    /** Notes a finished message for deduplication; returns {@code done}. */
    private boolean finished(Envelope envelope, String dedupId, boolean done) {
        if (done && processed != null) {
            processed.add(envelope.source(), dedupId);
        }
        return done;
    }

    /** Sends a failed record to the retry topic of {@code stage}, due after that stage's delay. */
    private boolean forward(RecordAck ack, ConsumerRecord<byte[], byte[]> record, String origin, int stage,
                            Throwable error, String type) {
        String retryTopic = options.retryTopic(origin, stage);
        long due = System.currentTimeMillis() + options.retryDelays().get(stage - 1).toMillis();
        log.info("Record {}-{}@{} failed ({}); retrying it in {} ms through {}", record.topic(), record.partition(),
                record.offset(), error.getClass().getSimpleName(), options.retryDelays().get(stage - 1).toMillis(),
                retryTopic);
        Boolean sent = publish(ack, record, DeadLetterRecords.retry(record, origin, retryTopic, stage, due, error),
                false);
        if (sent == null) { // too large for the retry topic: it can only be dead-lettered
            return deadLetter(ack, record, origin, DeadLetterReason.HANDLER_FAILED.name(), error, stage, type);
        }
        if (sent) {
            recordMeters.retry(record.topic(), type);
            count(record.topic(), type, "retried_later");
        }
        return sent;
    }

    private boolean deadLetter(RecordAck ack, ConsumerRecord<byte[], byte[]> record, String origin, String reason,
                               Throwable error, int attempts, String type) {
        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(record, origin, options.deadLetterTopic(origin),
                reason, error, attempts, Instant.now());
        Boolean sent = publish(ack, record, dead, true);
        if (Boolean.TRUE.equals(sent)) {
            recordMeters.deadLettered(record.topic(), reason);
            count(record.topic(), type, "dead_lettered");
            return true;
        }
        return false;
    }

    /**
     * Publishes {@code out} (a dead-letter or retry record of {@code record}), retrying with backoff while the loop
     * still wants the record; a dead-letter record the topic refuses as too large is cut down and sent again. True
     * once sent, false if stopped, null for a retry record that is too large.
     */
    private Boolean publish(RecordAck ack, ConsumerRecord<byte[], byte[]> record, ProducerRecord<byte[], byte[]> out,
                            boolean deadLetter) {
        Duration backoff = options.initialBackoff();
        while (true) {
            try {
                deadLetters.sendRecord(out)
                        .get(options.deadLetterMaxBlock().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean tooLarge = cause instanceof SendException se && se.reason() == SendFailureReason.RECORD_TOO_LARGE;
                if (tooLarge && !deadLetter) {
                    return null;
                }
                ProducerRecord<byte[], byte[]> smaller = tooLarge ? DeadLetterRecords.shrink(out) : null;
                if (smaller != null) {
                    // retrying the same record can never succeed: drop what makes it too large, say so in a header
                    log.warn("Dead-letter record of {}-{}@{} is too large for {}; sending it without its {}",
                            record.topic(), record.partition(), record.offset(), out.topic(),
                            new String(smaller.headers().lastHeader(MessageHeaders.DLT_TRUNCATED).value(),
                                    java.nio.charset.StandardCharsets.UTF_8));
                    out = smaller;
                    continue;
                }
                recordMeters.deadLetterFailure(record.topic());
                log.warn("Publish of {}-{}@{} to {} failed ({}: {}); its offset is held back, retrying in {} ms",
                        record.topic(), record.partition(), record.offset(), out.topic(),
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

    /**
     * Binds Kafka's own metrics of {@code client} (fetch rate, {@code records-lag-max}, ...) to the pool's registries,
     * unbinding those of the client it replaces (the loop recreates its client after a failure).
     */
    private org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> withClientMetrics(
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> client) {
        io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics metrics =
                new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(client);
        metrics.bindTo(pool.metrics().registry());
        unbind(clientMetrics.getAndSet(metrics));
        return client;
    }

    private static void unbind(io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics metrics) {
        if (metrics != null) {
            try {
                metrics.close();
            } catch (RuntimeException e) {
                log.debug("Unbinding a consumer's Kafka metrics failed: {}", e.toString());
            }
        }
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
            if (keyed != null) {
                keyed.shutdownNow();
            } else {
                worker.shutdownNow();
            }
            deadLetters.close();
            unbind(clientMetrics.getAndSet(null));
            if (ownsProcessed) {
                processed.close();
            }
            if (ownsPool) {
                pool.close();
            }
            assigned.completeExceptionally(new io.kafkautility.KafkaUtilityException(
                    "consumer " + options.name() + " closed before it was assigned partitions"));
        }
    }
}
