package io.kafkautility.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkautility.testkit.junit.KafkaTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

@KafkaTest(brokers = 3, brokerProperties = "min.insync.replicas=2")
class MultiBrokerEmbeddedClusterIT {

    @Test
    void survivesOneBrokerDownAndRejectsWritesWithTwoDown(EmbeddedKafkaCluster cluster) throws Exception {
        assertThat(cluster.brokerIds()).hasSize(3);
        System.out.printf("3-broker embedded cluster started in %d ms%n", cluster.startupDuration().toMillis());
        String topic = TopicNames.unique("rf3");
        cluster.createTopics(new NewTopic(topic, 3, (short) 3));
        try (KafkaProducer<String, String> producer = Clients.producer(cluster,
                Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        5_000, ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            producer.send(new ProducerRecord<>(topic, "a", "1")).get(30, TimeUnit.SECONDS);

            cluster.shutdownBroker(1);
            assertThat(cluster.stoppedBrokers()).containsExactly(1);
            producer.send(new ProducerRecord<>(topic, "b", "2")).get(30, TimeUnit.SECONDS);

            cluster.shutdownBroker(2);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, 0, "c", "3")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    // before or after the leader appended, depending on when it saw the ISR shrink
                    .cause().isInstanceOfAny(NotEnoughReplicasException.class,
                            NotEnoughReplicasAfterAppendException.class);

            cluster.startBroker(1);
            cluster.startBroker(2);
            assertThat(cluster.stoppedBrokers()).isEmpty();
        }
        try (KafkaProducer<String, String> producer = Clients.producer(cluster, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "d", "4")).get(60, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = Clients.consumer(cluster, TopicNames.unique("g"))) {
            consumer.subscribe(List.of(topic));
            assertThat(Clients.consume(consumer, 3, Duration.ofSeconds(60)))
                    .extracting(r -> r.key()).containsExactlyInAnyOrder("a", "b", "d");
        }
    }
}
