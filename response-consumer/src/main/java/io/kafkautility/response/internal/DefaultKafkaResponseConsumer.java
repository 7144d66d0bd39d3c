package io.kafkautility.response.internal;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.WriterSchemaResolver;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.ResponseListener;
import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The poll loop behind {@link KafkaResponseConsumer}. */
public final class DefaultKafkaResponseConsumer implements KafkaResponseConsumer {
    private static final Logger log = LoggerFactory.getLogger(DefaultKafkaResponseConsumer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private enum Outcome { HANDED_OFF, SKIPPED, STOPPED }

    private final ResponseConsumerOptions options;
    private final ResponseListener listener;
    private final MappingAvroDecoder<RagResponse> decoder;
    private final MeterRegistry meters;
    private final Counter records;
    private final Map<String, Counter> invalid = new ConcurrentHashMap<>();
    private final Counter pollErrors;
    private final Counter commitErrors;
    // offsets of replies handed to sessions, committed asynchronously after each batch; poll thread only
    private final Map<TopicPartition, OffsetAndMetadata> handedOff = new HashMap<>();
    /** What the last asynchronous commits sent, per partition (poll thread only). */
    private final Map<TopicPartition, OffsetAndMetadata> asyncSent = new HashMap<>();
    /** An asynchronous commit awaits its answer (poll thread only). */
    private boolean asyncCommitInFlight;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Object lifecycle = new Object();
    private volatile Thread thread;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile boolean stopping;

    public DefaultKafkaResponseConsumer(ResponseConsumerOptions options, ResponseListener listener) {
        this.options = options;
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        WriterSchemaResolver resolver = options.writerSchemaResolver() != null ? options.writerSchemaResolver()
                : SchemaRegistryClient.create(options.schemaRegistry());
        this.decoder = RagResponseAvro.decoder(resolver);
        this.meters = options.meterRegistry() != null ? options.meterRegistry() : new SimpleMeterRegistry();
        this.records = Counter.builder(MetricNames.RESPONSE_RECORDS).description("Reply records consumed")
                .register(meters);
        for (AvroDecodingException.Reason r : AvroDecodingException.Reason.values()) {
            invalidCounter(r.tag());
        }
        invalidCounter("listener_failed");
        this.pollErrors = Counter.builder(MetricNames.RESPONSE_CONSUMER_ERRORS).tag(MetricNames.TAG_REASON, "poll")
                .register(meters);
        this.commitErrors = Counter.builder(MetricNames.RESPONSE_CONSUMER_ERRORS)
                .tag(MetricNames.TAG_REASON, "commit").register(meters);
    }

    private Counter invalidCounter(String reason) {
        return invalid.computeIfAbsent(reason, r -> Counter.builder(MetricNames.RESPONSE_INVALID)
                .tag(MetricNames.TAG_REASON, r).description("Invalid reply records skipped").register(meters));
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (thread != null || stopping) {
                throw new IllegalStateException("response consumer was already started");
            }
            Thread t = new Thread(this::run, "kafka-response-consumer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            thread = t;
            t.start();
        }
        log.info("Response consumer started: {}", options);
    }

    @Override
    public CompletableFuture<Void> ready() {
        return ready.copy();
    }

    @Override
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    @Override
    public io.kafkautility.health.Health health() {
        boolean running = isRunning();
        boolean isReady = ready.isDone() && !ready.isCompletedExceptionally();
        java.util.List<String> reasons = new java.util.ArrayList<>();
        if (!running) {
            reasons.add(stopping ? "stopped" : "not started");
        } else if (!isReady) {
            reasons.add("not assigned and positioned yet");
        }
        return io.kafkautility.health.Health.of("response-consumer:" + options.topic(),
                reasons.isEmpty() ? io.kafkautility.health.HealthStatus.UP : io.kafkautility.health.HealthStatus.DOWN,
                reasons, java.util.Map.of("running", running, "ready", isReady, "replies", (long) records.count()));
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (lifecycle) {
            stopping = true;
            t = thread;
        }
        stopSignal.countDown();
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(options.stopTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("Response consumer did not stop within {}; interrupting it", options.stopTimeout());
                t.interrupt();
            }
        }
        ready.completeExceptionally(new IllegalStateException("response consumer stopped"));
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        Duration backoff = options.retryBackoff();
        while (!stopping) {
            Consumer<byte[], byte[]> c;
            try {
                c = options.consumerFactory().apply(new HashMap<>(options.consumerProperties()));
            } catch (KafkaException e) {
                pollErrors.increment();
                log.warn("Response consumer could not be created, retrying in {}: {}", backoff, e.toString());
                if (!pause(backoff)) {
                    break;
                }
                backoff = next(backoff);
                continue;
            }
            consumer = c;
            try {
                if (stopping) {
                    break;
                }
                c.subscribe(List.of(options.topic()), new ReadyOnAssignment(c));
                while (!stopping) {
                    ConsumerRecords<byte[], byte[]> batch = c.poll(options.pollTimeout());
                    if (!process(c, batch)) {
                        break;
                    }
                    commitAsync(c);
                    backoff = options.retryBackoff();
                }
                commitHandedOff(c, null);
            } catch (WakeupException e) {
                if (!stopping) {
                    log.debug("Unexpected wakeup of the response consumer; continuing");
                }
                commitHandedOff(c, null);
            } catch (RuntimeException e) {
                // KafkaException: transport, authorization, coordinator trouble; anything else is a bug somewhere,
                // but the loop must not die: log it, back off, start over with a fresh consumer
                pollErrors.increment();
                if (e instanceof KafkaException) {
                    log.warn("Response consumer failed on {}, reconnecting in {}: {}", options.topic(), backoff,
                            e.toString());
                } else {
                    log.error("Response consumer failed unexpectedly on {}, restarting in {}", options.topic(),
                            backoff, e);
                }
                try {
                    commitHandedOff(c, null); // best effort; a fresh consumer rejoins from the committed offsets
                } catch (RuntimeException again) {
                    log.debug("Response consumer final commit failed: {}", again.toString());
                }
                handedOff.clear();
                asyncSent.clear();
                asyncCommitInFlight = false; // its client is closed, and with it the callback
                closeQuietly(c);
                consumer = null;
                if (!pause(backoff)) {
                    break;
                }
                backoff = next(backoff);
                continue;
            }
            closeQuietly(c);
            consumer = null;
            break;
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            closeQuietly(c);
        }
        ready.completeExceptionally(new IllegalStateException("response consumer stopped"));
        log.info("Response consumer on {} stopped", options.topic());
    }

    /**
     * Processes one batch and commits what was handed off, asynchronously: the next poll (and the replies it brings)
     * does not wait for the commit's round trip. A revoke or a stop commits synchronously. False when stopping.
     */
    private boolean process(Consumer<byte[], byte[]> c, ConsumerRecords<byte[], byte[]> batch) {
        if (batch.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean stopped = false;
        outer:
        for (TopicPartition tp : batch.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : batch.records(tp)) {
                Outcome outcome = handle(record);
                if (outcome == Outcome.STOPPED) {
                    stopped = true;
                    break outer;
                }
                done.put(tp, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        handedOff.putAll(done);
        return !stopped;
    }

    /**
     * Commits asynchronously what was handed off since the last commit, unless an earlier asynchronous commit still
     * awaits its answer: then a later call (after the next poll) sends it, so commits never queue up at the
     * coordinator ahead of a revoke's or stop's synchronous one.
     */
    private void commitAsync(Consumer<byte[], byte[]> c) {
        if (asyncCommitInFlight) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        handedOff.forEach((tp, om) -> {
            if (!om.equals(asyncSent.get(tp))) {
                offsets.put(tp, om);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        asyncCommitInFlight = true;
        c.commitAsync(offsets, (committed, error) -> {
            asyncCommitInFlight = false;
            if (error != null) { // sent again by the next call, or by the commit on revoke/stop
                committed.forEach((tp, om) -> asyncSent.remove(tp, om));
                commitErrors.increment();
                log.debug("Response consumer async commit of {} failed: {}", committed.keySet(), error.toString());
            }
        });
        asyncSent.putAll(offsets);
    }

    /** Synchronously commits what was handed off for {@code partitions} (all when null), then forgets it. */
    private void commitHandedOff(Consumer<byte[], byte[]> c, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        handedOff.forEach((tp, om) -> {
            if (partitions == null || partitions.contains(tp)) {
                offsets.put(tp, om);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets, options.commitTimeout());
        } catch (WakeupException e) {
            // stop() while committing: try once more so handed-off replies are not read again
            try {
                c.commitSync(offsets, options.commitTimeout());
            } catch (KafkaException again) {
                commitErrors.increment();
                log.warn("Response consumer could not commit {} while stopping (records will be read again): {}",
                        offsets.keySet(), again.toString());
            }
        } catch (KafkaException e) {
            commitErrors.increment();
            log.warn("Response consumer could not commit {} (records will be read again): {}", offsets.keySet(),
                    e.toString());
        }
        offsets.keySet().forEach(handedOff::remove);
        offsets.keySet().forEach(asyncSent::remove);
    }

    private Outcome handle(ConsumerRecord<byte[], byte[]> record) {
        records.increment();
        Duration backoff = options.retryBackoff();
        long deadline = System.nanoTime() + options.registryRetryTimeout().toNanos();
        while (true) {
            RagResponse response;
            try {
                response = decoder.decode(record.value());
            } catch (AvroDecodingException e) {
                if (e.reason() == AvroDecodingException.Reason.REGISTRY_UNAVAILABLE
                        && System.nanoTime() < deadline) {
                    log.warn("Schema registry unavailable for reply {}-{}@{} (schema id {}), retrying in {}: {}",
                            record.topic(), record.partition(), record.offset(), e.schemaId(), backoff,
                            e.getMessage());
                    if (!pause(backoff)) {
                        return Outcome.STOPPED;
                    }
                    backoff = next(backoff);
                    continue;
                }
                invalidCounter(e.reason().tag()).increment();
                if (e.reason() == AvroDecodingException.Reason.INCOMPATIBLE_SCHEMA) {
                    // the decoder said why once, at WARN, when it rejected the schema: not again per record
                    log.warn("Skipping invalid reply {}-{}@{}: reason={} schemaId={} (see that schema's rejection)",
                            record.topic(), record.partition(), record.offset(), e.reason().tag(), e.schemaId());
                } else {
                    log.warn("Skipping invalid reply {}-{}@{}: reason={} schemaId={}: {}", record.topic(),
                            record.partition(), record.offset(), e.reason().tag(), e.schemaId(), e.getMessage());
                }
                return Outcome.SKIPPED;
            }
            try {
                listener.onResponse(response, Instant.ofEpochMilli(record.timestamp()));
            } catch (RuntimeException e) {
                invalidCounter("listener_failed").increment();
                log.error("Response listener failed for reply {}-{}@{}; skipped", record.topic(), record.partition(),
                        record.offset(), e);
            }
            return Outcome.HANDED_OFF;
        }
    }

    /** Waits for the backoff or until stopped; false when stopped. */
    private boolean pause(Duration d) {
        try {
            return !stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS) && !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Duration next(Duration d) {
        Duration doubled = d.multipliedBy(2);
        return doubled.compareTo(options.maxRetryBackoff()) > 0 ? options.maxRetryBackoff() : doubled;
    }

    private void closeQuietly(Consumer<byte[], byte[]> c) {
        try {
            c.close(Duration.ofMillis(Math.max(1, options.stopTimeout().toMillis() / 2)));
        } catch (RuntimeException e) {
            log.warn("Closing the response consumer failed: {}", e.toString());
        }
    }

    /** Completes {@link #ready()} once positions of the first assignment are known. */
    private final class ReadyOnAssignment implements ConsumerRebalanceListener {
        private final Consumer<byte[], byte[]> c;

        ReadyOnAssignment(Consumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            // auto.offset.reset=latest applies once: the first position of a partition the group never committed is
            // committed at once, so a later rebalance (e.g. after the coordinator restarted) resumes there instead of
            // jumping to the then-latest offset and skipping replies produced in between
            try {
                Set<TopicPartition> assigned = new HashSet<>(partitions);
                Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned, options.commitTimeout());
                Map<TopicPartition, OffsetAndMetadata> initial = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    long position = c.position(tp, options.commitTimeout());
                    if (committed.get(tp) == null) {
                        initial.put(tp, new OffsetAndMetadata(position));
                    }
                }
                if (!initial.isEmpty()) {
                    c.commitSync(initial, options.commitTimeout());
                }
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                commitErrors.increment();
                log.warn("Response consumer could not record its starting offsets for {}: {}", partitions,
                        e.toString());
            }
            log.info("Response consumer assigned {}", partitions);
            ready.complete(null);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitHandedOff(c, partitions); // make the async commits of these partitions final before they move
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(handedOff::remove); // owned by another member now: committing would be refused
            partitions.forEach(asyncSent::remove);
        }
    }
}
