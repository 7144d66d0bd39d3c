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
    private final com.fasterxml.jackson.databind.JsonNode data;

    ProducerBench(String bootstrap, int messages) {
        this(bootstrap, messages, Payloads.data(0));
    }

    /** Sends {@code messages} events whose data is {@code data} (see {@link Payloads#dataOfSize}). */
    ProducerBench(String bootstrap, int messages, com.fasterxml.jackson.databind.JsonNode data) {
        this.bootstrap = bootstrap;
        this.messages = messages;
        this.data = data;
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
        byte[] value = codec.encode(io.kafkautility.message.Envelope.builder()
                .messageType(MessageTypes.DOCUMENT_PROCESSED).source("benchmark").data(data).build());
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (int p = 0; p < partitions; p++) { // warm up: every partition has a producer state before timing
                producer.send(new ProducerRecord<>(topic, p, null, value)).get(60, TimeUnit.SECONDS);
            }
            Cost cost = Cost.start();
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, ("doc-" + i).getBytes(StandardCharsets.UTF_8),
                        value)));
            }
            for (var ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
            return cost.rate("raw", topic, messages);
        }
    }

    /**
     * Messages per second of one raw round with the library's Kafka settings plus the work a user without the library
     * would hand-write to send the same event: a CloudEvents envelope as a Jackson tree (fresh {@code UUID} and time),
     * networknt validation of the data against the published schema, Jackson serialization, and the id, type and
     * content-type headers. The producer-side counterpart of the consumer's hand-written baseline.
     */
    double handWritten(String topic) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>(options().producerProperties());
        props.remove("key.serializer");
        props.remove("value.serializer");
        com.networknt.schema.JsonSchema schema = HandWritten.schema();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String type = MessageTypes.DOCUMENT_PROCESSED.name();
        String schemaId = MessageTypes.DOCUMENT_PROCESSED.schemaId();
        try (Producer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            int partitions = producer.partitionsFor(topic).size();
            for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>(topic, p, null, json.writeValueAsBytes(data))).get(60,
                        TimeUnit.SECONDS);
            }
            Cost cost = Cost.start();
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                if (!schema.validate(data).isEmpty()) {
                    throw new IllegalStateException("the benchmark's data is not valid");
                }
                String id = java.util.UUID.randomUUID().toString();
                com.fasterxml.jackson.databind.node.ObjectNode envelope = json.createObjectNode()
                        .put("specversion", "1.0").put("id", id).put("source", "benchmark").put("type", type)
                        .put("time", java.time.Instant.now().toString()).put("datacontenttype", "application/json")
                        .put("dataschema", schemaId);
                envelope.set("data", data);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                        ("doc-" + i).getBytes(StandardCharsets.UTF_8), json.writeValueAsBytes(envelope));
                record.headers().add(io.kafkautility.MessageHeaders.CONTENT_TYPE,
                        EnvelopeCodec.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
                record.headers().add(io.kafkautility.MessageHeaders.MESSAGE_ID, id.getBytes(StandardCharsets.UTF_8));
                record.headers().add(io.kafkautility.MessageHeaders.MESSAGE_TYPE, type.getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(record));
            }
            for (var ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
            return cost.rate("hand-written", topic, messages);
        }
    }

    /**
     * Messages per second of one round of Spring's {@code KafkaTemplate} with its Jackson {@code JsonSerializer}, given
     * the library's Kafka settings: each send builds the envelope a Spring user would hand-write (a fresh id, type,
     * source, time and the data) and the template serializes it; no schema validation.
     */
    @SuppressWarnings("deprecation") // Spring Kafka 4's Jackson 2 serializer: the project is on Jackson 2
    double spring(String topic) throws Exception {
        Map<String, Object> props = new java.util.HashMap<>(options().producerProperties());
        props.remove("key.serializer");
        props.remove("value.serializer");
        var factory = new org.springframework.kafka.core.DefaultKafkaProducerFactory<String, Object>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.springframework.kafka.support.serializer.JsonSerializer<>());
        try {
            var template = new org.springframework.kafka.core.KafkaTemplate<>(factory);
            for (int p = 0; p < 24; p++) {
                template.send(topic, "warm-" + p, springEnvelope(data)).get(60, TimeUnit.SECONDS);
            }
            Cost cost = Cost.start();
            List<CompletableFuture<?>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                acks.add(template.send(topic, "doc-" + i, springEnvelope(data)));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            return cost.rate("spring", topic, messages);
        } finally {
            factory.destroy();
        }
    }

    private static Map<String, Object> springEnvelope(com.fasterxml.jackson.databind.JsonNode data) {
        Map<String, Object> envelope = new java.util.LinkedHashMap<>();
        envelope.put("id", java.util.UUID.randomUUID().toString());
        envelope.put("type", MessageTypes.DOCUMENT_PROCESSED.name());
        envelope.put("source", "benchmark");
        envelope.put("time", java.time.Instant.now().toString());
        envelope.put("data", data);
        return envelope;
    }

    /** Messages per second of one kafka-utility round. */
    double ours(String topic) throws Exception {
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer producer = pool.newProducer(options())) {
            for (int p = 0; p < 24; p++) { // warm up: keys spread over every partition before timing
                producer.send(topic, "warm-" + p, MessageTypes.DOCUMENT_PROCESSED, data).get(60, TimeUnit.SECONDS);
            }
            // one typed payload for every send, as the raw side sends one pre-serialized value (each send still
            // gets its own envelope, id, validation and encoding)
            Cost cost = Cost.start();
            List<CompletableFuture<SendResult>> acks = new ArrayList<>(messages);
            for (int i = 0; i < messages; i++) {
                acks.add(producer.send(topic, "doc-" + i, MessageTypes.DOCUMENT_PROCESSED, data));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            return cost.rate("ours", topic, messages);
        }
    }

    /**
     * Wall time, the calling thread's CPU and the whole process's CPU over one round: printed per round, so a profile
     * shows whether a side is bound by its caller or by the process (broker and I/O threads included).
     */
    record Cost(long wallNanos, long callerCpuNanos, long processCpuNanos) {

        static Cost start() {
            return new Cost(System.nanoTime(), callerCpu(), RequestReplyBench.processCpuNanos());
        }

        private static long callerCpu() {
            return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }

        double rate(String side, String topic, int messages) {
            double seconds = (System.nanoTime() - wallNanos) / 1e9;
            System.out.printf("[bench] producer %s on %s: %.0f msg/s; CPU per event: %.1f us calling thread, %.1f us "
                            + "process%n", side, topic, messages / seconds,
                    (callerCpu() - callerCpuNanos) / 1e3 / messages,
                    (RequestReplyBench.processCpuNanos() - processCpuNanos) / 1e3 / messages);
            return messages / seconds;
        }
    }
}
