package io.kafkautility.producer;

import io.kafkautility.internal.pool.DefaultKafkaClientPool;
import io.kafkautility.metrics.KafkaUtilityMetrics;
import io.kafkautility.validation.MessageValidator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The process's Kafka clients context: shares one {@code KafkaProducer} (with one circuit breaker) per cluster
 * connection among all {@link MessageProducer}s created from it, holds the shared {@link MessageValidator} and the
 * {@link KafkaUtilityMetrics} binder.
 *
 * <p>Create one per application (never a static singleton), pass it to whatever needs Kafka, close it on shutdown.
 * Sharing is reference-counted: a shared Kafka producer is created by the first {@link MessageProducer} of its settings
 * and closed when the last one is closed. {@link #close()} closes every producer still open (each bounded by its
 * close timeout), so it returns in bounded time even when the cluster is down; every pending send future is then
 * completed (exceptionally).
 *
 * <p>Thread-safe. Owns a daemon scheduler thread for retry backoff.
 */
public interface KafkaClientPool extends AutoCloseable {

    /** A pool with default settings. */
    static KafkaClientPool create() {
        return builder().build();
    }

    /** A builder for a pool. */
    static Builder builder() {
        return new Builder();
    }

    /** The pool's name (used in breaker and thread names). */
    String name();

    /**
     * A new producer sharing the Kafka producer of equal settings; see {@link MessageProducer#create}.
     *
     * @throws io.kafkautility.KafkaUtilityException if this pool is closed or the Kafka producer cannot be created
     */
    MessageProducer newProducer(ProducerOptions options);

    /** The metrics binder of this pool. */
    KafkaUtilityMetrics metrics();

    /** The validator shared by this pool's producers (created on first use from the standard catalog). */
    MessageValidator validator();

    /**
     * The tracing of this pool's producers, and by default of the consumers, request-reply clients and responders
     * created with it ({@link io.kafkautility.tracing.KafkaTracing#noop()} unless set).
     */
    io.kafkautility.tracing.KafkaTracing tracing();

    /** Number of shared Kafka producers currently open. */
    int sharedProducerCount();

    /**
     * The health of the pool's shared producers, the ones every typed client and {@link MessageProducer} of it sends
     * through: DOWN while a circuit breaker is open (the brokers refused or timed out sends), DEGRADED while one is
     * half-open or after a send failed in the last minute, UP otherwise (also with no producer yet). Details: each
     * producer's breaker and state. Cheap; thread-safe.
     */
    io.kafkautility.health.Health health();

    /** Closes every shared Kafka producer and the scheduler. Idempotent; bounded in time. */
    @Override
    void close();

    /** Builds a {@link KafkaClientPool}. Not thread-safe. */
    final class Builder {
        private String name = "kafka-utility";
        private Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory = KafkaProducer::new;
        private Supplier<MessageValidator> validator = MessageValidator::create;
        private io.kafkautility.tracing.KafkaTracing tracing = io.kafkautility.tracing.KafkaTracing.noop();

        private Builder() {
        }

        /**
         * Spans through OpenTelemetry for every producer of the pool and, by default, every consumer and request-reply
         * part created with it: {@code KafkaTracing.of(openTelemetry)}. No-op by default.
         */
        public Builder tracing(io.kafkautility.tracing.KafkaTracing tracing) {
            this.tracing = Objects.requireNonNull(tracing, "tracing");
            return this;
        }

        /** The pool's name; {@code kafka-utility} by default. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new io.kafkautility.config.ConfigurationException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * The only place Kafka producers are created (a seam for tests, e.g. {@code MockProducer}). Default
         * {@code KafkaProducer::new}.
         */
        public Builder producerFactory(Function<Map<String, Object>, Producer<byte[], byte[]>> factory) {
            this.producerFactory = Objects.requireNonNull(factory, "producerFactory");
            return this;
        }

        /** The validator shared by the pool's producers; default {@link MessageValidator#create()} on first use. */
        public Builder validator(MessageValidator validator) {
            Objects.requireNonNull(validator, "validator");
            this.validator = () -> validator;
            return this;
        }

        /** Builds the pool. */
        public KafkaClientPool build() {
            return new DefaultKafkaClientPool(name, producerFactory, validator, java.time.Clock.systemUTC(), tracing);
        }
    }
}
