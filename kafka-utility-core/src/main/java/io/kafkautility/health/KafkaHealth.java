package io.kafkautility.health;

import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.producer.MessageProducer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A service's Kafka health: its producers, consumers and anything else with a {@link HealthCheck}, aggregated into one
 * {@link Health} (DOWN if any part is DOWN, else DEGRADED if any is, else UP) for a liveness/readiness endpoint. No
 * framework dependency: serve {@link Health#toJson()} from whatever HTTP server the service has (the example UI
 * backend does at {@code /health}).
 *
 * <pre>{@code
 * KafkaHealth health = KafkaHealth.builder().producer("producer", producer).consumer("indexer", consumer)
 *         .check("ui-replies", responseConsumer::health).build();
 * Health now = health.check();   // now.status(), now.reasons(), now.toJson()
 * }</pre>
 *
 * <p>Immutable and thread-safe; owns nothing (closing the components is their owner's job).
 */
public final class KafkaHealth implements HealthCheck {

    private final Map<String, HealthCheck> checks;

    private KafkaHealth(Map<String, HealthCheck> checks) {
        this.checks = Map.copyOf(checks);
        this.order = List.copyOf(checks.keySet());
    }

    private final List<String> order;

    public static Builder builder() {
        return new Builder();
    }

    /** Every part's health now, and the aggregate. A check that throws counts as DOWN with its exception's class. */
    @Override
    public Health check() {
        List<Health> parts = new ArrayList<>();
        HealthStatus status = HealthStatus.UP;
        List<String> reasons = new ArrayList<>();
        for (String name : order) {
            Health h;
            try {
                h = checks.get(name).check();
            } catch (RuntimeException e) {
                h = Health.of(name, HealthStatus.DOWN, List.of("health check failed: " + e.getClass().getSimpleName()),
                        Map.of());
            }
            parts.add(h);
            status = status.worst(h.status());
            for (String r : h.reasons()) {
                reasons.add(name + ": " + r);
            }
        }
        return new Health("kafka", status, reasons, Map.of(), parts);
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final Map<String, HealthCheck> checks = new LinkedHashMap<>();

        private Builder() {
        }

        /** A producer: DOWN while its circuit breaker is open or it is closed, DEGRADED after a recent failure. */
        public Builder producer(String name, MessageProducer producer) {
            Objects.requireNonNull(producer, "producer");
            return check(name, producer::health);
        }

        /** A consumer: DOWN until assigned, when stopped or cut off from its group; DEGRADED when falling behind. */
        public Builder consumer(String name, MessageConsumer consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return check(name, consumer::health);
        }

        /** Any other part, e.g. {@code responseConsumer::health}. */
        public Builder check(String name, HealthCheck check) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank but was '" + name + "'");
            }
            Objects.requireNonNull(check, "check");
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("a check named '" + name + "' was already added");
            }
            return this;
        }

        public KafkaHealth build() {
            return new KafkaHealth(checks);
        }
    }
}
