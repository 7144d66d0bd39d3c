package io.kafkautility.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The consumer's opt-in failure handling and concurrency, measured: (1) the latency of healthy records while 1 % of
 * the records fail their first attempt, with retry topics (the partition goes on) and with in-place retries (the
 * partition waits the backoff), against a raw consumer polling the same records; (2) key-ordered concurrency:
 * throughput of a 5 ms handler on one partition with 1,000 keys at N = 1, 8 and 64 workers.
 */
final class ConsumerFeaturesBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final KafkaConnectionOptions connection;

    ConsumerFeaturesBench(String bootstrap) {
        this.bootstrap = bootstrap;
        this.connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
    }

    record Latencies(List<Double> rawMillis, List<Double> oursMillis, long retried) {
    }

    /**
     * {@code rate} events/s for {@code seconds} into {@code topic}; 1 % of them (every 100th) fail their first
     * attempt. Returns the record-timestamp-to-handler latency of the healthy records (after the first second) for
     * ours (configured by {@code failures}) and for a raw consumer reading the same records.
     */
    Latencies healthyLatency(String topic, int rate, int seconds, UnaryOperator<ConsumerOptions.Builder> failures)
            throws Exception {
        List<Double> ours = Collections.synchronizedList(new ArrayList<>());
        List<Double> raw = Collections.synchronizedList(new ArrayList<>());
        AtomicLong retried = new AtomicLong();
        long measureFrom = System.currentTimeMillis() + 1_000;
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bench")
                     .linger(Duration.ZERO).build());
             MessageConsumer consumer = MessageConsumer.create(failures.apply(ConsumerOptions.builder(connection,
                             TopicNames.unique("bench-g"), topic).pool(pool))
                     .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                         String id = m.data().path("documentId").asText();
                         if (c.attempt() == 1 && id.endsWith("00")) {
                             retried.incrementAndGet();
                             throw new IllegalStateException("downstream busy");
                         }
                         if (c.attempt() == 1 && c.timestamp().toEpochMilli() >= measureFrom) {
                             ours.add((double) (System.currentTimeMillis() - c.timestamp().toEpochMilli()));
                         }
                     }).build());
             KafkaConsumer<byte[], byte[]> rawConsumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                     "group.id", TopicNames.unique("bench-raw"), "auto.offset.reset", "latest"),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.start().ready().get(60, TimeUnit.SECONDS);
            rawConsumer.subscribe(List.of(topic));
            while (rawConsumer.assignment().isEmpty()) {
                rawConsumer.poll(Duration.ofMillis(100));
            }
            Thread rawThread = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (var r : rawConsumer.poll(Duration.ofMillis(50))) {
                            if (r.timestamp() >= measureFrom) {
                                raw.add((double) (System.currentTimeMillis() - r.timestamp()));
                            }
                        }
                    }
                } catch (org.apache.kafka.common.errors.InterruptException done) {
                    // the run is over
                }
            }, "raw-latency-baseline");
            rawThread.start();
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < rate * (seconds + 1); i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing the load
                }
                next += interval;
                String id = "doc-" + i;
                sends.add(producer.send(topic, id, MessageTypes.DOCUMENT_DELETED, JSON.createObjectNode()
                        .put("documentId", id).put("deletedAt", "2026-12-01T10:00:00Z")));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long expected = (long) rate * seconds - rate * seconds / 100;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((ours.size() < expected * 0.99 || raw.size() < expected * 0.99) && System.nanoTime() < deadline) {
                Thread.sleep(50); // the consumer works on its own threads; this only waits for it to catch up
            }
            rawThread.interrupt();
            rawThread.join(10_000);
        }
        return new Latencies(new ArrayList<>(raw), new ArrayList<>(ours), retried.get());
    }

    /** Records/s of a {@code handlerMillis} handler over {@code records} pre-filled records of 1,000 keys. */
    double keyOrderedThroughput(String topic, int records, int workers, int handlerMillis) throws Exception {
        try (KafkaClientPool pool = KafkaClientPool.create()) {
            try (MessageProducer producer = pool.newProducer(ProducerOptions.builder(connection).source("bench")
                    .build())) {
                List<CompletableFuture<?>> sends = new ArrayList<>();
                for (int i = 0; i < records; i++) {
                    sends.add(producer.send(topic, "key-" + (i % 1_000), MessageTypes.DOCUMENT_DELETED,
                            JSON.createObjectNode().put("documentId", "doc-" + i)
                                    .put("deletedAt", "2026-12-01T10:00:00Z")));
                }
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            }
            AtomicLong firstAt = new AtomicLong();
            AtomicLong lastAt = new AtomicLong();
            AtomicLong done = new AtomicLong();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection,
                            TopicNames.unique("bench-keyed"), topic).pool(pool).keyOrderedConcurrency(workers)
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                        firstAt.compareAndSet(0, System.nanoTime());
                        Thread.sleep(handlerMillis);
                        lastAt.set(System.nanoTime());
                        done.incrementAndGet();
                    }).build()).start()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (done.get() < records && System.nanoTime() < deadline) {
                    Thread.sleep(20); // waiting for the consumer's threads
                }
            }
            return (done.get() - 1) / ((lastAt.get() - firstAt.get()) / 1e9);
        }
    }
}
