package io.kafkautility.internal.consumer;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.ConnectivityException;
import io.kafkautility.consumer.ConsumerException;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.DeadLetterReason;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.consumer.MessageContext;
import io.kafkautility.consumer.MessageHandler;
import io.kafkautility.internal.config.ConnectionMismatch;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendException;
import io.kafkautility.producer.SendFailureReason;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MessageConsumer}: a poll thread that owns the Kafka consumer, and one worker thread that decodes,
 * validates, handles, retries and dead-letters. The poll thread keeps one batch queued behind the one the worker is
 * processing (so the worker never waits for a fetch); with two batches in flight every assigned partition is paused,
 * so polling goes on (the group membership is kept) without fetching. The worker records each finished record's next
 * offset; the poll thread commits those (asynchronously in the loop, synchronously on revoke and close). A partition
 * with a record the worker could not finish is blocked: later queued batches skip it, and once nothing is in flight it
 * is rewound to that record. When the batches are abandoned (rebalance, close), partitions still owned are rewound to
 * their first unfinished record.
 */
public final class DefaultMessageConsumer implements MessageConsumer {

    private static final Logger log = LoggerFactory.getLogger(DefaultMessageConsumer.class);
    private static final Duration BUSY_POLL = Duration.ofMillis(2);
    private static final long DIAGNOSE_AFTER_NANOS = Duration.ofSeconds(5).toNanos();
    private static final Duration PROBE_WAIT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_COMMIT_TIMEOUT = Duration.ofSeconds(2);

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
    /**
     * An asynchronous commit was sent and its callback has not run yet (poll thread only). The loop runs every few
     * milliseconds while the worker is busy: without this it would send the same offsets again on every iteration
     * until the first answer came back, hundreds of commits queued at the coordinator ahead of a revoke's commit.
     */
    private boolean asyncCommitInFlight;
    /**
     * The epoch of the batches the worker may go on with. Abandoning the batches (rebalance, close, failure) moves it
     * on and never back: a batch handed over in an earlier epoch stops before its next record, even one whose handler
     * outlived the wait for it and returned only after close() did (a reset flag let it go on with its other records:
     * handlers started after close, and one partition handled by two members after a revoke).
     */
    private volatile long epoch;
    /** The epoch of the batch the worker is processing (worker thread only). */
    private long batchEpoch;
    private final Object sleeper = new Object();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong completed = new AtomicLong();
    private final Counter reconnects;
    private volatile boolean running;
    private final ConnectionMismatch connectionMismatch;
    private long clientCreatedAt;
    private boolean diagnosed;
    private boolean clientAssigned;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile Duration closeBudget;
    private static final int MAX_IN_FLIGHT = 2; // the batch being processed and one queued behind it

    // poll thread only: the batches handed to the worker, oldest first, and the offsets they span per partition
    private final java.util.ArrayDeque<Future<?>> inFlight = new java.util.ArrayDeque<>();
    private final Map<TopicPartition, Long> flightFirstOffsets = new HashMap<>();
    private final Map<TopicPartition, Long> flightLastOffsets = new HashMap<>();
    // partitions with a record the worker could not finish: queued batches skip them until they are rewound
    private final Set<TopicPartition> blocked = ConcurrentHashMap.newKeySet();

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
        this.connectionMismatch = new ConnectionMismatch(options.connection());
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
                    clientCreatedAt = System.nanoTime();
                    diagnosed = false;
                    clientAssigned = false;
                }
                if (!diagnosed && !assigned.isDone() && System.nanoTime() - clientCreatedAt > DIAGNOSE_AFTER_NANOS) {
                    // kafka-clients says nothing about e.g. a PLAINTEXT client on a TLS port: probe once per client
                    diagnosed = true;
                    ConnectivityException mismatch = connectionMismatch.find(PROBE_WAIT);
                    if (mismatch != null) {
                        throw mismatch;
                    }
                }
                retireFinishedBatches();
                if (full()) {
                    consumer.pause(consumer.assignment());
                } else if (!consumer.paused().isEmpty()) {
                    consumer.resume(consumer.paused());
                }
                // while the worker is busy poll briefly, so a finished batch is retired (and its offsets committed)
                // soon, instead of after a whole poll timeout
                ConsumerRecords<byte[], byte[]> records = consumer.poll(inFlight.isEmpty() ? options.pollTimeout()
                        : BUSY_POLL);
                sampleHealth();
                if (!records.isEmpty()) {
                    if (full()) {
                        rewind(records); // fetched for a partition assigned while full: read again later
                    } else {
                        hand(records);
                    }
                }
                commit(false, null);
                if (clientAssigned) {
                    // only a client that joined its group proved the settings work: one that fails on its second
                    // poll (e.g. authentication) must keep backing off, not reconnect twice a second
                    backoff = options.reconnectBackoff();
                }
            } catch (WakeupException e) {
                // close() woke us up
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) { // KafkaException, IllegalStateException, or a bug: never kill the loop
                if (!running) {
                    break;
                }
                reportFailure(e, backoff);
                reconnects.increment();
                abandonBatch(Set.of());
                commitBeforeReconnect();
                closeQuietly(Duration.ZERO);
                finished.clear();
                committed.clear();
                asyncCommitInFlight = false; // its client is gone, and with it the callback
                sleep(backoff, () -> !running);
                backoff = backoff.multipliedBy(2).compareTo(options.maxReconnectBackoff()) > 0
                        ? options.maxReconnectBackoff() : backoff.multipliedBy(2);
            }
        }
        shutdown();
    }

    /** Logs a client failure, tells the error listener, fails assigned() if it is not retriable and still pending. */
    // ------------------------------------------------------------------ health (written by the poll thread)

    private static final long HEALTH_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration RECENT_FAILURE = Duration.ofSeconds(60);
    private volatile long lastPollNanos;
    private volatile double lagMax = -1;
    private volatile double heartbeatSecondsAgo = -1;
    private volatile int assignedPartitions;
    private volatile long lastFailureNanos;
    private volatile String lastFailure;
    private long healthSampledNanos;
    private long lagSampledNanos;
    private static final long LAG_SAMPLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration LAG_LOOKUP_TIMEOUT = Duration.ofMillis(500);

    /** Notes the poll, and once a second reads the client's lag and last heartbeat from its metrics. */
    private void sampleHealth() {
        long now = System.nanoTime();
        lastPollNanos = now;
        if (now - healthSampledNanos < HEALTH_SAMPLE_NANOS) {
            return;
        }
        healthSampledNanos = now;
        double heartbeat = -1;
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> e
                : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("last-heartbeat-seconds-ago")) {
                heartbeat = value(e.getValue(), heartbeat);
            }
        }
        // records not handled yet: from the next one to handle (the first unfinished, else the fetch position) to the
        // log end. Paused partitions (back-pressure) are not fetched, so the client's own lag would go stale: the log
        // ends are asked for, at most every 5 s and for at most 500 ms (the poll thread has nothing else to do then)
        double lag = lagMax;
        if (now - lagSampledNanos >= LAG_SAMPLE_NANOS) {
            lagSampledNanos = now;
            Set<TopicPartition> owned = consumer.assignment();
            lag = owned.isEmpty() ? 0 : -1;
            if (!owned.isEmpty()) {
                try {
                    Map<TopicPartition, Long> ends = consumer.endOffsets(owned, LAG_LOOKUP_TIMEOUT);
                    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                        TopicPartition tp = e.getKey();
                        if (e.getValue() == null) {
                            continue;
                        }
                        Long next = finished.get(tp);
                        Long first = flightFirstOffsets.get(tp);
                        long from = next != null ? next : first != null ? first : consumer.position(tp,
                                Duration.ZERO);
                        lag = Math.max(lag, Math.max(0, e.getValue() - from));
                    }
                } catch (WakeupException | InterruptException stop) {
                    throw stop; // close() or an interrupt: the loop handles them
                } catch (RuntimeException unknown) {
                    lag = -1; // not known now (broker slow or away, no permission to list offsets): not reported
                }
            }
        }
        lagMax = lag;
        heartbeatSecondsAgo = heartbeat;
        assignedPartitions = consumer.assignment().size();
    }

    private static double value(org.apache.kafka.common.Metric metric, double fallback) {
        Object v = metric.metricValue();
        return v instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue())
                ? n.doubleValue() : fallback;
    }

    @Override
    public io.kafkautility.health.Health health() {
        java.util.List<String> reasons = new java.util.ArrayList<>();
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        io.kafkautility.health.HealthStatus status = io.kafkautility.health.HealthStatus.UP;
        long now = System.nanoTime();
        details.put("running", running);
        details.put("assignedPartitions", assignedPartitions);
        details.put("completed", completed.get());
        if (lastPollNanos != 0) {
            details.put("lastPollMillisAgo", TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos));
        }
        if (lagMax >= 0) {
            details.put("lagMax", (long) lagMax);
        }
        if (heartbeatSecondsAgo >= 0) {
            details.put("heartbeatSecondsAgo", (long) heartbeatSecondsAgo);
        }
        String failure = lastFailure;
        long failureAgo = TimeUnit.NANOSECONDS.toMillis(now - lastFailureNanos);
        if (failure != null && failureAgo < RECENT_FAILURE.toMillis()) {
            status = io.kafkautility.health.HealthStatus.DEGRADED;
            reasons.add("its Kafka client failed " + failureAgo + " ms ago (" + failure + ")");
        }
        if (lagMax > options.healthMaxLag()) {
            status = status.worst(io.kafkautility.health.HealthStatus.DEGRADED);
            reasons.add("falling behind: " + (long) lagMax + " records not handled yet on its most lagging partition "
                    + "(more than " + options.healthMaxLag() + ")");
        }
        long stale = Math.max(10_000, 3 * options.pollTimeout().toMillis());
        if (!running) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add(started.get() ? "closed" : "not started");
        } else if (!assigned.isDone() || assigned.isCompletedExceptionally()) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add(assigned.isCompletedExceptionally() ? "could not join its group" : "not assigned yet");
        } else if (lastPollNanos != 0 && TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos) > stale) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add("its poll thread has not polled for " + TimeUnit.NANOSECONDS.toMillis(now - lastPollNanos)
                    + " ms");
        } else if (heartbeatSecondsAgo > HEARTBEAT_STALE_SECONDS) {
            status = io.kafkautility.health.HealthStatus.DOWN;
            reasons.add("no heartbeat to its group coordinator for " + (long) heartbeatSecondsAgo
                    + " s (broker unreachable?)");
        }
        return io.kafkautility.health.Health.of("consumer:" + options.name(), status, reasons, details);
    }

    /** Three default heartbeat intervals (3 s) without one: the group coordinator is out of reach. */
    private static final long HEARTBEAT_STALE_SECONDS = 9;

    private void reportFailure(RuntimeException e, Duration retryIn) {
        ConsumerException.Reason reason = e instanceof AuthenticationException ? ConsumerException.Reason.AUTHENTICATION
                : e instanceof AuthorizationException ? ConsumerException.Reason.AUTHORIZATION
                : e instanceof ConnectivityException ? ConsumerException.Reason.CONFIGURATION
                : ConsumerException.Reason.CLIENT_ERROR;
        ConsumerException error = new ConsumerException(options.name(), reason, e.getClass().getSimpleName() + ": "
                + DeadLetterRecords.safeMessage(e), retryIn, e);
        lastFailure = reason + ": " + e.getClass().getSimpleName();
        lastFailureNanos = System.nanoTime();
        log.warn("Consumer {} failed ({}: {}: {}); recreating the Kafka consumer in {} ms", options.name(), reason,
                e.getClass().getSimpleName(), DeadLetterRecords.safeMessage(e), retryIn.toMillis());
        try {
            options.errorListener().onError(error);
        } catch (RuntimeException listenerFailure) {
            log.warn("Consumer {} error listener threw {}; ignored", options.name(), listenerFailure.toString());
        }
        if (!error.isRetriable()) {
            assigned.completeExceptionally(error); // after the listener: whoever sees assigned() fail sees it told
        }
    }

    /**
     * Commits what was finished before the failed client is dropped (best effort, bounded), so a client failure does
     * not make the next client read those records again; a client that cannot commit any more just fails here.
     */
    private void commitBeforeReconnect() {
        if (consumer == null) {
            return;
        }
        try {
            commit(true, RECONNECT_COMMIT_TIMEOUT);
        } catch (RuntimeException e) {
            log.debug("Consumer {} could not commit before reconnecting ({}); those records will be read again",
                    options.name(), e.getClass().getSimpleName());
        }
    }

    private void shutdown() {
        long deadline = System.nanoTime() + closeBudget.toNanos();
        abandonBatch(Set.of());
        if (consumer != null) {
            try {
                try {
                    commit(true, remaining(deadline));
                } catch (WakeupException e) {
                    // close() woke the client while this thread was outside poll(): the wakeup stayed pending and
                    // hit this commit instead; it is spent now, so the commit can be made
                    commit(true, remaining(deadline));
                }
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

    /** Whether no more batch may be handed to the worker now. */
    private boolean full() {
        return inFlight.size() >= MAX_IN_FLIGHT || !blocked.isEmpty();
    }

    /** Queues {@code records} behind the batches in flight. */
    private void hand(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            flightFirstOffsets.putIfAbsent(tp, list.get(0).offset());
            flightLastOffsets.put(tp, list.get(list.size() - 1).offset());
        }
        long handedIn = epoch;
        inFlight.addLast(worker.submit(() -> process(records, handedIn)));
        if (full()) {
            consumer.pause(consumer.assignment());
        }
    }

    /**
     * Forgets the batches the worker is done with, oldest first. Once nothing is in flight, a partition whose records
     * were not all finished (the worker failed or gave up on a record without being stopped) is rewound to its first
     * unfinished record, so nothing after it is skipped and no later batch commits past it.
     */
    private void retireFinishedBatches() {
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
            try {
                inFlight.pollFirst().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                log.error("Consumer {} worker failed unexpectedly; unfinished records will be read again",
                        options.name(), e.getCause() != null ? e.getCause() : e);
            }
        }
        if (!inFlight.isEmpty() || flightFirstOffsets.isEmpty()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> e : flightFirstOffsets.entrySet()) {
            TopicPartition tp = e.getKey();
            Long next = finished.get(tp);
            long last = flightLastOffsets.getOrDefault(tp, Long.MAX_VALUE - 1);
            if ((next == null || next <= last) && consumer.assignment().contains(tp)) {
                long from = next != null && next > e.getValue() ? next : e.getValue();
                log.warn("Consumer {}: {} was left unfinished at offset {}; reading it again", options.name(), tp,
                        from);
                consumer.seek(tp, from);
            }
        }
        flightFirstOffsets.clear();
        flightLastOffsets.clear();
        blocked.clear();
    }

    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
            consumer.pause(List.of(tp));
        }
    }

    /**
     * Stops the worker's batches after its in-flight record and waits for them (bounded); partitions of the batches
     * that stay assigned (not in {@code revoked}) are rewound to their first unfinished record.
     */
    private void abandonBatch(Collection<TopicPartition> revoked) {
        if (inFlight.isEmpty() && flightFirstOffsets.isEmpty()) {
            return;
        }
        epoch++; // only the poll thread moves it; a batch of an earlier epoch returns before its next record
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        long deadline = System.nanoTime() + closeBudget.toNanos();
        for (Future<?> f : inFlight) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                log.error("Consumer {} worker failed unexpectedly", options.name(),
                        e.getCause() != null ? e.getCause() : e);
            } catch (TimeoutException e) {
                log.warn("Consumer {}: the in-flight record did not finish within {}; interrupting it",
                        options.name(), closeBudget);
                inFlight.forEach(x -> x.cancel(true));
                break;
            }
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            for (Map.Entry<TopicPartition, Long> e : flightFirstOffsets.entrySet()) {
                TopicPartition tp = e.getKey();
                if (!revoked.contains(tp) && c.assignment().contains(tp)) {
                    Long next = finished.get(tp);
                    c.seek(tp, next != null && next > e.getValue() ? next : e.getValue());
                }
            }
            c.resume(c.paused());
        }
        inFlight.clear();
        flightFirstOffsets.clear();
        flightLastOffsets.clear();
        blocked.clear();
    }

    private void commit(boolean sync, Duration timeout) {
        if (!sync && asyncCommitInFlight) {
            return; // the next iteration after its answer commits whatever finished meanwhile
        }
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
            asyncCommitInFlight = true;
            consumer.commitAsync(offsets, (done, error) -> {
                asyncCommitInFlight = false;
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
            if (consumer == null) {
                // called from Consumer.close(): shutdown() or the failure path already stopped the batch and
                // committed what could be; committing here would only fail (the field is already cleared)
                return;
            }
            abandonBatch(partitions);
            try {
                try {
                    commit(true, closeBudget);
                } catch (WakeupException e) {
                    // close() woke the client while this thread was outside poll(): that wakeup is spent now
                    commit(true, closeBudget);
                }
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
            if (full()) {
                consumer.pause(partitions);
            }
            clientAssigned = true;
            if (!partitions.isEmpty() || !assigned.isDone()) {
                log.info("Consumer {} assigned {}", options.name(), partitions);
            }
            assigned.complete(null);
        }
    }

    // ------------------------------------------------------------------ worker thread

    private void process(ConsumerRecords<byte[], byte[]> records, long handedIn) {
        batchEpoch = handedIn;
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (stopped()) {
                    return;
                }
                if (blocked.contains(tp)) {
                    break;
                }
                boolean done;
                try {
                    done = processOne(record);
                } catch (RuntimeException | Error e) { // a bug somewhere: never let it skip records of a queued batch
                    log.error("Consumer {}: record {}-{}@{} failed unexpectedly; it will be read again", options.name(),
                            record.topic(), record.partition(), record.offset(), e);
                    done = false;
                }
                if (done) {
                    completed.incrementAndGet(); // counted before it can be committed
                    finished.put(tp, record.offset() + 1);
                } else {
                    blocked.add(tp); // not finished: nothing after it in this partition may be processed or committed
                    break;
                }
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
                    record.partition(), record.offset(), reason, LogText.oneLine(decoded.message().orElse("")));
            return deadLetter(record, reason, decoded.failure().orElse(null), 0, "unknown");
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
                                    + "topic", record.topic(), record.partition(), record.offset(),
                            LogText.oneLine(envelope.id()),
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
                if (!sleep(backoff, this::stopped)) {
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
                if (!sleep(backoff, this::stopped)) {
                    return false;
                }
                backoff = next(backoff);
            }
        }
    }

    /** Whether the batch the worker is processing was abandoned (worker thread only). */
    private boolean stopped() {
        return epoch != batchEpoch;
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
