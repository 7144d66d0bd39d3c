package io.kafkautility.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkautility.MessageHeaders;
import io.kafkautility.config.KafkaConnectionOptions;
import io.kafkautility.internal.producer.TestMessages;
import io.kafkautility.message.Envelope;
import io.kafkautility.message.EnvelopeCodec;
import io.kafkautility.testkit.KafkaCluster;
import io.kafkautility.testkit.TopicNames;
import io.kafkautility.testkit.fault.LogDrainer;
import io.kafkautility.testkit.junit.KafkaTest;
import io.kafkautility.validation.MessageValidationException;
import io.kafkautility.validation.MessageValidator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** MessageProducer against a real (embedded KRaft) broker. */
@KafkaTest
class MessageProducerIT {

    private static final MessageValidator VALIDATOR = MessageValidator.create();

    private final KafkaCluster cluster;
    private KafkaClientPool pool;
    private KafkaConnectionOptions connection;

    MessageProducerIT(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeEach
    void createPool() {
        pool = KafkaClientPool.builder().name("it").validator(VALIDATOR).build();
        connection = KafkaConnectionOptions.builder().bootstrapServers(cluster.bootstrapServers()).clientId("producer-it").build();
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> p = new HashMap<>(cluster.clientProperties());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(p);
    }

    private List<Envelope> readAll(String topic) {
        List<Envelope> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            LogDrainer.drain(c, topic, Duration.ofSeconds(30), r -> {
                Map<String, String> headers = EnvelopeCodec.headerMap(r.headers());
                out.add(VALIDATOR.decode(r.value(), headers).envelope());
            });
        }
        return out;
    }

    /**
     * Creates a topic and waits until every partition's leader serves requests (ListOffsets), not only until metadata
     * names a leader: a burst to a partition whose leader is not yet serving gets NOT_LEADER_OR_FOLLOWER on the first
     * batch while later batches are appended, after which Kafka's idempotent producer retries that first batch with
     * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms (seen on Kafka 4.1.0; reported as AMBIGUOUS).
     */
    private void createReadyTopic(String topic, int partitions) {
        cluster.createTopic(topic, partitions, (short) 1);
        try (Admin admin = cluster.admin()) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> admin.listOffsets(specs).all().get(5, TimeUnit.SECONDS).size() == partitions);
        }
    }

    @Test
    void producesValidatedEnvelopesThatARealConsumerDecodes() {
        String topic = TopicNames.unique("produce");
        createReadyTopic(topic, 3);
        try (MessageProducer producer = MessageProducer.create(pool, ProducerOptions.of(connection))) {
            List<CompletableFuture<SendResult>> futures = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Envelope e = TestMessages.valid("doc-" + i);
                ids.add(e.id());
                futures.add(producer.send(topic, "doc-" + i, e));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
            for (int i = 0; i < futures.size(); i++) {
                SendResult r = futures.get(i).join();
                assertThat(r.topic()).isEqualTo(topic);
                assertThat(r.offset()).isGreaterThanOrEqualTo(0);
                assertThat(r.messageId()).contains(ids.get(i));
            }
            List<Envelope> consumed = readAll(topic);
            assertThat(consumed).extracting(Envelope::id).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void invalidMessagesAreNeverWrittenAndNeverOpenTheBreaker() {
        String topic = TopicNames.unique("invalid");
        cluster.createTopics(topic);
        ProducerOptions options = ProducerOptions.builder(connection).minimumCalls(5).slidingWindowSize(10).build();
        try (MessageProducer producer = MessageProducer.create(pool, options)) {
            for (int i = 0; i < 100; i++) {
                CompletableFuture<SendResult> f = producer.send(topic, TestMessages.invalid());
                assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(MessageValidationException.class);
            }
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
            producer.send(topic, TestMessages.valid("good")).join();
            assertThat(readAll(topic)).hasSize(1);
        }
    }

    @Test
    void producersOfEqualSettingsShareOneKafkaProducer() {
        String topic = TopicNames.unique("shared");
        cluster.createTopics(topic);
        try (MessageProducer a = MessageProducer.create(pool, ProducerOptions.of(connection));
                MessageProducer b = MessageProducer.create(pool, ProducerOptions.of(connection))) {
            assertThat(pool.sharedProducerCount()).isEqualTo(1);
            assertThat(a.breakerName()).isEqualTo(b.breakerName());
            a.send(topic, TestMessages.valid("a")).join();
            a.close();
            b.send(topic, TestMessages.valid("b")).join();
        }
        assertThat(pool.sharedProducerCount()).isZero();
        assertThat(readAll(topic)).hasSize(2);
    }

    @Test
    void missingTopicFailsAsNotSentAfterSafeRetries() {
        ProducerOptions options = ProducerOptions.builder(connection).maxBlock(Duration.ofMillis(500)).maxAttempts(2)
                .backoff(Duration.ofMillis(50), 2, Duration.ofMillis(100)).build();
        try (MessageProducer producer = MessageProducer.create(pool, options)) {
            long t0 = System.nanoTime();
            CompletableFuture<SendResult> f = producer.send("no-such-topic-" + System.nanoTime(), TestMessages.valid("x"));
            assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.reason()).isEqualTo(SendFailureReason.TIMEOUT);
                assertThat(e.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
                assertThat(e.attempts()).isEqualTo(2);
            });
            System.out.printf("missing topic reported after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    @Test
    void tooLargeRecordIsRejectedWithoutTouchingTheBreaker() {
        String topic = TopicNames.unique("large");
        cluster.createTopics(topic);
        ProducerOptions options = ProducerOptions.builder(connection).minimumCalls(1).slidingWindowSize(1)
                .kafkaProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024).build();
        try (MessageProducer producer = MessageProducer.create(pool, options)) {
            byte[] big = new byte[4096];
            CompletableFuture<SendResult> f = producer.sendRecord(new ProducerRecord<>(topic, big));
            assertThatThrownBy(f::join).cause().isInstanceOfSatisfying(SendException.class, e -> {
                assertThat(e.reason()).isEqualTo(SendFailureReason.RECORD_TOO_LARGE);
                assertThat(e.deliveryState()).isEqualTo(DeliveryState.NOT_SENT);
                assertThat(e.attempts()).isEqualTo(1);
            });
            assertThat(producer.circuitState()).isEqualTo(CircuitState.CLOSED);
        }
    }

    @Test
    void prometheusScrapeShowsLibraryAndKafkaClientMetrics() {
        String topic = TopicNames.unique("metrics");
        cluster.createTopics(topic);
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        pool.metrics().bindTo(prometheus);
        try (MessageProducer producer = MessageProducer.create(pool, ProducerOptions.of(connection))) {
            for (int i = 0; i < 10; i++) {
                producer.send(topic, TestMessages.valid("m" + i)).join();
            }
            producer.send(topic, TestMessages.invalid()).exceptionally(e -> null).join();
            ProducerRecord<byte[], byte[]> raw = new ProducerRecord<>(topic, "x".getBytes(StandardCharsets.UTF_8));
            raw.headers().add(MessageHeaders.MESSAGE_ID, "raw-1".getBytes(StandardCharsets.UTF_8));
            producer.sendRecord(raw).join();
            String scrape = prometheus.scrape();
            System.out.println(scrape.lines().filter(l -> l.startsWith("kafka_utility")).reduce("", (a, b) -> a + b + "\n"));
            assertThat(scrape)
                    .contains("kafka_utility_messages_sent_total{topic=\"" + topic + "\",type=\"rag.document.uploaded\"} 10.0")
                    .contains("kafka_utility_messages_sent_total{topic=\"" + topic + "\",type=\"unknown\"} 1.0")
                    .contains("kafka_utility_messages_send_failed_total{reason=\"VALIDATION\",topic=\"" + topic + "\",type=\"rag.document.uploaded\"} 1.0")
                    .contains("kafka_utility_validation_failures_total{reason=\"SCHEMA_VIOLATION\",topic=\"" + topic)
                    .contains("kafka_utility_send_latency_seconds_count{outcome=\"success\",topic=\"" + topic + "\"} 11")
                    .contains("kafka_utility_circuit_state{breaker=\"" + producer.breakerName() + "\",state=\"closed\"} 1.0")
                    .contains("kafka_utility_circuit_state{breaker=\"" + producer.breakerName() + "\",state=\"open\"} 0.0")
                    .contains("kafka_producer_");
        }
    }
}
