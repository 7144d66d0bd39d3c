package io.kafkautility.deadletter;

import io.kafkautility.config.ConfigurationException;
import io.kafkautility.config.KafkaConnectionOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Settings of a {@link DeadLetterReplay}: the connection, the dead-letter topic, how dead-letter topics are named (to
 * decide which original topics a record may go back to; {@code <topic>.DLT} by default, as the consumer's), the
 * ledger topic ({@code <dead-letter topic>.replayed}) and the timeout of each Kafka request. Immutable.
 */
public final class DeadLetterReplayOptions {

    private final KafkaConnectionOptions connection;
    private final String deadLetterTopic;
    private final UnaryOperator<String> deadLetterNaming;
    private final String ledgerTopic;
    private final Duration timeout;

    private DeadLetterReplayOptions(Builder b) {
        this.connection = b.connection;
        this.deadLetterTopic = b.deadLetterTopic;
        this.deadLetterNaming = b.deadLetterNaming;
        this.ledgerTopic = b.ledgerTopic != null ? b.ledgerTopic : b.deadLetterTopic + ".replayed";
        this.timeout = b.timeout;
    }

    public static Builder builder(KafkaConnectionOptions connection, String deadLetterTopic) {
        return new Builder(connection, deadLetterTopic);
    }

    public KafkaConnectionOptions connection() {
        return connection;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Whether a record of this dead-letter topic may go back to {@code originalTopic}. */
    public boolean isOriginOf(String originalTopic) {
        return originalTopic != null && !originalTopic.isBlank()
                && deadLetterTopic.equals(deadLetterNaming.apply(originalTopic));
    }

    public String ledgerTopic() {
        return ledgerTopic;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public String toString() {
        return "DeadLetterReplayOptions{deadLetterTopic=" + deadLetterTopic + ", ledgerTopic=" + ledgerTopic
                + ", timeout=" + timeout + ", connection=" + connection + "}";
    }

    /** Builds {@link DeadLetterReplayOptions}. Not thread-safe. */
    public static final class Builder {
        private final KafkaConnectionOptions connection;
        private final String deadLetterTopic;
        private UnaryOperator<String> deadLetterNaming = topic -> topic + ".DLT";
        private String ledgerTopic;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder(KafkaConnectionOptions connection, String deadLetterTopic) {
            this.connection = Objects.requireNonNull(connection, "connection");
            if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
                throw new ConfigurationException("deadLetterTopic must not be blank but was '" + deadLetterTopic
                        + "'");
            }
            this.deadLetterTopic = deadLetterTopic;
        }

        /** How the consumers name dead-letter topics; {@code <topic>.DLT} by default. */
        public Builder deadLetterNaming(UnaryOperator<String> naming) {
            this.deadLetterNaming = Objects.requireNonNull(naming, "naming");
            return this;
        }

        /** The compacted topic recording what was replayed; {@code <dead-letter topic>.replayed} by default. */
        public Builder ledgerTopic(String topic) {
            if (topic == null || topic.isBlank() || topic.equals(deadLetterTopic)) {
                throw new ConfigurationException("ledgerTopic must be a topic other than the dead-letter topic but "
                        + "was '" + topic + "'");
            }
            this.ledgerTopic = topic;
            return this;
        }

        /** Timeout of each Kafka request; 30 s by default; must be > 0. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new ConfigurationException("timeout must be > 0 but was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        public DeadLetterReplayOptions build() {
            return new DeadLetterReplayOptions(this);
        }
    }
}
