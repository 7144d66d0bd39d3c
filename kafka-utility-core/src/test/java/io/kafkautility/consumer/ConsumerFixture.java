package io.kafkautility.consumer;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.producer.SendResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Helpers of the consumer ITs: good and bad records, reading topics, committed offsets. */
final class ConsumerFixture implements AutoCloseable {

    final String bootstrap;
    final KafkaConnectionOptions connection;
    final KafkaClientPool pool;
    final MessageProducer producer;
    private final KafkaProducer<byte[], byte[]> raw;
    private final ObjectMapper json = new ObjectMapper();

    ConsumerFixture(String bootstrap) {
        this.bootstrap = bootstrap;
        this.connection = KafkaConnectionOptions.builder().bootstrapServers(bootstrap).build();
        this.pool = KafkaClientPool.create();
        this.producer = pool.newProducer(ProducerOptions.builder(connection).source("consumer-it").build());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A valid rag.document.deleted event for {@code documentId}. */
    CompletableFuture<SendResult> sendGood(String topic, String documentId) {
        ObjectNode data = json.createObjectNode().put("documentId", documentId)
                .put("deletedAt", "2026-11-22T10:00:00Z");
        return producer.send(topic, documentId, MessageTypes.DOCUMENT_DELETED, data);
    }

    /** Raw bytes under the CloudEvents content type, bypassing the library's producer-side validation. */
    void sendRaw(String topic, String value) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        r.headers().add(MessageHeaders.CONTENT_TYPE, "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        raw.send(r);
        raw.flush();
    }

    static String envelope(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + java.util.UUID.randomUUID() + "\",\"source\":\"it\",\"type\":\""
                + type + "\",\"datacontenttype\":\"application/json\",\"dataschema\":"
                + "\"https://kafkautility.io/schemas/" + type + ".v1.schema.json\",\"time\":\"2026-11-22T10:00:00Z\","
                + "\"data\":" + data + "}";
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new org.apache.kafka.common.serialization
                .ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }

    long committed(String group, String topic, int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata om = offsets.get(new TopicPartition(topic, partition));
            return om == null ? -1 : om.offset();
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static long headerCount(ConsumerRecord<byte[], byte[]> r, String key) {
        long n = 0;
        for (var h : r.headers().headers(key)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        raw.close();
        producer.close();
        pool.close();
    }
}
