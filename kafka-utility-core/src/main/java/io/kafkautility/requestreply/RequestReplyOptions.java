package io.kafkautility.requestreply;

import io.kafkautility.config.ClientProperties;
import io.kafkautility.config.KafkaConnectionOptions;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import io.kafkautility.metrics.KafkaUtilityMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * Immutable settings of a {@link RequestReplyClient}, built by {@link #builder(String, PayloadCodec, PayloadCodec)}.
 *
 * <p>Reply routing, in order of preference:
 * <ul>
 *   <li>default: a reply topic per client instance, named {@code <replyTopicPrefix>-<random>}, created at start
 *       (one partition, broker default replication) and deleted on close;</li>
 *   <li>{@link Builder#replyTopic(String)}: a dedicated, existing reply topic read entirely by this instance;</li>
 *   <li>{@link Builder#sharedReplyTopic(String, int)}: an existing topic shared by several instances, each reading only
 *       its own partition via {@code assign()} (never group subscription), so no instance can see another's replies.
 *       The partition travels in the {@code ku_replypartition} header.</li>
 * </ul>
 *
 * <p>Kafka settings given with {@link Builder#kafkaProperties(Map)} pass through unchanged (keyed by Kafka's own
 * constants) to the producer, the reply consumer and the admin client; the library only sets
 * {@code linger.ms=0}, {@code max.in.flight.requests.per.connection=1} and {@code batch.size=65536} on the producer (a
 * request goes out at once when none is in flight; requests made while one is in flight share the next produce
 * request, up to a batch per partition, so a busy client sends fewer, larger requests without making an idle one
 * wait), byte-array (de)serializers and, on the reply consumer,
 * {@code fetch.max.wait.ms=10},
 * {@code enable.auto.commit=false} and no group, unless you set them yourself (serializers and the absence of a group
 * are always enforced).
 *
 * <p>Thread-safe (immutable). The caller owns a producer passed with {@link Builder#producer(Producer)} and a
 * scheduler passed with {@link Builder#scheduler(ScheduledExecutorService)}: the client never closes them.
 *
 * @param <Q> request payload type
 * @param <R> reply payload type
 */
public final class RequestReplyOptions<Q, R> {

    /** Default time a request waits for its reply: 30 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default bound of the pending map: 10,000 requests. */
    public static final int DEFAULT_MAX_PENDING_REQUESTS = 10_000;
    /** Default time the reply consumer may take to be assigned and positioned before requests fail: 30 s. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Default age after which a generated reply topic nobody marks alive any more is deleted. */
    public static final Duration DEFAULT_ABANDONED_REPLY_TOPIC_AGE = Duration.ofMinutes(10);
    /** Default longest gap between two chunks of a streamed reply: 30 s. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Default longest duration of a whole streamed reply: 5 min. */
    public static final Duration DEFAULT_STREAM_TIMEOUT = Duration.ofMinutes(5);
    /** Default number of chunks a stream buffers while its subscriber has no demand: 1,024. */
    public static final int DEFAULT_STREAM_BUFFER_SIZE = 1024;
    /** Default number of correlation ids remembered after completion, to tell late and duplicate replies: 10,000. */
    public static final int DEFAULT_COMPLETED_MEMORY = 10_000;
    /** Default prefix of generated per-instance reply topics. */
    public static final String DEFAULT_REPLY_TOPIC_PREFIX = "ku-replies";
    /** Default client name (thread names, {@code client.id} prefix, metrics tag {@code client}). */
    public static final String DEFAULT_CLIENT_NAME = "request-reply";

    private final String requestTopic;
    private final PayloadCodec<Q> requestCodec;
    private final PayloadCodec<R> replyCodec;
    private final ClientProperties kafkaProperties;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    private final String replyTopic;
    private final int replyPartition;
    private final String replyTopicPrefix;
    private final java.util.concurrent.Executor completionExecutor;
    private final Duration defaultTimeout;
    private final int maxPendingRequests;
    private final Duration startupTimeout;
    private final Duration streamIdleTimeout;
    private final Duration streamTimeout;
    private final int streamBufferSize;
    private final int completedMemory;
    private final Duration abandonedReplyTopicAge;
    private final String clientName;
    private final MeterRegistry meterRegistry;
    private final Producer<byte[], byte[]> producer;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final Function<Map<String, Object>, Admin> adminFactory;
    private final ScheduledExecutorService scheduler;

    private RequestReplyOptions(Builder<Q, R> b) {
        this.requestTopic = b.requestTopic;
        this.requestCodec = b.requestCodec;
        this.replyCodec = b.replyCodec;
        this.kafkaProperties = b.kafkaProperties.build();
        this.tracing = b.tracing;
        this.replyTopic = b.replyTopic;
        this.replyPartition = b.replyPartition;
        this.replyTopicPrefix = b.replyTopicPrefix;
        this.completionExecutor = b.completionExecutor;
        this.defaultTimeout = b.defaultTimeout;
        this.maxPendingRequests = b.maxPendingRequests;
        this.startupTimeout = b.startupTimeout;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.streamTimeout = b.streamTimeout;
        this.streamBufferSize = b.streamBufferSize;
        this.completedMemory = b.completedMemory;
        this.abandonedReplyTopicAge = b.abandonedReplyTopicAge;
        this.clientName = b.clientName;
        this.meterRegistry = b.meterRegistry;
        this.producer = b.producer;
        this.producerFactory = b.producerFactory;
        this.consumerFactory = b.consumerFactory;
        this.adminFactory = b.adminFactory;
        this.scheduler = b.scheduler;
    }

    /**
     * @param requestTopic topic requests are sent to
     * @param requestCodec encodes request payloads
     * @param replyCodec   decodes reply payloads
     * @param <Q>          request payload type
     * @param <R>          reply payload type
     * @return a builder with the defaults above
     */
    public static <Q, R> Builder<Q, R> builder(String requestTopic, PayloadCodec<Q> requestCodec,
                                               PayloadCodec<R> replyCodec) {
        return new Builder<>(requestTopic, requestCodec, replyCodec);
    }

    /** @return a builder holding these settings */
    public Builder<Q, R> toBuilder() {
        return new Builder<>(this);
    }

    /** @return topic requests are sent to */
    public String requestTopic() {
        return requestTopic;
    }

    /** @return the request codec */
    public PayloadCodec<Q> requestCodec() {
        return requestCodec;
    }

    /** @return the reply codec */
    public PayloadCodec<R> replyCodec() {
        return replyCodec;
    }

    /** @return the tracing of its requests and replies; no-op by default */
    public io.kafkautility.tracing.KafkaTracing tracing() {
        return tracing;
    }

    /** @return Kafka settings passed through (unmodifiable) */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties.asMap();
    }

    /** @return the configured reply topic, empty for a generated per-instance topic */
    public Optional<String> replyTopic() {
        return Optional.ofNullable(replyTopic);
    }

    /** @return the assigned partition of a shared reply topic, empty if the topic is not shared */
    public OptionalInt replyPartition() {
        return replyPartition < 0 ? OptionalInt.empty() : OptionalInt.of(replyPartition);
    }

    /**
     * @return where request futures are completed (and so where callbacks without an executor of their own run);
     *         empty for the default, threads of the client's own (never a Kafka I/O or poll thread)
     */
    public Optional<java.util.concurrent.Executor> completionExecutor() {
        return Optional.ofNullable(completionExecutor);
    }

    /** @return prefix of generated reply topic names */
    public String replyTopicPrefix() {
        return replyTopicPrefix;
    }

    /** @return timeout of {@link RequestReplyClient#request(Object)} */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** @return the most requests (and streams) that may wait for replies at once */
    public int maxPendingRequests() {
        return maxPendingRequests;
    }

    /**
     * @return how long a generated reply topic may go without being marked alive before any client of the same prefix
     *         deletes it (its client crashed); zero when this client neither marks nor deletes
     */
    public Duration abandonedReplyTopicAge() {
        return abandonedReplyTopicAge;
    }

    /** @return how long requests made before the reply consumer is ready wait for it */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** @return longest gap between two chunks of a streamed reply */
    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** @return longest duration of a whole streamed reply */
    public Duration streamTimeout() {
        return streamTimeout;
    }

    /** @return chunks a stream may buffer (undelivered or out of order) before it fails */
    public int streamBufferSize() {
        return streamBufferSize;
    }

    /** @return completed correlation ids remembered to classify late and duplicate replies */
    public int completedMemory() {
        return completedMemory;
    }

    /** @return the client name */
    public String clientName() {
        return clientName;
    }

    /** @return where metrics go, empty for none */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** @return the caller-owned producer, empty if the client creates (and closes) its own */
    public Optional<Producer<byte[], byte[]>> producer() {
        return Optional.ofNullable(producer);
    }

    /** @return creates the producer when none is given */
    public Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory() {
        return producerFactory;
    }

    /** @return creates the reply consumer */
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
        return consumerFactory;
    }

    /** @return creates the admin client used to create and delete a generated reply topic */
    public Function<Map<String, Object>, Admin> adminFactory() {
        return adminFactory;
    }

    /** @return the caller-owned timeout scheduler, empty if the client runs its own single timer thread */
    public Optional<ScheduledExecutorService> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    @Override
    public String toString() {
        return "RequestReplyOptions{requestTopic=" + requestTopic + ", replyTopic="
                + (replyTopic == null ? "<per-instance>" : replyTopic)
                + (replyPartition >= 0 ? ", replyPartition=" + replyPartition : "")
                + ", defaultTimeout=" + defaultTimeout + ", maxPendingRequests=" + maxPendingRequests
                + ", clientName=" + clientName + ", kafkaProperties=" + kafkaProperties + '}';
    }

    /**
     * The Kafka settings request-reply sets itself, on the clients of both sides: byte-array serdes and manual
     * commits.
     */
    static ClientProperties.Builder ownedKeys(String owner) {
        return ClientProperties.builder(owner)
                .owns(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        "request-reply encodes payloads with its PayloadCodecs")
                .owns(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        "request-reply encodes payloads with its PayloadCodecs")
                .owns(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        "request-reply decodes payloads with its PayloadCodecs")
                .owns(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        "request-reply decodes payloads with its PayloadCodecs")
                .owns(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        "offsets are committed only after a request is answered");
    }

    /**
     * Validating builder: every setter rejects a bad value at the call, {@link #build()} cross-checks.
     * Not thread-safe.
     *
     * @param <Q> request payload type
     * @param <R> reply payload type
     */
    public static final class Builder<Q, R> {
        private final String requestTopic;
        private final PayloadCodec<Q> requestCodec;
        private final PayloadCodec<R> replyCodec;
        private io.kafkautility.tracing.KafkaTracing tracing = io.kafkautility.tracing.KafkaTracing.noop();
        private final ClientProperties.Builder kafkaProperties = ownedKeys("RequestReplyOptions")
                .owns(ConsumerConfig.GROUP_ID_CONFIG, "the reply consumer uses assign(), never a consumer group, so "
                        + "instances cannot steal each other's replies");
        private String replyTopic;
        private int replyPartition = -1;
        private String replyTopicPrefix = DEFAULT_REPLY_TOPIC_PREFIX;
        private java.util.concurrent.Executor completionExecutor;
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private int maxPendingRequests = DEFAULT_MAX_PENDING_REQUESTS;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private Duration streamTimeout = DEFAULT_STREAM_TIMEOUT;
        private int streamBufferSize = DEFAULT_STREAM_BUFFER_SIZE;
        private int completedMemory = DEFAULT_COMPLETED_MEMORY;
        private Duration abandonedReplyTopicAge = DEFAULT_ABANDONED_REPLY_TOPIC_AGE;
        private String clientName = DEFAULT_CLIENT_NAME;
        private MeterRegistry meterRegistry;
        private Producer<byte[], byte[]> producer;
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory =
                org.apache.kafka.clients.producer.KafkaProducer::new;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory =
                org.apache.kafka.clients.consumer.KafkaConsumer::new;
        private Function<Map<String, Object>, Admin> adminFactory = Admin::create;
        private ScheduledExecutorService scheduler;

        private Builder(String requestTopic, PayloadCodec<Q> requestCodec, PayloadCodec<R> replyCodec) {
            this.requestTopic = requireTopic("requestTopic", requestTopic);
            this.requestCodec = Objects.requireNonNull(requestCodec, "requestCodec must not be null");
            this.replyCodec = Objects.requireNonNull(replyCodec, "replyCodec must not be null");
        }

        private Builder(RequestReplyOptions<Q, R> o) {
            this(o.requestTopic, o.requestCodec, o.replyCodec);
            kafkaProperties.putAll(o.kafkaProperties.asMap());
            tracing = o.tracing;
            replyTopic = o.replyTopic;
            replyPartition = o.replyPartition;
            replyTopicPrefix = o.replyTopicPrefix;
            completionExecutor = o.completionExecutor;
            defaultTimeout = o.defaultTimeout;
            maxPendingRequests = o.maxPendingRequests;
            startupTimeout = o.startupTimeout;
            streamIdleTimeout = o.streamIdleTimeout;
            streamTimeout = o.streamTimeout;
            streamBufferSize = o.streamBufferSize;
            completedMemory = o.completedMemory;
            abandonedReplyTopicAge = o.abandonedReplyTopicAge;
            clientName = o.clientName;
            meterRegistry = o.meterRegistry;
            producer = o.producer;
            producerFactory = o.producerFactory;
            consumerFactory = o.consumerFactory;
            adminFactory = o.adminFactory;
            scheduler = o.scheduler;
        }

        /**
         * Kafka client settings (at least {@code bootstrap.servers}), copied; passed through unchanged.
         *
         * @param properties settings keyed by Kafka's config constants
         * @return this
         */
        public Builder<Q, R> kafkaProperties(Map<String, ?> properties) {
            kafkaProperties.putAll(properties);
            return this;
        }

        /**
         * Connection settings (bootstrap servers, security, client id) from the shared configuration; adds
         * {@link KafkaConnectionOptions#clientProperties()} like {@link #kafkaProperties(Map)}.
         *
         * @param connection the connection options
         * @return this
         */
        public Builder<Q, R> connection(KafkaConnectionOptions connection) {
            kafkaProperties.connection(connection);
            return this;
        }

        /**
         * Spans through OpenTelemetry ({@code KafkaTracing.of(openTelemetry)}): a send span per request, written into it. No-op by default.
         */
        public Builder<Q, R> tracing(io.kafkautility.tracing.KafkaTracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /**
         * One Kafka client setting, passed through unchanged.
         *
         * @param key   Kafka's config constant
         * @param value its value
         * @return this
         */
        public Builder<Q, R> kafkaProperty(String key, Object value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /**
         * Use an existing topic read entirely by this client instance (no other instance may use it).
         *
         * @param topic the reply topic
         * @return this
         */
        public Builder<Q, R> replyTopic(String topic) {
            this.replyTopic = requireTopic("replyTopic", topic);
            this.replyPartition = -1;
            return this;
        }

        /**
         * Use an existing topic shared with other instances; this instance reads only {@code partition}, which no other
         * instance may use.
         *
         * @param topic     the shared reply topic
         * @param partition this instance's partition, {@code >= 0}
         * @return this
         */
        public Builder<Q, R> sharedReplyTopic(String topic, int partition) {
            if (partition < 0) {
                throw new IllegalArgumentException("replyPartition must be >= 0 but was " + partition);
            }
            this.replyTopic = requireTopic("replyTopic", topic);
            this.replyPartition = partition;
            return this;
        }

        /**
         * @param prefix prefix of generated per-instance reply topics, default {@value #DEFAULT_REPLY_TOPIC_PREFIX}
         * @return this
         */
        public Builder<Q, R> replyTopicPrefix(String prefix) {
            this.replyTopicPrefix = requireTopic("replyTopicPrefix", prefix);
            return this;
        }

        /**
         * @param timeout timeout of {@code request(payload)}, {@code > 0}, default 30 s
         * @return this
         */
        public Builder<Q, R> defaultTimeout(Duration timeout) {
            this.defaultTimeout = requirePositive("defaultTimeout", timeout);
            return this;
        }

        /**
         * @param max most requests waiting for replies at once, {@code > 0}, default 10,000
         * @return this
         */
        public Builder<Q, R> maxPendingRequests(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxPendingRequests must be > 0 but was " + max);
            }
            this.maxPendingRequests = max;
            return this;
        }

        /**
         * Where request futures are completed. By default on 4 threads of the client's own (started when needed, ended
         * when idle), so a caller's callback that blocks holds up neither the other replies nor the next send (it holds
         * one of the four). {@code Runnable::run} completes them on the reply
         * consumer's thread (cheapest; then callbacks must never block). Not the common {@code ForkJoinPool}: on a
         * 2-core machine it has one thread, which one blocking callback takes.
         *
         * @param executor runs completions
         * @return this
         */
        public Builder<Q, R> completionExecutor(java.util.concurrent.Executor executor) {
            this.completionExecutor = Objects.requireNonNull(executor, "completionExecutor must not be null");
            return this;
        }

        /**
         * @param timeout how long the reply consumer may take to start before queued requests fail, {@code > 0}
         * @return this
         */
        public Builder<Q, R> startupTimeout(Duration timeout) {
            this.startupTimeout = requirePositive("startupTimeout", timeout);
            return this;
        }

        /**
         * @param timeout longest gap between two chunks of a streamed reply, {@code > 0}, default 30 s
         * @return this
         */
        public Builder<Q, R> streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = requirePositive("streamIdleTimeout", timeout);
            return this;
        }

        /**
         * @param timeout longest duration of a whole streamed reply, {@code > 0}, default 5 min
         * @return this
         */
        public Builder<Q, R> streamTimeout(Duration timeout) {
            this.streamTimeout = requirePositive("streamTimeout", timeout);
            return this;
        }

        /**
         * @param size chunks a stream may buffer (not yet requested by the subscriber, or ahead of a gap), {@code > 0}
         * @return this
         */
        public Builder<Q, R> streamBufferSize(int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("streamBufferSize must be > 0 but was " + size);
            }
            this.streamBufferSize = size;
            return this;
        }

        /**
         * @param size completed correlation ids remembered to tell late from duplicate replies, {@code >= 0}
         * @return this
         */
        public Builder<Q, R> completedMemory(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("completedMemory must be >= 0 but was " + size);
            }
            this.completedMemory = size;
            return this;
        }

        /**
         * Generated reply topics of clients that crashed (a closed client deletes its own) are deleted by the
         * clients that come after them. A client with a generated reply topic marks it alive every quarter of
         * {@code age} (an offset commit, under a consumer group named after the topic, whose metadata is the time);
         * at start and then every {@code age} it deletes the generated topics of its prefix whose mark is older than
         * {@code age}, with their groups. Topics without a mark are never touched. Best effort: without the ACLs
         * (describe and delete on the prefix's topics and groups) nothing is deleted and it says so at debug level.
         *
         * @param age {@code >= 1 s}, or zero to neither mark nor delete; default 10 minutes
         * @return this
         */
        public Builder<Q, R> abandonedReplyTopicAge(Duration age) {
            if (age == null || age.isNegative() || !age.isZero() && age.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("abandonedReplyTopicAge must be zero or >= 1 s but was " + age);
            }
            this.abandonedReplyTopicAge = age;
            return this;
        }

        /**
         * @param name client name for thread names, {@code client.id} and the metrics tag {@code client}
         * @return this
         */
        public Builder<Q, R> clientName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("clientName must not be blank but was '" + name + "'");
            }
            this.clientName = name;
            return this;
        }

        /**
         * Records metrics through the library's one binder (for example {@code pool.metrics()}), so they appear in
         * every registry bound to it; same as {@code meterRegistry(metrics.registry())}.
         *
         * @param metrics the binder
         * @return this
         */
        public Builder<Q, R> metrics(KafkaUtilityMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics must not be null");
            return meterRegistry(metrics.registry());
        }

        /**
         * @param registry where to register metrics; default none
         * @return this
         */
        public Builder<Q, R> meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
            return this;
        }

        /**
         * A caller-owned (for example pooled) producer to send requests with; never closed by the client. It should
         * use {@code linger.ms=0} for low latency.
         *
         * @param producer the producer
         * @return this
         */
        public Builder<Q, R> producer(Producer<byte[], byte[]> producer) {
            this.producer = Objects.requireNonNull(producer, "producer must not be null");
            return this;
        }

        /**
         * @param factory creates the client's own producer from the merged settings (test seam)
         * @return this
         */
        public Builder<Q, R> producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.producerFactory = Objects.requireNonNull(factory, "producerFactory must not be null");
            return this;
        }

        /**
         * @param factory creates the reply consumer from the merged settings (test seam)
         * @return this
         */
        public Builder<Q, R> consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = Objects.requireNonNull(factory, "consumerFactory must not be null");
            return this;
        }

        /**
         * @param factory creates the admin client for the generated reply topic (test seam)
         * @return this
         */
        public Builder<Q, R> adminFactory(Function<Map<String, Object>, Admin> factory) {
            this.adminFactory = Objects.requireNonNull(factory, "adminFactory must not be null");
            return this;
        }

        /**
         * A caller-owned scheduler for request timeouts (never shut down by the client); default: one hashed-wheel
         * timer thread owned by the client (10 ms resolution; scheduling and cancelling never wake it).
         *
         * @param scheduler the scheduler
         * @return this
         */
        public Builder<Q, R> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * @return the immutable options
         * @throws IllegalArgumentException if settings contradict each other
         */
        public RequestReplyOptions<Q, R> build() {
            if (!kafkaProperties.contains(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("kafkaProperties must contain bootstrap.servers");
            }
            if (replyTopic != null && replyTopic.equals(requestTopic)) {
                throw new IllegalArgumentException("replyTopic must differ from requestTopic but both were "
                        + requestTopic);
            }
            if (streamIdleTimeout.compareTo(streamTimeout) > 0) {
                throw new IllegalArgumentException("streamIdleTimeout must be <= streamTimeout but was "
                        + streamIdleTimeout + " > " + streamTimeout);
            }
            return new RequestReplyOptions<>(this);
        }
    }

    static String requireTopic(String name, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank but was '" + topic + "'");
        }
        if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
            throw new IllegalArgumentException(name + " must match [a-zA-Z0-9._-]{1,249} but was '" + topic + "'");
        }
        return topic;
    }

    static Duration requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0 but was " + value);
        }
        return value;
    }
}
