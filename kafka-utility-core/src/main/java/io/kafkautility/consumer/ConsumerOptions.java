package io.kafkautility.consumer;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.MessageType;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Immutable settings of a {@link MessageConsumer}, from a validating {@link Builder}: each setter rejects a bad value
 * at the call, {@link Builder#build()} cross-checks.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_ATTEMPTS} handler attempts, backoff from {@link #DEFAULT_INITIAL_BACKOFF} doubling
 * up to {@link #DEFAULT_MAX_BACKOFF}; dead-letter topic {@code <topic>}{@value #DEFAULT_DEAD_LETTER_SUFFIX}; at most
 * {@value #DEFAULT_MAX_IN_FLIGHT} records queued before the partitions are paused; shutdown within
 * {@link #DEFAULT_SHUTDOWN_TIMEOUT}; no deduplication; {@link MessageValidator#create()} built once per consumer; no
 * metrics. Kafka's own settings pass through unchanged ({@link Builder#kafkaProperty}); {@code enable.auto.commit}
 * is always false and the (de)serializers are always byte arrays. Thread-safe. {@link #toString()} never shows
 * secrets.
 */
public final class ConsumerOptions {

    /** Default handler attempts (the first call plus retries). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default first retry delay. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** Default upper bound of the retry delay. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** Default dead-letter suffix. */
    public static final String DEFAULT_DEAD_LETTER_SUFFIX = ".DLT";
    /** Default queued-record bound before pausing. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 500;
    /** Default graceful shutdown bound. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Default name (thread names, client ids, metric tag {@code client}). */
    public static final String DEFAULT_NAME = "consumer";

    private final Map<String, Object> kafkaProperties;
    private final Map<String, Object> deadLetterProducerProperties;
    private final List<String> topics;
    private final String groupId;
    private final String name;
    private final Map<String, MessageHandler> handlers;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final String deadLetterSuffix;
    private final Map<String, String> deadLetterTopics;
    private final int maxInFlight;
    private final Duration shutdownTimeout;
    private final int dedupWindow;
    private final MessageValidator validator;
    private final MeterRegistry meterRegistry;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> deadLetterProducerFactory;

    private ConsumerOptions(Builder b) {
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.deadLetterProducerProperties = Map.copyOf(b.deadLetterProducerProperties);
        this.topics = List.copyOf(b.topics);
        this.groupId = b.groupId;
        this.name = b.name;
        this.handlers = Map.copyOf(b.handlers);
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.deadLetterSuffix = b.deadLetterSuffix;
        this.deadLetterTopics = Map.copyOf(b.deadLetterTopics);
        this.maxInFlight = b.maxInFlight;
        this.shutdownTimeout = b.shutdownTimeout;
        this.dedupWindow = b.dedupWindow;
        this.validator = b.validator;
        this.meterRegistry = b.meterRegistry;
        this.consumerFactory = b.consumerFactory;
        this.deadLetterProducerFactory = b.deadLetterProducerFactory;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the Kafka client properties (connection + passthrough), unmodifiable; secrets are Kafka Passwords */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties;
    }

    /** @return extra Kafka producer properties for the dead-letter producer only, unmodifiable */
    public Map<String, Object> deadLetterProducerProperties() {
        return deadLetterProducerProperties;
    }

    /** @return the subscribed topics */
    public List<String> topics() {
        return topics;
    }

    /** @return the consumer group id */
    public String groupId() {
        return groupId;
    }

    /** @return the consumer's name */
    public String name() {
        return name;
    }

    /** @return handlers by message type name (e.g. {@code rag.document.processed}) */
    public Map<String, MessageHandler> handlers() {
        return handlers;
    }

    /** @return handler attempts before dead-lettering (at least 1) */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return first retry delay */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** @return upper bound of any retry delay (handler and dead-letter publish) */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * @param topic a consumed topic
     * @return its dead-letter topic: an explicit mapping, else {@code topic + suffix}
     */
    public String deadLetterTopic(String topic) {
        String explicit = deadLetterTopics.get(topic);
        return explicit != null ? explicit : topic + deadLetterSuffix;
    }

    /** @return records queued beyond which partitions are paused */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** @return the graceful shutdown bound */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return message ids remembered for deduplication; 0 = off */
    public int dedupWindow() {
        return dedupWindow;
    }

    /** @return the caller's validator, empty to build a default one per consumer */
    public Optional<MessageValidator> validator() {
        return Optional.ofNullable(validator);
    }

    /** @return the registry metrics are registered in, if any */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** @return the seam creating the Kafka consumer (tests may swap it) */
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
        return consumerFactory;
    }

    /** @return the seam creating the dead-letter producer (acks=all, idempotent) */
    public Function<Map<String, Object>, Producer<byte[], byte[]>> deadLetterProducerFactory() {
        return deadLetterProducerFactory;
    }

    @Override
    public String toString() {
        return "ConsumerOptions{name=" + name + ", topics=" + topics + ", groupId=" + groupId + ", types="
                + handlers.keySet() + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".."
                + maxBackoff + ", maxInFlight=" + maxInFlight + ", shutdownTimeout=" + shutdownTimeout
                + ", dedupWindow=" + dedupWindow + ", kafkaProperties=" + kafkaProperties.keySet() + '}';
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
        private final Map<String, Object> deadLetterProducerProperties = new LinkedHashMap<>();
        private final List<String> topics = new ArrayList<>();
        private String groupId;
        private String name = DEFAULT_NAME;
        private final Map<String, MessageHandler> handlers = new LinkedHashMap<>();
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private String deadLetterSuffix = DEFAULT_DEAD_LETTER_SUFFIX;
        private final Map<String, String> deadLetterTopics = new LinkedHashMap<>();
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private int dedupWindow;
        private MessageValidator validator;
        private MeterRegistry meterRegistry;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory = KafkaConsumer::new;
        private Function<Map<String, Object>, Producer<byte[], byte[]>> deadLetterProducerFactory = KafkaProducer::new;

        private Builder() {
        }

        /**
         * Uses a connection's client properties (and its consumer group id unless {@link #groupId} is set).
         *
         * @param connection the connection options
         * @return this
         */
        public Builder connection(KafkaConnectionOptions connection) {
            Objects.requireNonNull(connection, "connection must not be null");
            kafkaProperties.putAll(connection.clientProperties());
            if (groupId == null) {
                groupId = connection.consumerGroupId().orElse(null);
            }
            return this;
        }

        /**
         * @param properties Kafka client properties passed through unchanged (keys are Kafka's constants)
         * @return this
         */
        public Builder kafkaProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "kafkaProperties must not be null");
            properties.forEach(this::kafkaProperty);
            return this;
        }

        /**
         * @param key   a Kafka client property key, e.g. {@code ConsumerConfig.MAX_POLL_RECORDS_CONFIG}
         * @param value its value
         * @return this
         */
        public Builder kafkaProperty(String key, Object value) {
            Objects.requireNonNull(key, "kafka property key must not be null");
            Objects.requireNonNull(value, "kafka property " + key + " must not be null");
            kafkaProperties.put(key, value);
            return this;
        }

        /**
         * @param key   a Kafka producer property for the dead-letter producer only (e.g. {@code max.block.ms})
         * @param value its value
         * @return this
         */
        public Builder deadLetterProducerProperty(String key, Object value) {
            Objects.requireNonNull(key, "dead-letter producer property key must not be null");
            Objects.requireNonNull(value, "dead-letter producer property " + key + " must not be null");
            deadLetterProducerProperties.put(key, value);
            return this;
        }

        /**
         * @param topics topics to subscribe to (at least one overall)
         * @return this
         */
        public Builder topics(String... topics) {
            for (String t : Objects.requireNonNull(topics, "topics must not be null")) {
                if (t == null || t.isBlank()) {
                    throw new IllegalArgumentException("topic must not be blank but was '" + t + "'");
                }
                if (!this.topics.contains(t)) {
                    this.topics.add(t);
                }
            }
            return this;
        }

        /**
         * @param groupId the consumer group id
         * @return this
         */
        public Builder groupId(String groupId) {
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("groupId must not be blank but was '" + groupId + "'");
            }
            this.groupId = groupId;
            return this;
        }

        /**
         * @param name a short name for threads, client ids and the {@code client} metric tag
         * @return this
         */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * @param type    the message type (every version of its name)
         * @param handler its handler
         * @return this
         */
        public Builder handler(MessageType type, MessageHandler handler) {
            return handler(Objects.requireNonNull(type, "type must not be null").name(), handler);
        }

        /**
         * @param typeName the message type name, e.g. {@code rag.document.processed}
         * @param handler  its handler
         * @return this
         */
        public Builder handler(String typeName, MessageHandler handler) {
            if (typeName == null || typeName.isBlank()) {
                throw new IllegalArgumentException("typeName must not be blank but was '" + typeName + "'");
            }
            Objects.requireNonNull(handler, "handler must not be null");
            if (handlers.putIfAbsent(typeName, handler) != null) {
                throw new IllegalArgumentException("a handler for type " + typeName + " is already registered");
            }
            return this;
        }

        /**
         * @param maxAttempts handler attempts before dead-lettering; must be >= 1
         * @return this
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initial first retry delay; must be >= 0
         * @param max     upper bound; must be >= initial and > 0
         * @return this
         */
        public Builder backoff(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initialBackoff must not be null");
            Objects.requireNonNull(max, "maxBackoff must not be null");
            if (initial.isNegative()) {
                throw new IllegalArgumentException("initialBackoff must be >= 0 but was " + initial);
            }
            if (max.isNegative() || max.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("maxBackoff must be > 0 and >= initialBackoff (" + initial
                        + ") but was " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param suffix appended to a topic to name its dead-letter topic; default {@value #DEFAULT_DEAD_LETTER_SUFFIX}
         * @return this
         */
        public Builder deadLetterSuffix(String suffix) {
            if (suffix == null || suffix.isEmpty()) {
                throw new IllegalArgumentException("deadLetterSuffix must not be empty but was '" + suffix + "'");
            }
            this.deadLetterSuffix = suffix;
            return this;
        }

        /**
         * @param topic           a consumed topic
         * @param deadLetterTopic its dead-letter topic
         * @return this
         */
        public Builder deadLetterTopic(String topic, String deadLetterTopic) {
            if (topic == null || topic.isBlank() || deadLetterTopic == null || deadLetterTopic.isBlank()) {
                throw new IllegalArgumentException("topic and deadLetterTopic must not be blank but were '" + topic
                        + "' -> '" + deadLetterTopic + "'");
            }
            deadLetterTopics.put(topic, deadLetterTopic);
            return this;
        }

        /**
         * @param maxInFlight queued records beyond which partitions are paused; must be >= 1
         * @return this
         */
        public Builder maxInFlight(int maxInFlight) {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + maxInFlight);
            }
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * @param timeout graceful shutdown bound; must be > 0
         * @return this
         */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("shutdownTimeout must be > 0 but was " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @param window message ids remembered (LRU) to skip redelivered duplicates; 0 = off; must be >= 0
         * @return this
         */
        public Builder dedupWindow(int window) {
            if (window < 0) {
                throw new IllegalArgumentException("dedupWindow must be >= 0 but was " + window);
            }
            this.dedupWindow = window;
            return this;
        }

        /**
         * @param validator a shared validator (the caller owns it)
         * @return this
         */
        public Builder validator(MessageValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator must not be null");
            return this;
        }

        /**
         * @param registry where to register the consumer's metrics
         * @return this
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry must not be null");
            return this;
        }

        /**
         * @param factory creates the Kafka consumer from the final properties (test seam)
         * @return this
         */
        public Builder consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = Objects.requireNonNull(factory, "consumerFactory must not be null");
            return this;
        }

        /**
         * @param factory creates the dead-letter producer from the final properties (test seam / shared pool)
         * @return this
         */
        public Builder deadLetterProducerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.deadLetterProducerFactory = Objects.requireNonNull(factory,
                    "deadLetterProducerFactory must not be null");
            return this;
        }

        /**
         * @return the options
         * @throws IllegalStateException listing every missing setting
         */
        public ConsumerOptions build() {
            List<String> problems = new ArrayList<>();
            if (topics.isEmpty()) {
                problems.add("at least one topic is required");
            }
            if (groupId == null) {
                problems.add("groupId is required (or KAFKA_CONSUMER_GROUP_ID via connection())");
            }
            if (handlers.isEmpty()) {
                problems.add("at least one handler is required");
            }
            if (!kafkaProperties.containsKey("bootstrap.servers")) {
                problems.add("bootstrap.servers is required (connection() or kafkaProperty())");
            }
            for (String t : topics) {
                if (deadLetterTopic(t).equals(t)) {
                    problems.add("dead-letter topic of " + t + " must differ from it");
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("invalid ConsumerOptions: " + String.join("; ", problems));
            }
            return new ConsumerOptions(this);
        }

        private String deadLetterTopic(String topic) {
            String explicit = deadLetterTopics.get(topic);
            return explicit != null ? explicit : topic + deadLetterSuffix;
        }
    }
}
