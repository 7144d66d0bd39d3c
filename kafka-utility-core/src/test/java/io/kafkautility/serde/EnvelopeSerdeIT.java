package io.kafkautility.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The envelope serde with a plain KafkaProducer / KafkaConsumer on a real broker: what it writes is what the library's
 * producer writes (the same value bytes and headers for the same envelope) and the library's consumer handles it; what
 * the library writes it reads; an invalid envelope is refused before it is sent.
 */
@KafkaTest
class EnvelopeSerdeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Envelope deleted(String documentId) {
        ObjectNode data = JSON.createObjectNode().put("documentId", documentId).put("deletedAt",
                "2026-12-04T10:00:00Z");
        return Envelope.builder().messageType(MessageTypes.DOCUMENT_DELETED).source("serde-it").subject(documentId)
                .time(Instant.parse("2026-12-04T10:00:01Z")).data(data).build();
    }

    @Test
    void aPlainProducerWithTheSerdeWritesWhatTheLibraryWritesAndEachSideReadsTheOther(KafkaCluster cluster)
            throws Exception {
        String topic = TopicNames.unique("serde");
        cluster.createTopic(topic, 1, (short) 1);
        KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers())
                .build();
        Envelope same = deleted("doc-same");
        Map<String, Object> p = cluster.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EnvelopeSerde.EnvelopeSerializer.class); // by class name
        try (KafkaClientPool pool = KafkaClientPool.create();
             MessageProducer library = pool.newProducer(ProducerOptions.builder(kafka).source("serde-it").build());
             KafkaProducer<String, Envelope> plain = new KafkaProducer<>(p)) {
            library.send(topic, "doc-same", same).get(30, TimeUnit.SECONDS);
            plain.send(new ProducerRecord<>(topic, "doc-same", same)).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                plain.send(new ProducerRecord<>(topic, "doc-" + i, deleted("doc-" + i)));
            }
            plain.flush();

            // an invalid envelope never leaves the producer
            ObjectNode bad = JSON.createObjectNode().put("documentId", "doc-bad"); // deletedAt is required
            Envelope invalid = Envelope.builder().messageType(MessageTypes.DOCUMENT_DELETED).source("serde-it")
                    .data(bad).build();
            Throwable refused = catchThrowable(() -> plain.send(new ProducerRecord<>(topic, "doc-bad", invalid)));
            assertThat(refused).isInstanceOf(SerializationException.class).hasMessageContaining("deletedAt");

            // the raw records: the library's and the serde's are the same bytes and the same headers
            List<ConsumerRecord<byte[], byte[]>> raw = read(cluster, topic, 12);
            assertThat(raw.get(1).value()).isEqualTo(raw.get(0).value());
            assertThat(headers(raw.get(1))).isEqualTo(headers(raw.get(0)));
            System.out.println("SERDE library and serde records identical: " + headers(raw.get(0)).keySet());

            // the library's consumer handles every record the plain producer wrote
            List<String> handled = new CopyOnWriteArrayList<>();
            try (MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(kafka,
                    TopicNames.unique("g"), topic).pool(pool)
                    .kafkaProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                    .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> handled.add(m.data().path("documentId")
                            .asText())).build()).start()) {
                // the same id twice: the second copy is a duplicate of the first for the consumer's dedup window
                await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() >= 11);
            }
            assertThat(handled).contains("doc-same").contains("doc-0", "doc-9");

            // a plain consumer with the deserializer reads what the library wrote
            Map<String, Object> c = cluster.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("plain"));
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    new EnvelopeSerde().deserializer())) {
                consumer.subscribe(List.of(topic));
                List<Envelope> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                    return got.size() >= 12;
                });
                assertThat(got.get(0).id()).isEqualTo(same.id());
                assertThat(got.get(0).type()).isEqualTo(MessageTypes.DOCUMENT_DELETED.name());
                assertThat(got.get(0).data()).isEqualTo(same.data());
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaCluster cluster, String topic, int n) {
        Map<String, Object> c = cluster.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("raw"));
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= n;
            });
            return out;
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> m = new TreeMap<>();
        for (Header h : r.headers()) {
            m.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return m;
    }
}
