package io.kafkautility.benchmarks;

import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer throughput: a raw idempotent {@code KafkaProducer<byte[], byte[]>} sending pre-serialized 1 KiB events vs
 * kafka-utility's {@link MessageProducer} sending the same events as typed data (envelope + validation + metrics).
 */
final class ProducerBench {

    private final String bootstrap;
    private final int messages;

    ProducerBench(String bootstrap, int messages) {
        this.bootstrap = bootstrap;
        this.messages = messages;
    }

    /** Messages per second of one raw round with Kafka's client defaults (plus acks=all, idempotence). */
    double raw(String topic) throws Exception {
        return raw(topic, Map.of("bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", true));
    }

    /**
     * Messages per second of one raw round with exactly the Kafka settings the library's producer uses (its
     * defaults: batch size, linger, timeouts): the difference to {@link #ours} is then only the library's own work.
     */
    double rawWithLibrarySettings(String topic) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>(options().producerProperties());
        props.remove("key.serializer");
        props.remove("value.serializer");
        return raw(topic, props);
    }

    private ProducerOptions options() {
        return ProducerOptions.builder(KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build())
                .source("benchmark").build();
    }

    private double raw(String topic, Map<String, Object> props) throws Exception {
        EnvelopeCodec codec = EnvelopeCodec.create();
        byte[] value = Payloads.bytes(codec, 0);
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (int p = 0; p < partitions; p++) { // warm up: every partition has a producer state before timing
                producer.send(new ProducerRecord<>(topic, p, null, value)).get(60, TimeUnit.SECONDS);
            }
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, ("doc-" + i).getBytes(StandardCharsets.UTF_8),
                        value)));
            }
            for (var ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
            return messages / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** Messages per second of one kafka-utility round. */
    double ours(String topic) throws Exception {
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(options())) {
            for (int p = 0; p < 24; p++) { // warm up: keys spread over every partition before timing
                producer.send(topic, "warm-" + p, MessageTypes.DOCUMENT_PROCESSED, Payloads.data(0))
                        .get(60, TimeUnit.SECONDS);
            }
            // one typed payload for every send, as the raw side sends one pre-serialized value (each send still
            // gets its own envelope, id, validation and encoding)
            com.fasterxml.jackson.databind.JsonNode data = Payloads.data(0);
            long t0 = System.nanoTime();
            List<CompletableFuture<SendResult>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                acks.add(producer.send(topic, "doc-" + i, MessageTypes.DOCUMENT_PROCESSED, data));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            return messages / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
