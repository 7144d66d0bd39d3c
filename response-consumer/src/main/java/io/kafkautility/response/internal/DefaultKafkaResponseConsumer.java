package io.kafkautility.response.internal;

import io.kafkautility.avro.AvroDecodingException;
import io.kafkautility.avro.MappingAvroDecoder;
import io.kafkautility.avro.SchemaRegistryClient;
import io.kafkautility.avro.WriterSchemaResolver;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.health.Health;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.response.KafkaResponseConsumer;
import io.kafkautility.response.RagResponse;
import io.kafkautility.response.RagResponseAvro;
import io.kafkautility.response.ResponseConsumerOptions;
import io.kafkautility.response.ResponseListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link KafkaResponseConsumer}: a {@link RecordSink} on the library's {@link ConsumerLoop} (group member on the
 * reply topic, first positions pinned so {@code latest} applies once), with one worker thread that decodes each reply
 * and hands it to the listener in partition order. A schema registry that does not answer is waited for on the worker
 * (bounded by {@link ResponseConsumerOptions#registryRetryTimeout()}), never on the poll thread.
 */
public final class DefaultKafkaResponseConsumer implements KafkaResponseConsumer, RecordSink {
    private static final Logger log = LoggerFactory.getLogger(DefaultKafkaResponseConsumer.class);
    private static final long STOP_CHECK_MILLIS = 20;

    private final ResponseConsumerOptions options;
    private final ResponseListener listener;
    private final MappingAvroDecoder<RagResponse> decoder;
    private final MeterRegistry meters;
    private final Counter records;
    private final Map<String, Counter> invalid = new ConcurrentHashMap<>();
    private final Counter pollErrors;
    private final ExecutorService worker;
    private final ConsumerLoop loop;
    private final AtomicBoolean started = new AtomicBoolean();
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
        String name = "response-" + options.topic() + "-" + options.groupId();
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ku-" + name + "-worker");
            t.setDaemon(true);
            return t;
        });
        this.loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe(name,
                        () -> options.consumerFactory().apply(new HashMap<>(options.consumerProperties())),
                        List.of(options.topic()))
                .pollTimeout(options.pollTimeout())
                .commitTimeout(options.commitTimeout())
                .closeTimeout(Duration.ofMillis(Math.max(1, options.stopTimeout().toMillis() / 2)))
                .backoff(options.retryBackoff(), options.maxRetryBackoff())
                .pinStartPositions(true)
                .meterRegistry(meters)
                .build(), this);
    }

    private Counter invalidCounter(String reason) {
        return invalid.computeIfAbsent(reason, r -> Counter.builder(MetricNames.RESPONSE_INVALID)
                .tag(MetricNames.TAG_REASON, r).description("Invalid reply records skipped").register(meters));
    }

    @Override
    public KafkaResponseConsumer start() {
        if (stopping) {
            throw new IllegalStateException("response consumer on " + options.topic() + " is closed");
        }
        if (started.compareAndSet(false, true)) {
            loop.start();
            log.info("Response consumer started: {}", options);
        }
        return this;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return loop.ready();
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public Health health() {
        return loop.health("response-consumer:" + options.topic(), Long.MAX_VALUE,
                Map.of("replies", (long) records.count()));
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        loop.close(options.stopTimeout().dividedBy(2));
        worker.shutdownNow();
        log.info("Response consumer on {} stopped", options.topic());
    }

    // ------------------------------------------------------------------ sink

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        try {
            worker.execute(() -> {
                if (ack.begin()) {
                    if (handle(record, ack)) {
                        ack.done();
                    } else {
                        ack.retry();
                    }
                }
            });
        } catch (RejectedExecutionException closing) {
            ack.retry();
        }
    }

    @Override
    public boolean onFailure(RuntimeException error, Duration retryIn) {
        pollErrors.increment();
        return true;
    }

    /** Decodes and hands over one reply (worker thread); false if stopped while waiting for the registry. */
    private boolean handle(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
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
                    if (!pause(backoff, ack)) {
                        return false;
                    }
                    backoff = backoff.multipliedBy(2).compareTo(options.maxRetryBackoff()) > 0
                            ? options.maxRetryBackoff() : backoff.multipliedBy(2);
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
                return true;
            }
            try {
                listener.onResponse(response, Instant.ofEpochMilli(record.timestamp()));
            } catch (RuntimeException e) {
                invalidCounter("listener_failed").increment();
                log.error("Response listener failed for reply {}-{}@{}; skipped", record.topic(), record.partition(),
                        record.offset(), e);
            }
            return true;
        }
    }

    /** Waits for the backoff unless the record is no longer wanted; false then. */
    private boolean pause(Duration d, RecordAck ack) {
        long deadline = System.nanoTime() + d.toNanos();
        try {
            while (ack.isWanted()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return true;
                }
                Thread.sleep(Math.min(left, STOP_CHECK_MILLIS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
