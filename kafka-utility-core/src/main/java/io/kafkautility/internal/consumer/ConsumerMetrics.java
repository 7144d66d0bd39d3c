package io.kafkautility.internal.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

import static io.kafkautility.metrics.MetricNames.*;

/** The consumer's meters; no-ops without a registry. Tags are bounded (topic, known type, outcome, reason). */
final class ConsumerMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final String client;

    ConsumerMetrics(MeterRegistry registry, String client) {
        this.registry = registry;
        this.client = client;
    }

    void consumed(String topic, String type) {
        count(MESSAGES_CONSUMED, TAG_TOPIC, topic, TAG_TYPE, type);
    }

    void processed(String topic, String type, String outcome) {
        count(MESSAGES_PROCESSED, TAG_TOPIC, topic, TAG_TYPE, type, TAG_OUTCOME, outcome);
    }

    void deadLettered(String topic, String type, String reason) {
        count(MESSAGES_DEAD_LETTERED, TAG_TOPIC, topic, TAG_TYPE, type, TAG_REASON, reason);
    }

    void validationFailure(String topic, String reason) {
        count(VALIDATION_FAILURES, TAG_TOPIC, topic, TAG_TYPE, "unknown", TAG_REASON, reason);
    }

    void deadLetterPublishFailure(String topic) {
        count(DEAD_LETTER_PUBLISH_FAILURES, TAG_TOPIC, topic);
    }

    void retry(String topic, String type) {
        count(CONSUMER_RETRIES, TAG_TOPIC, topic, TAG_TYPE, type);
    }

    void reconnect() {
        count(CONSUMER_RECONNECTS);
    }

    void processingLatency(String topic, String type, String outcome, long nanos) {
        if (registry != null) {
            Timer t = Timer.builder(PROCESSING_LATENCY).tag(TAG_CLIENT, client).tags(TAG_TOPIC, topic, TAG_TYPE, type,
                    TAG_OUTCOME, outcome).register(registry);
            t.record(Duration.ofNanos(nanos));
        }
    }

    void endToEnd(String topic, String type, Duration latency) {
        if (registry != null && !latency.isNegative()) {
            Timer t = Timer.builder(END_TO_END_LATENCY).tag(TAG_CLIENT, client).tags(TAG_TOPIC, topic, TAG_TYPE, type)
                    .register(registry);
            t.record(latency);
        }
    }

    private void count(String name, String... tags) {
        if (registry != null) {
            Counter c = Counter.builder(name).tag(TAG_CLIENT, client).tags(tags).register(registry);
            c.increment();
        }
    }

    @Override
    public void close() {
        // meters stay registered so the final counts can still be scraped; nothing to release
    }
}
