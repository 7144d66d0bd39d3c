package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@KafkaTest
class EmbeddedKafkaClusterIT {

    @Test
    void producesAndConsumesARecordOnTheSharedCluster(KafkaCluster cluster) throws Exception {
        String topic = TopicNames.unique("roundtrip");
        cluster.createTopic(topic, 1, (short) 1);
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = Clients.producer(cluster, Map.of());
                KafkaConsumer<String, String> consumer = Clients.consumer(cluster, TopicNames.unique("g"))) {
            RecordMetadata md = producer.send(new ProducerRecord<>(topic, "id-1", "hello")).get();
            assertThat(md.offset()).isZero();
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = Clients.consume(consumer, 1, Duration.ofSeconds(30));
            assertThat(got).extracting(ConsumerRecord::key, ConsumerRecord::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("id-1", "hello"));
        }
        System.out.printf("embedded round trip took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void sameSharedClusterIsInjectedEverywhere(KafkaCluster a, EmbeddedKafkaCluster b) {
        if (System.getenv(KafkaCluster.BOOTSTRAP_SERVERS_ENV) == null
                && System.getProperty(KafkaCluster.BOOTSTRAP_SERVERS_ENV) == null) {
            assertThat(a).isSameAs(b);
        }
        assertThat(b.brokerIds()).hasSize(1);
        assertThat(b.bootstrapServers()).isNotBlank();
    }

    @Test
    void externalClusterTalksToAnAddress(EmbeddedKafkaCluster embedded) throws Exception {
        try (KafkaCluster external = KafkaCluster.external(embedded.bootstrapServers(),
                Map.of("client.id", "external-test"))) {
            String topic = TopicNames.unique("external");
            external.createTopics(topic);
            try (KafkaProducer<String, String> producer = Clients.producer(external, Map.of());
                    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                            Map.of("bootstrap.servers", external.bootstrapServers(), "auto.offset.reset", "earliest",
                                    "group.id", TopicNames.unique("g")),
                            new StringDeserializer(), new StringDeserializer())) {
                producer.send(new ProducerRecord<>(topic, "k", "v")).get();
                consumer.subscribe(List.of(topic));
                assertThat(Clients.consume(consumer, 1, Duration.ofSeconds(30))).hasSize(1);
            }
            assertThat(external.clientProperties()).containsEntry("client.id", "external-test");
        }
    }
}
