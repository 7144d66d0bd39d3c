package io.kafkautility.consumer.loop;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Immutable settings of a {@link ConsumerLoop}. Build with {@link #subscribe} (a group member that commits) or
 * {@link #assign} (fixed partitions from their ends, no group, positions kept in memory across reconnects).
 */
public final class ConsumerLoopOptions {

    private final String name;
    private final Supplier<Consumer<byte[], byte[]>> clients;
    private final List<String> topics;
    private final Function<Consumer<byte[], byte[]>, Collection<TopicPartition>> assignment;
    private final Duration pollTimeout;
    private final Duration busyPollTimeout;
    private final int maxInFlight;
    private final Duration closeTimeout;
    private final Duration commitTimeout;
    private final Duration commitInterval;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final boolean pinStartPositions;
    private final Duration lookBack;
    private final boolean fromBeginning;
    private final Supplier<RuntimeException> diagnosis;
    private final MeterRegistry meterRegistry;

    private ConsumerLoopOptions(Builder b) {
        name = b.name;
        clients = b.clients;
        topics = b.topics;
        assignment = b.assignment;
        pollTimeout = b.pollTimeout;
        busyPollTimeout = b.busyPollTimeout.compareTo(b.pollTimeout) > 0 ? b.pollTimeout : b.busyPollTimeout;
        maxInFlight = b.maxInFlight;
        closeTimeout = b.closeTimeout;
        commitTimeout = b.commitTimeout;
        commitInterval = b.commitInterval;
        initialBackoff = b.initialBackoff;
        maxBackoff = b.maxBackoff;
        pinStartPositions = b.pinStartPositions;
        lookBack = b.lookBack;
        fromBeginning = b.fromBeginning;
        diagnosis = b.diagnosis;
        meterRegistry = b.meterRegistry;
    }

    /**
     * A group member subscribed to {@code topics}; {@code clients} creates each Kafka consumer (with
     * {@code group.id} and {@code enable.auto.commit=false} set by the caller) and is called again after a failure.
     */
    public static Builder subscribe(String name, Supplier<Consumer<byte[], byte[]>> clients,
                                    Collection<String> topics) {
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("topics must be non-empty names but were " + topics);
        }
        return new Builder(name, clients, List.copyOf(topics), null);
    }

    /**
     * Fixed partitions, read from their ends: {@code partitions} is called on the poll thread with the first client
     * (it may create topics or look them up, and throw); a recreated client resumes where the failed one was.
     */
    public static Builder assign(String name, Supplier<Consumer<byte[], byte[]>> clients,
                                 Function<Consumer<byte[], byte[]>, Collection<TopicPartition>> partitions) {
        return new Builder(name, clients, List.of(), Objects.requireNonNull(partitions, "partitions"));
    }

    /**
     * For {@link #assign}: every partition of {@code topic}, looked up with the loop's first client within
     * {@code timeout}.
     *
     * @throws MissingTopicException (from the function) when the topic is not known to the brokers
     */
    public static Function<Consumer<byte[], byte[]>, Collection<TopicPartition>> allPartitionsOf(String topic,
                                                                                              Duration timeout) {
        Objects.requireNonNull(topic, "topic");
        return c -> {
            List<org.apache.kafka.common.PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new MissingTopicException(topic);
            }
            return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        };
    }

    /** Names its thread, logs and metrics. */
    public String name() {
        return name;
    }

    /** Creates each Kafka consumer. */
    public Supplier<Consumer<byte[], byte[]>> clients() {
        return clients;
    }

    /** The subscribed topics; empty in assign mode. */
    public List<String> topics() {
        return topics;
    }

    /** The partitions of assign mode. */
    public Optional<Function<Consumer<byte[], byte[]>, Collection<TopicPartition>>> assignment() {
        return Optional.ofNullable(assignment);
    }

    /** How long a poll waits when nothing is in flight (default 1 s). */
    public Duration pollTimeout() {
        return pollTimeout;
    }

    /** How long a poll waits while records are unfinished, so finished ones are committed soon (default 20 ms). */
    public Duration busyPollTimeout() {
        return busyPollTimeout;
    }

    /** Unfinished records at which all partitions are paused (default 1,000). */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How long a revoke, reconnect or close waits for started records (default 10 s). */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** Bound of each synchronous commit and lookup (default 5 s). */
    public Duration commitTimeout() {
        return commitTimeout;
    }

    /** Asynchronous commits at most this often (default 100 ms). */
    public Duration commitInterval() {
        return commitInterval;
    }

    /** First wait before recreating a failed client (default 100 ms), doubled up to {@link #maxBackoff()}. */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /** Longest wait before recreating a failed client (default 10 s). */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Whether the first position of a partition the group never committed is committed at once on assignment, so
     * {@code auto.offset.reset=latest} applies once and a later rebalance does not skip records (default false).
     */
    public boolean pinStartPositions() {
        return pinStartPositions;
    }

    /**
     * Assign mode: how far back in time the first client starts reading each partition (from the first record at or
     * after now minus this; from the end when there is none). Zero (the default) starts at the ends.
     */
    public Duration lookBack() {
        return lookBack;
    }

    /**
     * Assign mode: whether the first client starts at each partition's first record instead of its end (default false;
     * excludes {@link #lookBack()}). For a bounded read of everything a topic holds.
     */
    public boolean fromBeginning() {
        return fromBeginning;
    }

    /** Asked once per client not assigned after 5 s: a failure that explains why (e.g. a TLS port), or null. */
    public Optional<Supplier<RuntimeException>> diagnosis() {
        return Optional.ofNullable(diagnosis);
    }

    /** Where the reconnect counter goes. */
    public Optional<MeterRegistry> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    @Override
    public String toString() {
        return "ConsumerLoopOptions{name=" + name + (topics.isEmpty() ? ", assign" : ", topics=" + topics)
                + ", maxInFlight=" + maxInFlight + ", closeTimeout=" + closeTimeout + '}';
    }

    /** Validating builder; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Supplier<Consumer<byte[], byte[]>> clients;
        private final List<String> topics;
        private final Function<Consumer<byte[], byte[]>, Collection<TopicPartition>> assignment;
        private Duration pollTimeout = Duration.ofSeconds(1);
        private Duration busyPollTimeout = Duration.ofMillis(20);
        private int maxInFlight = 1000;
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration commitTimeout = Duration.ofSeconds(5);
        private Duration commitInterval = Duration.ofMillis(100);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private boolean pinStartPositions;
        private Duration lookBack = Duration.ZERO;
        private boolean fromBeginning;
        private Supplier<RuntimeException> diagnosis;
        private MeterRegistry meterRegistry;

        private Builder(String name, Supplier<Consumer<byte[], byte[]>> clients, List<String> topics,
                        Function<Consumer<byte[], byte[]>, Collection<TopicPartition>> assignment) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            this.clients = Objects.requireNonNull(clients, "clients");
            this.topics = topics;
            this.assignment = assignment;
        }

        public Builder pollTimeout(Duration d) {
            pollTimeout = positive("pollTimeout", d);
            return this;
        }

        public Builder busyPollTimeout(Duration d) {
            busyPollTimeout = positive("busyPollTimeout", d);
            return this;
        }

        public Builder maxInFlight(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1 but was " + n);
            }
            maxInFlight = n;
            return this;
        }

        public Builder closeTimeout(Duration d) {
            closeTimeout = nonNegative("closeTimeout", d);
            return this;
        }

        public Builder commitTimeout(Duration d) {
            commitTimeout = positive("commitTimeout", d);
            return this;
        }

        public Builder commitInterval(Duration d) {
            commitInterval = nonNegative("commitInterval", d);
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            positive("initial backoff", initial);
            positive("max backoff", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff " + max + " is below the initial " + initial);
            }
            initialBackoff = initial;
            maxBackoff = max;
            return this;
        }

        public Builder pinStartPositions(boolean pin) {
            pinStartPositions = pin;
            return this;
        }

        /** Assign mode: start this far back in time instead of at the ends; see {@link ConsumerLoopOptions#lookBack()}. */
        public Builder lookBack(Duration d) {
            lookBack = nonNegative("lookBack", d);
            return this;
        }

        /** Assign mode: start at the partitions' first records; see {@link ConsumerLoopOptions#fromBeginning()}. */
        public Builder fromBeginning(boolean b) {
            fromBeginning = b;
            return this;
        }

        public Builder diagnosis(Supplier<RuntimeException> d) {
            diagnosis = d;
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            meterRegistry = registry;
            return this;
        }

        public ConsumerLoopOptions build() {
            if (fromBeginning && assignment == null) {
                throw new IllegalArgumentException("fromBeginning is for assign mode; a group member starts at its "
                        + "committed offsets (auto.offset.reset for a new group)");
            }
            if (fromBeginning && !lookBack.isZero()) {
                throw new IllegalArgumentException("fromBeginning and a lookBack of " + lookBack + " exclude each other");
            }
            return new ConsumerLoopOptions(this);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be > 0 but was " + d);
            }
            return d;
        }

        private static Duration nonNegative(String what, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be >= 0 but was " + d);
            }
            return d;
        }
    }
}
