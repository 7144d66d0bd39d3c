package io.kafkautility.message;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.validation.DecodeResult;
import io.kafkautility.validation.MessageValidator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** CloudEvents Java SDK interoperability through a real broker: the SDK reads our records, we read the SDK's. */
@KafkaTest
class CloudEventsInteropIT {

    private final MessageValidator validator = MessageValidator.create();

    @Test
    void theSdkConsumesWhatWeProduce(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("ce-ours");
        cluster.createTopics(topic);
        Envelope e = CloudEventsInterop.ours();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(cluster), new StringSerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, "doc-42", validator.encodeValid(e));
            validator.codec().writeHeaders(e, record.headers());
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        CloudEventDeserializer sdk = new CloudEventDeserializer();
        sdk.configure(Map.of(), false);
        List<ConsumerRecord<String, CloudEvent>> got = consume(cluster, topic, sdk, 1);
        CloudEventsInterop.assertSdkSees(got.get(0).value(), e);
    }

    /** The library's producer in binary content mode: the SDK reads the event, and so do we. */
    @Test
    void theSdkConsumesWhatOurProducerWritesInBinaryModeAndSoDoWe(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("ce-binary");
        cluster.createTopics(topic);
        Envelope e = CloudEventsInterop.ours();
        io.kafkautility.config.KafkaConnectionOptions kafka = io.kafkautility.config.KafkaConnectionOptions.builder()
                .bootstrapServers(cluster.bootstrapServers()).build();
        try (io.kafkautility.producer.KafkaClientPool pool = io.kafkautility.producer.KafkaClientPool.create();
             io.kafkautility.producer.MessageProducer producer = pool.newProducer(
                     io.kafkautility.producer.ProducerOptions.builder(kafka).source("/rag/document-service")
                             .contentMode(ContentMode.BINARY).build())) {
            producer.send(topic, "doc-42", e).get(30, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, byte[]>> raw = consume(cluster, topic, new ByteArrayDeserializer(), 1);
        ConsumerRecord<String, byte[]> record = raw.get(0);
        assertThat(new String(record.headers().lastHeader("ce_specversion").value(), StandardCharsets.UTF_8))
                .isEqualTo("1.0");
        assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.value()))
                .as("the value is the data alone").isEqualTo(e.data());
        CloudEventDeserializer sdk = new CloudEventDeserializer();
        sdk.configure(Map.of(), false);
        CloudEventsInterop.assertSdkSees(sdk.deserialize(topic, record.headers(), record.value()), e);
        DecodeResult ours = validator.decode(record.value(), EnvelopeCodec.headerMap(record.headers()));
        assertThat(ours.isValid()).as(ours.toString()).isTrue();
        assertThat(ours.envelope().id()).isEqualTo(e.id());
        assertThat(ours.envelope().data()).isEqualTo(e.data());
        assertThat(ours.envelope().traceparent()).isEqualTo(e.traceparent());
    }

    @Test
    void weConsumeWhatTheSdkProducesInBothModes(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("ce-theirs");
        cluster.createTopics(topic);
        Map<String, CloudEvent> sent = new HashMap<>();
        for (String encoding : List.of("STRUCTURED", "BINARY")) {
            CloudEventSerializer serializer = new CloudEventSerializer();
            serializer.configure(CloudEventsInterop.serializerConfig(encoding), false);
            try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(producerProps(cluster), new StringSerializer(), serializer)) {
                CloudEvent event = CloudEventsInterop.theirs("sdk-" + encoding);
                producer.send(new ProducerRecord<>(topic, "sess-9", event)).get(30, TimeUnit.SECONDS);
                sent.put(event.getId(), event);
            }
        }
        List<ConsumerRecord<String, byte[]>> got = consume(cluster, topic, new ByteArrayDeserializer(), 2);
        for (ConsumerRecord<String, byte[]> record : got) {
            DecodeResult r = validator.decode(record.value(), io.kafkautility.message.EnvelopeCodec.headerMap(record.headers()));
            assertThat(r.isValid()).as(r.toString()).isTrue();
            CloudEventsInterop.assertWeSee(r.envelope(), sent.get(r.envelope().id()));
        }
        assertThat(got).extracting(rec -> validator.decode(rec.value(), EnvelopeCodec.headerMap(rec.headers())).envelope().id())
                .containsExactlyInAnyOrder("sdk-STRUCTURED", "sdk-BINARY");
    }

    private static Properties producerProps(KafkaCluster cluster) {
        Properties p = new Properties();
        p.putAll(cluster.clientProperties());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return p;
    }

    private static <V> List<ConsumerRecord<String, V>> consume(KafkaCluster cluster, String topic, Deserializer<V> valueDeserializer,
                                                                int expected) {
        Properties p = new Properties();
        p.putAll(cluster.clientProperties());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("ce-group"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), valueDeserializer)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        assertThat(records).hasSize(expected);
        return records;
    }
}
