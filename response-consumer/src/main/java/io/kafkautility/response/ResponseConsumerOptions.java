package io.kafkautility.response;

import io.kafkautility.avro.SchemaRegistryOptions;
import io.kafkautility.config.EnvironmentSource;
import io.kafkautility.config.ClientProperties;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.avro.WriterSchemaResolver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Immutable settings of a {@link KafkaResponseConsumer}, built by a validating {@link #builder()} or read from
 * environment-style variables ({@link #fromEnvironment(Map)}). {@code toString()} hides Kafka passwords and JAAS
 * configurations.
 *
 * <p>Defaults: topic {@value #DEFAULT_TOPIC}, group {@value #DEFAULT_GROUP_ID}, {@code auto.offset.reset=latest}, poll
 * timeout 500 ms, commit timeout 10 s, retry backoff 100 ms doubling to 10 s, records whose writer schema cannot be
 * fetched because the registry is unreachable are retried for 30 s and then skipped, stop timeout 10 s.
 *
 * <p>Replies are read by field, with each record's own writer schema: any schema carrying the reply's fields decodes
 * (another record name, nullable unions, a string status, other timestamp types; Flink SQL's {@code avro-confluent}
 * format among them). The rules are in the README and on {@code RagResponseMapper}; each new writer schema's mapping
 * is logged once at INFO, a schema that cannot be mapped once at WARN.
 *
 * <p>Kafka's own consumer settings pass through untouched ({@link Builder#kafkaProperty(String, Object)}), except
 * that {@code enable.auto.commit} is always false and the deserializers are always byte arrays (the consumer commits
 * itself, after each hand-off, and decodes Avro itself).
 */
public final class ResponseConsumerOptions {

    public static final String DEFAULT_TOPIC = "respostas";
    public static final String DEFAULT_GROUP_ID = "rag-flink-ui-group";
    public static final String ENV_GROUP_ID = KafkaConnectionOptions.ENV_CONSUMER_GROUP_ID;
    /** Environment variable overriding the reply topic. */
    public static final String ENV_RESPONSE_TOPIC = "KAFKA_RESPONSE_TOPIC";
    /** Default {@link #resumeWindow()}: 60 s. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(60);
    /** Default {@link #resumeBufferBytes()}: 64 MiB. */
    public static final long DEFAULT_RESUME_BUFFER_BYTES = 64L * 1024 * 1024;

    /** How the instances of a chat backend share the reply topic. */
    public enum Mode {
        /**
         * Every instance reads every partition (assigned, no consumer group, positions in memory) and hands on only
         * the replies of sessions it holds, telling them by the record key without decoding the rest; the last
         * {@link #resumeWindow()} of replies is kept so a session that reconnects here gets what it missed. Any
         * number of instances started from the same configuration deliver every answer. The default.
         */
        BROADCAST,
        /**
         * The instances share the partitions as one consumer group and commit what they handed on: for a single
         * instance, or when replies are routed onwards by the listener itself (every instance gets only its share).
         */
        GROUP
    }

    private final String topic;
    private final String groupId;
    private final ClientProperties kafkaProperties;
    private final SchemaRegistryOptions schemaRegistry;
    private final WriterSchemaResolver writerSchemaResolver;
    private final Duration pollTimeout;
    private final Duration commitTimeout;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final Duration registryRetryTimeout;
    private final Duration stopTimeout;
    private final MeterRegistry meterRegistry;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final Mode mode;
    private final Duration resumeWindow;
    private final long resumeBufferBytes;
    private final String sessionDirectoryTopic;
    private final io.kafkautility.tracing.KafkaTracing tracing;

    private ResponseConsumerOptions(Builder b) {
        this.tracing = b.tracing;
        this.sessionDirectoryTopic = b.sessionDirectoryTopic != null ? b.sessionDirectoryTopic
                : b.topic + ".sessions";
        this.mode = b.mode;
        this.resumeWindow = b.resumeWindow;
        this.resumeBufferBytes = b.resumeBufferBytes;
        this.topic = b.topic;
        this.groupId = b.groupId;
        this.kafkaProperties = b.kafkaProperties.build();
        this.schemaRegistry = b.schemaRegistry;
        this.writerSchemaResolver = b.writerSchemaResolver;
        this.pollTimeout = b.pollTimeout;
        this.commitTimeout = b.commitTimeout;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        this.registryRetryTimeout = b.registryRetryTimeout;
        this.stopTimeout = b.stopTimeout;
        this.meterRegistry = b.meterRegistry;
        this.consumerFactory = b.consumerFactory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder pre-filled from the process environment, then {@code ./.env} ({@link EnvironmentSource#standard()}).
     *
     * @see #fromEnvironment(EnvironmentSource)
     */
    public static Builder fromEnvironment() {
        return fromEnvironment(EnvironmentSource.standard());
    }

    /** {@link #fromEnvironment(EnvironmentSource)} from a map of variables (handy in tests). */
    public static Builder fromEnvironment(Map<String, String> env) {
        return fromEnvironment(EnvironmentSource.of(env));
    }

    /**
     * A builder pre-filled from environment variables: the connection ({@link KafkaConnectionOptions}:
     * {@code KAFKA_BOOTSTRAP_SERVERS}, security, SASL, TLS, {@value #ENV_GROUP_ID} overriding the default group,
     * {@code KAFKA_CLIENT_ID}, {@value SchemaRegistryOptions#ENV_URL}), the registry's optional
     * {@value SchemaRegistryOptions#ENV_USERNAME} / {@value SchemaRegistryOptions#ENV_PASSWORD}, and
     * {@value #ENV_RESPONSE_TOPIC}. Values set on the builder afterwards win.
     *
     * @throws io.kafkautility.config.ConfigurationException if the connection settings are missing or invalid
     */
    public static Builder fromEnvironment(EnvironmentSource env) {
        Builder b = builder().connection(KafkaConnectionOptions.fromEnvironment(env).build());
        env.get(ENV_RESPONSE_TOPIC).ifPresent(t -> b.topic(t.trim()));
        if (b.schemaRegistry != null) {
            Optional<String> user = env.get(SchemaRegistryOptions.ENV_USERNAME);
            if (user.isPresent()) {
                b.schemaRegistry(b.schemaRegistry.toBuilder()
                        .basicAuth(user.get(), env.get(SchemaRegistryOptions.ENV_PASSWORD).orElse("")).build());
            }
        }
        return b;
    }

    public String topic() {
        return topic;
    }

    public String groupId() {
        return groupId;
    }

    /**
     * Kafka consumer properties as they will be passed to the consumer (a copy; unmodifiable); {@code group.id} only
     * in {@link Mode#GROUP}.
     */
    public Map<String, Object> consumerProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.putAll(kafkaProperties.asMap());
        if (mode == Mode.GROUP) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return Map.copyOf(p);
    }

    /** Registry settings, or null when a {@link #writerSchemaResolver()} was given instead. */
    public SchemaRegistryOptions schemaRegistry() {
        return schemaRegistry;
    }

    /** The pluggable writer-schema resolver, or null when {@link #schemaRegistry()} is used. */
    public WriterSchemaResolver writerSchemaResolver() {
        return writerSchemaResolver;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration commitTimeout() {
        return commitTimeout;
    }

    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    /** How long a record waits for an unreachable registry (retrying with backoff) before it is skipped and counted. */
    public Duration registryRetryTimeout() {
        return registryRetryTimeout;
    }

    public Duration stopTimeout() {
        return stopTimeout;
    }

    /** The registry meters are bound to, or null (then a private in-memory registry is used). */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** The tracing of replies handed to the listener; no-op by default. */
    public io.kafkautility.tracing.KafkaTracing tracing() {
        return tracing;
    }

    /** How instances share the topic; {@link Mode#BROADCAST} by default. */
    public Mode mode() {
        return mode;
    }

    /**
     * Broadcast mode: how long replies are kept for sessions that reconnect (and how far back a starting instance
     * reads); zero keeps none. Default 60 s.
     */
    public Duration resumeWindow() {
        return resumeWindow;
    }

    /** Broadcast mode: the most bytes of replies kept for {@link #resumeWindow()}; the oldest go first. 64 MiB. */
    public long resumeBufferBytes() {
        return resumeBufferBytes;
    }

    /**
     * Broadcast mode: the compacted topic through which the instances tell each other which sessions each holds, so
     * that a reply no instance could deliver within the resume window is counted and logged once
     * ({@code kafka.utility.response.dropped{reason=no_session}}, one INFO line with its question id); default
     * {@code <topic>.sessions}. When it does not exist the instances deliver as usual but report no such replies.
     */
    public String sessionDirectoryTopic() {
        return sessionDirectoryTopic;
    }

    /** Creates the Kafka consumer (a seam for tests); default {@code new KafkaConsumer<>(props)}. */
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
        return consumerFactory;
    }

    @Override
    public String toString() {
        return "ResponseConsumerOptions{topic=" + topic + ", mode=" + mode
                + (mode == Mode.GROUP ? ", groupId=" + groupId : ", resumeWindow=" + resumeWindow
                + ", resumeBufferBytes=" + resumeBufferBytes) + ", kafka="
                + io.kafkautility.config.Secrets.redact(consumerProperties())
                + ", schemaRegistry=" + schemaRegistry + ", pollTimeout=" + pollTimeout + ", commitTimeout="
                + commitTimeout + ", retryBackoff=" + retryBackoff + ".." + maxRetryBackoff
                + ", registryRetryTimeout=" + registryRetryTimeout + ", stopTimeout=" + stopTimeout + "}";
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private String topic = DEFAULT_TOPIC;
        private String groupId = DEFAULT_GROUP_ID;
        private final ClientProperties.Builder kafkaProperties = ClientProperties.builder("ResponseConsumerOptions")
                .owns(ConsumerConfig.GROUP_ID_CONFIG, "use groupId(String)")
                .owns(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                        "the consumer commits only replies it handed over")
                .owns(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        "the consumer decodes replies itself")
                .owns(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                        "the consumer decodes replies itself");
        private SchemaRegistryOptions schemaRegistry;
        private WriterSchemaResolver writerSchemaResolver;
        private Duration pollTimeout = Duration.ofMillis(500);
        private Duration commitTimeout = Duration.ofSeconds(10);
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration maxRetryBackoff = Duration.ofSeconds(10);
        private Duration registryRetryTimeout = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private MeterRegistry meterRegistry;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory = KafkaConsumer::new;
        private Mode mode = Mode.BROADCAST;
        private Duration resumeWindow = DEFAULT_RESUME_WINDOW;
        private long resumeBufferBytes = DEFAULT_RESUME_BUFFER_BYTES;
        private String sessionDirectoryTopic;
        private io.kafkautility.tracing.KafkaTracing tracing = io.kafkautility.tracing.KafkaTracing.noop();

        private Builder() {
        }

        /**
         * Takes the connection's client properties (bootstrap servers, security, client id, raw properties), its
         * consumer group id (if set) and its schema registry URL (if set and no registry was given yet).
         */
        public Builder connection(KafkaConnectionOptions connection) {
            kafkaProperties.connection(connection);
            connection.consumerGroupId().ifPresent(this::groupId);
            if (schemaRegistry == null && writerSchemaResolver == null) {
                connection.schemaRegistryUrl().ifPresent(url ->
                        schemaRegistry(SchemaRegistryOptions.builder(url.toString()).build()));
            }
            return this;
        }

        public Builder bootstrapServers(String servers) {
            return kafkaProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, notBlank("bootstrapServers", servers));
        }

        public Builder topic(String topic) {
            this.topic = notBlank("topic", topic);
            return this;
        }

        public Builder groupId(String groupId) {
            this.groupId = notBlank("groupId", groupId);
            return this;
        }

        /** A Kafka consumer setting, keyed by Kafka's own name (e.g. {@code ConsumerConfig.MAX_POLL_RECORDS_CONFIG}). */
        public Builder kafkaProperty(String key, Object value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /** Kafka consumer settings (copied). */
        public Builder kafkaProperties(Map<String, ?> properties) {
            kafkaProperties.putAll(properties);
            return this;
        }

        public Builder schemaRegistry(SchemaRegistryOptions options) {
            this.schemaRegistry = Objects.requireNonNull(options, "schemaRegistry");
            return this;
        }

        /** Plugs in another way to find writer schemas by id (instead of {@link #schemaRegistry(SchemaRegistryOptions)}). */
        public Builder writerSchemaResolver(WriterSchemaResolver resolver) {
            this.writerSchemaResolver = Objects.requireNonNull(resolver, "writerSchemaResolver");
            return this;
        }

        public Builder pollTimeout(Duration d) {
            this.pollTimeout = positive("pollTimeout", d);
            return this;
        }

        public Builder commitTimeout(Duration d) {
            this.commitTimeout = positive("commitTimeout", d);
            return this;
        }

        /** First and maximum wait between retries after Kafka or registry errors (doubling in between). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryBackoff = positive("retryBackoff", initial);
            this.maxRetryBackoff = positive("maxRetryBackoff", max);
            return this;
        }

        public Builder registryRetryTimeout(Duration d) {
            Objects.requireNonNull(d, "registryRetryTimeout");
            if (d.isNegative()) {
                throw new IllegalArgumentException("registryRetryTimeout must be >= 0 but was " + d);
            }
            this.registryRetryTimeout = d;
            return this;
        }

        public Builder stopTimeout(Duration d) {
            this.stopTimeout = positive("stopTimeout", d);
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /** How instances share the topic; see {@link Mode}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Spans through OpenTelemetry ({@code KafkaTracing.of(openTelemetry)}): one per reply handed to the listener
         * (to a WebSocket session), child of the context the reply carries, so the trace goes from the question to
         * the frame. No-op by default.
         */
        public Builder tracing(io.kafkautility.tracing.KafkaTracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /** The session directory's topic (broadcast mode); {@code <topic>.sessions} by default. */
        public Builder sessionDirectoryTopic(String topic) {
            this.sessionDirectoryTopic = notBlank("sessionDirectoryTopic", topic);
            return this;
        }

        /** How long replies are kept for reconnecting sessions (broadcast mode); zero keeps none. */
        public Builder resumeWindow(Duration window) {
            Objects.requireNonNull(window, "resumeWindow");
            if (window.isNegative()) {
                throw new IllegalArgumentException("resumeWindow must be >= 0 but was " + window);
            }
            this.resumeWindow = window;
            return this;
        }

        /** The most bytes of replies kept for reconnecting sessions (broadcast mode), {@code >= 0}. */
        public Builder resumeBufferBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("resumeBufferBytes must be >= 0 but was " + bytes);
            }
            this.resumeBufferBytes = bytes;
            return this;
        }

        public Builder consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = Objects.requireNonNull(factory, "consumerFactory");
            return this;
        }

        /**
         * @throws IllegalArgumentException if bootstrap servers are missing, neither or both of schema registry and
         *         resolver are set, or the maximum backoff is below the initial one
         */
        public ResponseConsumerOptions build() {
            Object servers = kafkaProperties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            if (servers == null || servers.toString().isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must be set (or "
                        + KafkaConnectionOptions.ENV_BOOTSTRAP_SERVERS + ")");
            }
            if ((schemaRegistry == null) == (writerSchemaResolver == null)) {
                throw new IllegalArgumentException("exactly one of schemaRegistry (or "
                        + SchemaRegistryOptions.ENV_URL + ") and writerSchemaResolver must be set");
            }
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("maxRetryBackoff must be >= retryBackoff (" + retryBackoff
                        + ") but was " + maxRetryBackoff);
            }
            return new ResponseConsumerOptions(this);
        }

        private static String notBlank(String name, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be > 0 but was " + d);
            }
            return d;
        }
    }
}
