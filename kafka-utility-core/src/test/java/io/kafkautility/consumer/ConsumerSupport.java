package io.kafkautility.consumer;

import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.message.TestData;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers of the consumer integration tests. */
final class ConsumerSupport {

    static final EnvelopeCodec CODEC = EnvelopeCodec.create();

    private ConsumerSupport() {
    }

    static Envelope good(String id) {
        return Envelope.builder().id(id).source(TestData.SOURCE).messageType(MessageTypes.DOCUMENT_PROCESSED)
                .data(TestData.documentProcessed()).build();
    }

    static ProducerRecord<byte[], byte[]> record(String topic, Envelope e) {
        RecordHeaders h = new RecordHeaders();
        CODEC.headers(e).forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, e.id().getBytes(StandardCharsets.UTF_8), CODEC.encode(e), h);
    }

    static ProducerRecord<byte[], byte[]> raw(String topic, String value) {
        return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    static ConsumerOptions.Builder options(KafkaCluster cluster, String... topics) {
        return ConsumerOptions.builder().kafkaProperties(cluster.clientProperties()).topics(topics)
                .groupId(TopicNames.unique("group")).name("it");
    }

    static KafkaProducer<byte[], byte[]> producer(KafkaCluster cluster) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaCluster cluster, String topic, int expected,
                                                        Duration deadline) {
        Map<String, Object> p = cluster.clientProperties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long end = System.nanoTime() + deadline.toNanos();
            while (out.size() < expected && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static List<String> headers(ConsumerRecord<?, ?> r, String name) {
        List<String> values = new ArrayList<>();
        for (Header h : r.headers().headers(name)) {
            values.add(new String(h.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long committed(KafkaCluster cluster, String group, TopicPartition tp) throws Exception {
        try (Admin admin = cluster.admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
            return o == null ? -1 : o.offset();
        }
    }

    static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
