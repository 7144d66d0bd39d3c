package io.kafkautility.internal.consumer;

import io.kafkautility.metrics.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A consumer's per-record meters, each built and registered once per tag combination (topic, type, reason or outcome:
 * a small, closed set) instead of once per record. Thread-safe.
 */
final class ConsumerMeters {

    private record Key(String name, String topic, String second, String third) {
    }

    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    ConsumerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void consumed(String topic, String type) {
        counter(new Key(MetricNames.CONSUMER_CONSUMED, topic, type, null), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic).tag(MetricNames.TAG_TYPE, type));
    }

    void validationFailure(String topic, String reason) {
        counter(new Key(MetricNames.CONSUMER_VALIDATION_FAILURES, topic, reason, null), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic).tag(MetricNames.TAG_REASON, reason));
    }

    void retry(String topic, String type) {
        counter(new Key(MetricNames.CONSUMER_RETRIES, topic, type, null), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic).tag(MetricNames.TAG_TYPE, type));
    }

    void deadLettered(String topic, String reason) {
        counter(new Key(MetricNames.CONSUMER_DEAD_LETTERED, topic, reason, null), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic).tag(MetricNames.TAG_REASON, reason));
    }

    void deadLetterFailure(String topic) {
        counter(new Key(MetricNames.CONSUMER_DEAD_LETTER_FAILURES, topic, null, null), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic));
    }

    void outcome(String topic, String type, String outcome) {
        counter(new Key(MetricNames.CONSUMER_RECORDS, topic, type, outcome), k -> Counter.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, topic).tag(MetricNames.TAG_TYPE, type)
                .tag(MetricNames.TAG_OUTCOME, outcome));
    }

    void processing(String topic, String type, long nanos) {
        timer(new Key(MetricNames.CONSUMER_PROCESSING_LATENCY, topic, type, null)).record(nanos, TimeUnit.NANOSECONDS);
    }

    void endToEnd(String topic, String type, Duration latency) {
        timer(new Key(MetricNames.CONSUMER_END_TO_END_LATENCY, topic, type, null)).record(latency);
    }

    private void counter(Key key, Function<Key, Counter.Builder> builder) {
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> builder.apply(k).register(registry));
        }
        c.increment();
    }

    private Timer timer(Key key) {
        Timer t = timers.get(key);
        return t != null ? t : timers.computeIfAbsent(key, k -> Timer.builder(k.name())
                .tag(MetricNames.TAG_TOPIC, k.topic()).tag(MetricNames.TAG_TYPE, k.second()).register(registry));
    }
}
