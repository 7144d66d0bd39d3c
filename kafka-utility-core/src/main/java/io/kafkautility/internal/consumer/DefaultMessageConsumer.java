package io.kafkautility.internal.consumer;

import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageConsumer}: a poll thread that owns the Kafka consumer, and one worker thread that decodes,
 * validates, handles, retries and dead-letters. While the worker has a batch, every assigned partition is paused, so
 * polling goes on (the group membership is kept) without fetching. The worker records each finished record's next
 * offset; the poll thread commits those (asynchronously in the loop, synchronously on revoke and close). When a batch
 * is abandoned (rebalance, close), partitions still owned are rewound to their first unfinished record.
 */
public final class DefaultMessageConsumer implements MessageConsumer {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageConsumer.class);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);

    private final ConsumerOptions options;
    private final KafkaClientPool pool;
    private final boolean ownsPool;
    private final MessageValidator validator;
    private final MessageProducer deadLetters;
    private final MeterRegistry meters;
    private final ConsumerMeters recordMeters;
    private final MessageIdWindow seenIds;
    private final ExecutorService worker;
    private final Thread pollThread;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final Map<TopicPartition, Long> finished = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final AtomicBoolean stopBatch = new AtomicBoolean();
    private final Object sleeper = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong completed = new AtomicLong();
    private final Counter reconnects;
    private volatile boolean running;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Duration closeBudget;
    private Future<?> batch;
    private Map<TopicPartition, Long> batchFirstOffsets = Map.of();
    private Map<TopicPartition, Long> batchLastOffsets = Map.of();

    public DefaultMessageConsumer(ConsumerOptions options) {
        this.options = options;
        this.ownsPool = options.pool() == null;
        this.pool = ownsPool ? KafkaClientPool.builder().name(options.name()).build() : options.pool();
        this.validator = options.validator() != null ? options.validator() : pool.validator();
        this.deadLetters = pool.newProducer(ProducerOptions.builder(options.connection())
                .source(options.name())
                .maxBlock(options.deadLetterMaxBlock())
                .build());
        this.meters = pool.metrics().registry();
        this.recordMeters = new ConsumerMeters(meters);
        this.seenIds = new MessageIdWindow(options.dedupWindow());
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "ku-consumer-worker-" + options.name()));
        this.pollThread = daemon(this::pollLoop, "ku-consumer-poll-" + options.name());
        this.reconnects = Counter.builder(MetricNames.CONSUMER_RECONNECTS).tag(MetricNames.TAG_CLIENT, options.name())
                .register(meters);
        this.closeBudget = options.closeTimeout();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public MessageConsumer start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("consumer " + options.name() + " was already started");
        }
        running = true;
        pollThread.start();
        return this;
    }

    @Override
    public CompletableFuture<Void> assigned() {
        return assigned;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public long completedCount() {
        return completed.get();
    }

    // ------------------------------------------------------------------ poll thread

    private void pollLoop() {
        Duration backoff = options.reconnectBackoff();
        while (running) {
            try {
                if (consumer == null) {
                    consumer = options.consumerFactory().apply(options.consumerProperties());
                    consumer.subscribe(options.topics(), new Rebalance());
                }
                if (batch != null && batch.isDone()) {
                    rewindUnfinished();
                    batch = null;
                    consumer.resume(consumer.paused());
                }
                if (batch != null) {
                    consumer.pause(consumer.assignment());
                }
                // while the worker is busy every partition is paused: poll briefly, so the next batch starts as
                // soon as this one is done instead of after a whole poll timeout
                ConsumerRecords<byte[], byte[]> records = consumer.poll(batch != null ? BUSY_POLL
                        : options.pollTimeout());
                if (!records.isEmpty()) {
                    if (batch != null) {
                        rewind(records); // fetched for a partition assigned while busy: read again later
                    } else {
                        consumer.pause(consumer.assignment());
                        batchFirstOffsets = firstOffsets(records);
                        batchLastOffsets = lastOffsets(records);
                        batch = worker.submit(() -> process(records));
                    }
                }
                commit(false, null);
                backoff = options.reconnectBackoff();
            } catch (WakeupException e) {
                // close() woke us up
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) { // KafkaException, IllegalStateException, or a bug: never kill the loop
                if (!running) {
                    break;
                }
                log.warn("Consumer {} failed ({}: {}); recreating the Kafka consumer in {} ms", options.name(),
                        e.getClass().getSimpleName(), DeadLetterRecords.safeMessage(e), backoff.toMillis());
                reconnects.increment();
                abandonBatch(Set.of());
                closeQuietly(Duration.ZERO);
                finished.clear();
                committed.clear();
                sleep(backoff, () -> !running);
                backoff = backoff.multipliedBy(2).compareTo(options.maxReconnectBackoff()) > 0
                        ? options.maxReconnectBackoff() : backoff.multipliedBy(2);
            }
        }
        shutdown();
    }

    private void shutdown() {
        long deadline = System.nanoTime() + closeBudget.toNanos();
        abandonBatch(Set.of());
        if (consumer != null) {
            try {
                commit(true, remaining(deadline));
            } catch (RuntimeException e) {
                log.warn("Consumer {} could not commit on close ({}); uncommitted records will be redelivered",
                        options.name(), e.getClass().getSimpleName());
            }
            closeQuietly(remaining(deadline));
        }
        if (!assigned.isDone()) {
            assigned.completeExceptionally(new io.kafkautility.KafkaUtilityException(
                    "consumer " + options.name() + " closed before it was assigned partitions"));
        }
    }

    private static Duration remaining(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(left, 0));
    }

    private void closeQuietly(Duration timeout) {
        Consumer<byte[], byte[]> c = consumer;
        consumer = null;
        if (c != null) {
            try {
                c.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(timeout));
            } catch (RuntimeException e) {
                log.debug("Consumer {} close: {}", options.name(), e.toString());
            }
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            first.put(tp, records.records(tp).get(0).offset());
        }
        return first;
    }

    private static Map<TopicPartition, Long> lastOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> last = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            last.put(tp, list.get(list.size() - 1).offset());
        }
        return last;
    }

    /**
     * After a batch ended by itself: a partition whose records were not all finished (the worker failed or gave up
     * on a record without being stopped) is rewound to its first unfinished record, so nothing after it is skipped
     * and no later batch commits past it.
     */
    private void rewindUnfinished() {
        try {
            batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.error("Consumer {} worker failed unexpectedly; unfinished records will be read again", options.name(),
                    e.getCause());
        }
        for (Map.Entry<TopicPartition, Long> e : batchFirstOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            Long next = finished.get(tp);
            long last = batchLastOffsets.getOrDefault(tp, Long.MAX_VALUE - 1);
            if ((next == null || next <= last) && consumer.assignment().contains(tp)) {
                long from = next != null && next > e.getValue() ? next : e.getValue();
                log.warn("Consumer {}: {} was left unfinished at offset {}; reading it again", options.name(), tp,
                        from);
                consumer.seek(tp, from);
            }
        }
        batchFirstOffsets = Map.of();
        batchLastOffsets = Map.of();
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
            consumer.pause(List.of(tp));
        }
    }

    /**
     * Stops the worker's batch after its in-flight record and waits for it (bounded); partitions of the batch that
     * stay assigned (not in {@code revoked}) are rewound to their first unfinished record.
     */
    private void abandonBatch(Collection<TopicPartition> revoked) {
        if (batch == null) {
            return;
        }
        stopBatch.set(true);
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        try {
            batch.get(closeBudget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.error("Consumer {} worker failed unexpectedly", options.name(), e.getCause());
        } catch (TimeoutException e) {
            log.warn("Consumer {}: the in-flight record did not finish within {}; interrupting it", options.name(),
                    closeBudget);
            batch.cancel(true);
        } finally {
            stopBatch.set(false);
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            for (Map.Entry<TopicPartition, Long> e : batchFirstOffsets.entrySet()) {
                TopicPartition tp = e.getKey();
                if (!revoked.contains(tp) && c.assignment().contains(tp)) {
                    Long next = finished.get(tp);
                    c.seek(tp, next != null && next > e.getValue() ? next : e.getValue());
                }
            }
            c.resume(c.paused());
        }
        batch = null;
        batchFirstOffsets = Map.of();
        batchLastOffsets = Map.of();
    }

    private void commit(boolean sync, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Set<TopicPartition> owned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> e : finished.entrySet()) {
            // a worker interrupted after a revoke may still report a partition we no longer own: never commit it
            if (!owned.contains(e.getKey())) {
                finished.remove(e.getKey(), e.getValue());
                continue;
            }
            if (!e.getValue().equals(committed.get(e.getKey()))) {
                offsets.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, timeout);
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
        } else {
            consumer.commitAsync(offsets, (done, error) -> {
                if (error == null) {
                    done.forEach((tp, om) -> committed.merge(tp, om.offset(), Math::max));
                } else {
                    log.debug("Consumer {} async commit failed: {}", options.name(), error.toString());
                }
            });
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            abandonBatch(partitions);
            try {
                commit(true, closeBudget);
            } catch (RuntimeException e) {
                log.warn("Consumer {} could not commit on revoke ({}); those records will be redelivered",
                        options.name(), e.getClass().getSimpleName());
            }
            for (TopicPartition tp : partitions) {
                finished.remove(tp);
                committed.remove(tp);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            abandonBatch(partitions);
            for (TopicPartition tp : partitions) {
                finished.remove(tp);
                committed.remove(tp);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (batch != null) {
                consumer.pause(partitions);
            }
            if (!partitions.isEmpty() || !assigned.isDone()) {
                log.info("Consumer {} assigned {}", options.name(), partitions);
            }
            assigned.complete(null);
        }
    }

    // ------------------------------------------------------------------ worker thread

    private void process(ConsumerRecords<byte[], byte[]> records) {
        Set<TopicPartition> blocked = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (stopBatch.get() || blocked.contains(tp)) {
                if (stopBatch.get()) {
                    return;
                }
                continue;
            }
            if (processOne(record)) {
                finished.put(tp, record.offset() + 1);
                completed.incrementAndGet();
            } else {
                blocked.add(tp); // not finished: nothing after it in this partition may be committed
            }
        }
    }

    /** Handles or dead-letters one record; false if it could not be finished (stopped while retrying). */
    private boolean processOne(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = EnvelopeCodec.headerMap(record.headers());
        if (record.value() == null) {
            return deadLetter(record, DeadLetterReason.NULL_VALUE.name(), null, 0, "unknown");
        }
        DecodeResult decoded = validator.decode(record.value(), headers);
        recordMeters.consumed(record.topic(), decoded.isValid() ? decoded.envelope().type() : "unknown");
        if (!decoded.isValid()) {
            String reason = decoded.reason().map(Enum::name).orElse("INVALID");
            recordMeters.validationFailure(record.topic(), reason);
            log.warn("Record {}-{}@{} rejected: {} ({}); sending it to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), reason, decoded.message().orElse(""));
            return deadLetter(record, reason, decoded.failure().orElse(null), 0, "unknown");
        }
        Envelope envelope = decoded.envelope();
        String type = envelope.type();
        if (seenIds.contains(envelope.id())) {
            log.debug("Record {}-{}@{} is a redelivery of message {}; skipped", record.topic(), record.partition(),
                    record.offset(), envelope.id());
            count(record.topic(), type, "duplicate");
            return true;
        }
        MessageHandler handler = options.handlers().get(type);
        if (handler == null) {
            log.warn("Record {}-{}@{} (message {}) has type {} with no handler; sending it to the dead-letter topic",
                    record.topic(), record.partition(), record.offset(), envelope.id(), type);
            return deadLetter(record, DeadLetterReason.NO_HANDLER.name(), null, 0, type);
        }
        Instant timestamp = Instant.ofEpochMilli(record.timestamp());
        Duration backoff = options.initialBackoff();
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                handler.handle(envelope, new MessageContext(record.topic(), record.partition(), record.offset(),
                        timestamp, attempt, headers));
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
                                    + "topic", record.topic(), record.partition(), record.offset(), envelope.id(),
                            attempt, e.getClass().getName(), DeadLetterRecords.safeMessage(e));
                    boolean done = deadLetter(record, DeadLetterReason.HANDLER_FAILED.name(), e, attempt, type);
                    if (done) {
                        seenIds.add(envelope.id());
                    }
                    return done;
                }
                recordMeters.retry(record.topic(), type);
                log.debug("Record {}-{}@{} attempt {} failed ({}); retrying in {} ms", record.topic(),
                        record.partition(), record.offset(), attempt, e.getClass().getSimpleName(),
                        backoff.toMillis());
                if (!sleep(backoff, stopBatch::get)) {
                    return false;
                }
                backoff = next(backoff);
            }
        }
    }

    private boolean deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable error, int attempts,
                               String type) {
        String topic = options.deadLetterTopic(record.topic());
        Duration backoff = options.initialBackoff();
        while (true) {
            try {
                deadLetters.sendRecord(DeadLetterRecords.of(record, topic, reason, error, attempts, Instant.now()))
                        .get(options.deadLetterMaxBlock().toMillis() + 30_000, TimeUnit.MILLISECONDS);
                recordMeters.deadLettered(record.topic(), reason);
                count(record.topic(), type, "dead_lettered");
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                recordMeters.deadLetterFailure(record.topic());
                log.warn("Dead-letter publish of {}-{}@{} to {} failed ({}: {}); its offset is held back, retrying "
                                + "in {} ms", record.topic(), record.partition(), record.offset(), topic,
                        cause.getClass().getSimpleName(), DeadLetterRecords.safeMessage(cause), backoff.toMillis());
                if (!sleep(backoff, stopBatch::get)) {
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

    /** Waits {@code d} unless {@code stop} becomes true (checked when notified); false if stopped. */
    private boolean sleep(Duration d, java.util.function.BooleanSupplier stop) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (sleeper) {
            while (!stop.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(sleeper, left);
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
        if (!running && !started.get()) {
            releaseResources();
            return;
        }
        if (!running) {
            return;
        }
        closeBudget = timeout;
        running = false;
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            pollThread.join(timeout.toMillis() * 2 + 1000);
            if (pollThread.isAlive()) {
                log.warn("Consumer {} poll thread did not stop within {}; interrupting it", options.name(), timeout);
                pollThread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            releaseResources();
        }
    }

    private void releaseResources() {
        worker.shutdownNow();
        deadLetters.close();
        if (ownsPool) {
            pool.close();
        }
    }
}
