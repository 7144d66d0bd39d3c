package io.kafkautility.internal.requestreply;

import io.kafkautility.MessageHeaders;
import io.kafkautility.consumer.loop.ConsumerLoop;
import io.kafkautility.consumer.loop.ConsumerLoopOptions;
import io.kafkautility.consumer.loop.RecordAck;
import io.kafkautility.consumer.loop.RecordSink;
import io.kafkautility.internal.consumer.DeadLetterRecords;
import io.kafkautility.internal.loop.Backoff;
import io.kafkautility.internal.logging.LogText;
import io.kafkautility.requestreply.ReplySink;
import io.kafkautility.requestreply.RequestContext;
import io.kafkautility.requestreply.RequestHandler;
import io.kafkautility.requestreply.RequestRejectedException;
import io.kafkautility.requestreply.RequestReplyException;
import io.kafkautility.requestreply.Responder;
import io.kafkautility.requestreply.ResponderOptions;
import io.kafkautility.requestreply.StreamingRequestHandler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.kafkautility.internal.requestreply.RequestReplyMetricNames.*;


/**
 * The responder: a {@link RecordSink} on the library's {@link ConsumerLoop}. The poll thread routes each request
 * (headers checked, reply topic allowed and looked up) and runs the handler; a request is finished, and its offset may
 * be committed, once its reply or dead letter was acknowledged. Use {@link Responder#create}.
 */
public final class DefaultResponder<Q, R> implements Responder<Q, R>, RecordSink {

    private static final Logger log = LoggerFactory.getLogger(DefaultResponder.class);
    private static final int MAX_CORRELATION_ID_LENGTH = 256;
    private static final int MAX_TOPIC_LENGTH = 249;
    /** Dead-letter reasons ({@code ku_dlt_reason}) of requests the responder cannot answer. */
    static final String REASON_INVALID_HEADERS = "INVALID_REPLY_HEADERS";
    static final String REASON_REPLY_TOPIC_NOT_ALLOWED = "REPLY_TOPIC_NOT_ALLOWED";
    static final String REASON_REPLY_TOPIC_NOT_FOUND = "REPLY_TOPIC_NOT_FOUND";
    static final String REASON_REPLY_PARTITION_NOT_FOUND = "REPLY_PARTITION_NOT_FOUND";
    static final String REASON_RESPONDER_FAILED = "RESPONDER_FAILED";

    private final ResponderOptions<Q, R> options;
    private final RequestHandler<Q, R> handler;
    private final StreamingRequestHandler<Q, R> streamingHandler;
    private final Producer<byte[], byte[]> producer;
    private final TopicPartitionCounts topics;
    /** Dead-letter sends and their retries, and requests whose reply topic had to be looked up first. */
    private final ScheduledExecutorService timer;
    private final boolean ownsProducer;
    private final ConsumerLoop loop;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter replied;
    private final Counter errorReplied;
    private final Counter expired;
    private final Counter replyFailed;
    private final Counter deadLettered;

    private DefaultResponder(ResponderOptions<Q, R> options, RequestHandler<Q, R> handler,
                             StreamingRequestHandler<Q, R> streamingHandler) {
        this.options = options;
        this.tracing = options.tracing();
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
            p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, io.kafkautility.producer.ProducerOptions.DEFAULT_BATCH_SIZE);
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
        Map<String, Object> consumerProperties = Map.copyOf(c);
        try { // fail fast on settings the client rejects; the loop creates its own
            options.consumerFactory().apply(new HashMap<>(consumerProperties)).close(Duration.ZERO);
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
        replyFailed = counter(RESPONDER_REPLY_FAILED);
        deadLettered = counter(RESPONDER_DEAD_LETTERED);
        Map<String, Object> a = new HashMap<>(options.kafkaProperties());
        a.compute(ProducerConfig.CLIENT_ID_CONFIG, (k, v) -> (v == null ? options.name() : v) + "-topics-" + instance);
        a.keySet().removeIf(k -> !org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(k));
        topics = new TopicPartitionCounts(() -> options.adminFactory().apply(new HashMap<>(a)));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ku-rr-responder-timer-" + options.name() + "-" + instance);
            t.setDaemon(true);
            return t;
        });
        loop = ConsumerLoop.create(ConsumerLoopOptions.subscribe(options.name() + "-" + instance,
                        () -> options.consumerFactory().apply(new HashMap<>(consumerProperties)),
                        options.requestTopics())
                .pollTimeout(Duration.ofMillis(100))
                .maxInFlight(options.maxInFlight())
                .closeTimeout(options.closeTimeout())
                .meterRegistry(registry)
                .build(), this);
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
        r.loop.start();
        return r;
    }

    /** @see Responder#createStreaming */
    public static <Q, R> DefaultResponder<Q, R> streaming(ResponderOptions<Q, R> options,
                                                          StreamingRequestHandler<Q, R> handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        DefaultResponder<Q, R> r = new DefaultResponder<>(options, null, handler);
        r.loop.start();
        return r;
    }

    @Override
    public CompletableFuture<Void> ready() {
        return loop.ready();
    }

    @Override
    public Responder<Q, R> start() {
        if (closed.get()) {
            throw new IllegalStateException("responder " + options.name() + " is closed");
        }
        return this;
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void accept(ConsumerRecord<byte[], byte[]> record, RecordAck ack) {
        ack.begin(); // on the poll thread: wanted
        inFlight.incrementAndGet();
        try {
            route(record, ack);
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            // a bug somewhere: the request is dead-lettered, never left unfinished (its partition would freeze)
            log.error("Responder {}: request at {}-{}@{} failed unexpectedly; dead-lettering it", options.name(),
                    record.topic(), record.partition(), record.offset(), e);
            deadLetter(record, ack, REASON_RESPONDER_FAILED, e);
        }
    }

    /** Checks where the reply would go, then answers, or dead-letters what cannot be answered. */
    private void route(ConsumerRecord<byte[], byte[]> record, RecordAck done) {
        Headers headers = record.headers();
        String id = bounded(HeaderValues.get(headers, MessageHeaders.CORRELATION_ID), MAX_CORRELATION_ID_LENGTH);
        String replyTo = bounded(HeaderValues.get(headers, MessageHeaders.REPLY_TO), MAX_TOPIC_LENGTH);
        String partitionText = bounded(HeaderValues.get(headers, MessageHeaders.REPLY_PARTITION), 16);
        Integer partition = null;
        boolean malformed = replyTo != null && !isTopicName(replyTo)
                || HeaderValues.get(headers, MessageHeaders.REPLY_PARTITION) != null && partitionText == null;
        if (partitionText != null) {
            try {
                partition = Integer.parseInt(partitionText.trim());
                malformed |= partition < 0;
            } catch (NumberFormatException e) {
                malformed = true;
            }
        }
        if (id == null || id.isBlank() || replyTo == null || malformed) {
            log.warn("Request at {}-{}@{} cannot be answered: missing or malformed {} / {} / {} header; "
                            + "dead-lettering it", record.topic(), record.partition(), record.offset(),
                    MessageHeaders.CORRELATION_ID, MessageHeaders.REPLY_TO, MessageHeaders.REPLY_PARTITION);
            deadLetter(record, done, REASON_INVALID_HEADERS, null);
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
        if (!options.isReplyTopicAllowed(replyTo)) {
            log.warn("Request with correlation id {} at {}-{}@{} asks for a reply to topic {}, which responder {} "
                            + "may not write to (see ResponderOptions.replyTopics); dead-lettering it",
                    LogText.oneLine(id), record.topic(), record.partition(), record.offset(), LogText.oneLine(replyTo),
                    options.name());
            deadLetter(record, done, REASON_REPLY_TOPIC_NOT_ALLOWED, null);
            return;
        }
        ReplyTarget target = new ReplyTarget(id, replyTo, partition, done,
                tracing.start("process", record.topic(), headers, null, id));
        CompletableFuture<Integer> partitions = topics.partitions(replyTo);
        if (partitions.isDone()) {
            answerIfRoutable(record, target, partitions, deadline);
        } else { // looked up on the admin client's thread; the poll thread goes on meanwhile, the timer answers
            partitions.whenComplete((n, e) -> later(record, done, () -> answerIfRoutable(record, target, partitions,
                    deadline)));
        }
    }

    private void answerIfRoutable(ConsumerRecord<byte[], byte[]> record, ReplyTarget target,
                                  CompletableFuture<Integer> partitions, long deadline) {
        Throwable lookupFailure = null;
        int count = -1;
        try {
            count = partitions.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            lookupFailure = e.getCause() != null ? e.getCause() : e;
        }
        if (lookupFailure instanceof UnknownTopicOrPartitionException) {
            log.warn("Request with correlation id {} at {}-{}@{}: reply topic {} does not exist; dead-lettering it",
                    LogText.oneLine(target.correlationId), record.topic(), record.partition(), record.offset(),
                    LogText.oneLine(target.topic));
            target.span.close();
            deadLetter(record, target.done, REASON_REPLY_TOPIC_NOT_FOUND, null);
            return;
        }
        if (lookupFailure != null) {
            // e.g. no DESCRIBE permission on the topic: reply anyway, the producer reports what goes wrong
            log.debug("Responder {} could not look up reply topic {}: {}", options.name(),
                    LogText.oneLine(target.topic), lookupFailure.toString());
        } else if (target.partition != null && target.partition >= count) {
            log.warn("Request with correlation id {} at {}-{}@{}: reply partition {} of topic {} does not exist "
                            + "({} partitions); dead-lettering it", LogText.oneLine(target.correlationId),
                    record.topic(), record.partition(), record.offset(), target.partition,
                    LogText.oneLine(target.topic), count);
            target.span.close();
            deadLetter(record, target.done, REASON_REPLY_PARTITION_NOT_FOUND, null);
            return;
        }
        answer(record, target, deadline);
    }

    private void answer(ConsumerRecord<byte[], byte[]> record, ReplyTarget target, long deadline) {
        Q request;
        try {
            request = options.requestCodec().decode(record.value());
        } catch (RuntimeException e) {
            sendError(target, e, RequestRejectedException.INVALID_REQUEST);
            return;
        }
        RequestContext context = new RequestContext(target.correlationId, record.topic(), record.partition(),
                record.offset(), deadline > 0 ? Instant.ofEpochMilli(deadline) : null);
        if (handler != null) {
            try (io.opentelemetry.context.Scope current = target.span.makeCurrent()) {
                handleSingle(target, request, context);
            }
        } else {
            StreamSink sink = new StreamSink(target);
            try (io.opentelemetry.context.Scope current = target.span.makeCurrent()) {
                streamingHandler.handle(request, sink, context);
            } catch (Throwable e) {
                try {
                    sink.fail(e);
                } catch (IllegalStateException ended) { // the handler ended the stream before (or while) it threw
                    log.warn("Streaming handler threw after ending the stream for correlation id {}: {}",
                            LogText.oneLine(target.correlationId), LogText.oneLine(e.toString()));
                }
            }
        }
    }

    private static String bounded(String value, int max) {
        return value == null || value.length() > max ? null : value;
    }

    /** Kafka's own rule for topic names: 1 to 249 of {@code [a-zA-Z0-9._-]}, not "." or "..". */
    private static boolean isTopicName(String name) {
        if (name.isEmpty() || name.length() > MAX_TOPIC_LENGTH || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends {@code record} to its dead-letter topic with {@code reason}; the request is finished (its offset may be
     * committed) once the broker acknowledged the dead letter. The send runs on the responder's timer thread (a
     * dead-letter topic the producer has no metadata for yet may block it up to {@code max.block.ms}, never the poll
     * thread); a failure is retried with backoff, holding the offset.
     */
    private void deadLetter(ConsumerRecord<byte[], byte[]> record, RecordAck done, String reason, Throwable error) {
        ProducerRecord<byte[], byte[]> dead = DeadLetterRecords.of(record, options.deadLetterTopic(record.topic()),
                reason, error, 0, Instant.now());
        later(record, done, () -> sendDeadLetter(record, dead, done, Backoff.INITIAL));
    }

    private void sendDeadLetter(ConsumerRecord<byte[], byte[]> record, ProducerRecord<byte[], byte[]> dead,
                                RecordAck done, Duration backoff) {
        try {
            producer.send(dead, (metadata, e) -> {
                if (e == null) {
                    increment(deadLettered);
                    if (registry != null) {
                        Counter.builder(RESPONDER_DEAD_LETTERS).tag(TAG_CLIENT, options.name())
                                .tag(TAG_REASON, reasonOf(dead)).register(registry).increment();
                    }
                    finish(done);
                } else {
                    log.warn("Responder {}: dead letter of {}-{}@{} to {} failed ({}); retrying in {} ms",
                            options.name(), record.topic(), record.partition(), record.offset(), dead.topic(),
                            e.toString(), backoff.toMillis());
                    retryDeadLetter(record, dead, done, backoff);
                }
            });
        } catch (RuntimeException e) {
            log.warn("Responder {}: dead letter of {}-{}@{} to {} failed ({}); retrying in {} ms", options.name(),
                    record.topic(), record.partition(), record.offset(), dead.topic(), e.toString(),
                    backoff.toMillis());
            retryDeadLetter(record, dead, done, backoff);
        }
    }

    private static String reasonOf(ProducerRecord<byte[], byte[]> dead) {
        org.apache.kafka.common.header.Header h = dead.headers().lastHeader(MessageHeaders.DLT_REASON);
        return h == null ? "unknown" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void retryDeadLetter(ConsumerRecord<byte[], byte[]> record, ProducerRecord<byte[], byte[]> dead,
                                 RecordAck done, Duration backoff) {
        Duration next = Backoff.next(backoff);
        try {
            timer.schedule(() -> sendDeadLetter(record, dead, done, next), backoff.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            log.warn("Responder {} closed before the dead letter of {}-{}@{} was written; it will be consumed again",
                    options.name(), record.topic(), record.partition(), record.offset());
        }
    }

    private void handleSingle(ReplyTarget target, Q request, RequestContext context) {
        CompletionStage<R> stage;
        try {
            stage = handler.handle(request, context);
        } catch (Throwable e) {
            sendError(target, e, RequestRejectedException.HANDLER_FAILED);
            return;
        }
        if (stage == null) {
            sendError(target, new NullPointerException("handler returned null instead of a CompletionStage"),
                    RequestRejectedException.HANDLER_FAILED);
            return;
        }
        stage.whenComplete((reply, e) -> {
            if (e != null) {
                sendError(target, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e,
                        RequestRejectedException.HANDLER_FAILED);
            } else if (reply == null) {
                sendError(target, new NullPointerException("handler completed with a null reply"),
                        RequestRejectedException.HANDLER_FAILED);
            } else {
                RecordHeaders headers = new RecordHeaders();
                byte[] value;
                try {
                    value = options.replyCodec().encode(reply, target.correlationId, headers);
                } catch (RuntimeException ex) {
                    sendError(target, ex, RequestRejectedException.HANDLER_FAILED);
                    return;
                }
                send(target, value, headers, replied, () -> finish(target));
            }
        });
    }

    /** Where the reply goes, and the request's span (the parent of the handler's work and of its replies). */
    private record ReplyTarget(String correlationId, String topic, Integer partition, RecordAck done,
                               io.kafkautility.tracing.KafkaTracing.Traced span) {
    }

    /** The request is finished: its span ends, its offset may be committed. */
    private void finish(ReplyTarget target) {
        target.span.close();
        finish(target.done);
    }

    /**
     * Sends one reply record; {@code afterAck} runs exactly once, when the broker answered or the send failed (never
     * leaving the request unfinished), on the producer's I/O thread or this one.
     */
    private CompletableFuture<Void> send(ReplyTarget target, byte[] value, RecordHeaders headers, Counter onSuccess,
                                         Runnable afterAck) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        AtomicBoolean once = new AtomicBoolean();
        try {
            headers.remove(MessageHeaders.CORRELATION_ID);
            headers.add(MessageHeaders.CORRELATION_ID, HeaderValues.bytes(target.correlationId));
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(target.topic, target.partition,
                    HeaderValues.bytes(target.correlationId), value, headers);
            io.kafkautility.tracing.KafkaTracing.Traced replySpan;
            try (io.opentelemetry.context.Scope current = target.span.makeCurrent()) { // a child of the request's
                replySpan = tracing.send("reply", target.topic, headers, null, target.correlationId);
            }
            producer.send(record, (metadata, e) -> {
                replySpan.failed(e).close();
                if (!once.compareAndSet(false, true)) {
                    return;
                }
                try {
                    if (e != null) {
                        replyFailed(target, e);
                        acked.completeExceptionally(e);
                    } else {
                        increment(onSuccess);
                        acked.complete(null);
                    }
                } finally {
                    afterAck.run();
                }
            });
        } catch (RuntimeException e) {
            if (once.compareAndSet(false, true)) {
                try {
                    replyFailed(target, e);
                    acked.completeExceptionally(e);
                } finally {
                    afterAck.run();
                }
            }
        }
        return acked;
    }

    private void replyFailed(ReplyTarget target, Throwable e) {
        increment(replyFailed);
        log.warn("Reply for correlation id {} to topic {} could not be sent (not retried; the requester times out): "
                + "{}", LogText.oneLine(target.correlationId), LogText.oneLine(target.topic),
                LogText.oneLine(e.toString()));
    }

    private CompletableFuture<Void> sendError(ReplyTarget target, Throwable error, String code) {
        return sendErrorRecord(target, error, code, () -> finish(target));
    }

    /**
     * An error reply: the code (the handler's own for a {@link RequestRejectedException}, with its public message) and
     * a fresh error id travel; the exception's text is logged here under that id and nowhere else.
     */
    private CompletableFuture<Void> sendErrorRecord(ReplyTarget target, Throwable error, String code,
                                                    Runnable afterAck) {
        String message = "";
        if (error instanceof RequestRejectedException rejected) {
            code = rejected.code();
            message = HeaderValues.truncate(rejected.getMessage(), options.maxErrorMessageLength());
        }
        String errorId = UUID.randomUUID().toString();
        log.warn("Request with correlation id {} failed with {} (error id {}); sending an error reply: {}",
                LogText.oneLine(target.correlationId), code, errorId, LogText.oneLine(String.valueOf(error)));
        RecordHeaders headers = new RecordHeaders();
        headers.add(MessageHeaders.REPLY_ERROR, HeaderValues.bytes("true"));
        headers.add(MessageHeaders.REPLY_ERROR_TYPE, HeaderValues.bytes(code));
        headers.add(MessageHeaders.REPLY_ERROR_ID, HeaderValues.bytes(errorId));
        return send(target, message.getBytes(StandardCharsets.UTF_8), headers, errorReplied, afterAck);
    }

    /** Runs {@code work} for {@code record} on the timer thread; a closed responder leaves the request unfinished. */
    private void later(ConsumerRecord<byte[], byte[]> record, RecordAck done, Runnable work) {
        try {
            timer.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                    log.error("Responder {}: request at {}-{}@{} failed unexpectedly; dead-lettering it",
                            options.name(), record.topic(), record.partition(), record.offset(), e);
                    deadLetter(record, done, REASON_RESPONDER_FAILED, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            log.warn("Responder {} closed before request {}-{}@{} was answered; it will be consumed again",
                    options.name(), record.topic(), record.partition(), record.offset());
        }
    }

    private void finish(RecordAck done) {
        inFlight.decrementAndGet();
        done.done();
    }

    @Override
    public io.kafkautility.health.Health health() {
        return loop.health("responder:" + options.name(), Long.MAX_VALUE, Map.of("inFlight", inFlight.get()));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.close(options.closeTimeout());
        if (inFlight.get() > 0) {
            log.warn("Responder {} closed with {} requests unanswered; they will be consumed again",
                    options.name(), inFlight.get());
        }
        timer.shutdownNow();
        topics.close();
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
                return sendErrorRecord(target, e, RequestRejectedException.HANDLER_FAILED, this::acked);
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
            return sendErrorRecord(target, error, RequestRejectedException.HANDLER_FAILED, this::acked);
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
                finish(target);
            }
        }
    }
}
