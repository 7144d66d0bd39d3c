package io.kafkautility.requestreply;

import io.kafkautility.config.ClientProperties;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.metrics.KafkaUtilityMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Immutable settings of a {@link Responder}, built by {@link #builder(Collection, String, PayloadCodec, PayloadCodec)}.
 *
 * <p>The responder consumes its request topics as a member of consumer group {@code groupId} (so several responder
 * instances share the load), with auto-commit off: an offset is committed only after the reply (every chunk of a
 * streamed reply) was acknowledged by the broker. Kafka settings pass through unchanged; the library sets
 * {@code linger.ms=0}, {@code max.in.flight.requests.per.connection=1} (replies made while one produce request is in
 * flight share the next one) and {@code max.block.ms=10000} on its reply producer and {@code fetch.max.wait.ms=10},
 * {@code auto.offset.reset=earliest} on the consumer unless you set them.
 *
 * <p>Where replies may go: a request names its reply topic (and partition) in headers, which any peer can set, so the
 * responder writes only to reply topics it is allowed to ({@link Builder#replyTopics}, {@link Builder#replyTopicPrefixes};
 * by default the per-instance topics this library's requesters generate, {@value #DEFAULT_REPLY_TOPIC_PREFIX}...)
 * and that exist (looked up once per topic through an admin client, cached; a reply never auto-creates a topic and
 * never blocks the poll thread on a missing one). A request it cannot answer (headers missing or malformed, reply topic
 * not allowed, reply topic or partition missing) is sent to the dead-letter topic ({@code <request topic>.DLT} by
 * default) with the reason in {@code ku_dlt_reason}, counted, logged without its payload, and its offset advances.
 *
 * <p>Error replies carry a code ({@code HANDLER_FAILED}, {@code INVALID_REQUEST}, or the one of a
 * {@link RequestRejectedException} the handler threw, with its public message) and an error id; the exception's text
 * stays in the responder's log under that id.
 *
 * <p>Thread-safe (immutable). A producer passed with {@link Builder#producer(Producer)} is owned by the caller.
 *
 * @param <Q> request payload type
 * @param <R> reply payload type
 */
public final class ResponderOptions<Q, R> {

    /** Default bound of requests being handled (or replies being sent) at once: 1,000. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    /** Default time {@code close()} waits for in-flight replies before committing what is done: 10 s. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default longest length of the error message sent in an error reply: 1,000 characters. */
    public static final int DEFAULT_MAX_ERROR_MESSAGE_LENGTH = 1000;
    /** Default allowed prefix of reply topics: the per-instance topics requesters generate. */
    public static final String DEFAULT_REPLY_TOPIC_PREFIX = RequestReplyOptions.DEFAULT_REPLY_TOPIC_PREFIX + "-";
    /** Default responder name (thread names, {@code client.id} prefix, metrics tag {@code client}). */
    public static final String DEFAULT_NAME = "responder";

    private final Set<String> requestTopics;
    private final String groupId;
    private final PayloadCodec<Q> requestCodec;
    private final PayloadCodec<R> replyCodec;
    private final ClientProperties kafkaProperties;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    private final int maxInFlight;
    private final Duration closeTimeout;
    private final int maxErrorMessageLength;
    private final String name;
    private final MeterRegistry meterRegistry;
    private final Producer<byte[], byte[]> producer;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final Function<Map<String, Object>, Admin> adminFactory;
    private final Set<String> replyTopics;
    private final List<String> replyTopicPrefixes;
    private final UnaryOperator<String> deadLetterTopic;

    private ResponderOptions(Builder<Q, R> b) {
        this.requestTopics = Collections.unmodifiableSet(new LinkedHashSet<>(b.requestTopics));
        this.groupId = b.groupId;
        this.requestCodec = b.requestCodec;
        this.replyCodec = b.replyCodec;
        this.kafkaProperties = b.kafkaProperties.build();
        this.tracing = b.tracing;
        this.maxInFlight = b.maxInFlight;
        this.closeTimeout = b.closeTimeout;
        this.maxErrorMessageLength = b.maxErrorMessageLength;
        this.name = b.name;
        this.meterRegistry = b.meterRegistry;
        this.producer = b.producer;
        this.producerFactory = b.producerFactory;
        this.consumerFactory = b.consumerFactory;
        this.adminFactory = b.adminFactory;
        this.replyTopics = Set.copyOf(b.replyTopics);
        this.replyTopicPrefixes = List.copyOf(b.replyTopicPrefixes);
        this.deadLetterTopic = b.deadLetterTopic;
    }

    /**
     * @param requestTopics topics to consume requests from (at least one)
     * @param groupId       consumer group shared by all instances of this responder
     * @param requestCodec  decodes requests
     * @param replyCodec    encodes replies
     * @param <Q>           request payload type
     * @param <R>           reply payload type
     * @return a builder with the defaults above
     */
    public static <Q, R> Builder<Q, R> builder(Collection<String> requestTopics, String groupId,
                                               PayloadCodec<Q> requestCodec, PayloadCodec<R> replyCodec) {
        return new Builder<>(requestTopics, groupId, requestCodec, replyCodec);
    }

    /** Shortcut for one request topic. @see #builder(Collection, String, PayloadCodec, PayloadCodec) */
    public static <Q, R> Builder<Q, R> builder(String requestTopic, String groupId,
                                               PayloadCodec<Q> requestCodec, PayloadCodec<R> replyCodec) {
        return new Builder<>(List.of(requestTopic), groupId, requestCodec, replyCodec);
    }

    /** @return topics requests are consumed from (unmodifiable) */
    public Set<String> requestTopics() {
        return requestTopics;
    }

    /** @return the consumer group */
    public String groupId() {
        return groupId;
    }

    /** @return decodes requests */
    public PayloadCodec<Q> requestCodec() {
        return requestCodec;
    }

    /** @return encodes replies */
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

    /** @return the most requests in flight at once; the consumer pauses above it */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return how long {@code close()} waits for in-flight replies */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** @return longest error message sent in an error reply */
    public int maxErrorMessageLength() {
        return maxErrorMessageLength;
    }

    /** @return the responder name */
    public String name() {
        return name;
    }

    /** @return where metrics go, empty for none */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** @return the caller-owned reply producer, empty if the responder creates (and closes) its own */
    public Optional<Producer<byte[], byte[]>> producer() {
        return Optional.ofNullable(producer);
    }

    /** @return creates the reply producer when none is given */
    public Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory() {
        return producerFactory;
    }

    /** @return creates the request consumer */
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
        return consumerFactory;
    }

    /** @return creates the admin client that looks up reply topics (described, never created) */
    public Function<Map<String, Object>, Admin> adminFactory() {
        return adminFactory;
    }

    /** @return reply topics allowed by exact name (besides {@link #replyTopicPrefixes()}) */
    public Set<String> replyTopics() {
        return replyTopics;
    }

    /** @return prefixes of allowed reply topics; default {@value #DEFAULT_REPLY_TOPIC_PREFIX} */
    public List<String> replyTopicPrefixes() {
        return replyTopicPrefixes;
    }

    /** @return whether a reply may be written to {@code topic} */
    public boolean isReplyTopicAllowed(String topic) {
        if (replyTopics.contains(topic)) {
            return true;
        }
        for (String prefix : replyTopicPrefixes) {
            if (topic.startsWith(prefix) && topic.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** @return the dead-letter topic of requests read from {@code requestTopic} */
    public String deadLetterTopic(String requestTopic) {
        return deadLetterTopic.apply(requestTopic);
    }

    @Override
    public String toString() {
        return "ResponderOptions{requestTopics=" + requestTopics + ", groupId=" + groupId + ", maxInFlight="
                + maxInFlight + ", name=" + name + ", replyTopics=" + replyTopics + ", replyTopicPrefixes="
                + replyTopicPrefixes + ", kafkaProperties="
                + kafkaProperties + '}';
    }

    /**
     * Validating builder; not thread-safe.
     *
     * @param <Q> request payload type
     * @param <R> reply payload type
     */
    public static final class Builder<Q, R> {
        private final Set<String> requestTopics = new LinkedHashSet<>();
        private final String groupId;
        private final PayloadCodec<Q> requestCodec;
        private final PayloadCodec<R> replyCodec;
        private io.kafkautility.tracing.KafkaTracing tracing = io.kafkautility.tracing.KafkaTracing.noop();
        private final ClientProperties.Builder kafkaProperties;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private int maxErrorMessageLength = DEFAULT_MAX_ERROR_MESSAGE_LENGTH;
        private String name = DEFAULT_NAME;
        private MeterRegistry meterRegistry;
        private Producer<byte[], byte[]> producer;
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory =
                org.apache.kafka.clients.producer.KafkaProducer::new;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory =
                org.apache.kafka.clients.consumer.KafkaConsumer::new;
        private Function<Map<String, Object>, Admin> adminFactory = Admin::create;
        private final Set<String> replyTopics = new LinkedHashSet<>();
        private final List<String> replyTopicPrefixes = new java.util.ArrayList<>(List.of(DEFAULT_REPLY_TOPIC_PREFIX));
        private UnaryOperator<String> deadLetterTopic = topic -> topic + ".DLT";

        private Builder(Collection<String> topics, String groupId, PayloadCodec<Q> requestCodec,
                        PayloadCodec<R> replyCodec) {
            Objects.requireNonNull(topics, "requestTopics must not be null");
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("requestTopics must not be empty");
            }
            for (String t : topics) {
                requestTopics.add(RequestReplyOptions.requireTopic("requestTopic", t));
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("groupId must not be blank but was '" + groupId + "'");
            }
            this.groupId = groupId;
            this.kafkaProperties = RequestReplyOptions.ownedKeys("ResponderOptions")
                    .owns(ConsumerConfig.GROUP_ID_CONFIG, groupId, "the group is given to ResponderOptions.builder");
            this.requestCodec = Objects.requireNonNull(requestCodec, "requestCodec must not be null");
            this.replyCodec = Objects.requireNonNull(replyCodec, "replyCodec must not be null");
        }

        /**
         * @param properties Kafka settings (at least {@code bootstrap.servers}), copied, passed through unchanged
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
         * Spans through OpenTelemetry ({@code KafkaTracing.of(openTelemetry)}): a span per request handled (current while the handler runs), the parent of its replies. No-op by default.
         */
        public Builder<Q, R> tracing(io.kafkautility.tracing.KafkaTracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /**
         * @param key   Kafka's config constant
         * @param value its value
         * @return this
         */
        public Builder<Q, R> kafkaProperty(String key, Object value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /**
         * @param max most requests handled (or replies sending) at once, {@code > 0}, default 1,000
         * @return this
         */
        public Builder<Q, R> maxInFlight(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("maxInFlight must be > 0 but was " + max);
            }
            this.maxInFlight = max;
            return this;
        }

        /**
         * @param timeout how long {@code close()} waits for in-flight replies, {@code >= 0}, default 10 s
         * @return this
         */
        public Builder<Q, R> closeTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must be >= 0 but was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * @param length longest error message put in an error reply, {@code >= 0}, default 1,000
         * @return this
         */
        public Builder<Q, R> maxErrorMessageLength(int length) {
            if (length < 0) {
                throw new IllegalArgumentException("maxErrorMessageLength must be >= 0 but was " + length);
            }
            this.maxErrorMessageLength = length;
            return this;
        }

        /**
         * @param name responder name for thread names, {@code client.id} and the metrics tag {@code client}
         * @return this
         */
        public Builder<Q, R> name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
            }
            this.name = name;
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
         * @param producer caller-owned (for example pooled) reply producer; never closed by the responder
         * @return this
         */
        public Builder<Q, R> producer(Producer<byte[], byte[]> producer) {
            this.producer = Objects.requireNonNull(producer, "producer must not be null");
            return this;
        }

        /**
         * @param factory creates the responder's own reply producer (test seam)
         * @return this
         */
        public Builder<Q, R> producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.producerFactory = Objects.requireNonNull(factory, "producerFactory must not be null");
            return this;
        }

        /**
         * @param factory creates the request consumer (test seam)
         * @return this
         */
        public Builder<Q, R> consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = Objects.requireNonNull(factory, "consumerFactory must not be null");
            return this;
        }

        /**
         * @return the immutable options
         * @throws IllegalArgumentException if settings contradict each other
         */
        /**
         * Reply topics allowed by exact name, e.g. the fixed {@code replyTopic(...)} of requesters; replaces earlier
         * ones. Replies to any other topic (not matching {@link #replyTopicPrefixes}) are dead-lettered.
         *
         * @param topics topic names
         * @return this
         */
        public Builder<Q, R> replyTopics(Collection<String> topics) {
            Objects.requireNonNull(topics, "replyTopics must not be null");
            replyTopics.clear();
            for (String t : topics) {
                replyTopics.add(RequestReplyOptions.requireTopic("replyTopic", t));
            }
            return this;
        }

        /**
         * Prefixes of allowed reply topics; replaces the default {@value #DEFAULT_REPLY_TOPIC_PREFIX} (the per-instance
         * topics of requesters with the default {@code replyTopicPrefix}). An empty list allows only
         * {@link #replyTopics}.
         *
         * @param prefixes non-blank prefixes
         * @return this
         */
        public Builder<Q, R> replyTopicPrefixes(Collection<String> prefixes) {
            Objects.requireNonNull(prefixes, "replyTopicPrefixes must not be null");
            List<String> copy = new java.util.ArrayList<>();
            for (String p : prefixes) {
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException("replyTopicPrefixes must not contain a blank prefix but was "
                            + prefixes);
                }
                copy.add(p);
            }
            replyTopicPrefixes.clear();
            replyTopicPrefixes.addAll(copy);
            return this;
        }

        /**
         * How the dead-letter topic of a request topic is named; {@code <topic>.DLT} by default.
         *
         * @param naming request topic to dead-letter topic
         * @return this
         */
        public Builder<Q, R> deadLetterTopic(UnaryOperator<String> naming) {
            this.deadLetterTopic = Objects.requireNonNull(naming, "deadLetterTopic must not be null");
            return this;
        }

        /**
         * @param factory creates the admin client that looks up reply topics (a seam for tests)
         * @return this
         */
        public Builder<Q, R> adminFactory(Function<Map<String, Object>, Admin> factory) {
            this.adminFactory = Objects.requireNonNull(factory, "adminFactory must not be null");
            return this;
        }

        public ResponderOptions<Q, R> build() {
            if (!kafkaProperties.contains(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("kafkaProperties must contain bootstrap.servers");
            }
            return new ResponderOptions<>(this);
        }
    }
}
