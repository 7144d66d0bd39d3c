package io.kafkautility.internal.pool;

import io.kafkautility.KafkaUtilityException;
import io.kafkautility.internal.metrics.DefaultKafkaUtilityMetrics;
import io.kafkautility.internal.producer.DefaultMessageProducer;
import io.kafkautility.internal.producer.SendFailures;
import io.kafkautility.internal.producer.SharedProducer;
import io.kafkautility.metrics.KafkaUtilityMetrics;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.validation.MessageValidator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reference-counted shared producers, keyed by their settings. */
public final class DefaultKafkaClientPool implements KafkaClientPool {

    private static final Logger log = LoggerFactory.getLogger(DefaultKafkaClientPool.class);

    private final String name;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory;
    private final Supplier<MessageValidator> validatorFactory;
    private final DefaultKafkaUtilityMetrics metrics = new DefaultKafkaUtilityMetrics();
    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<Object, SharedProducer> shared = new HashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Clock clock;
    private final io.kafkautility.tracing.KafkaTracing tracing;
    private volatile MessageValidator validator;
    private boolean closed;

    public DefaultKafkaClientPool(String name, Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory,
                                  Supplier<MessageValidator> validatorFactory) {
        this(name, producerFactory, validatorFactory, Clock.systemUTC(), io.kafkautility.tracing.KafkaTracing.noop());
    }

    public DefaultKafkaClientPool(String name, Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory,
                                  Supplier<MessageValidator> validatorFactory, Clock clock) {
        this(name, producerFactory, validatorFactory, clock, io.kafkautility.tracing.KafkaTracing.noop());
    }

    public DefaultKafkaClientPool(String name, Function<Map<String, Object>, Producer<byte[], byte[]>> producerFactory,
                                  Supplier<MessageValidator> validatorFactory, Clock clock,
                                  io.kafkautility.tracing.KafkaTracing tracing) {
        this.tracing = tracing;
        this.name = name;
        this.producerFactory = producerFactory;
        this.validatorFactory = validatorFactory;
        this.clock = clock;
        // a task scheduled after shutdown runs at once: it then sees the producer closed and completes its future
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "kafka-utility-" + name + "-retry");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> task.run());
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public io.kafkautility.tracing.KafkaTracing tracing() {
        return tracing;
    }

    @Override
    public MessageProducer newProducer(ProducerOptions options) {
        Objects.requireNonNull(options, "options");
        MessageValidator v = options.validator().orElseGet(this::validator);
        SharedProducer sp;
        synchronized (this) {
            if (closed) {
                throw new KafkaUtilityException("KafkaClientPool '" + name + "' is closed");
            }
            Object key = options.sharingKey();
            sp = shared.get(key);
            if (sp == null) {
                Producer<byte[], byte[]> producer;
                try {
                    producer = producerFactory.apply(options.producerProperties());
                } catch (RuntimeException e) {
                    throw new KafkaUtilityException("cannot create a Kafka producer for " + options.connection().describeCluster()
                            + ": " + SendFailures.describe(e), e);
                }
                String breakerName = name + ".producer." + sequence.incrementAndGet();
                sp = new SharedProducer(breakerName, producer, options, scheduler, metrics, clock);
                shared.put(key, sp);
                log.info("created shared Kafka producer '{}' for {}", breakerName, options.connection().describeCluster());
            }
            sp.retain();
        }
        return new DefaultMessageProducer(this, sp, options, v, metrics);
    }

    /** Called by a MessageProducer's close: the last user closes the shared producer. */
    public void release(SharedProducer sp) {
        boolean last = false;
        synchronized (this) {
            if (sp.releaseReference() <= 0) {
                shared.values().remove(sp);
                last = true;
            }
        }
        if (last) {
            sp.close();
        }
    }

    @Override
    public KafkaUtilityMetrics metrics() {
        return metrics;
    }

    @Override
    public MessageValidator validator() {
        MessageValidator v = validator;
        if (v == null) {
            synchronized (this) {
                if (validator == null) {
                    validator = validatorFactory.get();
                }
                v = validator;
            }
        }
        return v;
    }

    @Override
    public io.kafkautility.health.Health health() {
        List<SharedProducer> producers;
        synchronized (this) {
            producers = new ArrayList<>(shared.values());
        }
        io.kafkautility.health.HealthStatus status = closed ? io.kafkautility.health.HealthStatus.DOWN
                : io.kafkautility.health.HealthStatus.UP;
        List<String> reasons = new ArrayList<>();
        if (closed) {
            reasons.add("closed");
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("sharedProducers", producers.size());
        for (SharedProducer sp : producers) {
            io.kafkautility.health.Health h = sp.health(sp.name(), java.time.Duration.ofSeconds(60));
            status = status.worst(h.status());
            reasons.addAll(h.reasons());
            details.put(sp.name(), h.details().get("breakerState"));
        }
        return io.kafkautility.health.Health.of("pool " + name, status, reasons, details);
    }

    @Override
    public synchronized int sharedProducerCount() {
        return shared.size();
    }

    @Override
    public void close() {
        List<SharedProducer> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(shared.values());
            shared.clear();
        }
        toClose.parallelStream().forEach(SharedProducer::close);
        scheduler.shutdown();
    }

    @Override
    public String toString() {
        return "KafkaClientPool{name=" + name + ", sharedProducers=" + sharedProducerCount() + '}';
    }
}
