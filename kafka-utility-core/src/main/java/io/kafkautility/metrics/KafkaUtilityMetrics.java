package io.kafkautility.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The one Micrometer binder of kafka-utility: every meter of a {@link io.kafkautility.producer.KafkaClientPool}
 * (library meters named in {@link MetricNames}, plus Kafka's own client metrics of its producers) becomes visible in
 * each registry bound here.
 *
 * <pre>{@code
 * PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * pool.metrics().bindTo(prometheus);
 * }</pre>
 *
 * <p>One instance per pool (no static state); obtained from the pool, never created by users. Thread-safe. Meters
 * recorded before a registry is bound appear in it from then on. Closed with its pool.
 */
public interface KafkaUtilityMetrics extends MeterBinder {

    /**
     * The registry library components record into (a composite forwarding to every bound registry). Components of
     * kafka-utility (consumer, request-reply) register their meters here, named in {@link MetricNames}.
     */
    MeterRegistry registry();
}
