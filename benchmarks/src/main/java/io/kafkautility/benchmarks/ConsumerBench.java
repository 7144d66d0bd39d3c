package io.kafkautility.benchmarks;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Consumer throughput over a pre-filled topic: a raw {@code KafkaConsumer} reading bytes vs kafka-utility's
 * {@link MessageConsumer} (decode + validate + handler + commit), each from the start with a fresh group.
 */
final class ConsumerBench {

    private final String bootstrap;
    private final int messages;

    ConsumerBench(String bootstrap, int messages) {
        this.bootstrap = bootstrap;
        this.messages = messages;
    }

    void fill(String topic) throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.create();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 20, "batch.size", 262_144), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < messages; i++) {
                var envelope = Payloads.envelope(i);
                RecordHeaders headers = new RecordHeaders();
                codec.writeHeaders(envelope, headers);
                producer.send(new ProducerRecord<>(topic, null, ("doc-" + i).getBytes(StandardCharsets.UTF_8),
                        codec.encode(envelope), headers));
            }
            producer.flush();
        }
    }

    double raw(String topic) {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "group.id", "raw-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest", "enable.auto.commit", false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long count = 0;
            long t0 = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (count < messages && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (t0 == 0 && !records.isEmpty()) {
                    t0 = System.nanoTime();
                }
                count += records.count();
                if (!records.isEmpty()) {
                    consumer.commitAsync();
                }
            }
            consumer.commitSync();
            return count / ((System.nanoTime() - t0) / 1e9);
        }
    }

    double ours(String topic) throws Exception {
        AtomicLong handled = new AtomicLong();
        AtomicLong first = new AtomicLong();
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(connection,
                     "ours-" + UUID.randomUUID(), topic).pool(pool)
                     .handler(MessageTypes.DOCUMENT_PROCESSED, (m, ctx) -> {
                         if (handled.getAndIncrement() == 0) {
                             first.set(System.nanoTime());
                         }
                     }).build())) {
            consumer.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (consumer.completedCount() < messages && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            return consumer.completedCount() / ((System.nanoTime() - first.get()) / 1e9);
        }
    }
}
