package io.kafkautility.producer;

import io.kafkautility.config.ClientProperties;
import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.config.KafkaSecretKeys;
import io.kafkautility.validation.MessageValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Settings of a {@link MessageProducer}: the cluster connection, Kafka producer settings, the circuit breaker and the
 * safe retry.
 *
 * <p><b>Kafka defaults chosen here</b> (each overridable): {@code acks=all}, {@code enable.idempotence=true},
 * {@code linger.ms=5} ({@link #DEFAULT_LINGER}; use 0 for request-reply), {@code batch.size=65536}
 * ({@link #DEFAULT_BATCH_SIZE}: Kafka's 16 KiB holds only 15 one-KiB events, so a partition's throughput is bounded by
 * five in-flight batches that small; a batch is still sent after {@code linger.ms} however full), {@code max.block.ms=5000}
 * ({@link #DEFAULT_MAX_BLOCK}: how long {@code send} may block the caller waiting for metadata or buffer space),
 * {@code request.timeout.ms=10000}, {@code delivery.timeout.ms=30000} (after which an unacknowledged record fails
 * as {@link DeliveryState#AMBIGUOUS}). Precedence: these defaults, then the connection's
 * {@link KafkaConnectionOptions#clientProperties()}, then what is set on this builder.
 *
 * <p><b>Sharing.</b> All {@link MessageProducer}s of one {@link KafkaClientPool} whose resulting Kafka properties,
 * breaker and retry settings are equal share one {@code KafkaProducer} and one breaker. The validator,
 * {@link Builder#source(String) source}, {@link Builder#listener listener} and {@link Builder#completionExecutor
 * completion executor} are per producer.
 *
 * <p>Immutable and thread-safe; holds no resources.
 */
public final class ProducerOptions {

    /** Default {@code linger.ms}. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    /** Default {@code batch.size} in bytes: 64 KiB (Kafka's own default is 16 KiB). */
    public static final int DEFAULT_BATCH_SIZE = 64 * 1024;
    /** Default {@code max.block.ms}. */
    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);
    /** Default {@code request.timeout.ms}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default {@code delivery.timeout.ms}. */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** Default time the last user's {@code close()} waits for the Kafka producer to flush and close. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default failure rate (percent) at which the breaker opens. */
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50f;
    /** Default number of recent calls the breaker considers. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
    /** Default minimum number of calls before the breaker may open. */
    public static final int DEFAULT_MINIMUM_CALLS = 10;
    /** Default time the breaker stays open before letting probes through. */
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(10);
    /** Default number of probe calls in half-open state. */
    public static final int DEFAULT_HALF_OPEN_CALLS = 3;
    /** Default total attempts for a send that certainly did not reach the broker (1 = no retry). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default first retry backoff. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** Default maximum retry backoff. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);
    /** Default backoff multiplier. */
    public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    /** Default jitter (randomization factor) of the backoff. */
    public static final double DEFAULT_JITTER = 0.5;

    /** The Kafka settings the producer sets itself or through a typed method. */
    private static ClientProperties.Builder ownedKeys() {
        return ClientProperties.builder("ProducerOptions")
                .owns(ProducerConfig.LINGER_MS_CONFIG, "use linger(Duration)")
                .owns(ProducerConfig.MAX_BLOCK_MS_CONFIG, "use maxBlock(Duration)")
                .owns(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "use requestTimeout(Duration)")
                .owns(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "use deliveryTimeout(Duration)")
                .owns(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        "the producer encodes envelopes itself")
                .owns(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                        "the producer encodes envelopes itself")
                .owns(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "transactions are not supported");
    }

    private final KafkaConnectionOptions connection;
    private final String source;
    private final MessageValidator validator;
    private final Duration linger;
    private final Duration maxBlock;
    private final Duration requestTimeout;
    private final Duration deliveryTimeout;
    private final Duration closeTimeout;
    private final ClientProperties kafkaProperties;
    private final boolean circuitBreakerEnabled;
    private final float failureRateThreshold;
    private final int slidingWindowSize;
    private final int minimumCalls;
    private final Duration openDuration;
    private final int halfOpenCalls;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final double backoffMultiplier;
    private final double jitter;
    private final boolean retryOnCircuitOpen;
    private final CircuitBreakerListener listener;
    private final Executor completionExecutor;
    private final io.kafkautility.message.ContentMode contentMode;

    private ProducerOptions(Builder b) {
        this.connection = b.connection;
        this.source = b.source != null ? b.source : b.connection.clientId().orElse("kafka-utility");
        this.validator = b.validator;
        this.linger = b.linger;
        this.maxBlock = b.maxBlock;
        this.requestTimeout = b.requestTimeout;
        this.deliveryTimeout = b.deliveryTimeout;
        this.closeTimeout = b.closeTimeout;
        this.kafkaProperties = b.kafkaProperties.build();
        this.circuitBreakerEnabled = b.circuitBreakerEnabled;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slidingWindowSize = b.slidingWindowSize;
        this.minimumCalls = b.minimumCalls;
        this.openDuration = b.openDuration;
        this.halfOpenCalls = b.halfOpenCalls;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.backoffMultiplier = b.backoffMultiplier;
        this.jitter = b.jitter;
        this.retryOnCircuitOpen = b.retryOnCircuitOpen;
        this.listener = b.listener;
        this.completionExecutor = b.completionExecutor;
        this.contentMode = b.contentMode;
    }

    /** A builder for the given connection. */
    public static Builder builder(KafkaConnectionOptions connection) {
        return new Builder(connection);
    }

    /** Options with every default for the given connection. */
    public static ProducerOptions of(KafkaConnectionOptions connection) {
        return builder(connection).build();
    }

    /** A builder holding these options' values. */
    public Builder toBuilder() {
        Builder b = new Builder(connection);
        b.source = source;
        b.validator = validator;
        b.linger = linger;
        b.maxBlock = maxBlock;
        b.requestTimeout = requestTimeout;
        b.deliveryTimeout = deliveryTimeout;
        b.closeTimeout = closeTimeout;
        b.kafkaProperties.putAll(kafkaProperties.asMap());
        b.circuitBreakerEnabled = circuitBreakerEnabled;
        b.failureRateThreshold = failureRateThreshold;
        b.slidingWindowSize = slidingWindowSize;
        b.minimumCalls = minimumCalls;
        b.openDuration = openDuration;
        b.halfOpenCalls = halfOpenCalls;
        b.maxAttempts = maxAttempts;
        b.initialBackoff = initialBackoff;
        b.maxBackoff = maxBackoff;
        b.backoffMultiplier = backoffMultiplier;
        b.jitter = jitter;
        b.retryOnCircuitOpen = retryOnCircuitOpen;
        b.listener = listener;
        b.completionExecutor = completionExecutor;
        b.contentMode = contentMode;
        return b;
    }

    /** The cluster connection. */
    public KafkaConnectionOptions connection() {
        return connection;
    }

    /** CloudEvents {@code source} for envelopes the producer builds; the client id or {@code kafka-utility} by default. */
    public String source() {
        return source;
    }

    /** The validator set on the builder; when empty the pool's shared validator of the standard catalog is used. */
    public Optional<MessageValidator> validator() {
        return Optional.ofNullable(validator);
    }

    /** {@code linger.ms}, if set on the builder. */
    public Optional<Duration> linger() {
        return Optional.ofNullable(linger);
    }

    /** {@code max.block.ms}, if set on the builder. */
    public Optional<Duration> maxBlock() {
        return Optional.ofNullable(maxBlock);
    }

    /** {@code request.timeout.ms}, if set on the builder. */
    public Optional<Duration> requestTimeout() {
        return Optional.ofNullable(requestTimeout);
    }

    /** {@code delivery.timeout.ms}, if set on the builder. */
    public Optional<Duration> deliveryTimeout() {
        return Optional.ofNullable(deliveryTimeout);
    }

    /** How long the last user's close waits for the Kafka producer. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Raw Kafka producer properties set on the builder (unmodifiable). */
    public Map<String, Object> kafkaProperties() {
        return kafkaProperties.asMap();
    }

    /**
     * The complete Kafka producer properties: defaults, then the connection's client properties, then this builder's
     * values. Secrets are Kafka {@code Password}s. A fresh mutable map on each call.
     */
    public Map<String, Object> producerProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) DEFAULT_LINGER.toMillis());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DEFAULT_REQUEST_TIMEOUT.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DEFAULT_DELIVERY_TIMEOUT.toMillis());
        p.putAll(connection.clientProperties());
        if (linger != null) {
            p.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        }
        if (maxBlock != null) {
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
        }
        if (requestTimeout != null) {
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
        }
        if (deliveryTimeout != null) {
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        }
        p.putAll(kafkaProperties.asMap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaSecretKeys.hidePasswords(p);
        return p;
    }

    /** Whether the circuit breaker is on (default true). */
    public boolean circuitBreakerEnabled() {
        return circuitBreakerEnabled;
    }

    /** Failure rate in percent at which the breaker opens. */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    /** Number of recent calls the breaker considers. */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** Minimum number of calls before the failure rate is evaluated. */
    public int minimumCalls() {
        return minimumCalls;
    }

    /** Time the breaker stays open before allowing probes. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Number of probe calls in half-open state. */
    public int halfOpenCalls() {
        return halfOpenCalls;
    }

    /** Total attempts for a send that certainly did not reach the broker (1 = no retry). */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** First retry backoff. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Maximum retry backoff. */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Backoff multiplier. */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** Backoff jitter (randomization factor, 0..1). */
    public double jitter() {
        return jitter;
    }

    /** Whether a {@link CircuitOpenException} is retried with backoff (default false: fail fast). */
    public boolean retryOnCircuitOpen() {
        return retryOnCircuitOpen;
    }

    /** The breaker listener of this producer. */
    public CircuitBreakerListener listener() {
        return listener;
    }

    /** Where returned futures are completed; {@link ForkJoinPool#commonPool()} by default. */
    public Executor completionExecutor() {
        return completionExecutor;
    }

    /** How envelopes are laid out on records: {@code STRUCTURED} (default) or CloudEvents binary mode. */
    public io.kafkautility.message.ContentMode contentMode() {
        return contentMode;
    }

    /** The settings that decide which shared Kafka producer and breaker this producer uses. */
    public Object sharingKey() {
        return List.of(producerProperties(), circuitBreakerEnabled, failureRateThreshold, slidingWindowSize, minimumCalls,
                openDuration, halfOpenCalls, maxAttempts, initialBackoff, maxBackoff, backoffMultiplier, jitter,
                retryOnCircuitOpen);
    }

    @Override
    public String toString() {
        return "ProducerOptions{connection=" + connection + ", source=" + source + ", kafkaProperties="
                + kafkaProperties + ", circuitBreakerEnabled=" + circuitBreakerEnabled
                + ", failureRateThreshold=" + failureRateThreshold + ", slidingWindowSize=" + slidingWindowSize
                + ", minimumCalls=" + minimumCalls + ", openDuration=" + openDuration + ", halfOpenCalls=" + halfOpenCalls
                + ", maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff + ", maxBackoff=" + maxBackoff + '}';
    }

    /** Builds {@link ProducerOptions}; each method rejects a bad value at the call. Not thread-safe. */
    public static final class Builder {
        private final KafkaConnectionOptions connection;
        private String source;
        private MessageValidator validator;
        private Duration linger;
        private Duration maxBlock;
        private Duration requestTimeout;
        private Duration deliveryTimeout;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private final ClientProperties.Builder kafkaProperties = ownedKeys();
        private boolean circuitBreakerEnabled = true;
        private float failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int minimumCalls = DEFAULT_MINIMUM_CALLS;
        private Duration openDuration = DEFAULT_OPEN_DURATION;
        private int halfOpenCalls = DEFAULT_HALF_OPEN_CALLS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private double backoffMultiplier = DEFAULT_BACKOFF_MULTIPLIER;
        private double jitter = DEFAULT_JITTER;
        private boolean retryOnCircuitOpen;
        private CircuitBreakerListener listener = CircuitBreakerListener.NONE;
        private Executor completionExecutor = ForkJoinPool.commonPool();
        private io.kafkautility.message.ContentMode contentMode = io.kafkautility.message.ContentMode.STRUCTURED;

        private Builder(KafkaConnectionOptions connection) {
            if (connection == null) {
                throw new ConfigurationException("connection must not be null");
            }
            this.connection = connection;
        }

        /** CloudEvents {@code source} of envelopes built by the producer. */
        public Builder source(String source) {
            if (source == null || source.isBlank()) {
                throw new ConfigurationException("source must not be blank but was " + (source == null ? "null" : "'" + source + "'"));
            }
            this.source = source;
            return this;
        }

        /** The validator to check envelopes with (share one per application); default: the pool's shared one. */
        public Builder validator(MessageValidator validator) {
            this.validator = nonNull(validator, "validator");
            return this;
        }

        /** {@code linger.ms}: 0 for lowest latency (request-reply), more for throughput. Must be &gt;= 0. */
        public Builder linger(Duration linger) {
            this.linger = atLeast(linger, Duration.ZERO, "linger");
            return this;
        }

        /** {@code max.block.ms}: bound on how long {@code send} may block for metadata or buffer space. Must be &gt;= 0. */
        public Builder maxBlock(Duration maxBlock) {
            this.maxBlock = atLeast(maxBlock, Duration.ZERO, "maxBlock");
            return this;
        }

        /** {@code request.timeout.ms}. Must be &gt; 0. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** {@code delivery.timeout.ms}: after this an unacknowledged record fails as ambiguous. Must be &gt; 0. */
        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = positive(deliveryTimeout, "deliveryTimeout");
            return this;
        }

        /** How long the last user's close waits for the shared Kafka producer to flush. Must be &gt;= 0. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = atLeast(closeTimeout, Duration.ZERO, "closeTimeout");
            return this;
        }

        /**
         * A raw Kafka producer property, passed through untouched (e.g. {@code ProducerConfig.COMPRESSION_TYPE_CONFIG}).
         * Keys with a typed method (linger, max block, timeouts) and the serializers are rejected; transactions are
         * not supported.
         */
        public Builder kafkaProperty(String key, Object value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /** Turns the circuit breaker on (default) or off. */
        public Builder circuitBreakerEnabled(boolean enabled) {
            this.circuitBreakerEnabled = enabled;
            return this;
        }

        /** Failure rate in percent (0 &lt; rate &lt;= 100) at which the breaker opens. */
        public Builder failureRateThreshold(float percent) {
            if (!(percent > 0 && percent <= 100)) {
                throw new ConfigurationException("failureRateThreshold must be in (0, 100] but was " + percent);
            }
            this.failureRateThreshold = percent;
            return this;
        }

        /** Number of recent calls the breaker considers (&gt;= 1). */
        public Builder slidingWindowSize(int calls) {
            this.slidingWindowSize = atLeast(calls, 1, "slidingWindowSize");
            return this;
        }

        /** Minimum number of calls before the breaker evaluates the failure rate (&gt;= 1). */
        public Builder minimumCalls(int calls) {
            this.minimumCalls = atLeast(calls, 1, "minimumCalls");
            return this;
        }

        /** Time the breaker stays open before letting probes through (&gt; 0). */
        public Builder openDuration(Duration openDuration) {
            this.openDuration = positive(openDuration, "openDuration");
            return this;
        }

        /** Number of probe calls in half-open state (&gt;= 1). */
        public Builder halfOpenCalls(int calls) {
            this.halfOpenCalls = atLeast(calls, 1, "halfOpenCalls");
            return this;
        }

        /** Total attempts for a send that certainly did not reach the broker (&gt;= 1; 1 disables retry). */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = atLeast(attempts, 1, "maxAttempts");
            return this;
        }

        /** Exponential backoff: first interval (&gt; 0), multiplier (&gt;= 1), maximum interval (&gt;= initial). */
        public Builder backoff(Duration initial, double multiplier, Duration max) {
            positive(initial, "initialBackoff");
            positive(max, "maxBackoff");
            if (!(multiplier >= 1.0)) {
                throw new ConfigurationException("backoff multiplier must be >= 1 but was " + multiplier);
            }
            if (max.compareTo(initial) < 0) {
                throw new ConfigurationException("maxBackoff must be >= initialBackoff but was " + max + " < " + initial);
            }
            this.initialBackoff = initial;
            this.backoffMultiplier = multiplier;
            this.maxBackoff = max;
            return this;
        }

        /** Randomization factor of the backoff, in [0, 1). */
        public Builder jitter(double factor) {
            if (!(factor >= 0 && factor < 1)) {
                throw new ConfigurationException("jitter must be in [0, 1) but was " + factor);
            }
            this.jitter = factor;
            return this;
        }

        /** Also retry (with backoff) while the breaker is open; default false (fail fast). */
        public Builder retryOnCircuitOpen(boolean retry) {
            this.retryOnCircuitOpen = retry;
            return this;
        }

        /** Breaker state-change listener of this producer. */
        public Builder listener(CircuitBreakerListener listener) {
            this.listener = nonNull(listener, "listener");
            return this;
        }

        /**
         * Executor completing the futures returned by {@code send}. Default {@link ForkJoinPool#commonPool()}, so
         * dependent stages never run on (and can never block) the shared producer's I/O thread. {@code Runnable::run}
         * completes on the I/O thread: lowest latency, but dependents must then never block.
         */
        public Builder completionExecutor(Executor executor) {
            this.completionExecutor = nonNull(executor, "completionExecutor");
            return this;
        }

        /**
         * Checks the settings together.
         *
         * @throws ConfigurationException listing every problem
         */
        /**
         * How envelopes are laid out on records: {@link io.kafkautility.message.ContentMode#STRUCTURED} (default, the
         * whole event as the value) or {@link io.kafkautility.message.ContentMode#BINARY} (the data as the value, the
         * attributes as {@code ce_*} headers). The library's consumers read both.
         *
         * @param mode the content mode
         * @return this
         */
        public Builder contentMode(io.kafkautility.message.ContentMode mode) {
            this.contentMode = nonNull(mode, "contentMode");
            return this;
        }

        public ProducerOptions build() {
            List<String> problems = new ArrayList<>();
            ProducerOptions o = new ProducerOptions(this);
            Map<String, Object> p = o.producerProperties();
            long lingerMs = toLong(p.get(ProducerConfig.LINGER_MS_CONFIG));
            long requestMs = toLong(p.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
            long deliveryMs = toLong(p.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
            if (deliveryMs < lingerMs + requestMs) {
                problems.add("deliveryTimeout must be >= linger + requestTimeout but was " + deliveryMs + " ms < "
                        + lingerMs + " ms + " + requestMs + " ms");
            }
            if (minimumCalls > slidingWindowSize) {
                problems.add("minimumCalls must be <= slidingWindowSize but was " + minimumCalls + " > " + slidingWindowSize);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return o;
        }

        private static long toLong(Object v) {
            return v instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(v).trim());
        }

        private static <T> T nonNull(T v, String name) {
            if (v == null) {
                throw new ConfigurationException(name + " must not be null");
            }
            return v;
        }

        private static Duration positive(Duration d, String name) {
            nonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new ConfigurationException(name + " must be > 0 but was " + d);
            }
            return d;
        }

        private static Duration atLeast(Duration d, Duration min, String name) {
            nonNull(d, name);
            if (d.compareTo(min) < 0) {
                throw new ConfigurationException(name + " must be >= " + min + " but was " + d);
            }
            return d;
        }

        private static int atLeast(int v, int min, String name) {
            if (v < min) {
                throw new ConfigurationException(name + " must be >= " + min + " but was " + v);
            }
            return v;
        }
    }
}
