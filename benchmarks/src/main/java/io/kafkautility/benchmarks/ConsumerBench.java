package io.kafkautility.benchmarks;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Consumer throughput over a pre-filled topic, each from the start with a fresh group and the library's Kafka
 * settings: kafka-utility's {@link MessageConsumer} (decode + validate + handler + commit) against a raw
 * {@code KafkaConsumer} reading bytes, a raw one with the decoding and validation a user would hand-write, and Spring
 * Kafka's listener container with its JSON deserializer.
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

    /** The library's Kafka consumer settings for a fresh group: every baseline reads with these. */
    private Map<String, Object> librarySettings(String group, String topic) {
        KafkaConnectionOptions connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
        Map<String, Object> props = new HashMap<>(ConsumerOptions.builder(connection, group, topic)
                .handler(MessageTypes.DOCUMENT_PROCESSED, (m, ctx) -> { }).build().consumerProperties());
        props.remove("key.deserializer");
        props.remove("value.deserializer");
        return props;
    }

    /** Raw kafka-clients with the library's settings reading bytes only: no decoding, a commitAsync per poll. */
    double raw(String topic) {
        return rawLoop(topic, "raw-", records -> { }, false);
    }

    /**
     * Raw kafka-clients with the library's settings plus what a user would hand-write: Jackson's {@code readTree}
     * and networknt's validation of the data against the event's schema on the poll thread, a commitSync per poll.
     */
    double rawDecodeAndValidate(String topic) {
        com.networknt.schema.JsonSchema schema = HandWritten.schema();
        ObjectMapper json = new ObjectMapper();
        return rawLoop(topic, "raw-validating-", records -> {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    JsonNode envelope = json.readTree(record.value());
                    if (!MessageTypes.DOCUMENT_PROCESSED.name().equals(envelope.path("type").asText())
                            || !schema.validate(envelope.path("data")).isEmpty()) {
                        throw new IllegalStateException("invalid record at offset " + record.offset());
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }, true);
    }

    private double rawLoop(String topic, String groupPrefix,
                           java.util.function.Consumer<ConsumerRecords<byte[], byte[]>> work, boolean commitSync) {
        Map<String, Object> props = librarySettings(groupPrefix + UUID.randomUUID(), topic);
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
                work.accept(records);
                count += records.count();
                if (!records.isEmpty()) {
                    if (commitSync) {
                        consumer.commitSync();
                    } else {
                        consumer.commitAsync();
                    }
                }
            }
            consumer.commitSync();
            return count / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Spring Kafka's listener container (what {@code @KafkaListener} runs) with its Jackson {@code JsonDeserializer}
     * to a {@code JsonNode}, the library's Kafka settings, Spring's default batch acknowledgement (a commit after
     * each poll's records) and no schema validation.
     */
    @SuppressWarnings("deprecation") // Spring Kafka 4's Jackson 2 deserializer: the project is on Jackson 2
    double spring(String topic) throws Exception {
        Map<String, Object> props = librarySettings("spring-" + UUID.randomUUID(), topic);
        var deserializer = new org.springframework.kafka.support.serializer.JsonDeserializer<>(JsonNode.class, false);
        var factory = new org.springframework.kafka.core.DefaultKafkaConsumerFactory<>(props,
                new org.apache.kafka.common.serialization.StringDeserializer(), deserializer);
        var containerProps = new org.springframework.kafka.listener.ContainerProperties(topic);
        AtomicLong handled = new AtomicLong();
        AtomicLong first = new AtomicLong();
        containerProps.setMessageListener((org.springframework.kafka.listener.MessageListener<String, JsonNode>) r -> {
            if (r.value() == null || !r.value().has("data")) {
                throw new IllegalStateException("not decoded at offset " + r.offset());
            }
            if (handled.getAndIncrement() == 0) {
                first.set(System.nanoTime());
            }
        });
        var container = new org.springframework.kafka.listener.KafkaMessageListenerContainer<>(factory, containerProps);
        container.setBeanName("spring-bench");
        container.start();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (handled.get() < messages && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            return handled.get() / ((System.nanoTime() - first.get()) / 1e9);
        } finally {
            container.stop();
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
