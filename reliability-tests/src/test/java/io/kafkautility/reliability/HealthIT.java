package io.kafkautility.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.consumer.ConsumerOptions;
import io.kafkautility.consumer.MessageConsumer;
import io.kafkautility.health.Health;
import io.kafkautility.health.HealthStatus;
import io.kafkautility.health.KafkaHealth;
import io.kafkautility.message.MessageTypes;
import io.kafkautility.producer.KafkaClientPool;
import io.kafkautility.producer.MessageProducer;
import io.kafkautility.producer.ProducerOptions;
import io.kafkautility.testkit.BrokerProcessOptions;
import io.kafkautility.testkit.KafkaBrokerProcess;
import io.kafkautility.testkit.TopicNames;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/**
 * The health API driven through every state with a real broker process: DOWN before the consumer is assigned, UP,
 * DEGRADED while the consumer falls behind, DOWN with the broker paused (the breaker opens, the consumer loses its
 * coordinator), UP again once it is back; and the JSON a probe would serve.
 */
class HealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyStateIsReportedWithItsReason() throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.startNew(BrokerProcessOptions.defaults())) {
            String topic = TopicNames.unique("health");
            broker.createTopic(topic, 1, (short) 1);
            KafkaConnectionOptions kafka = KafkaConnectionOptions.builder().bootstrapServers(broker.bootstrapServers())
                    .build();
            CountDownLatch release = new CountDownLatch(1);
            try (KafkaClientPool pool = KafkaClientPool.create();
                 MessageProducer producer = pool.newProducer(ProducerOptions.builder(kafka).source("health-it")
                         .deliveryTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(2)).build());
                 MessageConsumer consumer = MessageConsumer.create(ConsumerOptions.builder(kafka,
                         TopicNames.unique("g"), topic).pool(pool).healthMaxLag(50)
                         .kafkaProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                         .handler(MessageTypes.DOCUMENT_DELETED, (m, c) -> {
                             if (m.data().path("documentId").asText().equals("block")) {
                                 release.await(120, TimeUnit.SECONDS);
                             }
                         }).build())) {
                KafkaHealth health = KafkaHealth.builder().producer("producer", producer)
                        .consumer("consumer", consumer).build();
                Health before = health.check();
                assertThat(before.status()).isEqualTo(HealthStatus.DOWN);
                assertThat(before.reasons()).contains("consumer: not started");
                print("not started", before);

                consumer.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> health.check().status() == HealthStatus.UP);
                print("running", health.check());

                // the handler blocks on one record while 200 more wait behind it: DEGRADED, with the lag
                send(producer, topic, "block");
                for (int i = 0; i < 200; i++) {
                    send(producer, topic, "doc-" + i);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> health.check().status() == HealthStatus.DEGRADED);
                Health lagging = health.check();
                assertThat(lagging.reasons()).anyMatch(r -> r.startsWith("consumer: falling behind"));
                print("lagging", lagging);
                release.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> health.check().status() == HealthStatus.UP);

                // the broker paused: sends fail until the breaker opens, the consumer hears nothing from its group
                broker.pause();
                try {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        producer.send(topic, "k", MessageTypes.DOCUMENT_DELETED, data("while-paused"));
                        Health h = health.check();
                        return h.components().stream().allMatch(c -> c.status() == HealthStatus.DOWN);
                    });
                    Health down = health.check();
                    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
                    assertThat(down.reasons()).anyMatch(r -> r.startsWith("producer: circuit breaker"))
                            .anyMatch(r -> r.contains("no heartbeat to its group coordinator")
                                    || r.contains("the brokers have not answered its log-end lookups"));
                    assertThat(down.isReady()).isFalse();
                    print("broker paused", down);
                } finally {
                    broker.resume();
                }
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    producer.send(topic, "k", MessageTypes.DOCUMENT_DELETED, data("after"));
                    return health.check().components().stream().noneMatch(c -> c.status() == HealthStatus.DOWN);
                });
                Health back = health.check();
                print("broker back", back);
                // what a probe serves: parseable, with every component and its details
                var json = JSON.readTree(back.toJson());
                assertThat(json.path("status").asText()).isIn("UP", "DEGRADED");
                assertThat(json.path("components")).hasSize(2);
                assertThat(json.path("components").get(0).path("details").path("breakerState").asText())
                        .isIn("CLOSED", "HALF_OPEN");
            }
        }
    }

    private static void send(MessageProducer producer, String topic, String documentId) throws Exception {
        producer.send(topic, documentId, MessageTypes.DOCUMENT_DELETED, data(documentId)).get(30, TimeUnit.SECONDS);
    }

    private static ObjectNode data(String documentId) {
        return JSON.createObjectNode().put("documentId", documentId).put("deletedAt", "2026-12-04T10:00:00Z");
    }

    private static void print(String state, Health h) {
        System.out.println("HEALTH " + state + ": " + h.toJson());
    }
}
