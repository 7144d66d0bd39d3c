package io.kafkautility.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The reply serde with a plain KafkaProducer / KafkaConsumer on a real broker and registry: a reply written by the
 * serializer (configured from {@code schema.registry.url}) reaches its WebSocket session through the
 * response consumer, and the deserializer reads the replies the library writes; garbage bytes fail as Kafka's
 * SerializationException.
 */
@KafkaTest
class RagResponseSerdeIT {

    @Test
    void aPlainProducerWithTheSerdeReachesTheSessionAndAPlainConsumerReadsTheLibrarysReplies(KafkaCluster cluster)
            throws Exception {
        try (ReplyFixture f = new ReplyFixture(cluster, b -> b, b -> b)) {
            TestConnection browser = f.open("serde-1");
            f.manager.beginQuestion("serde-1", "q-serde");
            Map<String, Object> p = cluster.clientProperties();
            // configured the way Kafka configures a serde it creates by class name
            RagResponseSerde serde = new RagResponseSerde();
            serde.configure(Map.of(RagResponseSerde.REGISTRY_URL_CONFIG, f.registryUrl), false);
            RagResponse reply = new RagResponse("serde-1", "q-serde", "answer through the serde",
                    List.of(new RagResponse.Source("doc-s", "Serde", 0.5)), RagResponse.Status.SUCCESS, null,
                    Instant.ofEpochMilli(System.currentTimeMillis()));
            try (KafkaProducer<String, RagResponse> plain = new KafkaProducer<>(p, new StringSerializer(),
                    serde.serializer())) {
                plain.send(new ProducerRecord<>(f.topic, "serde-1", reply)).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.answers().size() == 1);
            assertThat(browser.answers().get(0).path("answer").asText()).isEqualTo("answer through the serde");

            f.reply("other-session", "q-other"); // written by the library's encoder
            Map<String, Object> c = cluster.clientProperties();
            c.put(ConsumerConfig.GROUP_ID_CONFIG, TopicNames.unique("plain"));
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, RagResponse> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                    serde.deserializer())) {
                consumer.subscribe(List.of(f.topic));
                List<RagResponse> got = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                    return got.size() >= 2;
                });
                assertThat(got).contains(reply);
                assertThat(got).extracting(RagResponse::questionId).contains("q-other");
            }
            Throwable garbage = catchThrowable(() -> serde.deserializer().deserialize(f.topic, new byte[] {7, 1}));
            assertThat(garbage).isInstanceOf(SerializationException.class).hasMessageContaining("wrong_magic_byte");
        }
    }
}
