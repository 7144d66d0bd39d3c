package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.requestreply.PayloadCodec;
import io.kafkautility.requestreply.PendingLimitExceededException;
import io.kafkautility.requestreply.RequestEncodingException;
import io.kafkautility.requestreply.RequestReplyClient;
import io.kafkautility.requestreply.RequestReplyClosedException;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.RequestReplyOptions;
import io.kafkautility.requestreply.RequestSendException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;

/**
 * The request-reply client: a bounded pending map, one timer thread, one reply listener thread. Use
 * {@link RequestReplyClient#create}.
 */
public final class DefaultRequestReplyClient<Q, R> implements RequestReplyClient<Q, R> {

    static final Logger log = LoggerFactory.getLogger(DefaultRequestReplyClient.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Timer resolution: timeouts fire at most this much after their deadline. */
    private static final long TIMER_TICK_NANOS = Duration.ofMillis(10).toNanos();
    /** Slots of the timer wheel: one revolution is 5.12 s, longer timeouts take several rounds. */
    private static final int TIMER_WHEEL_SIZE = 512;

    final RequestReplyOptions<Q, R> options;
    final String requestTopic;
    final PayloadCodec<R> replyCodec;
    final PendingRequests<PendingEntry> pending;
    final ClientMetrics metrics;
    final java.util.concurrent.Executor completionExecutor;
    private final java.util.concurrent.ExecutorService ownedCompletions;
    private final String instanceId;
    private final String idPrefix;
    private final String replyTopic;
    private final int replyPartition;
    private final boolean generatedTopic;
    private final byte[] replyTopicBytes;
    private final byte[] replyPartitionBytes;
    private final AtomicLong sequence = new AtomicLong();
    private final Producer<byte[], byte[]> producer;
    private final boolean ownsProducer;
    private final TimeoutScheduler scheduler;
    private final ReplyListener listener;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Throwable listenerFailure;
    private final io.kafkautility.tracing.KafkaTracing tracing;

    private DefaultRequestReplyClient(RequestReplyOptions<Q, R> options) {
        this.options = options;
        this.requestTopic = options.requestTopic();
        this.tracing = options.tracing();
        this.replyCodec = options.replyCodec();
        this.instanceId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.idPrefix = instanceId + "-";
        this.generatedTopic = options.replyTopic().isEmpty();
        this.replyTopic = options.replyTopic().orElse(options.replyTopicPrefix() + "-" + instanceId);
        this.replyPartition = options.replyPartition().orElse(-1);
        this.replyTopicBytes = HeaderValues.bytes(replyTopic);
        this.replyPartitionBytes = replyPartition < 0 ? null : HeaderValues.bytes(Integer.toString(replyPartition));
        this.pending = new PendingRequests<>(options.maxPendingRequests(), options.completedMemory(), idPrefix);
        this.metrics = new ClientMetrics(options.meterRegistry().orElse(null), options.clientName(), pending::size);
        this.ownedCompletions = options.completionExecutor().isPresent() ? null
                : CompletionThreads.create("ku-rr-complete-" + options.clientName() + "-" + instanceId);
        this.completionExecutor = options.completionExecutor().orElse(ownedCompletions);
        this.scheduler = options.scheduler().map(TimeoutScheduler::of)
                .orElseGet(() -> new WheelTimer("ku-rr-timer-" + options.clientName() + "-" + instanceId,
                        TIMER_TICK_NANOS, TIMER_WHEEL_SIZE));
        try {
            if (options.producer().isPresent()) {
                this.producer = options.producer().get();
                this.ownsProducer = false;
            } else {
                this.producer = options.producerFactory().apply(producerProperties());
                this.ownsProducer = true;
            }
        } catch (RuntimeException e) {
            scheduler.stop();
            metrics.close();
            throw new RequestReplyException("Could not create the request producer for topic " + requestTopic + ": "
                    + e, null, requestTopic, e);
        }
        this.listener = new ReplyListener(this, options, replyTopic, replyPartition, generatedTopic, instanceId,
                scheduler);
    }

    /** @see RequestReplyClient#create */
    public static <Q, R> DefaultRequestReplyClient<Q, R> create(RequestReplyOptions<Q, R> options) {
        Objects.requireNonNull(options, "options");
        DefaultRequestReplyClient<Q, R> client = new DefaultRequestReplyClient<>(options);
        client.listener.start();
        return client;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>(options.kafkaProperties());
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
        // with nothing in flight a request goes out at once (linger 0); while one produce request is in flight the
        // next requests gather in one batch, so a busy client sends fewer, larger produce requests (measured: less CPU
        // per round trip for the whole system, lower p99) and an idle one waits for nothing
        p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // ... and with one produce request in flight, a batch is all that partition sends per round trip: Kafka's 16 KiB
        // holds about a dozen 1 KiB requests, which capped a client with hundreds in flight
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, io.kafkautility.producer.ProducerOptions.DEFAULT_BATCH_SIZE);
        p.compute(ProducerConfig.CLIENT_ID_CONFIG,
                (k, v) -> (v == null ? options.clientName() : v) + "-requests-" + instanceId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    private String nextId() {
        return idPrefix + Long.toHexString(sequence.incrementAndGet());
    }

    @Override
    public CompletableFuture<R> request(Q payload) {
        return request(payload, options.defaultTimeout());
    }

    @Override
    public CompletableFuture<R> request(Q payload, Duration timeout) {
        Objects.requireNonNull(payload, "payload must not be null");
        requirePositive("timeout", timeout);
        RequestReplyException early = rejectIfUnavailable(null);
        if (early != null) {
            return CompletableFuture.failedFuture(early);
        }
        String id = nextId();
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        try {
            value = options.requestCodec().encode(payload, id, headers);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new RequestEncodingException(id, requestTopic, e));
        }
        SingleReply<R> entry = new SingleReply<>(this, id, timeout);
        if (!pending.tryRegister(id, entry)) {
            metrics.rejected();
            return CompletableFuture.failedFuture(new PendingLimitExceededException(requestTopic,
                    pending.capacity()));
        }
        if (!schedule(entry, entry::expire, timeout)) {
            return entry.future;
        }
        send(entry, traced(entry, record(id, value, timeout, headers)));
        return entry.future;
    }

    @Override
    public Flow.Publisher<R> requestStream(Q payload) {
        return requestStream(payload, options.streamIdleTimeout(), options.streamTimeout());
    }

    @Override
    public Flow.Publisher<R> requestStream(Q payload, Duration idleTimeout, Duration overallTimeout) {
        Objects.requireNonNull(payload, "payload must not be null");
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("overallTimeout", overallTimeout);
        if (idleTimeout.compareTo(overallTimeout) > 0) {
            throw new IllegalArgumentException("idleTimeout must be <= overallTimeout but was " + idleTimeout + " > "
                    + overallTimeout);
        }
        AtomicBoolean subscribed = new AtomicBoolean();
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(NoopSubscription.INSTANCE);
                subscriber.onError(new IllegalStateException("A streamed reply publisher accepts one subscriber only"));
                return;
            }
            startStream(payload, idleTimeout, overallTimeout, subscriber);
        };
    }

    private void startStream(Q payload, Duration idle, Duration overall, Flow.Subscriber<? super R> subscriber) {
        String id = nextId();
        StreamReply<R> entry = new StreamReply<>(this, id, subscriber, idle, overall, options.streamBufferSize());
        subscriber.onSubscribe(entry);
        if (entry.isCancelled()) {
            return;
        }
        RequestReplyException early = rejectIfUnavailable(null);
        if (early != null) {
            entry.terminate(early);
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        byte[] value;
        try {
            value = options.requestCodec().encode(payload, id, headers);
        } catch (RuntimeException e) {
            entry.terminate(new RequestEncodingException(id, requestTopic, e));
            return;
        }
        if (!pending.tryRegister(id, entry)) {
            metrics.rejected();
            entry.terminate(new PendingLimitExceededException(requestTopic, pending.capacity()));
            return;
        }
        if (closed.get()) {
            entry.fail(new RequestReplyClosedException(id, requestTopic), OUTCOME_CLOSED);
            return;
        }
        try {
            entry.startTimers(scheduler);
        } catch (RejectedExecutionException e) {
            entry.fail(new RequestReplyClosedException(id, requestTopic), OUTCOME_CLOSED);
            return;
        }
        send(entry, traced(entry, record(id, value, overall, headers)));
    }

    private RequestReplyException rejectIfUnavailable(String id) {
        if (closed.get()) {
            return new RequestReplyClosedException(id, requestTopic);
        }
        Throwable failure = listenerFailure;
        if (failure != null) {
            return new RequestSendException("Reply consumer for topic " + replyTopic + " failed: " + failure, id,
                    replyTopic, failure);
        }
        return null;
    }

    /** Schedules the entry's timeout; fails it if the client closed meanwhile. */
    private boolean schedule(PendingEntry entry, Runnable task, Duration timeout) {
        if (closed.get()) {
            entry.fail(new RequestReplyClosedException(entry.correlationId, requestTopic), OUTCOME_CLOSED);
            return false;
        }
        try {
            entry.timer = scheduler.schedule(task, timeout.toNanos());
            return true;
        } catch (RejectedExecutionException e) {
            entry.fail(new RequestReplyClosedException(entry.correlationId, requestTopic), OUTCOME_CLOSED);
            return false;
        }
    }

    private ProducerRecord<byte[], byte[]> record(String id, byte[] value, Duration timeout, RecordHeaders headers) {
        headers.remove(MessageHeaders.CORRELATION_ID);
        headers.remove(MessageHeaders.REPLY_TO);
        headers.remove(MessageHeaders.REPLY_PARTITION);
        headers.remove(MessageHeaders.DEADLINE);
        headers.add(MessageHeaders.CORRELATION_ID, HeaderValues.bytes(id));
        headers.add(MessageHeaders.REPLY_TO, replyTopicBytes);
        if (replyPartitionBytes != null) {
            headers.add(MessageHeaders.REPLY_PARTITION, replyPartitionBytes);
        }
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        headers.add(MessageHeaders.DEADLINE, HeaderValues.bytes(Long.toString(deadline)));
        return new ProducerRecord<>(requestTopic, null, (byte[]) null, value, headers);
    }

    /** Starts the request's send span on the caller's thread (its context is the parent) and writes it into it. */
    private ProducerRecord<byte[], byte[]> traced(PendingEntry entry, ProducerRecord<byte[], byte[]> record) {
        if (tracing.isEnabled()) {
            entry.sendSpan = tracing.send("send", requestTopic, record.headers(), null, entry.correlationId);
        }
        return record;
    }

    private void send(PendingEntry entry, ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> ready = listener.ready();
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            doSend(entry, record);
            return;
        }
        ready.whenComplete((v, e) -> {
            if (e == null) {
                doSend(entry, record);
            } else {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                entry.fail(cause instanceof RequestReplyException rre ? rre
                        : new RequestSendException("Reply consumer for topic " + replyTopic + " did not start: "
                        + cause, entry.correlationId, replyTopic, cause), OUTCOME_SEND_FAILED);
            }
        });
    }

    private void doSend(PendingEntry entry, ProducerRecord<byte[], byte[]> record) {
        entry.onSending();
        try {
            producer.send(record, (metadata, e) -> {
                entry.sendSpan.failed(e).close();
                if (e != null) {
                    entry.fail(new RequestSendException("Request with correlation id " + entry.correlationId
                            + " could not be sent to topic " + requestTopic + ": " + e, entry.correlationId,
                            requestTopic, e), OUTCOME_SEND_FAILED);
                }
            });
        } catch (RuntimeException e) {
            entry.sendSpan.failed(e).close();
            RequestReplyException failure = closed.get()
                    ? new RequestReplyClosedException(entry.correlationId, requestTopic)
                    : new RequestSendException("Request with correlation id " + entry.correlationId
                    + " could not be sent to topic " + requestTopic + ": " + e, entry.correlationId, requestTopic, e);
            entry.fail(failure, closed.get() ? OUTCOME_CLOSED : OUTCOME_SEND_FAILED);
        }
    }

    /** A record arrived on the reply topic (reply thread). */
    void onReply(ConsumerRecord<byte[], byte[]> record) {
        String id = HeaderValues.get(record.headers(), MessageHeaders.CORRELATION_ID);
        PendingEntry entry = id == null ? null : pending.get(id);
        if (entry == null) {
            drop(id, record);
        } else {
            entry.onRecord(record);
        }
    }

    void drop(String id, ConsumerRecord<byte[], byte[]> record) {
        PendingRequests.DropReason reason = pending.classify(id);
        metrics.dropped(reason);
        if (log.isDebugEnabled()) {
            log.debug("Dropped {} reply for correlation id {} at {}-{}@{}", reason.tag(), LogText.oneLine(id),
                    record.topic(), record.partition(), record.offset());
        }
    }

    /** The reply listener stopped for good: no reply can arrive any more. */
    void onListenerFailed(Throwable failure) {
        listenerFailure = failure;
        for (Map.Entry<String, PendingEntry> e : pending.snapshot()) {
            e.getValue().fail(new RequestSendException("Reply consumer for topic " + replyTopic + " failed: "
                    + failure, e.getKey(), replyTopic, failure), OUTCOME_SEND_FAILED);
        }
    }

    @Override
    public CompletableFuture<Void> ready() {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new RequestReplyClosedException(null, requestTopic));
        }
        CompletableFuture<Void> copy = new CompletableFuture<>();
        listener.ready().whenComplete((v, e) -> {
            if (e == null) {
                copy.complete(null);
            } else {
                copy.completeExceptionally(e);
            }
        });
        return copy;
    }

    @Override
    public RequestReplyClient<Q, R> start() {
        if (closed.get()) {
            throw new IllegalStateException("request-reply client " + options.clientName() + " is closed");
        }
        return this;
    }

    @Override
    public boolean isRunning() {
        return !closed.get() && listenerFailure == null;
    }

    @Override
    public io.kafkautility.health.Health health() {
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("pending", pending.size());
        details.put("replyTopic", replyTopic);
        io.kafkautility.health.Health loop = listener.health("request-reply:" + options.clientName(), details);
        if (listenerFailure != null && !closed.get()) {
            return io.kafkautility.health.Health.of(loop.component(), io.kafkautility.health.HealthStatus.DOWN,
                    java.util.List.of("its reply consumer could not start (" + listenerFailure.getClass()
                            .getSimpleName() + "); every request fails"), loop.details());
        }
        return loop;
    }

    @Override
    public int pendingCount() {
        return pending.size();
    }

    @Override
    public String replyTopic() {
        return replyTopic;
    }

    @Override
    public OptionalInt replyPartition() {
        return replyPartition < 0 ? OptionalInt.empty() : OptionalInt.of(replyPartition);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        int failed = 0;
        for (Map.Entry<String, PendingEntry> e : pending.snapshot()) {
            if (e.getValue().fail(new RequestReplyClosedException(e.getKey(), requestTopic), OUTCOME_CLOSED)) {
                failed++;
            }
        }
        if (failed > 0) {
            log.info("Request-reply client {} closed with {} pending requests failed", options.clientName(), failed);
        }
        listener.stop(CLOSE_TIMEOUT, new RequestReplyClosedException(null, requestTopic));
        if (ownsProducer) {
            try {
                producer.close(CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                log.warn("Closing the request producer of client {} failed: {}", options.clientName(), e.toString());
            }
        }
        scheduler.stop();
        listener.deleteGeneratedTopic(CLOSE_TIMEOUT);
        metrics.close();
        if (ownedCompletions != null) {
            ownedCompletions.shutdown(); // completions already handed over still run; later ones run inline
        }
    }

    @Override
    public String toString() {
        return "RequestReplyClient{name=" + options.clientName() + ", requestTopic=" + requestTopic + ", replyTopic="
                + replyTopic + (replyPartition >= 0 ? ", replyPartition=" + replyPartition : "") + ", pending="
                + pending.size() + '}';
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + value);
        }
    }

    enum NoopSubscription implements Flow.Subscription {
        INSTANCE;

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }
}
