package io.kafkautility.internal.metrics;

import io.kafkautility.metrics.KafkaUtilityMetrics;
import io.kafkautility.metrics.MetricNames;
import io.kafkautility.producer.CircuitState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;

/** The pool's binder: library meters live in a composite registry that forwards to every bound registry. */
public final class DefaultKafkaUtilityMetrics implements KafkaUtilityMetrics {

    private final CompositeMeterRegistry composite = new CompositeMeterRegistry();
    // per-send meters, looked up once per tag combination instead of built and registered per message
    private final Map<Key, Counter> sentCounters = new ConcurrentHashMap<>();
    private final Map<Key, Counter> failedCounters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> latencies = new ConcurrentHashMap<>();

    private record Key(String a, String b, String c) {
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        composite.add(registry);
    }

    @Override
    public MeterRegistry registry() {
        return composite;
    }

    public void sent(String topic, String type, long nanos) {
        sentCounters.computeIfAbsent(new Key(topic, type, null), k -> Counter.builder(MetricNames.MESSAGES_SENT)
                .description("Messages acknowledged by the broker")
                .tags(MetricNames.TAG_TOPIC, topic, MetricNames.TAG_TYPE, type).register(composite)).increment();
        latency(topic, MetricNames.OUTCOME_SUCCESS, nanos);
    }

    public void failed(String topic, String type, String reason, long nanos) {
        failedCounters.computeIfAbsent(new Key(topic, type, reason), k -> Counter.builder(
                        MetricNames.MESSAGES_SEND_FAILED).description("Sends that failed")
                .tags(MetricNames.TAG_TOPIC, topic, MetricNames.TAG_TYPE, type, MetricNames.TAG_REASON, reason)
                .register(composite)).increment();
        latency(topic, MetricNames.OUTCOME_FAILURE, nanos);
    }

    private void latency(String topic, String outcome, long nanos) {
        latencies.computeIfAbsent(new Key(topic, outcome, null), k -> Timer.builder(MetricNames.SEND_LATENCY)
                .description("From send() to acknowledgement or failure")
                .tags(MetricNames.TAG_TOPIC, topic, MetricNames.TAG_OUTCOME, outcome)
                .register(composite)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void validationFailure(String topic, String type, String reason) {
        Counter.builder(MetricNames.VALIDATION_FAILURES).description("Messages rejected by validation")
                .tags(MetricNames.TAG_TOPIC, topic, MetricNames.TAG_TYPE, type, MetricNames.TAG_REASON, reason)
                .register(composite).increment();
    }

    public void retry(String topic) {
        Counter.builder(MetricNames.SEND_RETRIES).description("Re-attempts of sends that certainly did not reach the broker")
                .tags(MetricNames.TAG_TOPIC, topic).register(composite).increment();
    }

    public void circuitRejected(String breaker) {
        Counter.builder(MetricNames.CIRCUIT_REJECTED).description("Calls rejected by an open breaker")
                .tags(MetricNames.TAG_BREAKER, breaker).register(composite).increment();
    }

    public void circuitTransition(String breaker, CircuitState to) {
        Counter.builder(MetricNames.CIRCUIT_TRANSITIONS).description("Breaker state transitions")
                .tags(MetricNames.TAG_BREAKER, breaker, MetricNames.TAG_STATE, stateTag(to)).register(composite).increment();
    }

    /** Registers the state gauges of a breaker; the returned handle removes them. */
    public AutoCloseable registerBreaker(String breaker, Supplier<CircuitState> state) {
        List<Meter> meters = new ArrayList<>();
        for (CircuitState s : CircuitState.values()) {
            meters.add(Gauge.builder(MetricNames.CIRCUIT_STATE, state, st -> st.get() == s ? 1 : 0)
                    .description("1 for the breaker's current state, 0 otherwise")
                    .tags(MetricNames.TAG_BREAKER, breaker, MetricNames.TAG_STATE, stateTag(s))
                    .strongReference(true).register(composite));
        }
        return () -> meters.forEach(composite::remove);
    }

    /** Binds Kafka's own client metrics of a producer; the returned handle unbinds them. */
    public AutoCloseable bindKafkaClient(Producer<?, ?> producer) {
        KafkaClientMetrics kcm = new KafkaClientMetrics(producer);
        kcm.bindTo(composite);
        return kcm::close;
    }

    public static String stateTag(CircuitState s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }
}
