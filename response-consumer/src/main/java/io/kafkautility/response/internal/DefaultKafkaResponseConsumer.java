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
import io.kafkautility.health.HealthStatus;
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
import java.util.ArrayList;
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
    private final boolean broadcast;
    /** Broadcast mode: the last resumeWindow of replies, for sessions that reconnect (worker thread only). */
    private final ReplayBuffer replay;
    private final Counter notHeld;
    private final Counter notHeldDecoded;
    private final Counter replayed;
    private final Counter evicted;
    private long evictedCounted;
    /** Broadcast mode: who holds which session across instances; null in group mode. */
    private final SessionDirectory directory;
    private final Counter orphaned;
    /** Final replies of sessions no instance held when they came, by session, until the resume window ends. */
    private final Map<String, java.util.Queue<Orphan>> maybeOrphans = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger maybeOrphanCount =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final int MAX_MAYBE_ORPHANS = 100_000;

    private record Orphan(ConsumerRecord<byte[], byte[]> record, long deadlineMillis) {
    }

    /** The registry replies are decoded through, for health; null with a resolver of the application's own. */
    private final SchemaRegistryClient registry;

    public DefaultKafkaResponseConsumer(ResponseConsumerOptions options, ResponseListener listener) {
        this.options = options;
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        WriterSchemaResolver resolver = options.writerSchemaResolver() != null ? options.writerSchemaResolver()
                : SchemaRegistryClient.create(options.schemaRegistry());
        this.registry = resolver instanceof SchemaRegistryClient client ? client : null;
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
        this.broadcast = options.mode() == ResponseConsumerOptions.Mode.BROADCAST;
        this.replay = new ReplayBuffer(broadcast ? options.resumeWindow().toMillis() : 0,
                options.resumeBufferBytes());
        this.notHeld = dropped("not_held");
        this.notHeldDecoded = dropped("not_held_decoded");
        this.replayed = Counter.builder(MetricNames.RESPONSE_RESUME_REPLAYED)
                .description("Replies handed to sessions again after they reconnected").register(meters);
        this.evicted = Counter.builder(MetricNames.RESPONSE_RESUME_EVICTED).tag(MetricNames.TAG_REASON, "bytes")
                .description("Replies let go of the resume buffer before their window ended").register(meters);
        io.micrometer.core.instrument.Gauge.builder(MetricNames.RESPONSE_RESUME_BUFFER_BYTES, replay,
                ReplayBuffer::bytes).description("Bytes of replies kept for sessions that reconnect").register(meters);
        io.micrometer.core.instrument.Gauge.builder(MetricNames.RESPONSE_RESUME_BUFFER_RECORDS, replay,
                ReplayBuffer::records).description("Reply records kept for sessions that reconnect").register(meters);
        this.orphaned = dropped("no_session");
        String instance = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String name = "response-" + options.topic() + (broadcast ? "-" + instance : "-" + options.groupId());
        this.directory = broadcast ? new SessionDirectory(options.sessionDirectoryTopic(), instance,
                new org.apache.kafka.clients.producer.KafkaProducer<>(producerProperties(options),
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer()),
                () -> options.consumerFactory().apply(new HashMap<>(options.consumerProperties()))) : null;
        if (directory != null) {
            directory.onClaim(session -> {
                java.util.Queue<Orphan> q = maybeOrphans.remove(session); // held again: the replay delivers them
                if (q != null) {
                    maybeOrphanCount.addAndGet(-q.size());
                }
            });
            directory.every(this::reportOrphans);
            if (listener instanceof io.kafkautility.response.WebSocketSessionManager manager) {
                // one owner at a time across the instances: a page that came back elsewhere closes its old connection
                directory.onClaimElsewhere((session, at) -> manager.takenOverElsewhere(session,
                        java.time.Instant.ofEpochMilli(at)));
                manager.addSessionListener(new io.kafkautility.response.WebSocketSessionManager.SessionListener() {
                    @Override
                    public void opened(String sessionId) {
                        directory.claim(sessionId);
                    }

                    @Override
                    public void closed(String sessionId) {
                        directory.release(sessionId);
                    }
                });
            }
        }
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ku-" + name + "-worker");
            t.setDaemon(true);
            return t;
        });
        java.util.function.Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> clients =
                () -> options.consumerFactory().apply(new HashMap<>(options.consumerProperties()));
        ConsumerLoopOptions.Builder loopOptions = broadcast
                ? ConsumerLoopOptions.assign(name, clients, ConsumerLoopOptions.allPartitionsOf(options.topic(),
                        options.commitTimeout())).lookBack(options.resumeWindow())
                : ConsumerLoopOptions.subscribe(name, clients, List.of(options.topic())).pinStartPositions(true);
        this.loop = ConsumerLoop.create(loopOptions
                .pollTimeout(options.pollTimeout())
                .commitTimeout(options.commitTimeout())
                .closeTimeout(Duration.ofMillis(Math.max(1, options.stopTimeout().toMillis() / 2)))
                .backoff(options.retryBackoff(), options.maxRetryBackoff())
                .meterRegistry(meters)
                .build(), this);
    }

    private static Map<String, Object> producerProperties(ResponseConsumerOptions options) {
        Map<String, Object> p = new HashMap<>();
        options.consumerProperties().forEach((k, v) -> {
            if (org.apache.kafka.clients.producer.ProducerConfig.configNames().contains(k)
                    && !k.endsWith("serializer")) {
                p.put(k, v);
            }
        });
        p.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        p.compute(org.apache.kafka.clients.producer.ProducerConfig.CLIENT_ID_CONFIG,
                (k, v) -> (v == null ? "response-consumer" : v) + "-sessions");
        return p;
    }

    /**
     * A final reply of a session no live instance holds: kept aside until the resume window ends, unless some instance
     * claims the session meanwhile (then its replay delivers it). Worker thread.
     */
    private void maybeOrphan(String session, ConsumerRecord<byte[], byte[]> record) {
        if (directory == null || directory.holder(session) != null || !directory.ready().isDone()
                || directory.ready().isCompletedExceptionally()) {
            return;
        }
        if (maybeOrphanCount.incrementAndGet() > MAX_MAYBE_ORPHANS) {
            maybeOrphanCount.decrementAndGet();
            return; // bounded: a flood of replies for nobody is still counted as not_held
        }
        maybeOrphans.computeIfAbsent(session, s -> new java.util.concurrent.ConcurrentLinkedQueue<>())
                .add(new Orphan(record, System.currentTimeMillis() + options.resumeWindow().toMillis()));
    }

    /** Every 5 s: the kept-aside replies whose window ended with nobody holding their session, reported once. */
    private void reportOrphans() {
        if (!directory.settled()) {
            return; // kept until this instance knows every live instance (a new one may hold the session)
        }
        long now = System.currentTimeMillis();
        boolean reporter = directory.reportsOrphans();
        for (Map.Entry<String, java.util.Queue<Orphan>> e : maybeOrphans.entrySet()) {
            java.util.Queue<Orphan> q = e.getValue();
            Orphan o;
            while ((o = q.peek()) != null && o.deadlineMillis() <= now) {
                q.poll();
                maybeOrphanCount.decrementAndGet();
                if (reporter && directory.holder(e.getKey()) == null && !listener.holds(e.getKey())) {
                    RagResponse r = decodeQuietly(o.record());
                    orphaned.increment();
                    log.info("The answer to question {} reached no page: no instance held session {} within {} of "
                                    + "it ({}-{}@{})", r == null ? "?" : Ids.safe(r.questionId()),
                            Ids.safe(e.getKey()), options.resumeWindow(), o.record().topic(), o.record().partition(),
                            o.record().offset());
                }
            }
            if (q.isEmpty()) {
                maybeOrphans.remove(e.getKey(), q);
            }
        }
    }

    private Counter dropped(String reason) {
        return Counter.builder(MetricNames.RESPONSE_DROPPED).tag(MetricNames.TAG_REASON, reason)
                .description("Replies dropped before delivery").register(meters);
    }

    @Override
    public CompletableFuture<Integer> replay(String sessionId) {
        java.util.Objects.requireNonNull(sessionId, "sessionId");
        CompletableFuture<Integer> done = new CompletableFuture<>();
        try {
            worker.execute(() -> { // between live records, in order
                int n = 0;
                try {
                    for (ConsumerRecord<byte[], byte[]> r : replay.of(sessionId, System.currentTimeMillis())) {
                        RagResponse response = decodeQuietly(r);
                        if (response != null && response.sessionId().equals(sessionId)) {
                            try {
                                listener.onReplay(response, Instant.ofEpochMilli(r.timestamp()));
                            } catch (RuntimeException e) {
                                invalidCounter("listener_failed").increment();
                                log.error("Response listener failed on a replayed reply {}-{}@{}; skipped",
                                        r.topic(), r.partition(), r.offset(), e);
                            }
                            n++;
                        }
                    }
                    replayed.increment(n);
                    done.complete(n);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                } finally {
                    listener.replayDone(sessionId);
                }
            });
        } catch (RejectedExecutionException closed) {
            done.completeExceptionally(new io.kafkautility.KafkaUtilityException("response consumer is closed"));
        }
        return done;
    }

    /** A kept record decoded again (its schema is cached by then); null, counted once already, if it does not. */
    private RagResponse decodeQuietly(ConsumerRecord<byte[], byte[]> r) {
        try {
            return decoder.decode(r.value());
        } catch (AvroDecodingException e) {
            return null;
        }
    }

    private void deliver(RagResponse response, ConsumerRecord<byte[], byte[]> record) {
        try (io.kafkautility.tracing.KafkaTracing.Traced span = options.tracing().receive("deliver", record.topic(),
                record.headers(), null, response.questionId())) {
            listener.onResponse(response, Instant.ofEpochMilli(record.timestamp()));
        } catch (RuntimeException e) {
            invalidCounter("listener_failed").increment();
            log.error("Response listener failed for reply {}-{}@{}; skipped", record.topic(), record.partition(),
                    record.offset(), e);
        }
    }

    /** The {@code ku_session} header, if it is one short printable UTF-8 string. */
    private static String sessionHeader(ConsumerRecord<byte[], byte[]> record) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(io.kafkautility.MessageHeaders.SESSION_ID);
        if (h == null || h.value() == null || h.value().length == 0 || h.value().length > 256) {
            return null;
        }
        String s = new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
        return s.indexOf('\uFFFD') >= 0 ? null : s;
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
            if (directory != null) {
                directory.start();
                directory.ready().whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("Session directory {} unavailable ({}): replies no instance could deliver are not "
                                + "reported", options.sessionDirectoryTopic(), e.toString());
                    }
                });
            }
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
        Health own = loop.health("response-consumer:" + options.topic(), Long.MAX_VALUE,
                Map.of("replies", (long) records.count()));
        if (registry == null) {
            return own;
        }
        // a registry that does not answer holds up replies whose schema id is not cached yet: DEGRADED, not DOWN (the
        // consumer still delivers the others, and those wait up to registryRetryTimeout)
        Health reg = registry.health();
        HealthStatus status = own.status() == HealthStatus.DOWN ? HealthStatus.DOWN
                : own.status() == HealthStatus.UP && reg.status() == HealthStatus.UP ? HealthStatus.UP
                : HealthStatus.DEGRADED;
        List<String> reasons = new ArrayList<>(own.reasons());
        reasons.addAll(reg.reasons());
        return new Health(own.component(), status, reasons, own.details(), List.of(reg));
    }

    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        loop.close(options.stopTimeout().dividedBy(2));
        if (directory != null) {
            directory.close();
        }
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

    private void keep(String session, ConsumerRecord<byte[], byte[]> record) {
        replay.add(session, record, System.currentTimeMillis());
        long n = replay.evictedForBytes();
        if (n > evictedCounted) {
            evicted.increment(n - evictedCounted);
            evictedCounted = n;
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
        String session = broadcast ? sessionHeader(record) : null;
        if (session != null && !listener.holds(session)) {
            keep(session, record);
            notHeld.increment(); // another instance's session (or one that may come back): never decoded here
            if (record.headers().lastHeader(io.kafkautility.MessageHeaders.CHUNK_FINAL) != null) {
                maybeOrphan(session, record);
            }
            return true;
        }
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
            if (broadcast) {
                keep(response.sessionId(), record);
                if (session == null && !listener.holds(response.sessionId())) {
                    notHeldDecoded.increment(); // no ku_session header: decoded only to find its session
                    if (!response.isDelta()) {
                        maybeOrphan(response.sessionId(), record);
                    }
                    return true;
                }
            }
            deliver(response, record);
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
