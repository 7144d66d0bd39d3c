package io.kafkautility.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable options for an {@link EmbeddedKafkaCluster}. Build with {@link #builder()}; every setter validates its value
 * at the call and {@link Builder#build()} cross-checks them.
 *
 * <p>Defaults: 1 broker (one combined broker+controller node; with more brokers, N brokers plus one controller),
 * {@code auto.create.topics.enable=false} (a typo'd topic fails instead of silently appearing), start-up timeout 60 s,
 * and broker settings that make small clusters work and groups join fast:
 * {@code offsets.topic.replication.factor}, {@code transaction.state.log.replication.factor} and
 * {@code default.replication.factor} = min(3, brokers), {@code transaction.state.log.min.isr} = min(2, brokers),
 * {@code group.initial.rebalance.delay.ms=0}, {@code offsets.topic.num.partitions=5},
 * {@code transaction.state.log.num.partitions=5}, {@code broker.session.timeout.ms=4000} and
 * {@code broker.heartbeat.interval.ms=1000} (a restarted broker is accepted once its old session expired).
 * Any of them can be overridden with {@link Builder#brokerProperty}.
 */
public final class EmbeddedKafkaOptions {

    private final int brokers;
    private final boolean autoCreateTopics;
    private final Duration startupTimeout;
    private final Map<String, String> brokerProperties;

    private EmbeddedKafkaOptions(Builder b) {
        this.brokers = b.brokers;
        this.autoCreateTopics = b.autoCreateTopics;
        this.startupTimeout = b.startupTimeout;
        this.brokerProperties = Map.copyOf(b.brokerProperties);
    }

    /** The default options: one combined node. */
    public static EmbeddedKafkaOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int brokers() {
        return brokers;
    }

    public boolean autoCreateTopics() {
        return autoCreateTopics;
    }

    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** Only the properties set explicitly (not the defaults); an unmodifiable map. */
    public Map<String, String> brokerProperties() {
        return brokerProperties;
    }

    /** The complete broker configuration: defaults for this broker count, then the explicit properties. */
    public Map<String, String> effectiveBrokerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        String rf = Integer.toString(Math.min(3, brokers));
        props.put("offsets.topic.replication.factor", rf);
        props.put("transaction.state.log.replication.factor", rf);
        props.put("default.replication.factor", rf);
        props.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, brokers)));
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("broker.session.timeout.ms", "4000");
        props.put("broker.heartbeat.interval.ms", "1000");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
        props.putAll(brokerProperties);
        return props;
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaOptions{brokers=" + brokers + ", autoCreateTopics=" + autoCreateTopics
                + ", startupTimeout=" + startupTimeout + ", brokerProperties=" + brokerProperties.keySet() + '}';
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private int brokers = 1;
        private boolean autoCreateTopics = false;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Number of brokers, 1..9. With 1 the node is combined broker+controller; with more, one extra controller. */
        public Builder brokers(int brokers) {
            if (brokers < 1 || brokers > 9) {
                throw new IllegalArgumentException("brokers must be between 1 and 9 but was " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        /** Whether producing to / fetching metadata of an unknown topic creates it. Default false. */
        public Builder autoCreateTopics(boolean autoCreateTopics) {
            this.autoCreateTopics = autoCreateTopics;
            return this;
        }

        /** How long {@link EmbeddedKafkaCluster#start} waits for all brokers. Default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be > 0 but was " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** A broker (server.properties) setting, keyed by Kafka's own name; applied to every node. */
        public Builder brokerProperty(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, () -> "value of broker property " + key);
            if (key.isBlank()) {
                throw new IllegalArgumentException("broker property key must not be blank");
            }
            brokerProperties.put(key, String.valueOf(value));
            return this;
        }

        /** Adds all the given broker settings (copied). */
        public Builder brokerProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties");
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * @throws IllegalArgumentException if an explicit replication setting exceeds the broker count (consumer
         *     groups or transactions would never work)
         */
        public EmbeddedKafkaOptions build() {
            for (String key : new String[] {"offsets.topic.replication.factor",
                    "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
                    "default.replication.factor"}) {
                String v = brokerProperties.get(key);
                if (v != null) {
                    int n;
                    try {
                        n = Integer.parseInt(v.trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(key + " must be an integer but was '" + v + "'", e);
                    }
                    if (n > brokers) {
                        throw new IllegalArgumentException(
                                key + " must be <= brokers (" + brokers + ") but was " + n);
                    }
                }
            }
            return new EmbeddedKafkaOptions(this);
        }
    }
}
