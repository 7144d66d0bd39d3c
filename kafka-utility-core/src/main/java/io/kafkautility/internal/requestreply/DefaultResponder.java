package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.requestreply.ReplySink;
import io.kafkautility.requestreply.RequestContext;
import io.kafkautility.requestreply.RequestHandler;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.requestreply.StreamingRequestHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;

/**
 * The responder: one poll thread that decodes requests, runs the handler and sends replies; offsets are committed
 * once every earlier request of the partition was answered and acknowledged. Use {@link Responder#create}.
 */
public final class DefaultResponder<Q, R> implements Responder<Q, R>, Runnable {

    private static final Logger log = LoggerFactory.getLogger(DefaultResponder.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Async commits at most this often (a commit per poll costs broker work on every round trip). */
    private static final long COMMIT_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();

    private final ResponderOptions<Q, R> options;
    private final RequestHandler<Q, R> handler;
    private final StreamingRequestHandler<Q, R> streamingHandler;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final Thread thread;
    private final CompletableFuture<Void> assigned = new CompletableFuture<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final Map<TopicPartition, OffsetTracker> trackers = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    private boolean paused;
    /** An asynchronous commit awaits its answer (poll thread only). */
    private boolean asyncCommitInFlight;
    private long lastCommitNanos;

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter replied;
    private final Counter errorReplied;
    private final Counter expired;
    private final Counter invalid;
    private final Counter replyFailed;

    private record Finished(TopicPartition partition, OffsetTracker tracker, long offset) {
    }

    private DefaultResponder(ResponderOptions<Q, R> options, RequestHandler<Q, R> handler,
                             StreamingRequestHandler<Q, R> streamingHandler) {
        this.options = options;
        this.handler = handler;
        this.streamingHandler = streamingHandler;
        String instance = Long.toHexString(System.nanoTime() & 0xffffffL);
        if (options.producer().isPresent()) {
            producer = options.producer().get();
            ownsProducer = false;
        } else {
            Map<String, Object> p = new HashMap<>(options.kafkaProperties());
            p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
            p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // see RequestReplyOptions
            // a reply to a missing topic/partition must not stall the poll thread for the default 60 s
            p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            p.compute(ProducerConfig.CLIENT_ID_CONFIG,
                    (k, v) -> (v == null ? options.name() : v) + "-replies-" + instance);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            producer = options.producerFactory().apply(p);
            ownsProducer = true;
        }
        Map<String, Object> c = new HashMap<>(options.kafkaProperties());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, options.groupId());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.compute(ConsumerConfig.CLIENT_ID_CONFIG,
                (k, v) -> (v == null ? options.name() : v) + "-requests-" + instance);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try {
            consumer = options.consumerFactory().apply(c);
        } catch (RuntimeException e) {
            if (ownsProducer) {
                producer.close(Duration.ZERO);
            }
            throw new RequestReplyException("Could not create the request consumer for " + options.requestTopics()
                    + ": " + e, null, String.join(",", options.requestTopics()), e);
        }
        registry = options.meterRegistry().orElse(null);
        if (registry != null) {
            meters.add(Gauge.builder(RESPONDER_IN_FLIGHT, inFlight, AtomicInteger::get)
                    .tag(TAG_CLIENT, options.name()).register(registry));
        }
        replied = counter(RESPONDER_REPLIED);
        errorReplied = counter(RESPONDER_ERROR_REPLIED);
        expired = counter(RESPONDER_EXPIRED);
        invalid = counter(RESPONDER_INVALID);
        replyFailed = counter(RESPONDER_REPLY_FAILED);
        thread = new Thread(this, "ku-rr-responder-" + options.name() + "-" + instance);
        thread.setDaemon(true);
    }

    private Counter counter(String outcome) {
        if (registry == null) {
            return null;
        }
        Counter counter = Counter.builder(RESPONDER_REQUESTS).tag(TAG_CLIENT, options.name())
                .tag(TAG_OUTCOME, outcome).register(registry);
        meters.add(counter);
        return counter;
    }

    private static void increment(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    /** @see Responder#create */
    public static <Q, R> DefaultResponder<Q, R> single(ResponderOptions<Q, R> options, RequestHandler<Q, R> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        DefaultResponder<Q, R> r = new DefaultResponder<>(options, handler, null);
        r.thread.start();
        return r;
    }

    /** @see Responder#createStreaming */
    public static <Q, R> DefaultResponder<Q, R> streaming(ResponderOptions<Q, R> options,
                                                          StreamingRequestHandler<Q, R> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        DefaultResponder<Q, R> r = new DefaultResponder<>(options, null, handler);
        r.thread.start();
        return r;
    }

    @Override
    public CompletableFuture<Void> assigned() {
        return assigned.copy();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(options.requestTopics(), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    break;
                }
                for (TopicPartition tp : records.partitions()) {
                    OffsetTracker tracker = trackers.computeIfAbsent(tp, k -> new OffsetTracker());
                    for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                        process(tp, tracker, record);
                    }
                }
                applyFinished();
                if (System.nanoTime() - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
                    commit(false);
                    lastCommitNanos = System.nanoTime();
                }
                flowControl();
            }
            drainOnClose();
        } catch (Throwable t) {
            log.error("Responder {} stopped: {}", options.name(), t.toString());
            assigned.completeExceptionally(t);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing responder consumer: {}", e.toString());
            }
        }
    }

    private void process(TopicPartition tp, OffsetTracker tracker, ConsumerRecord<byte[], byte[]> record) {
        tracker.begin(record.offset());
        inFlight.incrementAndGet();
        Finished done = new Finished(tp, tracker, record.offset());
        Headers headers = record.headers();
        String id = HeaderValues.get(headers, MessageHeaders.CORRELATION_ID);
        String replyTo = HeaderValues.get(headers, MessageHeaders.REPLY_TO);
        String partitionText = HeaderValues.get(headers, MessageHeaders.REPLY_PARTITION);
        Integer partition = null;
        if (partitionText != null) {
            try {
                partition = Integer.parseInt(partitionText.trim());
            } catch (NumberFormatException e) {
                replyTo = null;
            }
        }
        if (id == null || replyTo == null) {
            increment(invalid);
            log.warn("Request at {}-{}@{} skipped: missing or malformed {} / {} / {} header", record.topic(),
                    record.partition(), record.offset(), MessageHeaders.CORRELATION_ID, MessageHeaders.REPLY_TO,
                    MessageHeaders.REPLY_PARTITION);
            finish(done);
            return;
        }
        long deadline = HeaderValues.getLong(headers, MessageHeaders.DEADLINE, -1);
        if (deadline > 0 && System.currentTimeMillis() > deadline) {
            increment(expired);
            log.debug("Request with correlation id {} at {}-{}@{} skipped: deadline passed", LogText.oneLine(id),
                    record.topic(), record.partition(), record.offset());
            finish(done);
            return;
        }
        ReplyTarget target = new ReplyTarget(id, replyTo, partition, done);
        Q request;
        try {
            request = options.requestCodec().decode(record.value());
        } catch (RuntimeException e) {
            sendError(target, e);
            return;
        }
        RequestContext context = new RequestContext(id, record.topic(), record.partition(), record.offset(),
                deadline > 0 ? Instant.ofEpochMilli(deadline) : null);
        if (handler != null) {
            handleSingle(target, request, context);
        } else {
            StreamSink sink = new StreamSink(target);
            try {
                streamingHandler.handle(request, sink, context);
            } catch (Throwable e) {
                if (!sink.isDone()) {
                    sink.fail(e);
                } else {
                    log.warn("Streaming handler threw after ending the stream for correlation id {}: {}",
                            LogText.oneLine(id), LogText.oneLine(e.toString()));
                }
            }
        }
    }

    private void handleSingle(ReplyTarget target, Q request, RequestContext context) {
        CompletionStage<R> stage;
        try {
            stage = handler.handle(request, context);
        } catch (Throwable e) {
            sendError(target, e);
            return;
        }
        if (stage == null) {
            sendError(target, new NullPointerException("handler returned null instead of a CompletionStage"));
            return;
        }
        stage.whenComplete((reply, e) -> {
            if (e != null) {
                sendError(target, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } else if (reply == null) {
                sendError(target, new NullPointerException("handler completed with a null reply"));
            } else {
                RecordHeaders headers = new RecordHeaders();
                byte[] value;
                try {
                    value = options.replyCodec().encode(reply, target.correlationId, headers);
                } catch (RuntimeException ex) {
                    sendError(target, ex);
                    return;
                }
                send(target, value, headers, replied, () -> finish(target.done));
            }
        });
    }

    private record ReplyTarget(String correlationId, String topic, Integer partition, Finished done) {
    }

    private CompletableFuture<Void> send(ReplyTarget target, byte[] value, RecordHeaders headers, Counter onSuccess,
                                         Runnable afterAck) {
        headers.remove(MessageHeaders.CORRELATION_ID);
        headers.add(MessageHeaders.CORRELATION_ID, HeaderValues.bytes(target.correlationId));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(target.topic, target.partition,
                HeaderValues.bytes(target.correlationId), value, headers);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, e) -> {
                if (e != null) {
                    replyFailed(target, e);
                    acked.completeExceptionally(e);
                } else {
                    increment(onSuccess);
                    acked.complete(null);
                }
                afterAck.run();
            });
        } catch (RuntimeException e) {
            replyFailed(target, e);
            acked.completeExceptionally(e);
            afterAck.run();
        }
        return acked;
    }

    private void replyFailed(ReplyTarget target, Throwable e) {
        increment(replyFailed);
        log.warn("Reply for correlation id {} to topic {} could not be sent (not retried; the requester times out): "
                + "{}", LogText.oneLine(target.correlationId), target.topic, LogText.oneLine(e.toString()));
    }

    private CompletableFuture<Void> sendError(ReplyTarget target, Throwable error) {
        log.warn("Handler failed for request with correlation id {}; sending an error reply: {}",
                LogText.oneLine(target.correlationId), LogText.oneLine(error.toString()));
        return sendErrorRecord(target, error, () -> finish(target.done));
    }

    private CompletableFuture<Void> sendErrorRecord(ReplyTarget target, Throwable error, Runnable afterAck) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(MessageHeaders.REPLY_ERROR, HeaderValues.bytes("true"));
        headers.add(MessageHeaders.REPLY_ERROR_TYPE, HeaderValues.bytes(error.getClass().getName()));
        String message = HeaderValues.truncate(error.getMessage(), options.maxErrorMessageLength());
        return send(target, message.getBytes(StandardCharsets.UTF_8), headers, errorReplied, afterAck);
    }

    private void finish(Finished done) {
        finished.add(done);
        inFlight.decrementAndGet();
    }

    private void applyFinished() {
        Finished f;
        while ((f = finished.poll()) != null) {
            if (trackers.get(f.partition) == f.tracker) {
                f.tracker.finish(f.offset);
            }
        }
    }

    private void commit(boolean sync) {
        commit(trackers.keySet(), sync);
    }

    private void commit(Collection<TopicPartition> partitions, boolean sync) {
        if (!sync && asyncCommitInFlight) {
            return; // one asynchronous commit at a time: a later loop commits what finished meanwhile
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetTracker t = trackers.get(tp);
            if (t != null) {
                long c = t.newCommittable();
                if (c >= 0) {
                    offsets.put(tp, new OffsetAndMetadata(c));
                    t.markCommitted(c);
                }
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                try {
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                } catch (WakeupException e) {
                    // close() woke the client while this thread was outside poll(): that wakeup is spent now
                    consumer.commitSync(offsets, Duration.ofSeconds(5));
                }
            } catch (RuntimeException e) {
                log.warn("Responder {} commit of {} failed: {}", options.name(), offsets.keySet(), e.toString());
            }
        } else {
            asyncCommitInFlight = true;
            consumer.commitAsync(offsets, (o, e) -> {
                asyncCommitInFlight = false;
                if (e != null) {
                    log.warn("Responder {} commit failed (the next commit retries it): {}", options.name(),
                            e.toString());
                    // callbacks run on this (the poll) thread: the trackers may be touched
                    for (TopicPartition tp : o.keySet()) {
                        OffsetTracker t = trackers.get(tp);
                        if (t != null) {
                            t.forgetCommitted();
                        }
                    }
                }
            });
        }
    }

    private void flowControl() {
        int n = inFlight.get();
        if (!paused && n >= options.maxInFlight()) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && n < options.maxInFlight()) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void drainOnClose() {
        consumer.pause(consumer.assignment());
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                consumer.poll(Duration.ofMillis(20));
            } catch (WakeupException e) {
                // a second wakeup from close(): keep draining until the deadline
            }
            applyFinished();
        }
        applyFinished();
        if (inFlight.get() > 0) {
            log.warn("Responder {} closing with {} requests unanswered; they will be consumed again",
                    options.name(), inFlight.get());
        }
        commit(true);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        consumer.wakeup();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(options.closeTimeout().toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsProducer) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("Closing the reply producer of responder {} failed: {}", options.name(), e.toString());
            }
        }
        if (registry != null) {
            meters.forEach(registry::remove);
        }
        assigned.completeExceptionally(new RequestReplyException("Responder " + options.name() + " closed", null,
                String.join(",", options.requestTopics())));
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            applyFinished();
            commit(partitions, true);
            partitions.forEach(trackers::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                trackers.put(tp, new OffsetTracker());
            }
            if (paused) {
                consumer.pause(partitions);
            }
            assigned.complete(null);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(trackers::remove);
        }
    }

    /** Writes the chunks of one streamed reply; callbacks never take its lock (no deadlock with send()). */
    private final class StreamSink implements ReplySink<R> {
        private final ReplyTarget target;
        private final AtomicInteger outstanding = new AtomicInteger();
        private final AtomicBoolean ended = new AtomicBoolean();
        private final AtomicBoolean finishedOnce = new AtomicBoolean();
        private long sequence;

        StreamSink(ReplyTarget target) {
            this.target = target;
        }

        @Override
        public synchronized CompletableFuture<Void> next(R chunk) {
            Objects.requireNonNull(chunk, "chunk");
            if (ended.get()) {
                throw new IllegalStateException("stream for correlation id " + target.correlationId + " has ended");
            }
            RecordHeaders headers = new RecordHeaders();
            byte[] value;
            try {
                value = options.replyCodec().encode(chunk, target.correlationId, headers);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            return sendChunk(value, headers, false);
        }

        @Override
        public synchronized CompletableFuture<Void> complete(R lastChunk) {
            Objects.requireNonNull(lastChunk, "lastChunk");
            end();
            RecordHeaders headers = new RecordHeaders();
            byte[] value;
            try {
                value = options.replyCodec().encode(lastChunk, target.correlationId, headers);
            } catch (RuntimeException e) {
                return sendErrorRecord(target, e, this::acked);
            }
            return sendChunk(value, headers, true);
        }

        @Override
        public synchronized CompletableFuture<Void> complete() {
            end();
            return sendChunk(null, new RecordHeaders(), true);
        }

        @Override
        public synchronized CompletableFuture<Void> fail(Throwable error) {
            Objects.requireNonNull(error, "error");
            end();
            log.warn("Streaming handler failed for correlation id {}; sending an error reply: {}",
                    LogText.oneLine(target.correlationId), LogText.oneLine(error.toString()));
            return sendErrorRecord(target, error, this::acked);
        }

        @Override
        public boolean isDone() {
            return ended.get();
        }

        /** Counts the terminal record as outstanding before marking the end, so no earlier ack finishes early. */
        private void end() {
            outstanding.incrementAndGet();
            if (!ended.compareAndSet(false, true)) {
                outstanding.decrementAndGet();
                throw new IllegalStateException("stream for correlation id " + target.correlationId
                        + " has already ended");
            }
        }

        private CompletableFuture<Void> sendChunk(byte[] value, RecordHeaders headers, boolean isFinal) {
            headers.add(MessageHeaders.CHUNK_SEQUENCE, HeaderValues.bytes(Long.toString(sequence++)));
            if (isFinal) {
                headers.add(MessageHeaders.CHUNK_FINAL, HeaderValues.bytes("true"));
            }
            if (!isFinal) {
                outstanding.incrementAndGet();
            }
            return send(target, value, headers, isFinal ? replied : null, this::acked);
        }

        private void acked() {
            if (outstanding.decrementAndGet() == 0 && ended.get() && finishedOnce.compareAndSet(false, true)) {
                finish(target.done);
            }
        }
    }
}
