package io.kafkautility.internal.consumer;

import io.kafkautility.consumer.ConsumerException;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.internal.requestreply.OffsetTracker;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.Envelope;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link MessageConsumer}: a poll thread (subscribe, poll, hand records to the worker, commit the processed prefix,
 * pause while the queue is full, recreate the consumer after a fatal error) and one worker thread (decode, validate,
 * run the handler with retries, dead-letter). The poll thread owns the Kafka consumer and the offset trackers; the
 * worker reports finished offsets through a queue. Use {@link MessageConsumer#create}.
 */
public final class DefaultMessageConsumer implements MessageConsumer {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    private static final String UNKNOWN_TYPE = "unknown";
    static final String REASON_HANDLER_FAILED = "HANDLER_FAILED";
    static final String REASON_NO_HANDLER = "NO_HANDLER";

    private final ConsumerOptions options;
    private final MessageValidator validator;
    private final ConsumerMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private final Map<String, Object> consumerProperties;
    private final Backoff backoff;
    private final DedupWindow dedup;
    private final Thread pollThread;
    private final Thread workerThread;
    private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, PartitionState> states = new HashMap<>();
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final AtomicBoolean closeCalled = new AtomicBoolean();
    private volatile boolean closing;
    private volatile long closeDeadlineNanos = Long.MAX_VALUE;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Work current;

    /** One assignment period of a partition; a revoked state's work is dropped and its finishes ignored. */
    private static final class PartitionState {
        final TopicPartition partition;
        final OffsetTracker tracker = new OffsetTracker();
        volatile boolean revoked;

        PartitionState(TopicPartition partition) {
            this.partition = partition;
        }
    }

    private record Work(ConsumerRecord<byte[], byte[]> record, PartitionState state) {
    }

    private record Finished(PartitionState state, long offset) {
    }

    private DefaultMessageConsumer(ConsumerOptions options) {
        this.options = options;
        this.validator = options.validator().orElseGet(MessageValidator::create);
        this.metrics = new ConsumerMetrics(options.meterRegistry().orElse(null), options.name());
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        this.dedup = new DedupWindow(options.dedupWindow());
        String instance = Long.toHexString(System.nanoTime() & 0xffffffL);
        Map<String, Object> c = new HashMap<>(options.kafkaProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, options.name() + "-" + instance);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumerProperties = c;
        Map<String, Object> p = new HashMap<>();
        options.kafkaProperties().forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.putAll(options.deadLetterProducerProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, options.name() + "-dlt-" + instance);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try {
            this.deadLetters = new DeadLetterPublisher(options.deadLetterProducerFactory().apply(p));
        } catch (RuntimeException e) {
            throw new ConsumerException("Could not create the dead-letter producer for " + options.topics() + ": "
                    + e.getMessage(), options.topics(), e);
        }
        try {
            this.consumer = options.consumerFactory().apply(c);
        } catch (RuntimeException e) {
            deadLetters.close(Duration.ZERO);
            throw new ConsumerException("Could not create the Kafka consumer for " + options.topics() + ": "
                    + e.getMessage(), options.topics(), e);
        }
        this.pollThread = new Thread(this::pollLoop, "ku-consumer-" + options.name() + "-" + instance);
        this.workerThread = new Thread(this::workLoop, "ku-consumer-worker-" + options.name() + "-" + instance);
        pollThread.setDaemon(true);
        workerThread.setDaemon(true);
    }

    /** @see MessageConsumer#create */
    public static DefaultMessageConsumer start(ConsumerOptions options) {
        DefaultMessageConsumer c = new DefaultMessageConsumer(options);
        c.workerThread.start();
        c.pollThread.start();
        return c;
    }

    @Override
    public CompletableFuture<Void> assigned() {
        return assigned.copy();
    }

    @Override
    public boolean isRunning() {
        return pollThread.isAlive();
    }

    @Override
    public void close() {
        close(options.shutdownTimeout());
    }

    @Override
    public void close(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0 but was " + timeout);
        }
        if (closeCalled.compareAndSet(false, true)) {
            closeDeadlineNanos = System.nanoTime() + timeout.toNanos();
            closing = true;
            Consumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
        if (Thread.currentThread() == pollThread || Thread.currentThread() == workerThread) {
            return;
        }
        try {
            pollThread.join(Math.max(1, remaining().toMillis()) + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pollThread.isAlive()) {
            log.warn("Consumer {} did not stop within {}; its threads are abandoned (daemon)", options.name(), timeout);
            pollThread.interrupt();
            workerThread.interrupt();
        }
    }

    private Duration remaining() {
        long r = closeDeadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(0, r));
    }

    // ---------------------------------------------------------------- poll thread

    private void pollLoop() {
        int failures = 0;
        try {
            while (!closing) {
                try {
                    runConsumer();
                    failures = 0;
                } catch (WakeupException e) {
                    if (!closing) {
                        log.debug("Consumer {} woken up without close", options.name());
                    }
                } catch (RuntimeException e) {
                    if (closing) {
                        break;
                    }
                    failures++;
                    Duration delay = backoff.delay(failures);
                    log.warn("Consumer {} on {} failed ({}); recreating the Kafka consumer in {}", options.name(),
                            options.topics(), e.toString(), delay);
                    metrics.reconnect();
                    abandonAll();
                    closeQuietly(consumer, Duration.ZERO);
                    consumer = null;
                    sleepUnlessClosing(delay);
                    if (closing) {
                        break;
                    }
                    try {
                        consumer = options.consumerFactory().apply(consumerProperties);
                    } catch (RuntimeException ce) {
                        log.warn("Consumer {} could not be recreated: {}", options.name(), ce.toString());
                    }
                }
            }
        } catch (Throwable t) {
            log.error("Consumer {} stopped: {}", options.name(), t.toString());
            assigned.completeExceptionally(t);
        } finally {
            shutdown();
        }
    }

    private void runConsumer() {
        Consumer<byte[], byte[]> c = consumer;
        if (c == null) {
            throw new IllegalStateException("no Kafka consumer");
        }
        c.subscribe(options.topics(), new Rebalance());
        boolean paused = false;
        while (!closing) {
            ConsumerRecords<byte[], byte[]> records = c.poll(POLL_TIMEOUT);
            for (TopicPartition tp : records.partitions()) {
                PartitionState state = states.computeIfAbsent(tp, PartitionState::new);
                for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                    state.tracker.begin(r.offset());
                    queued.incrementAndGet();
                    queue.add(new Work(r, state));
                }
            }
            applyFinished();
            commit(c, null);
            int q = queued.get();
            if (q >= options.maxInFlight()) {
                c.pause(c.assignment());
                paused = true;
            } else if (paused && q <= options.maxInFlight() / 2) {
                c.resume(c.paused());
                paused = false;
            }
        }
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            if (!f.state.revoked && states.get(f.state.partition) == f.state) {
                f.state.tracker.finish(f.offset);
            }
        }
    }

    /** Commits the processed prefix of the given partitions (all if null), synchronously, bounded. */
    private void commit(Consumer<byte[], byte[]> c, Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState s : states.values()) {
            if (only != null && !only.contains(s.partition)) {
                continue;
            }
            long next = s.tracker.newCommittable();
            if (next >= 0) {
                offsets.put(s.partition, new OffsetAndMetadata(next));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        Duration timeout = closing ? min(COMMIT_TIMEOUT, remaining()) : COMMIT_TIMEOUT;
        try {
            c.commitSync(offsets, timeout);
            offsets.forEach((tp, o) -> {
                PartitionState s = states.get(tp);
                if (s != null) {
                    s.tracker.markCommitted(o.offset());
                }
            });
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("Consumer {} could not commit {} partition(s) ({}); will retry", options.name(), offsets.size(),
                    e.toString());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Marks every partition revoked so queued work is dropped (it will be redelivered). */
    private void abandonAll() {
        states.values().forEach(s -> s.revoked = true);
        states.clear();
        finished.clear();
    }

    private void shutdown() {
        closing = true;
        try {
            workerThread.join(Math.max(1, remaining().toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (workerThread.isAlive()) {
            log.warn("Consumer {}: the in-flight record did not finish before the shutdown deadline; it will be "
                    + "redelivered", options.name());
            workerThread.interrupt();
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                applyFinished();
                commit(c, null);
            } catch (RuntimeException e) {
                log.warn("Consumer {}: final commit failed: {}", options.name(), e.toString());
            }
            closeQuietly(c, remaining());
        }
        abandonAll();
        queue.clear();
        deadLetters.close(min(remaining(), Duration.ofSeconds(1)));
        metrics.close();
        assigned.completeExceptionally(new ConsumerException("consumer closed before any assignment",
                options.topics(), null));
        log.info("Consumer {} on {} closed", options.name(), options.topics());
    }

    private void closeQuietly(Consumer<byte[], byte[]> c, Duration timeout) {
        if (c == null) {
            return;
        }
        try {
            c.close(timeout);
        } catch (RuntimeException e) {
            log.debug("Closing Kafka consumer {}: {}", options.name(), e.toString());
        }
    }

    private void sleepUnlessClosing(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (!closing && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionState old = states.put(tp, new PartitionState(tp));
                if (old != null) {
                    old.revoked = true;
                }
            }
            assigned.complete(null);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            List<PartitionState> revoked = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionState s = states.get(tp);
                if (s != null) {
                    revoked.add(s);
                }
            }
            // revoked first: retry/backoff waits of these partitions give up; then wait (bounded) for a running
            // handler call to return, and commit what is done
            revoked.forEach(s -> s.revoked = true);
            long deadline = System.nanoTime() + options.shutdownTimeout().toNanos();
            while (System.nanoTime() < deadline) {
                Work w = current;
                if (w == null || !revoked.contains(w.state)) {
                    break;
                }
                if (closing && System.nanoTime() > closeDeadlineNanos) {
                    break;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (PartitionState s : revoked) {
                Finished f;
                // apply finishes of these partitions (revoked flag set, so apply directly)
                List<Finished> keep = new ArrayList<>();
                while ((f = finished.poll()) != null) {
                    if (f.state == s) {
                        s.tracker.finish(f.offset);
                    } else {
                        keep.add(f);
                    }
                }
                finished.addAll(keep);
            }
            Consumer<byte[], byte[]> c = consumer;
            if (c != null) {
                try {
                    commit(c, partitions);
                } catch (WakeupException e) {
                    log.debug("Consumer {}: commit on revoke woken up", options.name());
                    commit(c, partitions);
                }
            }
            partitions.forEach(states::remove);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionState s = states.remove(tp);
                if (s != null) {
                    s.revoked = true;
                }
            }
        }
    }

    // ---------------------------------------------------------------- worker thread

    private void workLoop() {
        while (!closing) {
            Work w;
            try {
                w = queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (w == null) {
                continue;
            }
            queued.decrementAndGet();
            if (w.state.revoked) {
                continue;
            }
            current = w;
            try {
                if (process(w)) {
                    finished.add(new Finished(w.state, w.record.offset()));
                }
            } catch (Throwable t) {
                log.error("Consumer {}: unexpected failure processing {}-{}@{}: {}", options.name(),
                        w.record.topic(), w.record.partition(), w.record.offset(), t.toString());
            } finally {
                current = null;
            }
        }
    }

    /** @return true if the record is done (processed or dead-lettered), false if abandoned (redelivered later) */
    private boolean process(Work w) {
        ConsumerRecord<byte[], byte[]> r = w.record;
        String topic = r.topic();
        DecodeResult decoded = validator.decode(r.value(), EnvelopeCodec.headerMap(r.headers()));
        if (!decoded.isValid()) {
            MessageValidationException failure = decoded.failure().orElseThrow();
            String reason = failure.reason().name();
            metrics.consumed(topic, UNKNOWN_TYPE);
            metrics.validationFailure(topic, reason);
            log.warn("Consumer {}: invalid record {}-{}@{} ({}): {}; dead-lettering", options.name(), topic,
                    r.partition(), r.offset(), reason, DeadLetterPublisher.truncate(failure.getMessage()));
            return deadLetter(w, UNKNOWN_TYPE, reason, failure.getClass().getName(), failure.getMessage(), 1);
        }
        Envelope envelope = decoded.envelope();
        String typeName = envelope.type();
        MessageHandler handler = options.handlers().get(typeName);
        String type = handler != null ? typeName : UNKNOWN_TYPE;
        metrics.consumed(topic, type);
        if (handler == null) {
            log.warn("Consumer {}: no handler for type {} at {}-{}@{}; dead-lettering", options.name(), typeName,
                    topic, r.partition(), r.offset());
            return deadLetter(w, type, REASON_NO_HANDLER, IllegalStateException.class.getName(),
                    "no handler registered for type " + typeName, 0);
        }
        if (dedup.seen(envelope.id())) {
            metrics.processed(topic, type, MetricNames.OUTCOME_DUPLICATE);
            log.debug("Consumer {}: duplicate message id {} at {}-{}@{} skipped", options.name(), envelope.id(),
                    topic, r.partition(), r.offset());
            return true;
        }
        long start = System.nanoTime();
        Throwable last = null;
        int attempt = 0;
        while (attempt < options.maxAttempts()) {
            attempt++;
            try {
                handler.handle(envelope, new MessageContext(topic, r.partition(), r.offset(), r.timestamp(), attempt));
                dedup.record(envelope.id());
                metrics.processingLatency(topic, type, MetricNames.OUTCOME_SUCCESS, System.nanoTime() - start);
                metrics.processed(topic, type, MetricNames.OUTCOME_SUCCESS);
                envelope.time().ifPresent(t -> metrics.endToEnd(topic, type, Duration.between(t, Instant.now())));
                return true;
            } catch (Throwable e) {
                last = e;
                if (attempt < options.maxAttempts()) {
                    metrics.retry(topic, type);
                    Duration delay = backoff.delay(attempt);
                    log.info("Consumer {}: handler for {} failed at {}-{}@{} (attempt {}/{}: {}); retrying in {}",
                            options.name(), type, topic, r.partition(), r.offset(), attempt, options.maxAttempts(),
                            e.getClass().getName(), delay);
                    if (!sleepWhileActive(w, delay)) {
                        return false;
                    }
                }
            }
        }
        metrics.processingLatency(topic, type, MetricNames.OUTCOME_FAILURE, System.nanoTime() - start);
        log.warn("Consumer {}: handler for {} failed {} time(s) at {}-{}@{} ({}); dead-lettering", options.name(),
                type, attempt, topic, r.partition(), r.offset(), last.getClass().getName());
        return deadLetter(w, type, REASON_HANDLER_FAILED, last.getClass().getName(), last.getMessage(), attempt);
    }

    private boolean active(Work w) {
        return !closing && !w.state.revoked;
    }

    private boolean sleepWhileActive(Work w, Duration d) {
        long end = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < end) {
            if (!active(w)) {
                return false;
            }
            try {
                Thread.sleep(Math.min(20, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return active(w);
    }

    /** Publishes until acknowledged, retrying with backoff; false if abandoned by close or revoke (not committed). */
    private boolean deadLetter(Work w, String type, String reason, String exceptionClass, String message,
                               int attempts) {
        ConsumerRecord<byte[], byte[]> r = w.record;
        String dlt = options.deadLetterTopic(r.topic());
        ProducerRecord<byte[], byte[]> record = DeadLetterPublisher.record(r, dlt, reason, exceptionClass, message,
                attempts, Instant.now());
        int failures = 0;
        while (true) {
            Future<RecordMetadata> f = deadLetters.send(record);
            Throwable error = null;
            while (true) {
                try {
                    f.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    if (closing && System.nanoTime() > closeDeadlineNanos) {
                        return false;
                    }
                } catch (ExecutionException e) {
                    error = e.getCause() != null ? e.getCause() : e;
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (error == null) {
                metrics.deadLettered(r.topic(), type, reason);
                metrics.processed(r.topic(), type, MetricNames.OUTCOME_DEAD_LETTERED);
                return true;
            }
            failures++;
            metrics.deadLetterPublishFailure(r.topic());
            Duration delay = backoff.delay(failures);
            log.warn("Consumer {}: dead-letter publish of {}-{}@{} to {} failed ({}); offset held, retrying in {}",
                    options.name(), r.topic(), r.partition(), r.offset(), dlt, error.toString(), delay);
            if (!sleepWhileActive(w, delay)) {
                return false;
            }
        }
    }
}
