package io.kafkautility.consumer;

import io.kafkautility.config.ClientProperties;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.MessageType;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.validation.MessageValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Immutable settings of a {@link MessageConsumer}, built by a validating {@link Builder}.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_ATTEMPTS} processing attempts with backoff from {@link #DEFAULT_INITIAL_BACKOFF}
 * doubling up to {@link #DEFAULT_MAX_BACKOFF}; dead-letter topic {@code <topic>.DLT}; no deduplication; close within
 * {@link #DEFAULT_CLOSE_TIMEOUT}; {@code auto.offset.reset=earliest}. Kafka consumer settings pass through under
 * Kafka's own keys ({@link Builder#kafkaProperty}); {@code enable.auto.commit} is always {@code false}.
 */
public final class ConsumerOptions {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
    /** Default lag above which the consumer reports itself DEGRADED: 10,000 records. */
    public static final long DEFAULT_HEALTH_MAX_LAG = 10_000;
    public static final Duration DEFAULT_RECONNECT_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_RECONNECT_BACKOFF = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DEAD_LETTER_MAX_BLOCK = Duration.ofSeconds(5);
    /** Default number of group members (Kafka consumers, each with its own poll and worker thread): 1. */
    public static final int DEFAULT_CONCURRENCY = 1;
    /** Most group members one {@link MessageConsumer} may run. */
    public static final int MAX_CONCURRENCY = 64;
    /** Most workers per member with {@link Builder#keyOrderedConcurrency(int)}. */
    public static final int MAX_KEY_ORDERED_WORKERS = 256;
    /**
     * Failures no retry can fix, dead-lettered at once (reason {@code NON_RETRYABLE}) unless {@link Builder#retryOn}
     * says otherwise: the payload does not convert to the handler's class, the message fails validation, the handler
     * says so ({@link NonRetryableException}), a {@link ClassCastException}. Decoding and validation failures of the
     * record itself and messages without a handler never reach a handler and are dead-lettered at once as well.
     */
    public static final List<Class<? extends Throwable>> DEFAULT_NO_RETRY = List.of(PayloadConversionException.class,
            io.kafkautility.validation.MessageValidationException.class, NonRetryableException.class,
            ClassCastException.class);

    private final KafkaConnectionOptions connection;
    private final String groupId;
    private final List<String> topics;
    private final Map<String, MessageHandler> handlers;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final UnaryOperator<String> deadLetterTopic;
    private final int dedupWindow;
    private final Duration closeTimeout;
    private final Duration pollTimeout;
    private final long healthMaxLag;
    private final Duration reconnectBackoff;
    private final Duration maxReconnectBackoff;
    private final Duration deadLetterMaxBlock;
    private final ClientProperties kafkaProperties;
    private final KafkaClientPool pool;
    private final MessageValidator validator;
    private final Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory;
    private final String name;
    private final ConsumerErrorListener errorListener;
    private final int concurrency;
    private final List<Class<? extends Throwable>> noRetryOn;
    private final List<Class<? extends Throwable>> retryOn;
    private final List<Duration> retryDelays;
    private final boolean createRetryTopics;
    private final ProcessedIds processedIds;
    private final int keyOrderedWorkers;

    private ConsumerOptions(Builder b) {
        this.connection = b.connection;
        this.groupId = b.groupId;
        this.topics = List.copyOf(b.topics);
        this.handlers = Map.copyOf(b.handlers);
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.deadLetterTopic = b.deadLetterTopic;
        this.dedupWindow = b.dedupWindow;
        this.closeTimeout = b.closeTimeout;
        this.pollTimeout = b.pollTimeout;
        this.healthMaxLag = b.healthMaxLag;
        this.reconnectBackoff = b.reconnectBackoff;
        this.maxReconnectBackoff = b.maxReconnectBackoff;
        this.deadLetterMaxBlock = b.deadLetterMaxBlock;
        this.kafkaProperties = b.kafkaProperties.build();
        this.pool = b.pool;
        this.validator = b.validator;
        this.consumerFactory = b.consumerFactory;
        this.name = b.name != null ? b.name : groupId;
        this.errorListener = b.errorListener;
        this.concurrency = b.concurrency;
        this.noRetryOn = List.copyOf(b.noRetryOn);
        this.retryOn = List.copyOf(b.retryOn);
        this.retryDelays = List.copyOf(b.retryDelays);
        this.createRetryTopics = b.createRetryTopics;
        this.processedIds = b.processedIds;
        this.keyOrderedWorkers = b.keyOrderedWorkers;
    }

    /**
     * A builder holding these options (the name only if it was set explicitly), to derive other options from them.
     */
    public Builder toBuilder() {
        Builder b = new Builder(connection, groupId, topics);
        b.handlers.putAll(handlers);
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.deadLetterTopic = deadLetterTopic;
        b.dedupWindow = dedupWindow;
        b.closeTimeout = closeTimeout;
        b.pollTimeout = pollTimeout;
        b.healthMaxLag = healthMaxLag;
        b.reconnectBackoff = reconnectBackoff;
        b.maxReconnectBackoff = maxReconnectBackoff;
        b.deadLetterMaxBlock = deadLetterMaxBlock;
        b.kafkaProperties.putAll(kafkaProperties.asMap());
        b.pool = pool;
        b.validator = validator;
        b.consumerFactory = consumerFactory;
        b.name = name.equals(groupId) ? null : name;
        b.errorListener = errorListener;
        b.concurrency = concurrency;
        b.noRetryOn.clear();
        b.noRetryOn.addAll(noRetryOn);
        b.retryOn.addAll(retryOn);
        b.retryDelays.addAll(retryDelays);
        b.createRetryTopics = createRetryTopics;
        b.processedIds = processedIds;
        b.keyOrderedWorkers = keyOrderedWorkers;
        return b;
    }

    /**
     * A builder for a consumer of {@code topics} in group {@code groupId}.
     *
     * @throws ConfigurationException if the group id is blank or no topic is given
     */
    public static Builder builder(KafkaConnectionOptions connection, String groupId, Collection<String> topics) {
        return new Builder(connection, groupId, topics);
    }

    /** {@link #builder(KafkaConnectionOptions, String, Collection)} for one topic. */
    public static Builder builder(KafkaConnectionOptions connection, String groupId, String topic) {
        return new Builder(connection, groupId, List.of(topic));
    }

    public KafkaConnectionOptions connection() {
        return connection;
    }

    public String groupId() {
        return groupId;
    }

    public List<String> topics() {
        return topics;
    }

    /** Handlers by message type name (e.g. {@code rag.document.processed}). */
    public Map<String, MessageHandler> handlers() {
        return handlers;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration initialBackoff() {
        return initialBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** The dead-letter topic of a source topic. */
    public String deadLetterTopic(String topic) {
        return deadLetterTopic.apply(topic);
    }

    /** How many recent message ids are remembered to drop redeliveries; 0 for none. */
    public int dedupWindow() {
        return dedupWindow;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Records to read on the most lagging partition above which {@code health()} says DEGRADED. */
    public long healthMaxLag() {
        return healthMaxLag;
    }

    public Duration pollTimeout() {
        return pollTimeout;
    }

    public Duration reconnectBackoff() {
        return reconnectBackoff;
    }

    public Duration maxReconnectBackoff() {
        return maxReconnectBackoff;
    }

    /** How long publishing one record to the dead-letter topic may block on metadata before it is retried. */
    public Duration deadLetterMaxBlock() {
        return deadLetterMaxBlock;
    }

    /** Kafka consumer properties: the connection's, then these, then the library's fixed ones. */
    public Map<String, Object> consumerProperties() {
        Map<String, Object> props = new LinkedHashMap<>(connection.clientProperties());
        props.put("auto.offset.reset", "earliest");
        props.putAll(kafkaProperties.asMap());
        props.put("group.id", groupId);
        props.put("enable.auto.commit", false);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return props;
    }

    /** The pool whose producer publishes dead letters and whose metrics record; {@code null} for a private one. */
    public KafkaClientPool pool() {
        return pool;
    }

    /** The validator; {@code null} for the pool's. */
    public MessageValidator validator() {
        return validator;
    }

    /** The only place Kafka consumers are created (a seam for tests). */
    public Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory() {
        return consumerFactory;
    }

    /** Name used in thread names and logs; the group id by default. */
    public String name() {
        return name;
    }

    /** Told about failures of the Kafka client (authentication, authorization...); {@link ConsumerErrorListener#NONE}. */
    /**
     * How many members of the group this consumer runs, each a Kafka consumer with its own poll and worker thread
     * ({@link #DEFAULT_CONCURRENCY} by default): a record being handled or retried holds up only the partitions of its
     * member. Records of one partition are always handled in order, by one member at a time.
     */
    public int concurrency() {
        return concurrency;
    }

    public ConsumerErrorListener errorListener() {
        return errorListener;
    }

    /**
     * Whether a handler failure is worth another attempt: false when it, or any of its causes, is an instance of a
     * {@link Builder#noRetryOn} type ({@link #DEFAULT_NO_RETRY} to begin with) and not of a {@link Builder#retryOn}
     * type; true otherwise. Errors of the JVM ({@link LinkageError}, {@link AssertionError}) are retried like the
     * rest.
     */
    public boolean isRetryable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 16; t = t.getCause(), depth++) {
            for (Class<? extends Throwable> type : retryOn) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
            for (Class<? extends Throwable> type : noRetryOn) {
                if (type.isInstance(t)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Types dead-lettered without a retry (see {@link #isRetryable}). */
    public List<Class<? extends Throwable>> noRetryOn() {
        return noRetryOn;
    }

    /** The delays of the retry topics, stage 1 first; empty when retries are in place (the default). */
    public List<Duration> retryDelays() {
        return retryDelays;
    }

    /** The retry topic of {@code topic} for stage {@code stage} (1-based): {@code <topic>.retry.<stage>}. */
    public String retryTopic(String topic, int stage) {
        return topic + ".retry." + stage;
    }

    /** Whether the consumer creates missing retry topics at start (like the topic they retry); true by default. */
    public boolean createRetryTopics() {
        return createRetryTopics;
    }

    /**
     * What the consumer has finished, to skip redeliveries; null when it does not deduplicate. With only a
     * {@link Builder#dedupWindow} this is null and the consumer keeps an in-memory window of its own.
     */
    public ProcessedIds processedIds() {
        return processedIds;
    }

    /** Workers per member handling records of different keys at once, same key in order; 1 by default. */
    public int keyOrderedWorkers() {
        return keyOrderedWorkers;
    }

    @Override
    public String toString() {
        return "ConsumerOptions{group=" + groupId + ", topics=" + topics + ", handlers=" + handlers.keySet()
                + ", maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", dedupWindow=" + dedupWindow + ", processedIds=" + processedIds + ", retryDelays=" + retryDelays
                + ", keyOrderedWorkers=" + keyOrderedWorkers
                + ", closeTimeout=" + closeTimeout + ", concurrency=" + concurrency
                + ", connection=" + connection + ", kafkaProperties=" + kafkaProperties
                + '}';
    }

    /** Builds {@link ConsumerOptions}. Not thread-safe. */
    public static final class Builder {
        private final KafkaConnectionOptions connection;
        private final String groupId;
        private final List<String> topics;
        private final Map<String, MessageHandler> handlers = new LinkedHashMap<>();
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private UnaryOperator<String> deadLetterTopic = topic -> topic + ".DLT";
        private int dedupWindow;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
        private long healthMaxLag = DEFAULT_HEALTH_MAX_LAG;
        private Duration reconnectBackoff = DEFAULT_RECONNECT_BACKOFF;
        private Duration maxReconnectBackoff = DEFAULT_MAX_RECONNECT_BACKOFF;
        private Duration deadLetterMaxBlock = DEFAULT_DEAD_LETTER_MAX_BLOCK;
        private final ClientProperties.Builder kafkaProperties;
        private KafkaClientPool pool;
        private MessageValidator validator;
        private Function<Map<String, Object>, Consumer<byte[], byte[]>> consumerFactory = KafkaConsumer::new;
        private String name;
        private ConsumerErrorListener errorListener = ConsumerErrorListener.NONE;
        private int concurrency = DEFAULT_CONCURRENCY;
        private final List<Class<? extends Throwable>> noRetryOn = new ArrayList<>(DEFAULT_NO_RETRY);
        private final List<Class<? extends Throwable>> retryOn = new ArrayList<>();
        private final List<Duration> retryDelays = new ArrayList<>();
        private boolean createRetryTopics = true;
        private ProcessedIds processedIds;
        private int keyOrderedWorkers = 1;

        private Builder(KafkaConnectionOptions connection, String groupId, Collection<String> topics) {
            this.connection = Objects.requireNonNull(connection, "connection");
            if (groupId == null || groupId.isBlank()) {
                throw new ConfigurationException("groupId must not be blank but was '" + groupId + "'");
            }
            if (topics == null || topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
                throw new ConfigurationException("topics must be non-empty names but were " + topics);
            }
            this.groupId = groupId;
            this.topics = new ArrayList<>(topics);
            this.kafkaProperties = ClientProperties.builder("ConsumerOptions")
                    .owns(ConsumerConfig.GROUP_ID_CONFIG, groupId, "the group is given to ConsumerOptions.builder")
                    .owns(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                            "the consumer commits only records it finished")
                    .owns(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                            "the consumer decodes and validates records itself")
                    .owns(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                            "the consumer decodes and validates records itself");
        }

        /** The handler of messages of type {@code typeName} (every version), e.g. {@code rag.document.processed}. */
        public Builder handler(String typeName, MessageHandler handler) {
            if (typeName == null || typeName.isBlank()) {
                throw new ConfigurationException("typeName must not be blank but was '" + typeName + "'");
            }
            handlers.put(typeName, Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /** The handler of messages of {@code type}'s name (every version). */
        public Builder handler(MessageType type, MessageHandler handler) {
            return handler(Objects.requireNonNull(type, "type").name(), handler);
        }

        /** Processing attempts before dead-lettering; {@value #DEFAULT_MAX_ATTEMPTS} by default; must be >= 1. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new ConfigurationException("maxAttempts must be >= 1 but was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Backoff between attempts: {@code initial}, doubling, at most {@code max}; both &gt; 0, initial &le; max. */
        public Builder backoff(Duration initial, Duration max) {
            requirePositive("initialBackoff", initial);
            requirePositive("maxBackoff", max);
            if (initial.compareTo(max) > 0) {
                throw new ConfigurationException("initialBackoff must be <= maxBackoff but was " + initial + " > "
                        + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * How a topic's dead-letter topic is named; {@code <topic>.DLT} by default (so a consumer of {@code t.DLT}
         * dead-letters to {@code t.DLT.DLT}). {@link #build()} rejects a naming that maps a consumed topic onto a
         * consumed topic.
         */
        public Builder deadLetterTopic(UnaryOperator<String> naming) {
            this.deadLetterTopic = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /** Remember the last {@code ids} message ids and drop redeliveries of them; 0 (default) disables. */
        public Builder dedupWindow(int ids) {
            if (ids < 0) {
                throw new ConfigurationException("dedupWindow must be >= 0 but was " + ids);
            }
            this.dedupWindow = ids;
            return this;
        }

        /** Bound of {@link MessageConsumer#close()}; {@link #DEFAULT_CLOSE_TIMEOUT} by default; must be > 0. */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = requirePositive("closeTimeout", timeout);
            return this;
        }

        /**
         * Records to read on the most lagging partition above which {@code health()} reports DEGRADED;
         * {@link #DEFAULT_HEALTH_MAX_LAG} by default; must be >= 0.
         */
        public Builder healthMaxLag(long records) {
            if (records < 0) {
                throw new IllegalArgumentException("healthMaxLag must be >= 0 but was " + records);
            }
            this.healthMaxLag = records;
            return this;
        }

        /** How long one poll waits; {@link #DEFAULT_POLL_TIMEOUT} by default; must be > 0. */
        public Builder pollTimeout(Duration timeout) {
            this.pollTimeout = requirePositive("pollTimeout", timeout);
            return this;
        }

        /** Backoff before recreating the Kafka consumer after a fatal error, doubling up to {@code max}. */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            requirePositive("reconnectBackoff", initial);
            requirePositive("maxReconnectBackoff", max);
            this.reconnectBackoff = initial;
            this.maxReconnectBackoff = max;
            return this;
        }

        /** How long one dead-letter publish may block on metadata; {@link #DEFAULT_DEAD_LETTER_MAX_BLOCK}. */
        public Builder deadLetterMaxBlock(Duration maxBlock) {
            this.deadLetterMaxBlock = requirePositive("deadLetterMaxBlock", maxBlock);
            return this;
        }

        /**
         * A Kafka consumer property under Kafka's own key, passed through unchanged.
         *
         * @throws ConfigurationException for a blank key, a null value, or a key the consumer sets itself (group id,
         *                                deserializers and auto-commit; their own values are accepted)
         */
        public Builder kafkaProperty(String key, Object value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /** The pool shared with the process's producers (dead letters, metrics); a private one by default. */
        public Builder pool(KafkaClientPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** The validator; the pool's by default. */
        public Builder validator(MessageValidator validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        /** The only place Kafka consumers are created; {@code KafkaConsumer::new} by default. */
        public Builder consumerFactory(Function<Map<String, Object>, Consumer<byte[], byte[]>> factory) {
            this.consumerFactory = Objects.requireNonNull(factory, "consumerFactory");
            return this;
        }

        /** Name in thread names and logs; the group id by default. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new ConfigurationException("name must not be blank but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /**
         * Members of the group to run, 1 to {@link #MAX_CONCURRENCY}; {@link #DEFAULT_CONCURRENCY} by default. See
         * {@link ConsumerOptions#concurrency()}. More members than the topics have partitions leaves some idle.
         */
        public Builder concurrency(int members) {
            if (members < 1 || members > MAX_CONCURRENCY) {
                throw new ConfigurationException("concurrency must be between 1 and " + MAX_CONCURRENCY + " but was "
                        + members);
            }
            this.concurrency = members;
            return this;
        }

        /**
         * Also dead-letter these failure types at once, without retrying (e.g. the service's
         * {@code NotFoundException}); added to {@link #DEFAULT_NO_RETRY}. Matched against the failure and its causes.
         */
        @SafeVarargs
        public final Builder noRetryOn(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                noRetryOn.add(Objects.requireNonNull(type, "type"));
            }
            return this;
        }

        /**
         * Retry these failure types even when a {@link #noRetryOn} type matches (e.g. {@code retryOn(ClassCastException
         * .class)} to undo a default). Matched against the failure and its causes, before the non-retryable types.
         */
        @SafeVarargs
        public final Builder retryOn(Class<? extends Throwable>... types) {
            for (Class<? extends Throwable> type : types) {
                retryOn.add(Objects.requireNonNull(type, "type"));
            }
            return this;
        }

        /**
         * Non-blocking retries: a record whose handler fails (retryably) goes to the retry topic of the next stage,
         * {@code <topic>.retry.<n>}, to be handled again once {@code delays[n-1]} has passed, and after the last stage
         * to the dead-letter topic. The partition it came from goes on at once; the record loses its order relative
         * to the records after it (that is the trade). The consumer reads the retry topics itself, pausing each
         * partition until its next record is due (no thread sleeps). Each stage makes one attempt ({@link #maxAttempts}
         * does not apply; {@link #backoff} paces publishing retries). Up to 10 stages, each delay 1 ms to 7 days.
         */
        public Builder retryTopics(Duration... delays) {
            if (delays.length == 0 || delays.length > 10) {
                throw new ConfigurationException("retryTopics takes 1 to 10 delays but got " + delays.length);
            }
            retryDelays.clear();
            for (Duration d : delays) {
                if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
                    throw new ConfigurationException("retry delays must be > 0 and <= 7 days but were "
                            + java.util.Arrays.toString(delays));
                }
                retryDelays.add(d);
            }
            return this;
        }

        /** Whether to create missing retry topics at start (partitions as their topic's); true by default. */
        public Builder createRetryTopics(boolean create) {
            this.createRetryTopics = create;
            return this;
        }

        /**
         * Skip records whose (source, id) this store says were finished (see {@link ProcessedIds}), e.g.
         * {@code ProcessedIds.file(Path.of("/var/lib/indexer/processed"), 100_000)} to skip what was processed before
         * a crash. The consumer does not close it: the caller owns it.
         */
        public Builder processedIds(ProcessedIds store) {
            this.processedIds = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Key-ordered concurrency: {@code workers} threads per member handle records of one partition at once, records
         * with the same key (same key bytes) one after another in offset order, records without a key on any worker.
         * Offsets are committed only up to the first record not finished. Memory stays bounded: at most twice
         * {@code max.poll.records} records are handed over and not finished, beyond that the partitions are paused.
         * 1 (the default) handles a partition's records strictly one at a time.
         */
        public Builder keyOrderedConcurrency(int workers) {
            if (workers < 1 || workers > MAX_KEY_ORDERED_WORKERS) {
                throw new ConfigurationException("keyOrderedConcurrency must be between 1 and "
                        + MAX_KEY_ORDERED_WORKERS + " but was " + workers);
            }
            this.keyOrderedWorkers = workers;
            return this;
        }

        /** Told about failures of the Kafka client; none by default. See {@link ConsumerErrorListener}. */
        public Builder errorListener(ConsumerErrorListener listener) {
            this.errorListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Builds the options.
         *
         * @throws ConfigurationException if no handler is registered, or a topic's dead-letter topic is blank or one
         *     of the consumed topics (which would loop)
         */
        public ConsumerOptions build() {
            if (handlers.isEmpty()) {
                throw new ConfigurationException("at least one handler is required (handler(typeName, handler))");
            }
            for (String topic : topics) {
                for (int stage = 1; stage <= retryDelays.size(); stage++) {
                    String retry = topic + ".retry." + stage;
                    if (topics.contains(retry)) {
                        throw new ConfigurationException("'" + retry + "' is the retry topic of '" + topic
                                + "': the consumer reads it itself, do not list it");
                    }
                }
                String dlt = deadLetterTopic.apply(topic);
                // a dead-letter topic the consumer also reads would feed failures back in: a loop
                if (dlt == null || dlt.isBlank() || topics.contains(dlt)) {
                    throw new ConfigurationException("the dead-letter topic of '" + topic + "' must be a topic this "
                            + "consumer does not read but was '" + dlt + "'");
                }
            }
            return new ConsumerOptions(this);
        }

        private static Duration requirePositive(String name, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new ConfigurationException(name + " must be > 0 but was " + value);
            }
            return value;
        }
    }
}
